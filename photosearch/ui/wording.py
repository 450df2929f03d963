"""Numbers in words people read: counts, durations, sizes, progress sentences."""

from __future__ import annotations

import os

from photosearch.core.types import Progress
from photosearch.core.wording import count


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def library_size(items: int, videos: int) -> str:
    """``1,204 photos``, or ``1,180 photos and 24 videos`` once clips are among them."""
    if not videos:
        return count(items, "photo")
    return f"{count(items - videos, 'photo')} and {count(videos, 'video')}"


def file_size(size: int) -> str:
    """``820 KB``, ``3.4 MB``: sizes as file managers show them."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    if size < 1000**3:
        return f"{size / 1000**2:.1f} MB"
    return f"{size / 1000**3:.2f} GB"


PHASE_WORDS = {
    "index": "Indexing {count} photos",
    "metadata": "Reading photo details: {count} photos",
    "places": "Finding places: {count} photos",
    "faces": "Looking for faces: {count}",
    "read text": "Looking for words in photos: {count}",
}
"""What each counted pass over the photos is called in the status bar."""


def progress_text(p: Progress, paused: bool) -> str:
    """ "Indexing 240 of 323 photos · 62 photos/s · about 1 s left", or the scan's count."""
    verb = PHASE_WORDS.get(p.phase)
    if verb is None:
        text = f"Looking for new photos · {p.done:,} files checked"
    else:
        total = f" of {p.total:,}" if p.total else ""
        text = verb.format(count=f"{p.done:,}{total}")
        if paused:  # no speed or time left while nothing moves
            return text + " · paused"
        if p.rate:
            text += f" · {p.rate:.1f} photos/s" if p.rate < 10 else f" · {p.rate:.0f} photos/s"
        if p.eta:
            text += f" · about {duration(p.eta)} left"
    return text + (" · paused" if paused else "")


def download_text(p: Progress) -> str:
    """ "Downloading 120 of 605 MB · 8.1 MB/s · about 1 min left"."""
    text = f"Downloading {p.done / 1e6:,.0f}"
    if p.total:
        text += f" of {p.total / 1e6:,.0f}"
    text += " MB"
    if p.rate:
        text += f" · {p.rate / 1e6:.1f} MB/s"
    if p.eta is not None:
        text += (
            f" · about {p.eta:.0f} s left" if p.eta < 90 else f" · about {p.eta / 60:.0f} min left"
        )
    return text


def shown(path: str) -> str:
    """A file or folder name as a file manager shows it: bytes that are not UTF-8 (a name
    from an old camera or another system) as �, the rest as they are."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "replace")
    return path
