"""The bridge's threads: an honest shutdown, no SQLite reader left behind by pool threads,
only the newest of quickly typed searches run, long jobs out of the short calls' way,
duplicates that stop when the user leaves, and a copied image decoded off the GUI thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QThread
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from photosearch.core.app.engine import Engine
from photosearch.ui import actions
from photosearch.ui.bridge import EngineBridge
from tests.conftest import write_photos


@pytest.fixture
def bridge(engine: Engine, tmp_path: Path) -> Iterator[EngineBridge]:
    write_photos(tmp_path / "photos", 6)
    engine.library.add_folder(tmp_path / "photos")
    engine.update()
    bridge = EngineBridge(engine, watch=False)
    yield bridge
    bridge.shutdown()


def test_shutdown_never_closes_the_catalog_under_a_running_job(
    qtbot: QtBot, plumbing_engine: Engine
) -> None:
    bridge = EngineBridge(plumbing_engine, watch=False)
    release, started = threading.Event(), threading.Event()
    answers: list[int] = []

    def slow(engine: Engine) -> int:
        started.set()
        release.wait(30)
        return engine.catalog.counts(None)["photos"]  # still works: never closed under it

    bridge.run(slow, answers.append)
    assert started.wait(10)
    try:
        assert bridge.shutdown(timeout_ms=200) is False
        assert plumbing_engine.catalog.read().execute("SELECT 1").fetchone() == (1,)
    finally:
        release.set()
    assert bridge._tasks.waitForDone(10_000)
    assert bridge.shutdown() is True  # everything stopped: now it closes


def test_pool_threads_leave_no_reader_open(qtbot: QtBot, bridge: EngineBridge) -> None:
    catalog = bridge.engine.catalog
    answers: list[int] = []
    for _ in range(40):
        bridge.run(lambda engine: engine.catalog.counts(None)["photos"], answers.append)
    qtbot.waitUntil(lambda: len(answers) == 40, timeout=30_000)
    assert set(answers) == {6}
    qtbot.waitUntil(lambda: len(catalog._readers) <= 3, timeout=5_000)  # never one per call
    done = threading.Event()
    threading.Thread(target=lambda: (catalog.read(), done.set())).start()
    assert done.wait(10)
    qtbot.waitUntil(lambda: len(catalog._readers) <= 3, timeout=5_000)  # a thread that ended


def test_only_the_newest_of_quickly_typed_searches_runs(qtbot: QtBot, bridge: EngineBridge) -> None:
    results: list[int] = []
    bridge.search_done.connect(lambda request, _: results.append(request))
    hold = threading.Event()
    bridge.searcher.engine = _Held(bridge.engine, hold)  # the first search takes a while
    first = bridge.search("a", [])
    typed = [bridge.search("a red" + " circle" * n, []) for n in range(15)]
    hold.set()
    qtbot.waitUntil(lambda: typed[-1] in results, timeout=30_000)
    # the one under way while the rest were typed finishes; none of those between runs
    assert results[-1] == typed[-1] and len(results) <= 2 and results[0] >= first
    assert bridge.searcher.run_count == len(results)


class _Held:
    """The engine, with its first search held until ``hold`` is set."""

    def __init__(self, engine: Engine, hold: threading.Event) -> None:
        self.engine, self.hold = engine, hold

    def search(self, *args: object) -> object:
        self.hold.wait(30)
        return self.engine.search(*args)  # type: ignore[arg-type]


def test_a_long_job_never_holds_up_the_short_calls(qtbot: QtBot, bridge: EngineBridge) -> None:
    release = threading.Event()
    long_done: list[object] = []
    bridge.run(lambda _: release.wait(30), long_done.append, long=True)
    bridge.run(lambda _: release.wait(30), long_done.append, long=True)  # queued behind it
    details: list[object] = []
    first = bridge.engine.catalog.photos([1])[1].path
    bridge.run(lambda engine: engine.library.details(first), details.append)
    bridge.run(lambda engine: engine.library.details(first), details.append)
    try:
        qtbot.waitUntil(lambda: len(details) == 2, timeout=10_000)
        assert long_done == []
    finally:
        release.set()
    qtbot.waitUntil(lambda: len(long_done) == 2, timeout=10_000)


def test_copy_image_decodes_off_the_gui_thread_by_the_real_bytes(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.windows import open_window

    name = os.fsdecode(b"caf\xe9-" + b"x" * 4 + b".jpg")  # not UTF-8
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.new("RGB", (64, 48), "red").save(os.path.join(folder, name))
    threads: list[bool] = []
    read = actions.read_image

    def watched(path: str) -> object:
        threads.append(QThread.currentThread() is QGuiApplication.instance().thread())
        return read(path)

    monkeypatch.setattr(actions, "read_image", watched)
    window = open_window(qtbot, tmp_path / "home", [])
    try:
        said: list[str] = []
        QGuiApplication.clipboard().clear()
        window.status.label.setText = lambda text: said.append(text)  # type: ignore[method-assign]
        window.copy_image(os.path.join(folder, name))
        qtbot.waitUntil(lambda: any(t.startswith("Copied") for t in said), timeout=10_000)
        assert threads == [False]
        assert QGuiApplication.clipboard().image().size().toTuple() == (64, 48)
        assert any("caf\ufffd-xxxx.jpg" in t for t in said)  # as a file manager shows it
    finally:
        window.close()
        window.bridge.shutdown()


def test_leaving_duplicates_stops_the_search_for_them(qtbot: QtBot, tmp_path: Path) -> None:
    from tests.ui.windows import open_window

    window = open_window(qtbot, tmp_path / "home", [])
    try:
        window.show_duplicates()
        control = window.duplicates._control
        assert control is not None and not control.stop.is_set()
        window.show_duplicates()  # asked again: the first search stops
        assert control.stop.is_set() and window.duplicates._control is not control
        latest = window.duplicates._control
        window.search.setText("a red circle")
        window.run_search()  # the user moved on
        assert latest is not None and latest.stop.is_set()
    finally:
        window.close()
        window.bridge.shutdown()


def test_a_name_that_is_not_utf8_shows_everywhere(qtbot: QtBot, tmp_path: Path) -> None:
    """Found, its thumbnail, details and viewer arrive (never "Loading…" for ever), and
    its name reads as in a file manager."""
    from photosearch.core.types import Hit
    from tests.ui.windows import open_window, wait_indexed

    folder = tmp_path / "photos"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9_astronaut.jpg")
    Image.new("RGB", (120, 90), "red").save(raw, "JPEG")
    path = os.fsdecode(raw)
    window = open_window(qtbot, tmp_path / "home", [folder])
    try:
        wait_indexed(qtbot, window, 1)
        hit = Hit(window.bridge.engine.catalog.photo_by_path(path), None)
        assert window.thumbs.get(path) is None  # being made
        qtbot.waitUntil(lambda: window.thumbs.get(path) is not None, timeout=10_000)
        assert not window.thumbs.get(path).isNull()
        window.details.show_hit(hit)
        assert window.details.name.text() == "caf\ufffd_astronaut.jpg"
        qtbot.waitUntil(lambda: window.details.fields["Type"].text() != "", timeout=10_000)
        assert window.details.preview.text() != "Loading…"
        window.viewer.show_hits([hit], 0)
        qtbot.waitUntil(lambda: window.viewer.canvas.pixmap is not None, timeout=10_000)
        assert window.viewer.canvas.pixmap.size().toTuple() == (120, 90)
    finally:
        window.close()
        window.bridge.shutdown()


def test_no_loading_is_said_when_there_is_no_model(qtbot: QtBot, tmp_path: Path) -> None:
    from photosearch.core.settings import AppPaths

    engine = Engine.open(AppPaths.resolve(tmp_path / "home"))  # the default: not on disk
    bridge = EngineBridge(engine, watch=False)
    states: list[str] = []
    bridge.model_state.connect(lambda state, _: states.append(state))
    try:
        bridge.start()
        qtbot.waitUntil(lambda: "missing" in states, timeout=10_000)
        assert states == ["missing"]
    finally:
        bridge.shutdown()


def test_a_deleted_photo_leaves_the_search(qtbot: QtBot, tmp_path: Path) -> None:
    """The count and the photos follow a delete within moments (not "43 matches" for
    ever), and the details pane lets go of the photo that is gone."""
    from tests.ui.windows import open_window, wait_indexed

    folder = tmp_path / "photos"
    photos = write_photos(folder, 4)
    window = open_window(qtbot, tmp_path / "home", [folder])
    try:
        wait_indexed(qtbot, window, 4)
        window.show_all_photos()
        qtbot.waitUntil(lambda: len(window.results.all_hits()) == 4, timeout=15_000)
        gone = str(photos[0])
        photos[0].unlink()
        qtbot.waitUntil(lambda: len(window.results.all_hits()) == 3, timeout=30_000)
        assert gone not in [h.path for h in window.results.all_hits()]
    finally:
        window.close()
        window.bridge.shutdown()
