"""One writer per library: an OS file lock in the data dir, released even on kill -9."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from photosearch.core.errors import CatalogLockedError


class InstanceLock:
    """Held by the process that indexes and writes; others get a clear refusal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the lock's life
        try:
            _lock(self._fh.fileno())
        except OSError:
            self._fh.seek(0)
            owner = self._fh.read().strip() or "another process"
            self._fh.close()
            raise CatalogLockedError(
                f"PhotoSearch is already running on this library (pid {owner}). Close it "
                "first; searching from the command line works while it runs."
            ) from None
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(str(os.getpid()))
        self._fh.flush()

    def release(self) -> None:
        if not self._fh.closed:
            self._fh.close()


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
