"""Errors with messages written for the person using the app."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


class PhotoSearchError(Exception):
    """Base of every error PhotoSearch reports to the user instead of a traceback."""


class CatalogError(PhotoSearchError):
    """The catalog database cannot be used."""


class CatalogTooNewError(CatalogError):
    """The catalog was written by a newer PhotoSearch; we refuse to touch it."""


class CatalogLockedError(CatalogError):
    """Another PhotoSearch process is using this catalog."""


class ModelError(PhotoSearchError):
    """A model cannot be found, downloaded or loaded."""


class ModelNotAvailableError(ModelError):
    """The model's weights are not on disk and cannot be fetched now.

    ``reason`` is what happened, for the window; ``hint`` the commands that help, which
    the command line prints after it (no window tells anyone to run a command).
    """

    def __init__(self, reason: str, hint: str | Callable[[], str] = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self._hint = hint

    @property
    def hint(self) -> str:
        """Made when first asked for: a registry model's download address comes from
        open_clip, whose import takes seconds the window must not wait for."""
        if callable(self._hint):
            self._hint = self._hint()
        return self._hint

    def __str__(self) -> str:
        return f"{self.reason}\n{self.hint}" if self.hint else self.reason


class DownloadCancelled(ModelError):
    """The user stopped a download."""


class QueryError(PhotoSearchError):
    """A search query cannot be understood."""


class ImageError(PhotoSearchError):
    """One image cannot be read; indexing skips it and records the reason."""


class FileGoneError(ImageError):
    """The file disappeared between scanning and reading it."""


class StorageError(PhotoSearchError):
    """PhotoSearch's own data folder cannot be written now: full, read-only or gone.

    Nothing written before is lost (the catalog rolls the failed transaction back, the
    vector index is replaced only by a complete file), so the message says so. ``short``
    is the reason in a few words, for a status bar.
    """

    def __init__(self, message: str, short: str = "PhotoSearch cannot write its data") -> None:
        super().__init__(message)
        self.short = short


_OS_PROBLEMS = {
    "full": {errno.ENOSPC, errno.EDQUOT, errno.EFBIG},
    "read-only": {errno.EROFS},
    "denied": {errno.EACCES, errno.EPERM},
    "gone": {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ESTALE},
    "faulty": {errno.EIO},
}
_SQLITE_PROBLEMS = {
    "database or disk is full": "full",
    "attempt to write a readonly database": "read-only",
    "disk i/o error": "faulty",
    "unable to open database file": "gone",
}
_MESSAGES = {
    "full": "The disk that holds PhotoSearch's data is full ({folder}).",
    "read-only": "PhotoSearch's data folder has become read-only ({folder}).",
    "denied": "PhotoSearch is not allowed to write to its data folder ({folder}).",
    "gone": "PhotoSearch's data folder is not there ({folder}); was it on a drive that "
    "has been removed?",
    "faulty": "The disk that holds PhotoSearch's data reported a read or write error ({folder}).",
    "unwritable": "PhotoSearch could not write to its data folder ({folder}).",
}
_SHORT = {
    "full": "the disk is full",
    "read-only": "the data folder is read-only",
    "denied": "the data folder may not be written",
    "gone": "the data folder is not there",
    "faulty": "the disk reports errors",
    "unwritable": "the data folder cannot be written",
}
_AFTER = (
    " Nothing was lost; indexing goes on from where it stopped once the folder can be"
    " written again."
)


def storage_error(exc: BaseException, folder: Path) -> StorageError | None:
    """The user's words for a failed write to ``folder`` (None: not such a failure).

    An OSError about some other file (a photo that vanished) is not the data folder's.
    """
    kind = None
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        kind = next((k for message, k in _SQLITE_PROBLEMS.items() if message in text), None)
    elif isinstance(exc, OSError) and exc.errno is not None:
        name = exc.filename
        if name is None or Path(os.fsdecode(name)).is_relative_to(folder):
            kind = next((k for k, codes in _OS_PROBLEMS.items() if exc.errno in codes), None)
    if kind is None:
        return None
    if kind in ("faulty", "gone"):
        # a folder that is there and healthy was not removed (too many open files, say)
        kind = _state_of(folder) or ("unwritable" if kind == "gone" else kind)
    return StorageError(_MESSAGES[kind].format(folder=folder) + _AFTER, _SHORT[kind])


LOW_SPACE = 1 << 20


def on_read_only_disk(folder: Path) -> bool:
    """Whether ``folder`` lies on a file system mounted read-only now."""
    return _state_of(folder) == "read-only"


def _state_of(folder: Path) -> str | None:
    """What the file system says now: SQLite reports a full disk or a read-only one
    as "disk I/O error" when it cannot create a catalog's shared-memory file."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return "gone" if not os.path.isdir(folder) else None
    if stats.f_flag & os.ST_RDONLY:
        return "read-only"
    if stats.f_bavail * stats.f_frsize < LOW_SPACE:
        return "full"
    return None


@contextmanager
def writing_to(folder: Path) -> Iterator[None]:
    """A write to ``folder`` that fails (disk full, read-only, drive gone) becomes one
    StorageError saying so; what was written before stays as it was."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        problem = storage_error(exc, folder)
        if problem is None:
            raise
        log.warning("%s (%s: %s)", problem, type(exc).__name__, exc)
        raise problem from exc


def os_reason(exc: OSError) -> str:
    """An OS error in words ("permission denied"), without errno numbers."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]
