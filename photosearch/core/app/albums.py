"""Albums (saved searches), as the window and the command line ask for them: kept by
name, re-run so that new photos join, marks learned into a score line, exported as
links, and taken back for a moment after a delete. The engine holds one as
``engine.albums``."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from photosearch.core.curate.albums import export_photos, learned_threshold
from photosearch.core.errors import PhotoSearchError
from photosearch.core.search.query import compose
from photosearch.core.search.searcher import Searcher, SearchResult
from photosearch.core.store import saved_searches as saved
from photosearch.core.store.catalog import Catalog
from photosearch.core.types import ImageQuery, SavedSearch

log = logging.getLogger(__name__)

ALBUM_LIMIT = 1000
"""The most photos an album lists (its best matches)."""


class Albums:
    def __init__(self, catalog: Catalog, searcher: Callable[[], Searcher]) -> None:
        self._catalog = catalog
        self._searcher = searcher

    def listed(self) -> list[SavedSearch]:
        """Every album, by name."""
        return saved.saved_searches(self._catalog)

    def save(self, name: str, text: str, images: tuple[str | ImageQuery, ...] = ()) -> SavedSearch:
        """Keep a search by name; with 👍/👎 marks it becomes an album whose score line
        is learned from them (written as ``min:`` into its text, where the user sees it),
        so that new photos join it only when they look like the ones liked."""
        query = compose(text, images)
        if query.marks and not query.filters.min_score:
            threshold = learned_threshold(self._searcher(), query)
            if threshold is not None:
                text = f"{text} min:{threshold:.3f}".strip()
        return saved.save_search(self._catalog, name, text, images)

    def named(self, name: str) -> SavedSearch:
        """An album by name, whatever the case."""
        return saved.saved_search(self._catalog, name)

    def photos(self, album: SavedSearch, limit: int = ALBUM_LIMIT) -> SearchResult:
        """An album's photos now: its search re-run, so photos indexed since it was saved
        that match are in it. A photo marked 👎 is never one of them (a search keeps it in
        sight, to take the mark back; an album leaves it out)."""
        query = compose(album.text, album.images)
        result = self._searcher().search(query, limit, 0, everything=True)
        unwanted = {os.path.abspath(i.path) for i in album.images if i.mark < 0}
        return replace(result, hits=[h for h in result.hits if h.path not in unwanted])

    def news(self, album: SavedSearch) -> int | None:
        """How many of an album's photos arrived since the user last opened it; None when
        it cannot be run now (no model yet, a query photo gone): opening it says why."""
        try:
            hits = self.photos(album).hits
        except PhotoSearchError as exc:
            log.info("album %s cannot be run now: %s", album.name, exc)
            return None
        return sum(h.photo.id > album.seen_photo_id for h in hits)

    def opened(self, album_id: int) -> int:
        """The user opens an album: returns the newest photo id seen before (what came
        after is new), and remembers that everything up to now has been seen."""
        return saved.mark_seen(self._catalog, album_id)

    def export(self, album: SavedSearch, target: Path, copy: bool = False) -> int:
        """Put an album's photos in a folder, as links to the originals (or copies);
        returns how many (``curate.albums.export_photos``)."""
        return export_photos([h.path for h in self.photos(album).hits], target, copy)

    def rename(self, album_id: int, name: str) -> None:
        saved.rename_search(self._catalog, album_id, name)

    def delete(self, album_id: int) -> None:
        saved.delete_search(self._catalog, album_id)

    def restore(self, album: SavedSearch) -> SavedSearch:
        """An album deleted a moment ago, back as it was saved (*Undo*)."""
        return saved.save_search(self._catalog, album.name, album.text, album.images)
