"""What the catalog knows of clips beyond their row: when each moment is, the vectors of
a clip's later moments, and the files beside a photo with its name (a Live Photo's still
and clip). Written with the clip in ``catalog.py`` (``_store_clips``), read here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np

from photosearch.core.store.catalog import MOMENT_KEY_SQL, Catalog
from photosearch.core.store.schema import LIVE_MAX_S, STEM_SQL
from photosearch.core.store.sql_functions import (
    PHOTO_COLUMNS,
    extension,
    path_bytes,
    photo_from_row,
    rows_in,
    unpack_vectors,
)
from photosearch.core.types import Photo


def clip_moments(
    catalog: Catalog, model_id: int, dim: int, photo_ids: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """(keys, vectors) of the later moments of these clips (photos have none)."""
    rows = rows_in(
        catalog.read(),
        f"SELECT {MOMENT_KEY_SQL}, vector FROM video_moments"
        " WHERE model_id = ? AND idx > 0 AND photo_id IN ({})",
        (model_id,),
        [int(i) for i in photo_ids],
    )
    return unpack_vectors(rows, dim)


def moment_times(
    catalog: Catalog, model_id: int, moments: Iterable[tuple[int, int]]
) -> dict[int, float]:
    """When each (clip, moment) is, by clip id; photos are left out."""
    db = catalog.read()
    found: dict[int, float] = {}
    for photo_id, idx in moments:
        row = db.execute(
            "SELECT at FROM video_moments WHERE photo_id = ? AND model_id = ? AND idx = ?",
            (photo_id, model_id, idx),
        ).fetchone()
        if row is not None:
            found[photo_id] = float(row[0])
    return found


def clip_times(catalog: Catalog, model_id: int, photo_id: int) -> list[float]:
    """Every moment's time of a clip, in order (none for a photo)."""
    rows = catalog.read().execute(
        "SELECT at FROM video_moments WHERE photo_id = ? AND model_id = ? ORDER BY idx",
        (photo_id, model_id),
    )
    return [float(r[0]) for r in rows]


def has_live_clips(catalog: Catalog) -> bool:
    """Whether any clip is short enough to be a Live Photo's motion."""
    row = (
        catalog.read()
        .execute("SELECT 1 FROM videos WHERE duration <= ? LIMIT 1", (LIVE_MAX_S,))
        .fetchone()
    )
    return row is not None


def same_name(catalog: Catalog, photo: Photo) -> list[Photo]:
    """The other files beside ``photo`` with its name and another extension (a Live
    Photo's still and clip), readable ones only."""
    raw = path_bytes(photo.path)
    stem = raw[: len(raw) - len(extension(photo.path))]
    rows = catalog.read().execute(
        f"SELECT {PHOTO_COLUMNS} FROM photos p JOIN folders f ON f.id = p.folder_id"
        f" WHERE p.dir_id = (SELECT id FROM dirs WHERE path = ?)"
        f" AND {STEM_SQL.format(t='p')} = ? AND p.id != ? AND p.status != 'error'",
        (path_bytes(os.path.dirname(photo.path)), stem, photo.id),
    )
    return [photo_from_row(row) for row in rows]
