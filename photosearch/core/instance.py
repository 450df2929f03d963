"""One writer per library: an OS file lock in the data dir, released even on kill -9.

``filelock`` locks the same way on every platform (``fcntl`` on POSIX, ``msvcrt`` on
Windows, where a hand-written lock at the end of an append handle locked a different
byte per process). The owner's pid goes in a file beside it, for the message.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import FileLock, Timeout

from photosearch.core.errors import CatalogLockedError


class InstanceLock:
    """Held by the process that indexes and writes; others get a clear refusal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._owner = path.with_name(path.name + ".pid")
        self._lock = FileLock(path, timeout=0)
        try:
            self._lock.acquire()
        except Timeout:
            raise CatalogLockedError(
                f"PhotoSearch is already running on this library ({self._owner_text()}). "
                "Close it first; searching works while it runs."
            ) from None
        with contextlib.suppress(OSError):
            self._owner.write_text(str(os.getpid()), encoding="utf-8")

    def _owner_text(self) -> str:
        try:
            pid = self._owner.read_text(encoding="utf-8").strip()
        except OSError:
            pid = ""
        return f"process {pid}" if pid.isdigit() else "another process"

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
