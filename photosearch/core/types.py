"""Small immutable values that cross module and thread boundaries."""

from __future__ import annotations

import os
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a long operation is; ``total`` is None while it is still unknown."""

    phase: str
    done: int
    total: int | None = None
    errors: int = 0
    rate: float | None = None  # items per second
    eta: float | None = None  # seconds left


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback for callers that do not show progress."""


class ProgressMeter:
    """Turns (done, total) counts into Progress values with a smoothed rate and ETA."""

    def __init__(self, phase: str, total: int | None, callback: ProgressCallback) -> None:
        self.phase = phase
        self.total = total
        self.callback = callback
        self.done = 0
        self.errors = 0
        self._start = time.monotonic()

    def advance(self, n: int = 1, errors: int = 0) -> None:
        self.done += n
        self.errors += errors
        self.report()

    def report(self) -> None:
        elapsed = time.monotonic() - self._start
        rate = self.done / elapsed if elapsed > 0 and self.done else None
        eta = None
        if rate and self.total is not None:
            eta = max(0.0, (self.total - self.done) / rate)
        self.callback(Progress(self.phase, self.done, self.total, self.errors, rate, eta))


@dataclass(slots=True)
class JobControl:
    """Stop and pause switches shared between a long job and whoever started it."""

    stop: threading.Event = field(default_factory=threading.Event)
    running: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    """Set while the job waits at a checkpoint for ``resume``: nothing runs until then."""

    def __post_init__(self) -> None:
        self.running.set()

    def pause(self) -> None:
        self.running.clear()

    def resume(self) -> None:
        self.running.set()

    @property
    def paused(self) -> bool:
        return not self.running.is_set()

    def checkpoint(self) -> bool:
        """Block while paused; return False when the job should stop."""
        if not self.running.is_set():
            self.held.set()
            try:
                while not self.running.wait(0.1):
                    if self.stop.is_set():
                        return False
            finally:
                self.held.clear()
        return not self.stop.is_set()


@dataclass(frozen=True, slots=True)
class Folder:
    """One of the user's photo folders, with what the last scan found in it."""

    id: int
    path: str
    enabled: bool
    online: bool
    force_polling: bool
    photo_count: int = 0
    error_count: int = 0
    unreadable: tuple[tuple[str, str], ...] = ()
    """Folders inside this one (or itself) that the last scan could not read, and why."""


PHOTO_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "jpe", "png", "webp", "tif", "tiff", "bmp", "gif", "heic", "heif"}
)
VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "m4v", "mkv", "webm", "avi", "3gp"})


def is_video_name(path: str) -> bool:
    """Whether a file is a video, by its name (as the scanner tells photos from clips)."""
    return os.path.splitext(path)[1].lower().lstrip(".") in VIDEO_EXTENSIONS


@dataclass(frozen=True, slots=True)
class Photo:
    """A catalogued photo as search results and the UI see it."""

    id: int
    path: str
    size: int
    mtime_ns: int
    width: int | None
    height: int | None
    taken_at: float | None
    folder_online: bool = True
    duration: float | None = None
    """A video's length in seconds (None: a photo)."""

    @property
    def is_video(self) -> bool:
        return is_video_name(self.path)

    @property
    def date(self) -> float:
        """When the photo was taken, or else when the file was last modified (epoch seconds)."""
        return self.taken_at if self.taken_at is not None else self.mtime_ns / 1e9


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result; ``score`` is None when filters alone listed it (no query to score)."""

    photo: Photo
    score: float | None
    words: bool = False
    """Found by its own words (name, metadata or text read in it), not only by the model."""
    at: float | None = None
    """A video's best-matching moment, in seconds from its start."""
    motion: Photo | None = None
    """The short clip a phone took with this still (a Live Photo): one item, two files."""
    people: tuple[Person, ...] = ()
    """Who is in the photo (people found in it and not hidden)."""

    @property
    def path(self) -> str:
        return self.photo.path


@dataclass(frozen=True, slots=True)
class Cutoff:
    """The score a good match needs: ``flat``, or — adaptive — within ``margin`` of the
    query's best match, never below ``lowest`` nor above ``highest``. One flat number
    hides good matches of queries the model scores low and lets weak ones of queries it
    scores high through; the best match tells which kind of query this is."""

    flat: float
    margin: float | None = None
    lowest: float = -1.0
    highest: float = 1.0

    def for_best(self, best: float | None) -> float:
        if self.margin is None or best is None:
            return self.flat
        return min(self.highest, max(self.lowest, best - self.margin))


Crop = tuple[float, float, float, float]
"""A region of a photo as fractions of its upright size: left, top, width, height."""


@dataclass(frozen=True, slots=True)
class ImageQuery:
    """A photo to search by, or only a region of it (a face in a crowd, a logo); a
    negative weight means "less like this" (a 👎 on a result)."""

    path: str
    crop: Crop | None = None
    weight: float = 1.0
    mark: int = 0
    """0: an image the user searches by; +1 or −1: a 👍 or 👎 on a result (a mark, not a
    query image, whatever its weight)."""
    at: float | None = None
    """Of a clip: the moment this many seconds in (else its first)."""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A search kept by name: what was typed (words and filters) and the query images."""

    id: int
    name: str
    text: str
    images: tuple[ImageQuery, ...] = ()
    """Query images, regions and 👍/👎 marks (weighted photos) kept with the search."""
    seen_photo_id: int = 0
    """Photos with a higher id arrived since the user last opened it: shown as new."""


@dataclass(slots=True)
class IndexReport:
    """What one indexing run did."""

    encoded: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    gone: int = 0
    stopped: bool = False
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Place:
    """Where a photo was taken, from its GPS coordinates (``media/places.py``)."""

    country: str
    region: str | None
    city: str

    def words(self) -> str:
        """``Porto, Porto District, Portugal``: as a person reads it; a part that is empty
        or the same as the one before is left out (``Lisbon, Portugal``)."""
        parts = [self.city]
        for part in (self.region, self.country):
            if part and part != parts[-1]:
                parts.append(part)
        return ", ".join(parts)


def place_key(text: str | None) -> str | None:
    """A place's (or a person's) name as people type it, without accents, case or extra
    spaces (``reykjavik`` is ``Reykjavík``): the catalog's SQL ``place_key`` and the
    filter bar both compare names this way."""
    if text is None:
        return None
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True, slots=True)
class Person:
    """Someone whose face was found in photos (``store/people.py``)."""

    id: int
    name: str | None
    """None until the user names them."""
    faces: int
    photos: int
    hidden: bool = False
    cover: FaceBox | None = None
    """Their face to show: the largest, in their most recent photo."""

    @property
    def label(self) -> str:
        return person_label(self.id, self.name)


def person_label(person: int, name: str | None) -> str:
    """What a search names someone by: ``"Anna Lee"``, ``Anna``, ``#7`` while unnamed."""
    if name is None:
        return f"#{person}"
    return f'"{name}"' if " " in name else name


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face in a photo: its place (fractions of the upright photo's width and height)
    and whom it was found to be."""

    id: int
    path: str
    box: tuple[float, float, float, float]
    person_id: int | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    """What a search is narrowed to (``in:``, ``after:``, ``type:``…), parsed by
    ``search/query.py`` and turned into SQL by ``store/filters.py``."""

    folders: tuple[str, ...] = ()
    after: float | None = None
    before: float | None = None
    types: tuple[str, ...] = ()
    min_score: float | None = None
    sort: str | None = None
    """``date`` (newest first), ``oldest``, ``name``; None: best match first."""
    words: tuple[tuple[str, str], ...] = ()
    """(``text``/``name``/``camera``/``tag``, what to find there)."""
    day: str | None = None
    """``MM-DD``: taken on this day of the year, any year (``day:``, "On this day")."""

    @property
    def narrows(self) -> bool:
        """Whether the filters restrict which photos can match (min_score does not)."""
        return bool(
            self.folders
            or self.types
            or self.words
            or self.after is not None
            or self.before is not None
            or self.day is not None
        )
