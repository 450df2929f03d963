"""Live folders: real watchdog observers on real temp folders, the real service thread."""

from __future__ import annotations

import os
import shutil
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.app.service import IndexingService
from photosearch.core.errors import CatalogLockedError
from tests.conftest import without_passes, write_photos
from tests.photos import photo_like


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll a condition until it holds or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def live(plumbing_engine: Engine, tmp_path: Path) -> Iterator[tuple[Engine, IndexingService, Path]]:
    root = tmp_path / "live"
    root.mkdir()
    plumbing_engine.library.add_folder(root)
    service = IndexingService(plumbing_engine, quiet_s=0.4)
    service.start()
    assert service.wait_idle(60)
    yield plumbing_engine, service, root
    service.stop()


def indexed(engine: Engine) -> int:
    return engine.catalog.counts(engine.vectors().model_id)["indexed"]


def paths_in_catalog(engine: Engine) -> set[str]:
    ids = engine.catalog.embedding_ids(engine.vectors().model_id).tolist()
    return {p.path for p in engine.catalog.photos(ids).values()}


def test_copied_photos_become_searchable(
    live: tuple[Engine, IndexingService, Path], tmp_path: Path
) -> None:
    engine, service, root = live
    assert service.watcher is not None and service.watcher.modes[str(root)] == "native"
    staging = write_photos(tmp_path / "camera", 200)
    for path in staging:
        shutil.copy2(path, root / path.name)
    assert wait_for(lambda: indexed(engine) == 200)
    hits = engine.search("a photo", limit=500)
    assert len(hits.hits + hits.weak) >= 8
    assert engine.encoder().images_encoded == 200


def test_slow_write_is_indexed_once_when_complete(
    live: tuple[Engine, IndexingService, Path], tmp_path: Path
) -> None:
    engine, _, root = live
    source = tmp_path / "big.jpg"
    photo_like(800, 600, 3).save(source, quality=90)
    data = source.read_bytes()
    target = root / "slow.jpg"
    with open(target, "wb") as out:
        for i in range(0, len(data), len(data) // 5 + 1):
            out.write(data[i : i + len(data) // 5 + 1])
            out.flush()
            time.sleep(0.15)  # a slow writer (the behaviour under test), not a wait
    assert wait_for(lambda: indexed(engine) == 1)
    assert wait_for(lambda: engine.encoder().images_encoded == 1, 5)
    assert engine.catalog.errors() == []


def test_folder_rename_moves_without_encoding(live: tuple[Engine, IndexingService, Path]) -> None:
    engine, service, root = live
    write_photos(root / "trip", 100)
    assert wait_for(lambda: indexed(engine) == 100)
    before = engine.encoder().images_encoded
    (root / "trip").rename(root / "Rome 2024")
    assert wait_for(lambda: all("Rome 2024" in p for p in paths_in_catalog(engine)))
    assert service.wait_idle(30)
    assert engine.encoder().images_encoded == before
    assert indexed(engine) == 100


def test_delete_and_move_out_leave_the_results(
    live: tuple[Engine, IndexingService, Path], tmp_path: Path
) -> None:
    engine, _, root = live
    paths = write_photos(root, 6)
    assert wait_for(lambda: indexed(engine) == 6)
    paths[0].unlink()
    shutil.move(paths[1], tmp_path / "outside.jpg")
    assert wait_for(lambda: indexed(engine) == 4)
    remaining = paths_in_catalog(engine)
    assert str(paths[0]) not in remaining and str(paths[1]) not in remaining
    results = engine.search("x", limit=50)
    assert {h.path for h in results.hits + results.weak} <= remaining


def test_unplugged_root_keeps_photos_and_returns(
    live: tuple[Engine, IndexingService, Path], tmp_path: Path
) -> None:
    engine, service, root = live
    write_photos(root, 5)
    assert wait_for(lambda: indexed(engine) == 5)
    parked = tmp_path / "parked"
    root.rename(parked)
    assert wait_for(lambda: not engine.library.folders()[0].online, 30)
    assert indexed(engine) == 5
    parked.rename(root)
    assert wait_for(lambda: engine.library.folders()[0].online, 30)
    write_photos(root, 1, start=99)
    assert wait_for(lambda: indexed(engine) == 6)
    assert engine.encoder().images_encoded == 6
    assert service.watcher is not None and service.watcher.modes[str(root)] == "native"


def test_coalesced_scopes_keep_the_newest_files_still_being_written(
    plumbing_engine: Engine, tmp_path: Path
) -> None:
    """A file excluded while it was written must be scanned once a later scope says done."""
    from photosearch.core.app.service import Priority
    from photosearch.core.index.scanner import Scope

    service = IndexingService(plumbing_engine, watch=False)
    folder = str(tmp_path / "pics")
    older = Scope({folder: False}, frozenset({f"{folder}/a.jpg", f"{folder}/b.jpg"}))
    newer = Scope({folder: False}, frozenset({f"{folder}/b.jpg"}))
    service._queue.put((Priority.CHANGES, next(service._seq), newer))
    merged = service._coalesce(older)
    assert merged == Scope({folder: False}, frozenset({f"{folder}/b.jpg"}))


@pytest.mark.perf
def test_burst_of_events_is_coalesced(live: tuple[Engine, IndexingService, Path]) -> None:
    engine, service, root = live
    paths = write_photos(root, 250)
    assert wait_for(lambda: indexed(engine) == 250)
    before = engine.encoder().images_encoded
    tracemalloc.start()
    for round_ in range(20):  # 5,000 modify events on 250 files
        for path in paths:
            os.utime(path, ns=(round_ + 1, 10**18 + round_))
    assert wait_for(lambda: engine.encoder().images_encoded >= before + 250, 120)
    assert wait_for(service.idle.is_set, 60)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    reencoded = engine.encoder().images_encoded - before
    print(f"\nburst: 5,000 events on 250 files -> {reencoded} encodes, peak {peak >> 20} MiB")
    # 5,000 events became at most a couple of encodes per file (one per quiet gap in the
    # burst), and the catalog holds each photo and vector exactly once.
    assert 250 <= reencoded <= 500, reencoded
    assert engine.catalog.counts(None)["photos"] == 250 and indexed(engine) == 250
    assert len(engine.vectors()) == 250
    assert peak < 64 * 2**20, peak


def test_pause_holds_encoding_until_resume(live: tuple[Engine, IndexingService, Path]) -> None:
    engine, service, root = live
    service.control.pause()
    write_photos(root, 20)
    assert wait_for(lambda: not service.idle.is_set())  # the watcher has queued the change
    assert wait_for(service.control.held.is_set)  # the job got as far as pausing allows
    assert engine.encoder().images_encoded == 0
    service.control.resume()
    assert wait_for(lambda: indexed(engine) == 20)


def test_stop_then_restart_resumes(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_photos(root, 120)
    plumbing_engine.library.add_folder(root)
    plumbing_engine.settings.batch_size = 8
    started = threading.Event()
    service = IndexingService(
        plumbing_engine, lambda p: started.set() if p.phase == "index" and p.done >= 16 else None
    )
    service.start()
    assert started.wait(60)
    service.stop()
    first = indexed(plumbing_engine)
    assert 16 <= first < 120
    paths = plumbing_engine.paths
    plumbing_engine.close()
    engine = Engine.open(paths)
    again = IndexingService(engine, watch=False)
    again.start()
    assert again.wait_idle(120)
    assert indexed(engine) == 120 and engine.encoder().images_encoded == 120 - first
    again.stop()
    engine.close()


def test_second_writer_is_refused_but_search_works(plumbing_engine: Engine) -> None:
    with pytest.raises(CatalogLockedError, match="already running"):
        Engine.open(plumbing_engine.paths)
    reader = Engine.open(plumbing_engine.paths, exclusive=False)
    assert reader.status().photos == 0
    reader.close()


@pytest.fixture(scope="session")
def slow_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random model heavy enough (~25 ms a photo here) that a first index takes a while."""
    from tests.conftest import write_random_model

    return write_random_model(
        tmp_path_factory.mktemp("models") / "random-slow",
        image_size=224,
        width=384,
        layers=6,
        patch_size=14,
    )


def test_photos_copied_while_starting_and_during_a_long_first_index_come_first(
    _isolated_home: Path, slow_model: Path, tmp_path: Path
) -> None:
    """The watchers run before the first scan, and the indexer takes in what they see
    between batches: every copy is searchable within seconds, long before the backlog ends."""
    from photosearch.core.model import models

    engine = Engine.open()
    engine.use_model(models.import_model(slow_model, engine.paths.models_dir))
    without_passes(engine)  # what is under test is the order photos are encoded in
    root = tmp_path / "library"
    write_photos(root / "backlog", 700)
    for name in ("first", "second", "third"):
        (root / name).mkdir()
    staging = write_photos(tmp_path / "camera", 15)
    engine.library.add_folder(root)
    indexing = threading.Event()
    service = IndexingService(
        engine,
        lambda p: indexing.set() if p.phase == "index" and p.done >= 8 else None,
        quiet_s=0.4,
    )

    def copy(batch: list[Path], name: str) -> tuple[float, set[str]]:
        for path in batch:
            shutil.copy2(path, root / name / path.name)
        return time.monotonic(), {str(root / name / p.name) for p in batch}

    service.start()
    copies = [copy(staging[:5], "first")]  # while the service starts
    assert indexing.wait(120)
    copies.append(copy(staging[5:10], "second"))  # early in the first index
    time.sleep(3)  # part of the scenario: a third copy further into the index
    copies.append(copy(staging[10:], "third"))
    try:
        for copied_at, paths in copies:
            assert wait_for(lambda paths=paths: paths <= paths_in_catalog(engine), 30), paths
            assert time.monotonic() - copied_at < 30  # a busy machine (tests beside it)
        backlog_done = indexed(engine)
        assert backlog_done < 700, "the copies waited for the whole backlog"
        assert service.wait_idle(300)
        assert indexed(engine) == 715 and engine.encoder().images_encoded == 715
    finally:
        service.stop()
        engine.close()


def test_never_idle_while_a_job_is_queued(
    plumbing_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request that arrives just as the last job ends (here: while memory is handed
    back, the moment between "the queue is empty" and "idle") is never reported idle."""
    from photosearch.core.app import service as service_module
    from photosearch.core.types import Progress

    write_photos(tmp_path / "pics", 2)
    plumbing_engine.library.add_folder(tmp_path / "pics")
    queued_when_idle: list[int] = []
    asked: list[bool] = []

    def progress(p: Progress) -> None:
        if p.phase == "idle":
            queued_when_idle.append(service._queue.qsize())

    def ask_once() -> None:
        if not asked:
            asked.append(True)
            service.request_scan()  # as the window's "Rescan" would, from another thread

    monkeypatch.setattr(service_module, "release_free_memory", ask_once)
    service = IndexingService(plumbing_engine, progress, watch=False)
    service.start()
    try:
        assert wait_for(lambda: bool(queued_when_idle) and service.idle.is_set())
        assert asked and queued_when_idle[0] == 0 and set(queued_when_idle) == {0}
    finally:
        service.stop()
