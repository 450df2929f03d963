"""Counts in words, the same in the window and on the command line."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 photo`` / ``5 photos``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def clock(seconds: float) -> str:
    """0:07, 1:02:03 — a clip's length or a moment in it, as players show them."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
