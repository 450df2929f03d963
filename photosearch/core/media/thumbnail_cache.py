"""The thumbnail cache's size budget: pruned least-recently-used, in the background.

Thumbnails are made once per file version (``images.thumbnail``) and marked as used by
their modification time, refreshed at most once an hour when one is shown again; when the
cache outgrows its budget, the least recently used go first, down to 90 % of the budget
(so that a cache at its limit is not pruned again at every new thumbnail).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MB = 1 << 20
DEFAULT_BUDGET_MB = 2048
KEEP_FRACTION = 0.9
TOUCH_AFTER_S = 3600.0
"""A thumbnail shown again is marked as used when its mark is older than this."""


@dataclass(frozen=True, slots=True)
class Pruned:
    removed: int
    freed_bytes: int
    kept_bytes: int


def prune(folder: Path, budget_bytes: int) -> Pruned:
    """Delete the least recently used thumbnails until the cache fits ``budget_bytes``."""
    entries: list[tuple[int, int, str]] = []  # (mtime_ns, size, path)
    for shard in _scan(folder):
        for entry in _scan(Path(shard.path)):
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            entries.append((st.st_mtime_ns, st.st_size, entry.path))
    total = sum(size for _, size, _ in entries)
    if total <= budget_bytes:
        return Pruned(0, 0, total)
    target = int(budget_bytes * KEEP_FRACTION)
    removed = freed = 0
    for _, size, path in sorted(entries):
        if total - freed <= target:
            break
        try:
            os.unlink(path)
        except OSError as exc:
            log.info("cannot remove the thumbnail %s: %s", path, exc)
            continue
        removed += 1
        freed += size
    log.info("thumbnail cache: removed %d (%.0f MB)", removed, freed / MB)
    return Pruned(removed, freed, total - freed)


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except OSError:
        return []
