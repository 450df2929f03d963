"""What the user is searching for, beside the words in the search field: the photos
searched by (whole, a region, a clip's moment), the 👍/👎 marks on results, the folder a
search stays in, and whether the grid lists photos rather than answering a search.

The window shows this state; its rules (marks go with the photos searched by, a folder's
filter joins the words, filters alone or a folder without words make a listing) live
here and are tested without a window.
"""

from __future__ import annotations

import os

from photosearch.core.errors import QueryError
from photosearch.core.search.feedback import marked_images, marks_of
from photosearch.core.search.query import parse
from photosearch.core.types import Crop, ImageQuery, SavedSearch


class SearchSession:
    def __init__(self) -> None:
        self.images: list[str] = []
        """The photos searched by, in the order they were added (the chips)."""
        self.crops: dict[str, Crop] = {}
        """Query photos searched by a region only (chosen in the viewer)."""
        self.moments: dict[str, float] = {}
        """Clips searched by: the moment shown (their best match) rather than their start."""
        self.marks: dict[str, int] = {}
        """👍 (+1) / 👎 (−1) on results of this search, by path."""
        self.scope: str | None = None
        """The folder chosen in the sidebar: searches and listings stay inside it."""
        self.browsing = False
        """The grid lists photos (All photos, a folder) rather than answering a search."""
        self.album_seen: tuple[int, int] | None = None
        """(album id, newest photo id seen before it was opened): later ones are new."""

    # -- where the search looks -----------------------------------------------------------

    def everywhere(self) -> None:
        """Search the whole library (a search of its own, not a folder's listing)."""
        self.scope = None
        self.browsing = False

    def browse(self, folder: str | None) -> None:
        """List a folder's photos (None: all photos), newest first."""
        self.scope = folder
        self.browsing = True

    def inside(self, folder: str) -> bool:
        """Whether the search stays in ``folder`` or a folder below it."""
        return self.scope is not None and (
            self.scope == folder or self.scope.startswith(folder + os.sep)
        )

    # -- the photos searched by -----------------------------------------------------------

    def add_image(self, path: str) -> bool:
        """Search by ``path`` too; False when it is searched by already."""
        if path in self.images:
            return False
        self.images.append(path)
        return True

    def remove_image(self, path: str) -> None:
        self.images.remove(path)
        self.crops.pop(path, None)
        self.moments.pop(path, None)

    def clear_images(self) -> None:
        """No photos searched by, and no marks (they steered a search that is gone)."""
        self.images.clear()
        self.crops.clear()
        self.moments.clear()
        self.marks.clear()

    def open_album(self, saved: SavedSearch) -> list[str]:
        """Take an album's query photos and marks; the photos to show as chips."""
        self.everywhere()
        self.clear_images()
        own, self.marks = marks_of(saved.images)
        for image in own:
            if image.crop is not None:
                self.crops[image.path] = image.crop
            self.images.append(image.path)
        return list(self.images)

    def image_queries(self) -> list[ImageQuery]:
        """The chips (whole photos or regions) and the marks on results, as one query."""
        own = [ImageQuery(p, self.crops.get(p), at=self.moments.get(p)) for p in self.images]
        return own + marked_images(self.marks)

    # -- marks ----------------------------------------------------------------------------

    def can_mark(self, text: str) -> bool:
        """Marks steer a search: there must be one (words, photos, or marks already)."""
        return bool(text or self.images or self.marks)

    def mark(self, paths: list[str], value: int) -> None:
        """👍 (+1) or 👎 (−1); marking again with the same value takes the mark back."""
        for path in paths:
            if self.marks.get(path) == value:
                del self.marks[path]
            else:
                self.marks[path] = value

    def mark_badges(self) -> dict[str, str]:
        return {p: ("▲ more" if m > 0 else "▼ less") for p, m in self.marks.items()}

    # -- the search as asked --------------------------------------------------------------

    def asks(self, text: str) -> bool:
        """Whether there is anything to show: words, photos, or a listing."""
        return bool(text or self.images or self.browsing)

    def lists(self, text: str) -> bool:
        """Whether the grid lists photos (no relevance to sort by): a folder or all photos
        without words, or filters alone (``place:Lisbon``, *On this day*)."""
        return not self.images and ((self.browsing and not text) or filters_only(text))

    def full_text(self, text: str, sort: str | None = None) -> str:
        """The words with the folder's ``in:`` filter and the sort order the window chose
        (unless the words name one)."""
        parts = [text]
        if self.scope:
            parts.append(scope_filter(self.scope))
        if sort and "sort:" not in text.lower():
            parts.append(f"sort:{sort}")
        return " ".join(p for p in parts if p)

    def to_keep(self, text: str) -> tuple[str, list[ImageQuery]]:
        """The search as an album keeps it: the words and filters (the folder browsed
        included) and the query images with their marks."""
        return self.full_text(text), self.image_queries()

    def new_since(self, album: int | None) -> int | None:
        """The newest photo id seen when ``album`` was opened (later ones are new)."""
        if album is None or self.album_seen is None or self.album_seen[0] != album:
            return None
        return self.album_seen[1]


def filters_only(text: str) -> bool:
    """Whether ``text`` is filters alone (``place:Lisbon``, *On this day*): a listing, newest
    first, with no relevance to sort by."""
    try:
        query = parse(text)
    except QueryError:
        return False
    return bool(text.strip()) and not query.terms


def scope_filter(folder: str) -> str:
    """The ``in:`` filter for one folder (and those below it), quoted as the parser reads."""
    return f'in:"{folder}"'
