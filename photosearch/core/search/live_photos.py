"""Live Photos: a phone's still and the short clip taken with it (``IMG_0042.HEIC`` and
``IMG_0042.MOV`` in one folder) are one item — the still, with the clip as its motion.

Paired when results are shown (a page at a time), from the files beside the hits: a clip
found by its moments stands for its still (one item, where the better of the two
ranked), and a still carries its clip, so the window can play it.
"""

from __future__ import annotations

import os
from dataclasses import replace

from photosearch.core.store.catalog import Catalog
from photosearch.core.types import Hit, Photo

LIVE_MAX_S = 4.0
"""Longest clip taken as a still's motion (phones record about three seconds)."""


def _key(path: str) -> tuple[str, str]:
    folder, name = os.path.split(path)
    return folder, os.path.splitext(name)[0].casefold()


def pair_live_photos(catalog: Catalog, hits: list[Hit]) -> list[Hit]:
    """``hits`` with each Live Photo once: its still, carrying its clip."""
    if not hits:
        return hits
    stills: dict[tuple[str, str], Photo] = {}
    clips: dict[tuple[str, str], Photo] = {}
    for photo in catalog.photos_beside(h.path for h in hits):
        if photo.is_video:
            if photo.duration is not None and photo.duration <= LIVE_MAX_S:
                clips[_key(photo.path)] = photo
        else:
            stills[_key(photo.path)] = photo
    paired: list[Hit] = []
    shown: set[str] = set()
    for hit in hits:
        key = _key(hit.path)
        still, clip = stills.get(key), clips.get(key)
        if still is None or clip is None:
            paired.append(hit)
            continue
        if still.path in shown:
            continue  # the still (or its clip) ranked better
        shown.add(still.path)
        if hit.photo.is_video:
            hit = Hit(still, hit.score, hit.words)
        paired.append(replace(hit, motion=clip))
    return paired
