from __future__ import annotations

import os
import threading
from pathlib import Path

from photosearch.core.app.engine import Engine
from photosearch.core.index.indexer import Indexer, PipelineCosts
from photosearch.core.types import JobControl, Progress
from tests.conftest import add_library
from tests.photos import write_bad_inputs


def test_bad_inputs_are_skipped_and_the_rest_indexed(
    plumbing_engine: Engine, tmp_path: Path
) -> None:
    root = tmp_path / "mixed"
    expected = write_bad_inputs(root)
    add_library(plumbing_engine, root, 5)
    scan, index = plumbing_engine.update()
    assert index is not None
    good = [n for n, ok in expected.items() if ok]
    bad = {n for n, ok in expected.items() if not ok}
    assert index.encoded == len(good) + 5
    assert {os.path.basename(p) for p, _ in index.errors} == bad
    assert all(reason for _, reason in index.errors)
    status = plumbing_engine.status()
    assert status.errors == len(bad) and status.pending == 0
    # the skipped files stay skipped: a rescan does not retry them or lose anything
    scan, index = plumbing_engine.update()
    assert index is not None and index.encoded == 0 and scan.unchanged == len(expected) + 5


def test_file_deleted_between_scan_and_decode(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "pics"
    paths = add_library(plumbing_engine, root, 6)
    plumbing_engine.scan()
    paths[2].unlink()
    report = plumbing_engine.index()
    assert report.encoded == 5 and report.gone == 1 and report.errors == []
    assert plumbing_engine.catalog.photo_by_path(str(paths[2])) is None


def test_progress_reports_counts_rate_and_eta(plumbing_engine: Engine, tmp_path: Path) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 40)
    plumbing_engine.scan()
    seen: list[Progress] = []
    plumbing_engine.index(seen.append)
    index = [p for p in seen if p.phase == "index"]
    assert index[0].done == 0 and index[-1].done == index[-1].total == 40
    assert any(p.rate and p.eta is not None for p in index)


def test_stop_then_resume_without_reencoding(plumbing_engine: Engine, tmp_path: Path) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 64)
    plumbing_engine.settings.batch_size = 8
    control = JobControl()

    def stop_after_two_batches(p: Progress) -> None:
        if p.phase == "index" and p.done >= 16:
            control.stop.set()

    _, first = plumbing_engine.update(stop_after_two_batches, control)
    assert first is not None and first.stopped and 16 <= first.encoded < 64
    plumbing_engine.close()
    engine = Engine.open(plumbing_engine.paths)  # as after a restart
    _, second = engine.update()
    assert second is not None and second.encoded == 64 - first.encoded
    assert engine.catalog.counts(engine.vectors().model_id)["indexed"] == 64
    engine.close()


def test_pause_blocks_encoding_until_resume(plumbing_engine: Engine, tmp_path: Path) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 32)
    plumbing_engine.settings.batch_size = 8
    plumbing_engine.scan()
    encoder = plumbing_engine.encoder()
    control = JobControl()
    first_batch = threading.Event()

    def pause_on_first_batch(p: Progress) -> None:
        if p.done >= 8 and not first_batch.is_set():
            control.pause()
            first_batch.set()

    worker = threading.Thread(target=plumbing_engine.index, args=(pause_on_first_batch, control))
    worker.start()
    assert first_batch.wait(60)
    assert control.held.wait(60)  # the batch in flight is done; the next waits for resume
    paused_at = encoder.images_encoded
    assert 8 <= paused_at < 32
    assert control.held.is_set() and worker.is_alive()
    assert encoder.images_encoded == paused_at
    control.resume()
    worker.join(60)
    assert not worker.is_alive() and encoder.images_encoded == 32


def test_decoding_takes_turns_only_when_it_is_heavy() -> None:
    costs = PipelineCosts()
    assert not costs.take_turns()  # nothing measured yet: decode beside the encoder
    for _ in range(16):
        costs.add_decode(0.010)
    costs.add_encode(0.64, 16)  # 10 ms of decoding per 40 ms of encoding: overlap
    assert not costs.take_turns()
    for _ in range(16):
        costs.add_decode(0.090)
    costs.add_encode(0.64, 16)  # now 50 ms per 40 ms: take turns
    assert costs.take_turns()


def test_a_run_measures_what_decoding_and_encoding_cost(
    plumbing_engine: Engine, tmp_path: Path
) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 20)
    plumbing_engine.scan()
    indexer = Indexer(
        plumbing_engine.catalog, plumbing_engine.vectors(), plumbing_engine.encoder(), 8
    )
    assert indexer.run().encoded == 20
    assert indexer.costs.decoded == 20 and indexer.costs.encoded == 20
    assert indexer.costs.decode_cpu > 0 and indexer.costs.encode_wall > 0
