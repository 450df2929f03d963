"""Keys of the vector index: a photo's id, or a clip's moment (the clip's id and the
moment's number in one 64-bit key).

A clip's first moment is its photo key (its row in ``embeddings``); moments 1… get
``MOMENT_BIT | photo_id << 8 | idx``, so a key tells its clip and moment by arithmetic
alone and a search can return each clip once, at its best moment.
"""

from __future__ import annotations

import numpy as np

MOMENT_BIT = np.int64(1) << np.int64(62)
MOMENTS_PER_CLIP = 256
"""Room for moments per clip in a key (``videos.MAX_MOMENTS`` uses fewer)."""


def moment_keys(photo_ids: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Keys of moments ``idx`` (≥ 1) of clips ``photo_ids``."""
    return MOMENT_BIT | (photo_ids.astype(np.int64) << np.int64(8)) | idx.astype(np.int64)


def split_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(photo ids, moment numbers) of index keys; a photo's own key is its moment 0."""
    keys = keys.astype(np.int64)
    moment = (keys & MOMENT_BIT) != 0
    photo_ids = np.where(moment, (keys & ~MOMENT_BIT) >> np.int64(8), keys)
    idx = np.where(moment, keys & np.int64(MOMENTS_PER_CLIP - 1), 0)
    return photo_ids, idx


def best_per_photo(
    keys: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best first ``keys`` collapsed to one entry per photo: (photo ids, moment numbers,
    scores), each photo at its best-scoring key."""
    photo_ids, idx = split_keys(keys)
    _, first = np.unique(photo_ids, return_index=True)
    first.sort()
    return photo_ids[first], idx[first], scores[first]
