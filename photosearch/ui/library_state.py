"""What the window says of the library and the model when nothing else is shown: the
status bar's words between jobs, and the empty page's next step. Plain functions of the
facts, without widgets, so that every case is tested without a window."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from photosearch.core.model import models
from photosearch.core.types import Folder
from photosearch.ui.wording import library_size


@dataclass(frozen=True, slots=True)
class LibraryFacts:
    model_state: str
    """``loading``, ``text`` (words can be searched already), ``ready``, ``missing``, ``error``."""
    model_message: str
    """The model's name (ready, text), what loads (loading), or what went wrong (error)."""
    storage_problem: str | None
    """Why indexing waits (the data folder cannot be written), in a few words."""
    folders: int
    photos: int
    """Photos and videos, skipped files left out."""
    videos: int
    indexing: bool
    asking: bool
    """Words typed, or a photo to search by."""


@dataclass(slots=True)
class LibraryState:
    """The library and the model as the engine last said: what the status bar and the
    empty page are worded from, and whether a search can run yet."""

    model_state: str = "loading"
    """As in ``LibraryFacts``."""
    model_message: str = ""
    storage_problem: str | None = None
    answering: str = ""
    """The model answering searches (the previous one while a new one indexes)."""
    folders: list[Folder] = field(default_factory=list)
    photos: int = 0
    """Photos and videos, skipped files left out."""
    videos: int = 0

    def take_counts(self, counts: Mapping[str, Any]) -> None:
        """The engine's counts (``status``): photos, errors, videos, the answering model."""
        self.photos = int(counts.get("photos", 0)) - int(counts.get("errors", 0))
        self.videos = int(counts.get("videos", 0))
        self.answering = str(counts.get("answering") or "")

    def facts(self, indexing: bool, asking: bool) -> LibraryFacts:
        return LibraryFacts(
            self.model_state,
            self.model_message,
            self.storage_problem,
            len(self.folders),
            self.photos,
            self.videos,
            indexing,
            asking,
        )

    def can_search(self, by_photos: bool) -> bool:
        """Words can be searched once the text tower is up; photos need the whole model."""
        return self.model_state == "ready" or (self.model_state == "text" and not by_photos)

    def stand_in_note(self, chosen: str) -> str:
        """While a newly chosen model indexes, searches are answered by the previous one."""
        if self.answering and self.answering != chosen:
            return f" · searches use {self.answering} until {chosen} is done"
        return ""

    def unreadable(self) -> set[str]:
        """The folders (or folders inside them) that cannot be read."""
        return {path for folder in self.folders for path, _ in folder.unreadable}


@dataclass(frozen=True, slots=True)
class NextStep:
    """The empty page: what is going on, and the one button that helps."""

    text: str
    """Rich text."""
    button: str = ""
    action: str | None = None
    """``model`` (get one), ``folders`` (add some), ``browse`` (list every photo)."""


def state_text(facts: LibraryFacts) -> str:
    """The status bar between jobs: the library and the model, as they are now."""
    if facts.storage_problem:
        return f"Indexing waits: {facts.storage_problem} — searching still works"
    state, name = facts.model_state, facts.model_message
    if state == "ready":
        demo = " (the demo model: it only knows coloured shapes)" if name == models.DEMO_KEY else ""
        return f"Up to date — {library_size(facts.photos, facts.videos)} · model {name}{demo}"
    if state == "text":
        return f"Model {name} still loading — searching by words works already"
    if state == "loading":
        return name
    if state == "missing":
        return "No model yet — PhotoSearch needs one to search"
    return "The model could not be loaded"


def next_step(facts: LibraryFacts) -> NextStep | None:
    """What to do next when the grid has nothing to show (None: it waits for results)."""
    if facts.model_state == "missing":
        return NextStep(
            "<h3>PhotoSearch needs its model</h3>"
            "<p>It is downloaded once and then works offline.</p>",
            "Get the model…",
            "model",
        )
    if facts.model_state == "error":
        return NextStep(
            f"<h3>The model could not be loaded</h3><p>{html.escape(facts.model_message)}</p>"
        )
    if facts.folders == 0:
        return NextStep(
            "<h3>No folders yet</h3><p>Which folders hold your photos?</p>",
            "Add folders…",
            "folders",
        )
    if facts.indexing and not facts.asking:
        return NextStep(
            "<h3>Indexing your photos…</h3><p>You can search already: results grow as more "
            "photos are indexed. Progress is shown at the bottom right.</p>"
        )
    if facts.photos == 0:
        return NextStep(
            "<h3>No photos found yet</h3><p>Your folders hold no photos PhotoSearch can read.</p>",
            "Add folders…",
            "folders",
        )
    if not facts.asking:
        return NextStep(
            f"<h3>Search {library_size(facts.photos, facts.videos)}</h3><p>Describe what you "
            "are looking for, drop a photo on this window, or paste one.</p>",
            "Browse all photos",
            "browse",
        )
    return None
