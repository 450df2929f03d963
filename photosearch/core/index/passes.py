"""The second, lower-priority pass after the model's: metadata for photos indexed before
the catalog kept it, the places of their GPS coordinates, the faces in photos (grouped
into people), then the words in photos (OCR).

It runs in small batches; between them it lets the model's pass go first (``yield_to``),
so a photo copied in while thousands wait to be read is searchable by meaning at once.
Pausing and stopping act between batches, like indexing.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar

from photosearch.core.errors import FileGoneError, ImageError
from photosearch.core.index.people import group_faces
from photosearch.core.media.faces import FaceReader, FoundFace
from photosearch.core.media.metadata import read_meta_file
from photosearch.core.media.ocr import TextReader
from photosearch.core.media.places import gazetteer, usable
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.fulltext import (
    add_meta,
    meta_missing,
    meta_missing_count,
    places_pending,
    places_pending_count,
    store_places,
    store_text,
    text_counts,
    text_pending,
)
from photosearch.core.store.people import faces_pending, faces_pending_count, store_faces
from photosearch.core.types import JobControl, Place, ProgressCallback, ProgressMeter

log = logging.getLogger(__name__)

META_BATCH = 128
PLACE_BATCH = 2000
TEXT_BATCH = 8
FACE_BATCH = 16
GROUP_EVERY_S = 120.0
"""While a long faces pass runs, faces found are grouped into people this often (and
when it ends): a library's first people appear before hours of photos are looked at."""


@dataclass
class TextReport:
    metadata: int = 0
    """Photos whose metadata was read in this pass."""
    placed: int = 0
    """Photos whose coordinates were given a place (a town, its region and country)."""
    faces_looked: int = 0
    """Photos looked at for faces."""
    faces: int = 0
    """Faces found in them."""
    people: int = 0
    """New people their faces formed."""
    looked: int = 0
    """Photos looked at for words."""
    with_words: int = 0
    errors: int = 0
    stopped: bool = False


T = TypeVar("T")
R = TypeVar("R")
Batch = list[tuple[int, str]]
Coordinates = tuple[float | None, float | None]


@dataclass(frozen=True)
class PassRun:
    """What both passes of one run share: the catalog, where progress goes, the job's
    pause and stop, the report they fill in, and the model's pass to let go first."""

    catalog: Catalog
    progress: ProgressCallback
    control: JobControl
    report: TextReport
    yield_to: Callable[[], None]


def _in_batches(
    run: PassRun,
    pending: Callable[[int], list[tuple[int, T]]],
    size: int,
    meter: Callable[[], ProgressMeter],
    handle: Callable[[list[tuple[int, T]]], set[int]],
    wanted: Callable[[], bool],
) -> None:
    """Drive one pass: ``handle`` each batch of what is ``pending`` (it returns the ids it
    left for a later pass: files not reachable now), between batches let ``yield_to``
    run, and end when done, stopped, no longer ``wanted``, or a batch was all left."""
    skipped: set[int] = set()

    def batch() -> list[tuple[int, T]]:
        rows = pending(size + len(skipped))
        return [row for row in rows if row[0] not in skipped][:size]

    todo = batch()
    if not todo:
        return
    progress = meter()
    while todo and wanted():
        if not run.control.checkpoint():
            run.report.stopped = True
            return
        later = handle(todo)
        skipped |= later
        progress.advance(len(todo), errors=len(later))
        if len(later) == len(todo):
            return
        run.yield_to()
        todo = batch()


class ReaderPool(Generic[R]):
    """Readers (face finders, OCR gates) that each look at one photo at a time, so that a
    batch is looked at on every core: dlib and onnxruntime let go of Python's lock while
    they work, and one photo a core beats one photo spread over the cores (small pictures
    leave threads idle: the words gate at 320 pixels took 17 against 11 ms a photo on a
    2-core AMX Xeon, the faces pass 95 against 59 ms).

    The readers are asked for before every batch, so a change of heart (gentle mode
    turned on in the middle of an hours-long pass) holds from the next batch on."""

    def __init__(self, readers: Callable[[], Sequence[R]]) -> None:
        self._readers = readers
        self._current: tuple[R, ...] = ()
        self._free: queue.SimpleQueue[R] = queue.SimpleQueue()
        self._pool: ThreadPoolExecutor | None = None

    def map(self, work: Callable[[R, str], T], paths: Sequence[str]) -> list[Future[T]]:
        """``work(reader, path)`` for every path, all finished when this returns: futures
        in the paths' order, whose ``result()`` raises what ``work`` raised."""
        readers = tuple(self._readers())
        if readers != self._current or self._pool is None:
            self.close()
            self._current, self._free = readers, queue.SimpleQueue()
            for reader in readers:
                self._free.put(reader)
            self._pool = ThreadPoolExecutor(len(readers), thread_name_prefix="photosearch-pass")

        def one(path: str) -> T:
            reader = self._free.get()
            try:
                return work(reader, path)
            finally:
                self._free.put(reader)

        looked = [self._pool.submit(one, path) for path in paths]
        wait(looked)
        return looked

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def read_missing_meta(run: PassRun, wanted: Callable[[], bool] = lambda: True) -> None:
    """Metadata of indexed photos that have none yet: their headers only, no pixels. A
    file that cannot be reached now (gone, its drive away) is left for a later pass."""

    def handle(todo: Batch) -> set[int]:
        found = [(pid, read_meta_file(path)) for pid, path in todo]
        read = [(pid, meta) for pid, meta in found if meta is not None]
        add_meta(run.catalog, read)
        run.report.metadata += len(read)
        return {pid for pid, meta in found if meta is None}

    _in_batches(
        run,
        lambda limit: meta_missing(run.catalog, limit),
        META_BATCH,
        lambda: ProgressMeter("metadata", meta_missing_count(run.catalog), run.progress),
        handle,
        wanted,
    )


def find_places(run: PassRun, wanted: Callable[[], bool] = lambda: True) -> None:
    """The place of every photo whose coordinates were never looked up: a library from
    before places were kept, and photos just indexed (thousands a second, offline)."""

    def handle(todo: list[tuple[int, Coordinates]]) -> set[int]:
        found: list[Place | None] = [None] * len(todo)
        if any(usable(*where) for _, where in todo):  # the towns load only when needed
            try:
                towns = gazetteer()
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("the towns' data cannot be read: no places", exc_info=True)
                towns = None
            if towns is None:
                return {pid for pid, _ in todo}  # all left for later: the pass ends here
            found = towns.places([where for _, where in todo])
        rows = [(pid, where, place) for (pid, where), place in zip(todo, found, strict=True)]
        store_places(run.catalog, rows)
        run.report.placed += sum(place is not None for place in found)
        return set()

    _in_batches(
        run,
        lambda limit: places_pending(run.catalog, limit),
        PLACE_BATCH,
        lambda: ProgressMeter("places", places_pending_count(run.catalog), run.progress),
        handle,
        wanted,
    )


def find_faces(
    run: PassRun,
    readers: Callable[[], Sequence[FaceReader]],
    wanted: Callable[[], bool] = lambda: True,
    enabled: Callable[[], bool] = lambda: True,
) -> None:
    """Look for faces in every indexed photo not yet looked at, and group what is found
    into people (``core/index/people.py``), while ``wanted``. A photo gone now is left
    for a later pass; a damaged one is recorded as looked at, without faces. Once not
    ``enabled`` (the user turned faces off, and may have deleted them all), nothing more
    is stored."""
    pool = ReaderPool(readers)  # the models load once there is something to look at
    looked_at: list[bool] = []
    grouped = [time.monotonic()]

    def meter() -> ProgressMeter:
        looked_at.append(True)
        progress = ProgressMeter("faces", faces_pending_count(run.catalog), run.progress)
        progress.report()  # said at once: the models take a moment to load
        return progress

    def handle(todo: Batch) -> set[int]:
        rows: list[tuple[int, list[FoundFace]]] = []
        later: set[int] = set()
        looked = pool.map(lambda finder, path: finder.read(path), [path for _, path in todo])
        for (photo_id, path), faces_of in zip(todo, looked, strict=True):
            try:
                faces = faces_of.result()
            except FileGoneError:
                later.add(photo_id)
                continue
            except ImageError as exc:
                log.info("no faces looked for in %s: %s", path, exc)
                faces = []
                run.report.errors += 1
            except Exception:  # dlib's own failures must not stop the pass
                log.warning("looking for faces in %s failed", path, exc_info=True)
                faces = []
                run.report.errors += 1
            rows.append((photo_id, faces))
            run.report.faces += len(faces)
        if not enabled():  # turned off (every face datum deleted?) while it looked
            return set()
        store_faces(run.catalog, rows)
        run.report.faces_looked += len(rows)
        if time.monotonic() - grouped[0] >= GROUP_EVERY_S:
            run.report.people += group_faces(run.catalog).people
            grouped[0] = time.monotonic()
        return later

    try:
        _in_batches(
            run, lambda limit: faces_pending(run.catalog, limit), FACE_BATCH, meter, handle, wanted
        )
    finally:
        pool.close()
    if looked_at and enabled():
        run.report.people += group_faces(run.catalog).people


def read_words(
    run: PassRun,
    gates: Callable[[], Sequence[TextReader]],
    reader: Callable[[], TextReader],
    wanted: Callable[[], bool] = lambda: True,
) -> None:
    """Look at every indexed photo not yet looked at for words, and keep what is read,
    until done or no longer ``wanted`` (the setting turned off meanwhile). The ``gates``
    look at a batch's photos together, one each (small pictures); the few where they see
    lines of text are then read by ``reader`` on every core (large ones). A photo that is
    gone now is left for a later pass; a damaged one, or one the OCR networks fail on, is
    recorded as read, without words."""
    pool = ReaderPool(gates)  # the networks load once there is something to look at

    def meter() -> ProgressMeter:
        done, total = text_counts(run.catalog)
        progress = ProgressMeter("read text", total - done, run.progress)
        progress.report()  # said at once: the networks take a moment to load
        return progress

    def handle(todo: Batch) -> set[int]:
        rows: list[tuple[int, str | None]] = []
        later: set[int] = set()
        looked = pool.map(lambda gate, path: gate.lines_in(path), [path for _, path in todo])
        for (photo_id, path), lines_of in zip(todo, looked, strict=True):
            try:
                lines = lines_of.result()
                text = reader().read_lines(path, lines) if lines else None
            except FileGoneError:
                later.add(photo_id)  # the next scan says whether it moved or went
                continue
            except ImageError as exc:
                log.info("no words read in %s: %s", path, exc)
                text = None
                run.report.errors += 1
            except Exception:  # the OCR runtime's own failures must not stop the pass
                log.warning("reading words in %s failed", path, exc_info=True)
                text = None
                run.report.errors += 1
            rows.append((photo_id, text))
            run.report.with_words += text is not None
        store_text(run.catalog, rows)
        run.report.looked += len(rows)
        return later

    try:
        _in_batches(
            run, lambda limit: text_pending(run.catalog, limit), TEXT_BATCH, meter, handle, wanted
        )
    finally:
        pool.close()
