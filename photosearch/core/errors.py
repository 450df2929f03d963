"""Errors with messages written for the person using the app."""

from __future__ import annotations


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

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(f"{reason}\n{hint}" if hint else reason)
        self.reason = reason
        self.hint = hint


class DownloadCancelled(ModelError):
    """The user stopped a download."""


class QueryError(PhotoSearchError):
    """A search query cannot be understood."""


class ImageError(PhotoSearchError):
    """One image cannot be read; indexing skips it and records the reason."""


class FileGoneError(ImageError):
    """The file disappeared between scanning and reading it."""
