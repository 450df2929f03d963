"""The background indexing service: one long-lived thread that owns all writing.

Work arrives on a priority queue — what the user asked for first, then files the
watcher saw change, then the periodic reconciliation that catches anything missed while
the app was closed — and each job is a scan followed by encoding whatever is pending.
"""

from __future__ import annotations

import enum
import itertools
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from photosearch.core.errors import StorageError
from photosearch.core.index.scanner import ScanReport, Scope
from photosearch.core.index.watcher import Watcher
from photosearch.core.memory import release_free_memory
from photosearch.core.types import (
    Folder,
    IndexReport,
    JobControl,
    Progress,
    ProgressCallback,
    no_progress,
)

log = logging.getLogger(__name__)


class Updater(Protocol):
    """What the service needs of a library (the ``Engine`` is one): its folders, and a
    scan or an update of some of them."""

    def folders(self) -> list[Folder]: ...

    def scan(
        self,
        progress: ProgressCallback = ...,
        control: JobControl | None = ...,
        scope: Scope | None = ...,
    ) -> ScanReport: ...

    def update(
        self,
        progress: ProgressCallback = ...,
        control: JobControl | None = ...,
        scope: Scope | None = ...,
        between_batches: Callable[[], Scope | None] | None = ...,
        other_work: Callable[[], bool] | None = ...,
    ) -> tuple[ScanReport, IndexReport | None]: ...


class Priority(enum.IntEnum):
    USER = 0
    CHANGES = 1
    BACKGROUND = 2


@dataclass(frozen=True, slots=True)
class JobDone:
    """What one job did, for status displays."""

    priority: Priority
    scan: ScanReport
    index: IndexReport | None


_STOP = object()
STORAGE_RETRY_S = 60.0
BACKGROUND_NICENESS = 10


def lower_thread_priority() -> None:
    """Run this thread (and the decoder and torch threads it starts) at low CPU priority.

    Indexing still uses every idle cycle, but whatever the user is doing — this app's own
    window included — comes first. Linux sets niceness per thread; elsewhere this is a no-op.
    """
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
        except OSError as exc:
            log.info("cannot lower the indexing priority: %s", exc)


class IndexingService:
    """Runs scans and indexing on its own thread; everything else only enqueues."""

    def __init__(
        self,
        engine: Updater,
        progress: ProgressCallback = no_progress,
        on_done: Callable[[JobDone], None] | None = None,
        reconcile_interval_s: float = 900.0,
        watch: bool = True,
        quiet_s: float = 1.0,
        on_problem: Callable[[StorageError], None] | None = None,
        retry_s: float = STORAGE_RETRY_S,
    ) -> None:
        """``on_problem`` hears once of each new reason the data folder cannot be written
        (disk full, read-only, gone); the service tries again every ``retry_s`` seconds."""
        self.engine = engine
        self.progress = progress
        self.on_done = on_done
        self.on_problem = on_problem
        self.retry_s = retry_s
        self.problem: str | None = None
        """Why the last job could not write, until one succeeds."""
        self._retry: threading.Timer | None = None
        self.reconcile_interval_s = reconcile_interval_s
        self.control = JobControl()
        self.idle = threading.Event()
        self._enqueue = threading.Lock()
        """Held while a job is queued and while the worker decides it is idle."""
        self._queue: queue.PriorityQueue[tuple[int, int, object]] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._thread = threading.Thread(target=self._run, name="indexing-service", daemon=True)
        self.watcher = Watcher(self._on_scope, quiet_s=quiet_s) if watch else None

    # -- control (any thread) ----------------------------------------------------------

    def start(self) -> None:
        """Watch the folders (before this returns), then scan and index in the background.

        A file copied in from now on is seen, however long the first scan and index take.
        """
        self._sync_watches()
        self.request_scan(Priority.BACKGROUND)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Finish the batch in flight, then stop; the next start resumes."""
        self.control.stop.set()
        self.control.resume()
        if self._retry is not None:
            self._retry.cancel()
        self._queue.put((-1, next(self._seq), _STOP))
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self.watcher is not None:
            self.watcher.close()

    @property
    def running(self) -> bool:
        """Whether the service's thread is still at work (``stop`` waits a while only)."""
        return self._thread.is_alive()

    def request_scan(self, priority: Priority = Priority.USER) -> None:
        with self._enqueue:
            self.idle.clear()
            self._queue.put((priority, next(self._seq), None))

    def _on_scope(self, scope: Scope) -> None:
        with self._enqueue:
            self.idle.clear()
            self._queue.put((Priority.CHANGES, next(self._seq), scope))

    def wait_idle(self, timeout: float) -> bool:
        return self.idle.wait(timeout)

    # -- the worker thread -------------------------------------------------------------

    def _run(self) -> None:
        lower_thread_priority()
        while True:
            try:
                priority, _, job = self._queue.get(timeout=self.reconcile_interval_s)
            except queue.Empty:
                self.request_scan(Priority.BACKGROUND)
                continue
            if job is _STOP:
                return
            scope = self._coalesce(job)
            try:
                self._do(Priority(priority), scope)
            except StorageError as exc:
                self._cannot_write(exc)
            except Exception:
                log.exception("indexing job failed")
            else:
                self.problem = None
            if self._queue.empty():
                release_free_memory()
            with self._enqueue:  # no job can slip in between the look and "idle"
                if self._queue.empty():
                    self.progress(Progress("idle", 0))
                    self.idle.set()

    def _cannot_write(self, problem: StorageError) -> None:
        """Say so (once per reason) and scan everything again later: what failed is
        still new or changed on disk, so that scan finds and indexes it."""
        if str(problem) != self.problem and self.on_problem is not None:
            self.on_problem(problem)
        self.problem = str(problem)
        if self.control.stop.is_set() or (self._retry is not None and self._retry.is_alive()):
            return  # one retry at a time, however many jobs failed meanwhile
        self._retry = threading.Timer(self.retry_s, self.request_scan, (Priority.BACKGROUND,))
        self._retry.daemon = True
        self._retry.start()

    def _coalesce(self, job: object) -> Scope | None:
        """Fold queued change scopes into this job; a full scan absorbs them all."""
        if job is None:
            return None
        assert isinstance(job, Scope)
        return self._take_queued(job, absorb_full=True)

    def _take_queued(self, first: Scope | None, absorb_full: bool) -> Scope | None:
        """Queued change scopes folded into ``first``; other jobs stay queued.

        Returns None when there was nothing to fold, or when ``absorb_full`` and a full
        scan was queued (it covers everything).
        """
        directories = dict(first.directories) if first else {}
        exclude = set(first.exclude) if first else set()
        found, full = first is not None, False
        held: list[tuple[int, int, object]] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            other = item[2]
            if isinstance(other, Scope):
                found = True
                for d, r in other.directories.items():
                    directories[d] = directories.get(d, False) or r
                # each scope lists every file still being written when it was made, and
                # the queue yields them oldest first: the newest list is the one to keep
                # (a union kept a file that had finished since out of the scan)
                exclude = set(other.exclude)
            elif other is None and absorb_full:
                full = True
            else:
                held.append(item)
        for item in held:
            self._queue.put(item)
        if full or not found:
            return None
        return Scope(directories, frozenset(exclude))

    def _do(self, priority: Priority, scope: Scope | None) -> None:
        if self.control.stop.is_set():
            return
        if scope is None:
            # Watch first: a file copied while the scan (or a first index of hours) runs
            # is an event queued for afterwards, or taken in between batches.
            self._sync_watches()
        scan_report, index_report = self.engine.update(
            self.progress,
            self.control,
            scope,
            self._take_changes_between_batches,
            self._full_scan_waiting,
        )
        self._report(priority, scan_report, index_report)

    def _take_changes_between_batches(self) -> Scope | None:
        """Scan what the watcher saw while a long index runs, and return where it was.

        The indexer then encodes the photos there before the rest of its backlog, so a
        photo copied during a first index of hours is searchable within seconds.
        """
        scope = self._take_queued(None, absorb_full=False)
        if scope is not None:
            report = self.engine.scan(no_progress, self.control, scope)
            self._report(Priority.CHANGES, report, None)
        return scope

    def _full_scan_waiting(self) -> bool:
        """A full scan is queued (a folder was added, or the user asked): it must not
        wait for a words pass of hours, which resumes in the job after it."""
        with self._queue.mutex:
            return any(item[2] is None for item in self._queue.queue)

    def _report(self, priority: Priority, scan: ScanReport, index: IndexReport | None) -> None:
        if self.on_done is not None:
            self.on_done(JobDone(priority, scan, index))

    def _sync_watches(self) -> None:
        if self.watcher is None:
            return
        folders = {f.path: f for f in self.engine.library.folders() if f.enabled}
        for root in list(self.watcher.modes):
            if root not in folders:
                self.watcher.unwatch(root, forget=True)
        for root, folder in folders.items():
            if root not in self.watcher.modes:
                mode = self.watcher.watch(root, folder.force_polling)
                log.info("watching %s (%s)", root, mode)
