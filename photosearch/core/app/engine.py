"""The facade: the one API the CLI, the GUI and the tests drive.

It is built from its collaborators (paths, settings, catalog) and loads the heavy ones —
the model and the vector index — lazily, the first time something needs them. Even the
modules that import torch are imported on first use, so the window can appear before
torch has loaded (``tests/ui/test_startup.py``).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from photosearch.core.app.albums import Albums
from photosearch.core.app.health import Check, LibraryStatus, doctor, library_status
from photosearch.core.app.library import Library
from photosearch.core.app.model_runtime import ModelRuntime
from photosearch.core.app.pass_readers import FacesGlance, PassReaders
from photosearch.core.app.people import People
from photosearch.core.errors import (
    ModelNotAvailableError,
    PhotoSearchError,
    writing_to,
)
from photosearch.core.index.passes import (
    PassRun,
    TextReport,
    find_faces,
    find_places,
    read_missing_meta,
    read_words,
)
from photosearch.core.index.scanner import ScanReport, Scope, scan
from photosearch.core.instance import InstanceLock
from photosearch.core.media import faces, ocr
from photosearch.core.media.thumbnail_cache import MB, Pruned
from photosearch.core.media.thumbnail_cache import prune as prune_thumbnail_cache
from photosearch.core.model import models
from photosearch.core.search.query import compose
from photosearch.core.search.searcher import Searcher, SearchResult
from photosearch.core.search.stand_in import StandIn, cutoff_for, open_store
from photosearch.core.settings import DEVICES, PRECISIONS, AppPaths, Settings, SettingsFile
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.vectors import VectorStore
from photosearch.core.types import (
    Crop,
    Cutoff,
    ImageQuery,
    IndexReport,
    JobControl,
    Person,
    ProgressCallback,
    no_progress,
)

if TYPE_CHECKING:
    from photosearch.core.model.encoder import Encoder
    from photosearch.core.model.phrase_tower import TextTower
    from photosearch.core.model.probe import ProbeResult
    from photosearch.core.search.searcher import TextEncoder

log = logging.getLogger(__name__)

SPEED_SAMPLE = 64
"""Photos an indexing run must encode before its speed is remembered for the model."""


class Engine:
    """Everything PhotoSearch can do, independent of any user interface."""

    def __init__(
        self,
        paths: AppPaths,
        settings: SettingsFile,
        catalog: Catalog,
        lock: InstanceLock | None = None,
    ) -> None:
        self.paths = paths
        self.settings_file = settings
        self.catalog = catalog
        self.lock = lock
        self._lock = threading.RLock()
        self.runtime = ModelRuntime(paths, settings, self._lock)
        self._vectors: VectorStore | None = None
        self._stand_in: StandIn | None = None
        self.readers = PassReaders(lambda: self.settings)
        self.people = People(catalog)
        self.albums = Albums(catalog, self.searcher)
        self.library = Library(catalog, self.vectors, self._forget_vectors, self.people)

    @classmethod
    def open(cls, paths: AppPaths | None = None, exclusive: bool = True) -> Engine:
        """Open the library; ``exclusive`` (indexing, changing folders) takes the writer lock.

        Without it the engine is for searching alongside a running app: it never saves
        the vector index, which belongs to the writer.
        """
        paths = paths or AppPaths.resolve()
        with writing_to(paths.data_dir):
            try:
                paths.ensure()
            except OSError:
                # searching needs no new folder: a read-only disk still answers
                if exclusive or not paths.catalog_path.exists():
                    raise
            lock = InstanceLock(paths.data_dir / "photosearch.lock") if exclusive else None
        try:
            settings = SettingsFile(paths.settings_path, writable=exclusive)
            return cls(paths, settings, Catalog(paths.catalog_path), lock)
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def close(self) -> None:
        with self._lock:
            try:
                self._let_go_of_stand_in()
                if self._vectors is not None:
                    self._vectors.close()  # a rebuild in the background stops (not saved)
                if self._vectors is not None and self.lock is not None:
                    with self.data_writes():
                        self._vectors.save()
            finally:
                self.catalog.close()
                if self.lock is not None:
                    self.lock.release()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- model -------------------------------------------------------------------------

    @property
    def model_key(self) -> str:
        return self.settings.model

    def model_directory(self) -> Path:
        return self.runtime.directory()

    def encoder(self) -> Encoder:
        """The active model, loaded on first use (``ModelRuntime.encoder``)."""
        return self.runtime.encoder()

    def text_encoder(self) -> Encoder | TextEncoder:
        """What turns a phrase into a vector: the loaded model, else its text tower alone."""
        return self.runtime.text_encoder()

    def text_tower(self) -> TextTower | None:
        """The active model's numpy text tower, once the model has vouched for it."""
        return self.runtime.text_tower()

    def vectors(self) -> VectorStore:
        """The active model's vector index, opened (and caught up) on first use."""
        with self._lock:
            if self._vectors is None:
                self._vectors = open_store(self.paths, self.catalog, self.model_key)
            return self._vectors

    def loaded_vectors(self) -> VectorStore | None:
        """The vector index if it is open already (nothing is loaded to answer)."""
        return self._vectors

    def _forget_vectors(self, ids: list[int]) -> None:
        """Photos the catalog just forgot (or must encode again) leave the vector index
        too; under the lock, so an index opening meanwhile never keeps them."""
        with self._lock:
            if ids and self._vectors is not None:
                self._vectors.remove(ids, self.catalog.generation())

    def prune_thumbnails(self) -> Pruned:
        """Keep the thumbnail cache within its budget (Settings), oldest-used out first."""
        budget = max(self.settings.thumbnail_cache_mb, 0) * MB
        return prune_thumbnail_cache(self.paths.thumbnails_dir, budget)

    def set_thumbnail_budget(self, megabytes: int) -> Pruned:
        """A new budget for the thumbnail cache, kept to at once."""
        self.settings_file.change(thumbnail_cache_mb=int(megabytes))
        return self.prune_thumbnails()

    def unavailable_devices(self) -> dict[str, str]:
        """Devices this computer cannot run the model on, with why (imports torch)."""
        from photosearch.core.model import devices

        return devices.unavailable()

    def release_reader(self) -> None:
        """Close this thread's catalog reader (a pool thread, after a call)."""
        self.catalog.release_reader()

    @property
    def settings(self) -> Settings:
        """The settings this run uses (the file's, with this command's own options)."""
        return self.settings_file.current

    def set_gentle(self, gentle: bool, save: bool = True) -> None:
        """Gentle mode: one torch thread and one decoder, leaving the computer responsive;
        ``save`` remembers it, else it lasts for this run only (``watch --gentle``).

        torch is not imported for this: a model loaded later reads the setting itself.
        """
        if save:
            self.settings_file.change(gentle=gentle)
        else:
            self.settings_file.override(gentle=gentle)
        torch = sys.modules.get("torch")
        if torch is not None:
            from photosearch.core.model.encoder import default_threads

            threads = self.settings.torch_threads or default_threads()
            torch.set_num_threads(1 if gentle else threads)

    def set_read_text(self, on: bool) -> None:
        """Read words in photos after indexing, or not (a pass under way stops at its
        next batch; what was read stays searchable). Off, the OCR engines are let go."""
        self.settings_file.change(read_text=on)
        if not on:
            self.readers.drop_words()

    def set_find_faces(self, on: bool) -> None:
        """Look for faces after indexing, or not (a pass under way stops at its next
        batch; the faces found stay until ``people.forget``). Off, the face finders are
        let go."""
        self.settings_file.change(find_faces=on)
        if not on:
            self.readers.drop_faces()

    def finds_faces(self) -> bool:
        """Whether faces are looked for: the setting is on and the face models installed."""
        return self.settings.find_faces and faces.available()

    def set_min_score(self, value: float | None) -> None:
        """The score cut-off for searches (None: the model's own)."""
        self.settings_file.change(min_score=value)

    @property
    def active_precision(self) -> str | None:
        """What the loaded model runs in (None until it is loaded)."""
        return self.runtime.active_precision

    def set_precision(self, value: str) -> None:
        """Run the model in another number format (reloaded on its next use)."""
        if value not in PRECISIONS:
            raise PhotoSearchError(
                f"Unknown precision {value!r}; choose one of {', '.join(PRECISIONS)}."
            )
        with self._lock:
            self.runtime.reset(tower=False)
            self.settings_file.change(precision=value)

    def set_device(self, value: str, save: bool = True) -> None:
        """Run the model on another device (reloaded on its next use); ``save`` remembers it."""
        if value not in DEVICES:
            raise PhotoSearchError(f"Unknown device {value!r}; choose one of {', '.join(DEVICES)}.")
        with self._lock:
            self.runtime.reset(tower=False)
            if save:
                self.settings_file.change(device=value)
            else:
                self.settings_file.override(device=value)

    @property
    def active_device(self) -> str | None:
        """Where the loaded model runs and why, in words (None until it is loaded)."""
        return self.runtime.active_device

    def use_model(self, key: str) -> None:
        """Make ``key`` the active model (it must be installed). The model used so far,
        when it has vectors, keeps answering searches until ``key`` has indexed every
        photo (:mod:`core.stand_in`)."""
        models.require(key, self.paths.models_dir)
        previous = self.model_key
        keep_previous = (
            previous != key
            and models.is_installed(previous, self.paths.models_dir)
            and self.catalog.has_vectors(previous)
        )
        with self._lock:
            if self._vectors is not None:
                self._vectors.save()
                self._vectors.close()
            self.runtime.reset(tower=True)
            self._vectors = None
            self._let_go_of_stand_in()
            changes: dict[str, object] = {"model": key}
            if keep_previous:
                changes["previous_model"] = previous
            elif self.settings.previous_model == key:
                changes["previous_model"] = None
            self.settings_file.change(**changes)

    def import_model(self, source: Path, arch: str | None = None) -> ProbeResult:
        """Import a model (an open_clip directory, or a weights file of ``arch``), make it
        the active one, and check that it ranks pictures by meaning (``model_probe``):
        weights of unknown origin may be random or damaged, which would make every search
        noise. The result's ``warning`` says so in words."""
        from photosearch.core.model.probe import check_ranking

        self.use_model(models.import_model(source, self.paths.models_dir, arch))
        return check_ranking(self.encoder())

    def _let_go_of_stand_in(self) -> None:
        if self._stand_in is not None:
            self._stand_in.vectors.close()
            self._stand_in = None

    def stand_in(self) -> StandIn | None:
        """The previous model while the chosen one is still indexing, else None (and the
        previous model is let go once the chosen one has every photo)."""
        previous = self.settings.previous_model
        if previous is None:
            return None
        if not self.catalog.pending(self.vectors().model_id, limit=1):
            with self._lock:
                self._let_go_of_stand_in()
                self.settings_file.change(previous_model=None)
            log.info("%s has caught up; %s no longer answers searches", self.model_key, previous)
            return None
        with self._lock:
            if self._stand_in is None or self._stand_in.key != previous:
                self._let_go_of_stand_in()
                try:
                    directory = models.require(previous, self.paths.models_dir)
                except ModelNotAvailableError:
                    return None  # deleted meanwhile: the chosen model answers alone
                self._stand_in = StandIn(
                    previous,
                    self.paths,
                    self.catalog,
                    self.settings,
                    self.runtime.vouched(directory),
                )
            return self._stand_in

    @property
    def answering_model(self) -> str:
        """The model whose vectors answer searches now."""
        stand_in = self.stand_in()
        return stand_in.key if stand_in is not None else self.model_key

    def delete_model(self, key: str) -> None:
        """Delete an installed model's files; its vectors stay in the catalog, so a new
        download of the same weights needs no re-indexing."""
        if key in (self.model_key, models.DEMO_KEY):
            raise PhotoSearchError(f"{key} is in use (or built in) and cannot be deleted.")
        directory = models.model_dir(key, self.paths.models_dir)
        if not models.is_installed(key, self.paths.models_dir):
            raise PhotoSearchError(f"{key} is not on this computer.")
        shutil.rmtree(directory)

    @property
    def cutoff(self) -> Cutoff | None:
        return cutoff_for(self.model_key, self.settings)

    # -- indexing ----------------------------------------------------------------------

    def scan(
        self,
        progress: ProgressCallback = no_progress,
        control: JobControl | None = None,
        scope: Scope | None = None,
    ) -> ScanReport:
        """Find new, changed, moved and deleted photos (everywhere, or within ``scope``)."""
        report = scan(self.catalog, progress, control, scope)
        self._forget_vectors(report.removed_ids + report.changed_ids)
        return report

    def index(
        self,
        progress: ProgressCallback = no_progress,
        control: JobControl | None = None,
        between_batches: Callable[[], Scope | None] | None = None,
    ) -> IndexReport:
        """Encode every pending photo; the model is loaded only when there is one.

        ``between_batches`` runs after each committed batch; when it returns a scope (it
        rescanned part of the library), the pending photos there are encoded next.
        """
        store = self.vectors()
        if not self.catalog.pending(store.model_id, limit=1):
            return IndexReport()
        from photosearch.core.index.indexer import Indexer

        encoder = self.encoder()
        on_gpu = encoder.device.type != "cpu"
        decoders = self.settings.decode_threads or ((os.cpu_count() or 1) if on_gpu else 0)
        indexer = Indexer(
            self.catalog,
            store,
            encoder,
            batch_size=self.settings.batch_size,
            decode_threads=1 if self.settings.gentle else decoders,
            glance=FacesGlance(self.readers, self.finds_faces) if self.finds_faces() else None,
        )
        report = indexer.run(progress, control, between_batches)
        self._remember_speed(report)
        return report

    def _remember_speed(self, report: IndexReport) -> None:
        """Keep how fast this model indexes here (Settings → Models shows it); a short or
        gentle run says little about the speed, so only a full-speed run of some size counts."""
        if report.encoded >= SPEED_SAMPLE and report.seconds > 0 and not self.settings.gentle:
            speeds = dict(self.settings.model_speeds)
            speeds[self.model_key] = round(report.encoded / report.seconds, 1)
            self.settings_file.change(model_speeds=speeds)

    def update(
        self,
        progress: ProgressCallback = no_progress,
        control: JobControl | None = None,
        scope: Scope | None = None,
        between_batches: Callable[[], Scope | None] | None = None,
        other_work: Callable[[], bool] | None = None,
    ) -> tuple[ScanReport, IndexReport | None]:
        """Scan (everything, or ``scope``), encode what is new, then learn the words of
        photos (metadata, text read in them); stops early when asked. ``other_work``
        says when something else waits (a full scan): the words pass, hours long in a
        large library, then ends at its next batch and goes on in the next job."""
        control = control or JobControl()
        with self.data_writes():
            report = self.scan(progress, control, scope)
            if not report.complete:
                return report, None
            indexed = self.index(progress, control, between_batches)
            if not indexed.stopped:
                self.learn_words(progress, control, between_batches, indexed, other_work)
        return report, indexed

    def data_writes(self) -> AbstractContextManager[None]:
        """Where a failed write to the data folder becomes one StorageError."""
        return writing_to(self.paths.data_dir)

    def reads_text(self) -> bool:
        """Whether words in photos are read: the setting is on and the OCR part installed."""
        return self.settings.read_text and ocr.available()

    def learn_words(
        self,
        progress: ProgressCallback = no_progress,
        control: JobControl | None = None,
        between_batches: Callable[[], Scope | None] | None = None,
        indexed: IndexReport | None = None,
        other_work: Callable[[], bool] | None = None,
    ) -> TextReport:
        """The pass after indexing: metadata of photos indexed before the catalog kept it,
        then the words in photos. Between its batches, photos that arrived meanwhile are
        encoded first (their encoding is added to ``indexed``); it ends early when
        ``other_work`` says something else waits."""
        control = control or JobControl()
        report = TextReport()
        waiting = other_work or (lambda: False)

        def yield_to() -> None:
            scope = between_batches() if between_batches is not None else None
            store = self.vectors()
            if scope is not None or self.catalog.pending(store.model_id, limit=1):
                more = self.index(progress, control, between_batches)
                if indexed is not None:
                    indexed.encoded += more.encoded
                    indexed.errors.extend(more.errors)

        run = PassRun(self.catalog, progress, control, report, yield_to)
        read_missing_meta(run, lambda: not waiting())
        if not report.stopped and not waiting():
            find_places(run, lambda: not waiting())
        if not report.stopped and self.finds_faces() and not waiting():
            find_faces(
                run,
                self.readers.faces,
                lambda: self.finds_faces() and not waiting(),
                self.finds_faces,
            )
        if not report.stopped and self.reads_text() and not waiting():
            read_words(
                run,
                self.readers.gates,
                self.readers.reader,
                lambda: self.reads_text() and not waiting(),
            )
        return report

    # -- search ------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        stand_in = self.stand_in()
        if stand_in is not None:
            return Searcher(
                self.catalog,
                stand_in.vectors,
                stand_in.encoder,
                stand_in.cutoff,
                stand_in.text_encoder,
            )
        return Searcher(self.catalog, self.vectors(), self.encoder, self.cutoff, self.text_encoder)

    def photos_of(self, person: Person, limit: int = 100) -> list[str]:
        """The paths of someone's photos, newest first."""
        return [h.path for h in self.search(f"person:#{person.id}", limit=limit).hits]

    def search(
        self,
        text: str,
        images: tuple[str | ImageQuery, ...] = (),
        limit: int = 50,
        offset: int = 0,
        everything: bool = False,
    ) -> SearchResult:
        """Search with typed text (terms and filters) plus any number of query images (or
        regions of them); ``everything``: empty text lists the whole library instead."""
        return self.searcher().search(compose(text, images), limit, offset, everything)

    def similar(
        self,
        image: str,
        text: str = "",
        limit: int = 50,
        crop: Crop | None = None,
        at: float | None = None,
    ) -> SearchResult:
        """Photos like ``image`` or a region of it — of a clip, its moment ``at`` seconds
        in — (optionally steered by text), without the image itself."""
        path = os.path.abspath(image)
        result = self.search(text, (ImageQuery(path, crop, at=at),), limit + 1)
        hits = [h for h in result.hits if h.path != path][:limit]
        return SearchResult(hits, result.weak, result.cutoff)

    # -- health ------------------------------------------------------------------------

    def status(self) -> LibraryStatus:
        """What is catalogued and indexed, which model answers and where (``status``)."""
        return library_status(self)

    def doctor(self) -> list[Check]:
        """Check the environment, model, catalog and index, saying what to do about problems."""
        return doctor(self)
