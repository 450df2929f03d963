"""Everything at once: searches from several threads while the indexer commits and saves,
the command line beside a running app, the window closed in the middle of a batch."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from photosearch.core.app.engine import Engine
from photosearch.core.app.service import IndexingService
from photosearch.core.model import models
from photosearch.core.settings import AppPaths
from tests.conftest import write_photos

pytestmark = pytest.mark.faults


def test_searches_from_four_threads_while_indexing_commits_and_saves(
    plumbing_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photosearch.core.index import indexer

    monkeypatch.setattr(indexer, "SAVE_INTERVAL_S", 0.0)  # save the index after every batch
    photos = write_photos(tmp_path / "photos", 400)
    plumbing_engine.library.add_folder(tmp_path / "photos")
    plumbing_engine.update()  # a first part indexed, so searches have answers from the start
    write_photos(tmp_path / "photos", 400, start=400)
    done = threading.Event()
    failures: list[BaseException] = []
    answered = [0]

    def search(worker: int) -> None:
        rng = np.random.default_rng(worker)
        while not done.is_set():
            try:
                if worker % 2:
                    result = plumbing_engine.search(f"a photo {rng.integers(1000)}", limit=20)
                else:
                    result = plumbing_engine.similar(str(photos[rng.integers(400)]), limit=20)
                assert all(os.path.exists(hit.path) for hit in result.hits)
                answered[0] += 1
            except BaseException as exc:
                failures.append(exc)
                return

    threads = [threading.Thread(target=search, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    try:
        _, indexed = plumbing_engine.update()
    finally:
        done.set()
        for thread in threads:
            thread.join(60)
    assert not failures, failures[0]
    assert indexed is not None and indexed.encoded == 400
    store = plumbing_engine.vectors()
    assert len(store) == 800 and answered[0] > 20
    print(f"{answered[0]} searches answered while 400 photos were indexed")


def test_the_command_line_beside_a_running_app(plumbing_engine: Engine, tmp_path: Path) -> None:
    """The app holds the library: ``index`` says so and leaves, ``search`` answers."""
    write_photos(tmp_path / "photos", 120)
    plumbing_engine.library.add_folder(tmp_path / "photos")
    service = IndexingService(plumbing_engine, quiet_s=0.2)
    service.start()
    try:
        refused = subprocess.run(
            [sys.executable, "-m", "photosearch", "index"], capture_output=True, text=True
        )
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "already running on this library" in refused.stderr
        assert service.wait_idle(120)
        found = subprocess.run(
            [sys.executable, "-m", "photosearch", "search", "a photo", "--json", "-n", "5"],
            capture_output=True,
            text=True,
        )
        assert found.returncode == 0, found.stderr
        assert len(json.loads(found.stdout)) == 5
        for listing in (["models", "list"], ["albums", "list"], ["folders"]):  # only read
            listed = subprocess.run(
                [sys.executable, "-m", "photosearch", *listing], capture_output=True, text=True
            )
            assert listed.returncode == 0, (listing, listed.stderr)
    finally:
        service.stop()
    db = sqlite3.connect(plumbing_engine.paths.catalog_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 120
    db.close()


def test_closing_the_window_in_the_middle_of_a_batch(qtbot: QtBot, tmp_path: Path) -> None:
    """Closed while photos encode: the window is gone within 2 s, and what was committed
    stays (the rest is indexed at the next start)."""
    from photosearch.ui.app import create_window

    write_photos(tmp_path / "photos", 60, size=(1600, 1200))
    paths = AppPaths.resolve(tmp_path / "home")
    engine = Engine.open(paths)
    engine.settings_file.change(model=models.DEMO_KEY)
    engine.library.add_folder(tmp_path / "photos")
    engine.close()
    window = create_window(paths, quiet_s=0.3)
    qtbot.addWidget(window)
    window.show()
    engine = window.bridge.engine
    qtbot.waitUntil(lambda: window.library.model_state == "ready", timeout=60_000)
    qtbot.waitUntil(
        lambda: engine.catalog.counts(engine.vectors().model_id)["indexed"] >= 16, timeout=120_000
    )
    started = time.perf_counter()
    window.close()
    closed = time.perf_counter() - started
    db = sqlite3.connect(paths.catalog_path)
    committed = db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    print(f"window closed in {closed:.2f} s with {committed} of 60 photos indexed")
    assert closed < 2.0
    assert 16 <= committed < 60
    again = Engine.open(paths)
    try:
        again.set_read_text(False)  # what is under test is the encoding
        _, indexed = again.update()
        assert indexed is not None and indexed.encoded == 60 - committed
    finally:
        again.close()
