"""Relevance feedback: 👍 and 👎 on results move the query towards the liked photos and
away from the others (Rocchio: q' = q + β·mean(liked) − γ·mean(disliked)). The marks are
weighted query images, so a search, its marks and a saved album are one query."""

from __future__ import annotations

import numpy as np

from photosearch.core.types import ImageQuery

LIKED_WEIGHT = 1.0
"""β: how far the query moves towards the photos marked 👍 (together)."""
DISLIKED_WEIGHT = 0.5
"""γ: how far it moves away from those marked 👎 (together)."""


def marked_images(marks: dict[str, int]) -> list[ImageQuery]:
    """The marks (path → +1 or −1) as weighted query images, each side sharing its weight."""
    liked = sorted(p for p, mark in marks.items() if mark > 0)
    disliked = sorted(p for p, mark in marks.items() if mark < 0)
    return [ImageQuery(p, weight=LIKED_WEIGHT / len(liked), mark=1) for p in liked] + [
        ImageQuery(p, weight=-DISLIKED_WEIGHT / len(disliked), mark=-1) for p in disliked
    ]


def marks_of(images: tuple[ImageQuery, ...]) -> tuple[list[ImageQuery], dict[str, int]]:
    """Split saved query images into the user's own and the marks (path → +1 or −1)."""
    own = [i for i in images if not i.mark]
    marks = {i.path: i.mark for i in images if i.mark}
    return own, marks


MARGIN = 0.02
"""Below the least-liked photo's score, when nothing disliked scores near it."""


def album_threshold(liked: np.ndarray, disliked: np.ndarray) -> float | None:
    """The score an album's photos need, learned from the marked photos' own scores under
    the album's query: halfway between the lowest 👍 and the highest 👎 when they are
    apart, else just below the lowest 👍. None without a 👍 to learn from."""
    if not len(liked):
        return None
    lowest = float(np.min(liked))
    if len(disliked) and float(np.max(disliked)) < lowest:
        return (lowest + float(np.max(disliked))) / 2
    return lowest - MARGIN
