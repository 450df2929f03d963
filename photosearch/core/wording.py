"""Counts in words, the same in the window and on the command line."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 photo`` / ``5 photos``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
