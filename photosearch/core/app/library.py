"""The library as the window, the command line and the HTTP API see it: its folders and
their options, what could not be read, counts by month and folder, places, one photo's
details, duplicates and moving copies to the trash (and back). The engine holds one as
``engine.library``; photos it forgets leave the vector index with them (``forget``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from photosearch.core.app.people import People, who_is_in
from photosearch.core.curate.duplicates import (
    DEFAULT_THRESHOLD,
    DuplicateGroup,
    TrashPlan,
    find_duplicates,
    plan_trash,
)
from photosearch.core.curate.trash import Trashed, move_to_trash, restore
from photosearch.core.errors import PhotoSearchError, QueryError, os_reason
from photosearch.core.index.scanner import library_link_targets
from photosearch.core.media.details import PhotoDetails, read_details
from photosearch.core.search.query import parse
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.clips import clip_times
from photosearch.core.store.filters import where_sql
from photosearch.core.store.fulltext import place_counts, place_of, places_of, words_read
from photosearch.core.store.vectors import VectorStore
from photosearch.core.types import (
    Folder,
    JobControl,
    Photo,
    Place,
    ProgressCallback,
    no_progress,
)


class Library:
    def __init__(
        self,
        catalog: Catalog,
        vectors: Callable[[], VectorStore],
        forget: Callable[[list[int]], None],
        people: People,
    ) -> None:
        """``vectors``: the active model's index (opened on first use); ``forget``: the
        engine's one way to drop photos from it, under its lock."""
        self._catalog = catalog
        self._vectors = vectors
        self._forget = forget
        self._people = people

    def add_folder(self, path: str | Path) -> Folder:
        folder = os.path.abspath(os.path.expanduser(os.fspath(path)))
        if not os.path.isdir(folder):
            raise PhotoSearchError(f"The folder {folder} does not exist or is not a folder.")
        for existing in self._catalog.folders():
            if folder == existing.path:
                return self._catalog.add_folder(folder)
            if folder.startswith(existing.path.rstrip(os.sep) + os.sep):
                raise PhotoSearchError(f"{folder} is already included in {existing.path}.")
        return self._catalog.add_folder(folder)

    def remove_folder(self, path: str | Path) -> int:
        """Forget a folder and its photos (the files themselves are untouched)."""
        folder = self._catalog.folder_by_path(os.path.abspath(os.path.expanduser(os.fspath(path))))
        if folder is None:
            raise PhotoSearchError(f"{path} is not one of your folders.")
        removed = self._catalog.remove_folder(folder.id)
        self._forget(removed)
        return len(removed)

    def folders(self) -> list[Folder]:
        return self._catalog.folders()

    def places(self) -> list[tuple[Place, int]]:
        """Every town the library's photos were taken in, with how many, most first."""
        return place_counts(self._catalog)

    def places_of(self, photo_ids: Sequence[int]) -> dict[int, Place]:
        """Where each of these photos was taken (those with a place)."""
        return places_of(self._catalog, photo_ids)

    def set_folder_options(self, path: str, enabled: bool, polling: bool) -> bool:
        """Turn a folder on or off, or have it looked at by polling (network drives);
        False when it is not one of the user's folders."""
        folder = self._catalog.folder_by_path(path)
        if folder is None:
            return False
        self._catalog.set_folder_flags(folder.id, enabled=enabled, force_polling=polling)
        return True

    def skipped_files(self) -> list[tuple[str, str]]:
        """Files indexing could not read, each with its reason."""
        return self._catalog.errors()

    def retry_skipped(self) -> int:
        """Give every skipped file another try at the next update; how many there were."""
        return self._catalog.retry_errors()

    def counts(self) -> dict[str, int]:
        """Photos in the library, indexed, waiting and skipped, for the status bar."""
        return self._catalog.counts(None)

    def month_counts(self) -> dict[str, int]:
        """Photos taken (or else modified) each month, ``YYYY-MM``: the library's dates."""
        return self._catalog.month_counts("p.status != 'error'", [])

    def folder_counts(self) -> dict[str, int]:
        """Photos held directly by each directory (for a folder tree with counts)."""
        return self._catalog.dir_counts()

    # -- duplicates ----------------------------------------------------------------------

    def duplicates(
        self,
        text: str = "",
        threshold: float | None = None,
        progress: ProgressCallback = no_progress,
        control: JobControl | None = None,
    ) -> list[DuplicateGroup]:
        """Exact copies and near-duplicates among the photos the filters in ``text``
        allow (``in:``, ``after:``, ``before:``, ``type:``); the one to keep first."""
        query = parse(text)
        if query.terms:
            raise QueryError("Duplicates take filters only, e.g. in:Holidays after:2020.")
        where, params = where_sql(query.filters)
        return find_duplicates(
            self._catalog,
            self._vectors(),
            where,
            params,
            DEFAULT_THRESHOLD if threshold is None else threshold,
            progress,
            control,
            self._link_targets(),
        )

    def _link_targets(self) -> frozenset[str]:
        """Files that links in the user's folders point to: kept, never trashed."""
        return library_link_targets(f.path for f in self._catalog.folders() if f.enabled)

    def trash_copies(
        self, groups: list[DuplicateGroup], chosen: list[str] | None = None
    ) -> TrashPlan:
        """Move copies to the system's trash (never deleted for good) and forget them:
        ``chosen`` paths, else all but the first of each group. Each is checked again
        first (``plan_trash``); the plan says what moved and what was skipped, why. A
        file already gone is only forgotten."""
        plan = plan_trash(groups, chosen, self._link_targets())
        moved: list[Photo] = []
        for photo in plan.move:
            try:
                plan.trashed.append(move_to_trash(photo.path))
            except OSError as exc:
                plan.skipped.append((photo.path, f"could not be moved: {os_reason(exc)}"))
                continue
            moved.append(photo)
        for photo in [*moved, *plan.gone]:
            self._catalog.remove_photo(photo.id)
        self._forget([photo.id for photo in [*moved, *plan.gone]])
        plan.move = moved
        return plan

    def restore_trashed(self, items: list[Trashed]) -> list[str]:
        """Put photos moved to the trash back where they were (*Undo*); returns those put
        back. The next scan lists them again."""
        return [item.path for item in items if restore(item)]

    # -- details -------------------------------------------------------------------------

    def details(self, path: str) -> PhotoDetails:
        """What one photo's file says of it (camera, exposure, title…), the words read
        in it and the town it was taken in."""
        place = place_of(self._catalog, path)
        return replace(
            read_details(path),
            words=words_read(self._catalog, path),
            place=place.words() if place is not None else None,
            people=who_is_in(self._people.faces_in(path)),
        )

    def moments_of(self, path: str) -> list[float]:
        """When a clip's moments are (seconds), for its seek bar; none for a photo."""
        photo = self._catalog.photo_by_path(path)
        if photo is None or not photo.is_video:
            return []
        return clip_times(self._catalog, self._vectors().model_id, photo.id)

    def photo(self, photo_id: int) -> Photo | None:
        """A catalogued photo by id (what the HTTP API names photos by)."""
        return self._catalog.photos([photo_id]).get(photo_id)
