"""The one door between the GUI and the engine: Qt signals in, Qt signals out.

Folder changes and model loading run on the bridge's worker thread, searches on a thread
of their own (a search by words never queues behind the model load: the model's text
tower answers it meanwhile), indexing on the engine's indexing service thread. The GUI
thread only emits requests and receives results through queued signals, so it never
waits on disk, model or index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QThread, QThreadPool, Signal, Slot

from photosearch.core.app.engine import Engine
from photosearch.core.app.service import IndexingService, JobDone
from photosearch.core.errors import ModelNotAvailableError, PhotoSearchError
from photosearch.core.media import faces, ocr
from photosearch.core.model import models
from photosearch.core.model.probe import ProbeResult
from photosearch.core.settings import DEFAULT_MODEL, AppPaths, Settings
from photosearch.core.types import JobControl, Progress
from photosearch.ui.tasks import run_task

log = logging.getLogger(__name__)

T = TypeVar("T")
PRUNE_EVERY_S = 3600.0
"""The thumbnail cache is kept to its budget after an indexing job, at most this often."""
TASK_THREADS = 2
"""Short engine calls (details, folder counts, saved searches) run beside search and indexing."""


class _Worker(QObject):
    """Lives on the worker thread; each slot runs one engine call and reports back."""

    model_state = Signal(str, str)  # "loading" | "text" | "ready" | "missing" | "error", message
    folders = Signal(object)  # list[Folder]: Python values (Qt lists drop a name's bytes)
    errors = Signal(object)  # list of (path, reason)
    status = Signal(dict)
    failed = Signal(str)
    storage = Signal(str, str)  # why indexing waits (message, in short); empty: it goes on
    progress = Signal(object)
    indexed = Signal(int)  # photos encoded, removed or moved by a finished indexing job

    def __init__(self, engine: Engine, watch: bool, quiet_s: float) -> None:
        super().__init__()
        self.engine = engine
        self.watch = watch
        self.quiet_s = quiet_s
        self.service: IndexingService | None = None
        self.download_control: JobControl | None = None
        self._phase = ""
        self.unavailable_devices: dict[str, str] | None = None
        """Devices the model cannot run on here, with why; None until the model loaded."""
        self._pruned_at = -PRUNE_EVERY_S

    @Slot()
    def load(self) -> None:
        """Open the index and start watching and indexing, then load the model.

        The service starts first: it watches the folders before it scans them, and it
        needs the model only when there is something to encode.
        """
        if models.is_installed(self.engine.model_key, self.engine.paths.models_dir):
            self.model_state.emit("loading", f"Loading model {self.engine.model_key}…")
        if self.engine.settings_file.problem:
            self.failed.emit(self.engine.settings_file.problem)
        try:
            self.engine.vectors()
            if self.engine.text_tower() is not None:
                self.model_state.emit("text", self.engine.model_key)
        except ModelNotAvailableError as exc:
            self.model_state.emit("missing", exc.reason)
            self.refresh()
            return
        except PhotoSearchError as exc:
            self.model_state.emit("error", str(exc))
            return
        self.refresh()
        if self.service is None:
            self.service = IndexingService(
                self.engine,
                self._service_progress,
                self._job_done,
                watch=self.watch,
                quiet_s=self.quiet_s,
                on_problem=lambda exc: self.storage.emit(str(exc), exc.short),
            )
            self.service.start()
        try:
            # Searching by image needs the whole model; the image tower is converted now,
            # while the window says "loading", not in the middle of a batch (a GUI stall).
            self.engine.encoder().prepare_images()
        except PhotoSearchError as exc:
            self.model_state.emit("error", str(exc))
            return
        self.unavailable_devices = self.engine.unavailable_devices()  # torch is in memory
        self.model_state.emit("ready", self.engine.model_key)

    def _service_progress(self, p: Progress) -> None:
        """Relay progress; when a phase ends (the scan, the encoding), the counts the
        window shows are read again then, not only when the whole job (hours of words
        read in photos) is done."""
        if self._phase not in (p.phase, "idle", "") and p.phase != "idle":
            self.refresh()
        self._phase = p.phase
        self.progress.emit(p)

    def _job_done(self, job: JobDone) -> None:
        if time.monotonic() - self._pruned_at > PRUNE_EVERY_S:
            self._pruned_at = time.monotonic()
            self.engine.prune_thumbnails()  # on the service's thread, between jobs
        self.storage.emit("", "")
        encoded = job.index.encoded if job.index is not None else 0
        self.indexed.emit(encoded + job.scan.removed + job.scan.moved)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.folders.emit(self.engine.library.folders())
        self.errors.emit(self.engine.library.skipped_files())
        counts: dict[str, object] = {**self.engine.library.counts()}
        try:
            counts["answering"] = self.engine.answering_model
        except PhotoSearchError:
            counts["answering"] = self.engine.model_key  # no model yet: nothing answers
        self.status.emit(counts)

    def _attempt(self, action: Callable[[], object]) -> bool:
        """Run one engine action; a PhotoSearchError becomes a message for the user."""
        try:
            action()
        except ModelNotAvailableError as exc:
            self.failed.emit(exc.reason)  # without the command-line hint
            return False
        except PhotoSearchError as exc:
            self.failed.emit(str(exc))
            return False
        return True

    @Slot(object)
    def add_folder(self, path: str) -> None:
        if self._attempt(lambda: self.engine.library.add_folder(path)):
            self._rescan()

    @Slot(object)
    def remove_folder(self, path: str) -> None:
        self._attempt(lambda: self.engine.library.remove_folder(path))
        self._rescan()

    @Slot(object, bool, bool)
    def set_folder_flags(self, path: str, enabled: bool, polling: bool) -> None:
        known = self.engine.library.set_folder_options(path, enabled, polling)
        if known and self.service is not None and self.service.watcher is not None:
            self.service.watcher.unwatch(path, forget=True)
        self._rescan()

    @Slot()
    def rescan(self) -> None:
        self._rescan()

    def _rescan(self) -> None:
        self.refresh()
        if self.service is not None:
            self.service.request_scan()

    @Slot(object)
    def import_model(self, path: str) -> None:
        source = Path(path)
        arch = None if source.is_dir() else DEFAULT_MODEL  # a bare file: the default model's
        checked: list[ProbeResult] = []
        if self._attempt(lambda: checked.append(self.engine.import_model(source, arch))):
            if checked[0].warning:
                self.failed.emit(checked[0].warning)
            self.load()

    @Slot(str)
    def use_model(self, key: str) -> None:
        if self._attempt(lambda: self.engine.use_model(key)):
            self.load()

    @Slot(str)
    def set_precision(self, value: str) -> None:
        if self._attempt(lambda: self.engine.set_precision(value)):
            self.load()

    @Slot(object)
    def apply_settings(self, changes: dict[str, object]) -> None:
        """Save and apply what the settings dialog changed; a new model or precision reloads."""
        engine = self.engine
        if "min_score" in changes:
            value = changes["min_score"]
            engine.set_min_score(float(value) if isinstance(value, (int, float)) else None)
        if "gentle" in changes:
            engine.set_gentle(bool(changes["gentle"]))
        if "thumbnail_cache_mb" in changes:
            value = changes["thumbnail_cache_mb"]
            engine.set_thumbnail_budget(int(value) if isinstance(value, (int, float)) else 0)
        if "read_text" in changes:
            engine.set_read_text(bool(changes["read_text"]))
            if changes["read_text"] and self.service is not None:
                self.service.request_scan()  # the photos not yet read are read now
        if "find_faces" in changes:
            engine.set_find_faces(bool(changes["find_faces"]))
            if changes["find_faces"] and self.service is not None:
                self.service.request_scan()  # the photos not yet looked at are now
        reload = False
        if "model" in changes:
            reload |= self._attempt(lambda: engine.use_model(str(changes["model"])))
        if "precision" in changes:
            reload |= self._attempt(lambda: engine.set_precision(str(changes["precision"])))
        if "device" in changes:
            reload |= self._attempt(lambda: engine.set_device(str(changes["device"])))
        if reload:
            self.load()

    @Slot(str)
    def download_model(self, key: str) -> None:
        control = self.download_control = JobControl()
        directory = self.engine.paths.models_dir
        fetched = self._attempt(
            lambda: models.download(key, directory, self.progress.emit, control)
        )
        if fetched and self._attempt(lambda: self.engine.use_model(key)):
            self.load()
        else:
            self.progress.emit(Progress("idle", 0))

    def stop(self) -> None:
        if self.download_control is not None:
            self.download_control.stop.set()
        if self.service is not None:
            self.service.stop()


class _SearchWorker(QObject):
    """Lives on the search thread; answers one search at a time. A request that a newer
    one has replaced by the time its turn comes (a query typed quickly) is dropped: only
    the newest is run."""

    search_done = Signal(int, object)  # request id, SearchResult
    search_failed = Signal(int, str)

    def __init__(self, engine: Engine, latest: Callable[[], int]) -> None:
        super().__init__()
        self.engine = engine
        self.latest = latest
        self.run_count = 0
        """Searches actually run (the dropped ones are not)."""

    @Slot(int, str, object, int, int, bool)
    def search(
        self, request: int, text: str, images: list[str], limit: int, offset: int, everything: bool
    ) -> None:
        if request < self.latest():
            return  # replaced already: nobody waits for this answer
        self.run_count += 1
        try:
            result = self.engine.search(text, tuple(images), limit, offset, everything)
        except PhotoSearchError as exc:
            self.search_failed.emit(request, str(exc))
            return
        except Exception as exc:
            log.exception("search failed")
            self.search_failed.emit(request, f"Search failed: {exc}")
            return
        self.search_done.emit(request, result)


class EngineBridge(QObject):
    """Owned by the GUI; forwards requests to the worker threads and relays their answers.

    Widgets connect to the bridge's own signals and call its methods; nothing outside
    this module touches the engine, the worker or the searcher.
    """

    model_state = Signal(str, str)
    folders = Signal(object)  # list[Folder]: Python values (Qt lists drop a name's bytes)
    errors = Signal(object)  # list of (path, reason)
    status = Signal(dict)
    failed = Signal(str)
    storage = Signal(str, str)
    progress = Signal(object)
    indexed = Signal(int)
    search_done = Signal(int, object)
    search_failed = Signal(int, str)

    request_load = Signal()
    request_search = Signal(int, str, object, int, int, bool)  # images: list[str]
    request_refresh = Signal()
    request_add_folder = Signal(object)  # paths: Python str (a Qt string drops bytes)
    request_remove_folder = Signal(object)
    request_folder_flags = Signal(object, bool, bool)
    request_rescan = Signal()
    request_import_model = Signal(object)
    request_use_model = Signal(str)
    request_download = Signal(str)
    request_precision = Signal(str)
    request_settings = Signal(object)  # dict of changes

    def __init__(self, engine: Engine, watch: bool = True, quiet_s: float = 1.0) -> None:
        super().__init__()
        self.engine = engine
        self.paths: AppPaths = engine.paths
        self._thread = QThread()
        self._thread.setObjectName("engine-bridge")
        self.worker = _Worker(engine, watch, quiet_s)
        self.worker.moveToThread(self._thread)
        self._search_thread = QThread()
        self._search_thread.setObjectName("engine-search")
        self.searcher = _SearchWorker(engine, lambda: self._request)
        self.searcher.moveToThread(self._search_thread)
        for signal, slot in (
            (self.request_load, self.worker.load),
            (self.request_search, self.searcher.search),
            (self.request_refresh, self.worker.refresh),
            (self.request_add_folder, self.worker.add_folder),
            (self.request_remove_folder, self.worker.remove_folder),
            (self.request_folder_flags, self.worker.set_folder_flags),
            (self.request_rescan, self.worker.rescan),
            (self.request_import_model, self.worker.import_model),
            (self.request_use_model, self.worker.use_model),
            (self.request_download, self.worker.download_model),
            (self.request_precision, self.worker.set_precision),
            (self.request_settings, self.worker.apply_settings),
            (self.worker.model_state, self.model_state),
            (self.worker.folders, self.folders),
            (self.worker.errors, self.errors),
            (self.worker.status, self.status),
            (self.worker.failed, self.failed),
            (self.worker.storage, self.storage),
            (self.worker.progress, self.progress),
            (self.worker.indexed, self.indexed),
            (self.searcher.search_done, self.search_done),
            (self.searcher.search_failed, self.search_failed),
        ):
            signal.connect(slot)
        self._tasks = QThreadPool(self)
        self._tasks.setMaxThreadCount(TASK_THREADS)
        self._long_tasks = QThreadPool(self)
        self._long_tasks.setMaxThreadCount(1)
        """Jobs of seconds or minutes (duplicates, export), so they never hold up the
        short calls (the details pane, counts)."""
        self._request = 0
        self._closing = False
        self._closed = False
        self._thread.start()
        self._search_thread.start()

    # -- requests (GUI thread) ---------------------------------------------------------

    def start(self) -> None:
        self.request_load.emit()

    def search(
        self,
        text: str,
        images: list[str],
        limit: int = 200,
        offset: int = 0,
        everything: bool = False,
    ) -> int:
        """Queue a search; the answer arrives on ``search_done`` with this id."""
        self._request += 1
        self.request_search.emit(self._request, text, images, limit, offset, everything)
        return self._request

    def run(
        self,
        job: Callable[[Engine], T],
        done: Callable[[T], None],
        failed: Callable[[str], None] | None = None,
        long: bool = False,
        receiver: QObject | None = None,
    ) -> None:
        """Run an engine call off the GUI thread; ``done`` gets its result on the GUI
        thread (``failed`` the message of a PhotoSearchError, by default the ``failed``
        signal's receivers), unless ``receiver`` (the bridge by default) is gone by then.
        ``long`` jobs (seconds or more) queue on a thread of their own, never in the way
        of the short ones."""
        if self._closed or not self._thread.isRunning():
            return  # shut down: nobody is left to answer
        engine = self.engine
        tell = failed or self.failed.emit

        def call() -> T:
            try:
                return job(engine)
            except PhotoSearchError:
                raise
            except Exception:
                log.exception("engine call failed")
                raise
            finally:
                engine.release_reader()  # a pool thread may expire: leave nothing open

        def answer(result: T) -> None:
            if not self._closing:
                done(result)

        def fail(exc: Exception) -> None:
            if not self._closing:
                tell(
                    str(exc)
                    if isinstance(exc, PhotoSearchError)
                    else f"Something went wrong: {exc}"
                )

        pool = self._long_tasks if long else self._tasks
        run_task(call, answer, fail, receiver or self, pool)

    @property
    def settings(self) -> Settings:
        """The settings in force (a value: change them with ``apply_settings``)."""
        return self.engine.settings

    @property
    def unavailable_devices(self) -> dict[str, str] | None:
        """Devices this computer lacks (with why); None until the model has loaded."""
        return self.worker.unavailable_devices

    @property
    def model_key(self) -> str:
        return self.engine.model_key

    @property
    def active_precision(self) -> str | None:
        return self.engine.active_precision

    @property
    def active_device(self) -> str | None:
        return self.engine.active_device

    @property
    def can_read_text(self) -> bool:
        """Whether this installation can read words in photos (a file check, no import)."""
        return ocr.available()

    @property
    def can_find_faces(self) -> bool:
        """Whether this installation can find faces (a file check, no import)."""
        return faces.available()

    def forget_faces(self) -> None:
        """Delete every face datum and stop looking for faces (off the GUI thread); the
        window hears of it through ``folders`` (the People group empties)."""

        def forget(engine: Engine) -> None:
            engine.set_find_faces(False)
            engine.people.forget()

        self.run(forget, lambda _: self.request_refresh.emit())

    @property
    def latest_request(self) -> int:
        return self._request

    def pause(self) -> None:
        if self.worker.service is not None:
            self.worker.service.control.pause()

    def resume(self) -> None:
        if self.worker.service is not None:
            self.worker.service.control.resume()

    @property
    def paused(self) -> bool:
        return self.worker.service is not None and self.worker.service.control.paused

    def watch_modes(self) -> dict[str, str]:
        """How each folder is watched: "native", "polling" or "offline"."""
        service = self.worker.service
        if service is None or service.watcher is None:
            return {}
        return dict(service.watcher.modes)

    def apply_settings(self, changes: dict[str, object]) -> None:
        """Settings are saved and applied on the worker thread (it writes the file)."""
        self.request_settings.emit(changes)

    def cancel_download(self) -> None:
        if self.worker.download_control is not None:
            self.worker.download_control.stop.set()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop indexing cleanly (the batch in flight is committed), then the threads;
        returns whether all of them stopped. The catalog is closed only then: a thread
        still running after ``timeout_ms`` keeps it open, rather than SQLite being closed
        under a running query (a later call waits again, and closes it)."""
        if self._closed:
            return True
        self.worker.stop()
        self._closing = True  # answers that arrive from now on are dropped
        self._search_thread.quit()
        self._thread.quit()
        stopped = self._tasks.waitForDone(timeout_ms)
        stopped &= self._long_tasks.waitForDone(timeout_ms)
        stopped &= self._search_thread.wait(timeout_ms)
        stopped &= self._thread.wait(timeout_ms)
        # The slot that was running (loading the model) may have started the indexing
        # service after the first stop: stop it too before the catalog closes.
        self.worker.stop()
        service = self.worker.service
        stopped &= service is None or not service.running
        if not stopped:
            log.warning("a background job is still running: the catalog stays open")
            return False
        self.engine.close()
        self._closed = True
        return True
