"""Live Photos: a phone's still and the short clip taken with it (``IMG_0042.HEIC`` and
``IMG_0042.MOV`` in one folder) are one item — the still, with the clip as its motion.

Listings leave such clips out in SQL (``store/schema.py`` ``LIVE_CLIP_SQL``), so pages keep
their length; a ranking pairs its hits before it is cut into pages: a clip found by its
moments stands for its still (once, where the better of the two ranked), and a still
carries its clip, so the window can play it. Libraries without short clips pay nothing.
"""

from __future__ import annotations

from dataclasses import replace

from photosearch.core.store.catalog import Catalog
from photosearch.core.store.clips import has_live_clips, same_name
from photosearch.core.store.schema import LIVE_MAX_S
from photosearch.core.types import Hit, Photo


def _partner(catalog: Catalog, photo: Photo) -> Photo | None:
    """A still's short clip, or a short clip's still."""
    if photo.is_video and (photo.duration is None or photo.duration > LIVE_MAX_S):
        return None
    for other in same_name(catalog, photo):
        if photo.is_video and not other.is_video:
            return other
        if not photo.is_video and other.duration is not None and other.duration <= LIVE_MAX_S:
            return other
    return None


def pair_live_photos(
    catalog: Catalog, hits: list[Hit], leave_out: frozenset[str] = frozenset()
) -> list[Hit]:
    """``hits`` with each Live Photo once: its still, carrying its clip. A pair one of
    whose files is in ``leave_out`` (the photo searched by, one marked 👎) is left out."""
    if not hits or not has_live_clips(catalog):
        return hits
    paired: list[Hit] = []
    shown: set[str] = set()
    for hit in hits:
        partner = _partner(catalog, hit.photo)
        if partner is None:
            paired.append(hit)
            continue
        still, clip = (partner, hit.photo) if hit.photo.is_video else (hit.photo, partner)
        if still.path in leave_out or clip.path in leave_out or still.path in shown:
            continue
        shown.add(still.path)
        if hit.photo.is_video:
            hit = Hit(still, hit.score, hit.words)
        paired.append(replace(hit, motion=clip))
    return paired
