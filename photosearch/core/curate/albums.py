"""Albums beyond the search itself: the score line learned from 👍/👎 marks, and taking
an album's photos out of the app into a folder."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np

from photosearch.core.errors import PhotoSearchError, os_reason
from photosearch.core.search.feedback import album_threshold
from photosearch.core.search.query import Query
from photosearch.core.search.searcher import Searcher

log = logging.getLogger(__name__)


def learned_threshold(searcher: Searcher, query: Query) -> float | None:
    """The score an album's photos need, from its marked photos' scores under ``query``
    (its words, images and marks: see ``feedback.album_threshold``)."""
    vector = searcher.query_vector(query)
    if vector is None:
        return None
    marks = [t for t in query.marks if t.image is not None]
    scores = {t.image: float(searcher.image_vector(t.image) @ vector) for t in marks if t.image}
    liked = [scores[t.image] for t in marks if t.image and t.mark > 0]
    disliked = [scores[t.image] for t in marks if t.image and t.mark < 0]
    return album_threshold(np.array(liked), np.array(disliked))


def export_photos(paths: list[str], target: Path, copy: bool = False) -> int:
    """Put photos in a folder, as links to the originals (or copies); returns how many.
    Names that clash get a number, nothing is overwritten; a photo that cannot be reached
    now (its drive away) is not copied."""
    done = 0
    try:
        target.mkdir(parents=True, exist_ok=True)
        for path in paths:
            source = Path(path)
            dest = target / source.name
            n = 2
            while dest.exists() or dest.is_symlink():
                dest = target / f"{source.stem} ({n}){source.suffix}"
                n += 1
            if not copy:
                os.symlink(source, dest)
            elif source.is_file():
                shutil.copy2(source, dest)
            else:
                log.info("not exported (not reachable now): %s", source)
                continue
            done += 1
    except OSError as exc:
        raise PhotoSearchError(
            f"Cannot write to {target}: {os_reason(exc)} ({done} photos were exported)."
        ) from exc
    return done
