"""The desktop app on one offscreen QApplication, with the tiny trained model."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import PIL.Image
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.phrase_tower import TextTower
from photosearch.core.settings import DEFAULT_MODEL, AppPaths
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.vectors import VectorStore
from photosearch.synthetic import write_library
from photosearch.ui.app import create_window
from photosearch.ui.folders_dialog import FoldersDialog
from photosearch.ui.main_window import MainWindow
from photosearch.ui.sidebar import Entry
from tests.hub import Hub, release
from tests.ui.windows import (
    indexed_home,
    open_copy,
    open_window,
    prepare_home,
    wait_indexed,
    welcome_dialog,
)


def labels(window: MainWindow) -> list[str]:
    return [Path(h.path).stem.split("-", 1)[1] for h in window.results.hits()]


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shapes")
    write_library(folder, 120, seed=21)
    return folder


@pytest.fixture(scope="module")
def shapes_home(tmp_path_factory: pytest.TempPathFactory, shapes: Path) -> Path:
    return indexed_home(tmp_path_factory.mktemp("shapes-home"), [shapes])


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, shapes_home: Path) -> Iterator[MainWindow]:
    win = open_copy(qtbot, shapes_home, tmp_path / "app")
    wait_indexed(qtbot, win, 120)
    yield win
    win.close()
    win.bridge.shutdown()


def test_typed_query_shows_the_engines_ranking(
    qtbot: QtBot, window: MainWindow, shapes: Path
) -> None:
    kinds = Counter(p.stem.split("-", 1)[1] for p in shapes.iterdir())
    kind, count = kinds.most_common(1)[0]
    query = "a " + kind.replace("-", " ")
    qtbot.keyClicks(window.search, query)
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    expected = window.bridge.engine.search(query, limit=500).hits
    shown = window.results.hits()
    assert [h.path for h in shown] == [h.path for h in expected][: len(shown)]
    top = labels(window)[: min(5, count)]
    assert top.count(kind) >= len(top) - 1, (kind, top)
    scores = [h.score for h in shown]
    assert scores == sorted(scores, reverse=True)
    assert window.stack.currentWidget() is window.view
    assert query in window.query_bar.history.stringList()


def test_dropped_file_searches_by_image(qtbot: QtBot, window: MainWindow, shapes: Path) -> None:
    query = next(p for p in sorted(shapes.iterdir()) if p.stem.endswith("blue-square"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(query))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    assert window.session.images == [str(query)]
    assert window.results.hits()[0].path == str(query)  # a photo is most similar to itself
    assert labels(window)[1:4].count("blue-square") >= 2


def test_pasted_image_becomes_a_query(qtbot: QtBot, window: MainWindow, shapes: Path) -> None:
    source = next(p for p in sorted(shapes.iterdir()) if p.stem.endswith("yellow-star"))
    QGuiApplication.clipboard().setImage(QImage(str(source)))
    window.paste()
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    assert (
        len(window.session.images) == 1 and Path(window.session.images[0]).parent.name == "pasted"
    )
    assert "yellow" in labels(window)[0]


def test_ctrl_v_in_the_search_field_searches_by_the_image_and_replaces_the_last(
    qtbot: QtBot, window: MainWindow, shapes: Path
) -> None:
    """The field has the focus from the start; Ctrl+V there pastes an image as the query,
    and a second one replaces the first (never a pile of chips)."""
    assert window.search.hasFocus() or QApplication.focusWidget() is window.search
    stars = [p for p in sorted(shapes.iterdir()) if p.stem.endswith("yellow-star")]
    for source in stars[:2]:
        QGuiApplication.clipboard().setImage(QImage(str(source)))
        window.search.setFocus()
        qtbot.keyClick(window.search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
        assert len(window.session.images) == 1 and window.query_bar.chips.count() == 1
    assert window.search.text() == ""  # no image data pasted into the field as text
    assert "yellow" in labels(window)[0]


def test_a_photo_from_outside_replaces_the_search(
    qtbot: QtBot, window: MainWindow, shapes: Path
) -> None:
    """--similar or Open with: the photo is the new search, not added to the old one."""
    window.search.setText("a green triangle")
    first, second = sorted(shapes.iterdir())[:2]
    window.bring_forward([str(first)])
    window.bring_forward([str(second)])
    assert window.search.text() == "" and window.session.images == [str(second)]
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    assert window.results.hits()[0].path == str(second)


def test_context_menu_find_similar(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "a green triangle")
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    hit = window.results.hits()[0]
    menu = window.view.build_context_menu([hit])
    texts = [a.text() or "—" for a in menu.actions()]
    assert texts == [
        "View", "Open", "Show in folder", "—", "More like this", "Less like this", "—",
        "Find similar", "Copy path", "Copy image", "—", "Remove from these results",
    ]  # fmt: skip
    shortcuts = {a.text(): a.shortcut().toString() for a in menu.actions()}
    assert shortcuts["Open"] == "Ctrl+O" and shortcuts["View"] == "Return"
    next(a for a in menu.actions() if a.text() == "Find similar").trigger()
    qtbot.waitUntil(
        lambda: window.session.images == [hit.path] and window.results.hits()[0].path == hit.path,
        timeout=10_000,
    )
    assert window.search.text() == ""
    next(
        a for a in window.view.build_context_menu([hit]).actions() if a.text() == "Copy path"
    ).trigger()
    assert QGuiApplication.clipboard().text() == hit.path


def test_keyboard_navigation(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "a blue triangle")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results.rowCount() > 3, timeout=10_000)
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.view.hasFocus() and window.view.currentIndex().row() == 0
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    assert window.view.currentIndex().row() == 1
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.search.text() == "" and window.results.rowCount() == 0


def test_no_good_match_is_said(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "a red circle min:0.999")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No good match" in window.header.summary.text(), timeout=10_000)
    assert window.results.rowCount() > 0  # the closest weak matches are still offered


def test_add_and_remove_a_folder(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write_library(extra, 10, seed=99)
    dialog = FoldersDialog(window.bridge, window)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5_000)
    window.bridge.request_add_folder.emit(str(extra))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    wait_indexed(qtbot, window, 130)
    row = next(r for r in range(2) if dialog.table.item(r, 0).text() == str(extra))
    qtbot.waitUntil(lambda: dialog.table.item(row, 1).text() == "10", timeout=10_000)
    dialog.table.selectRow(row)
    dialog.remove_selected()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert window.bridge.engine.catalog.counts(None)["photos"] == 120


def test_pause_and_resume_indexing(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    write_library(folder, 300, seed=5, size_range=(600, 900))
    win = open_window(qtbot, tmp_path / "app", [folder])
    engine = win.bridge.engine
    qtbot.waitUntil(
        lambda: win.status.pause_button.isVisible() and win.status.progress.maximum() == 300,
        timeout=60_000,
    )
    qtbot.mouseClick(win.status.pause_button, Qt.MouseButton.LeftButton)
    assert win.bridge.paused and win.status.pause_button.text() == "Resume"
    encoder = engine.encoder()
    control = win.bridge.worker.service.control
    qtbot.waitUntil(control.held.is_set, timeout=30_000)  # the batch in flight has finished
    held = encoder.images_encoded
    assert held < 300 and control.held.is_set()
    qtbot.waitUntil(lambda: "paused" in win.status.label.text(), timeout=10_000)
    assert encoder.images_encoded == held
    qtbot.mouseClick(win.status.pause_button, Qt.MouseButton.LeftButton)
    assert not win.bridge.paused
    wait_indexed(qtbot, win, 300)
    win.close()
    win.bridge.shutdown()


def test_first_run_without_a_model(
    qtbot: QtBot, tmp_path: Path, shapes: Path, random_model: Path
) -> None:
    win = open_window(qtbot, tmp_path / "app", [shapes], model=DEFAULT_MODEL)
    qtbot.waitUntil(lambda: win.library.model_state == "missing", timeout=10_000)
    assert "needs its model" in win.message.text()
    qtbot.waitUntil(lambda: welcome_dialog() is not None, timeout=5_000)
    dialog = welcome_dialog()
    assert dialog is not None
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "not on this computer yet" in dialog.status.text()
    assert "photosearch " not in shown  # no window tells anyone to run a command
    win.bridge.request_import_model.emit(str(random_model))
    qtbot.waitUntil(lambda: win.library.model_state == "ready", timeout=30_000)
    qtbot.waitUntil(lambda: welcome_dialog() is None, timeout=5_000)
    win.close()
    win.bridge.shutdown()


def test_first_run_downloads_the_default_model(
    qtbot: QtBot, tmp_path: Path, shapes: Path, hub: type[Hub]
) -> None:
    """The welcome dialog's one button: a real-size download over HTTP, then the window
    is ready and searches, with no other step."""
    hub.files = release(DEFAULT_MODEL)
    (body,) = hub.files.values()
    win = open_window(qtbot, tmp_path / "app", [shapes], model=DEFAULT_MODEL)
    qtbot.waitUntil(lambda: win.library.model_state == "missing", timeout=10_000)
    qtbot.waitUntil(lambda: welcome_dialog() is not None, timeout=5_000)
    dialog = welcome_dialog()
    assert dialog is not None
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    total: list[int] = []
    dialog.progress.valueChanged.connect(lambda _: total.append(dialog.progress.maximum()))
    qtbot.mouseClick(dialog.download, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.library.model_state == "ready", timeout=120_000)
    qtbot.waitUntil(lambda: welcome_dialog() is None, timeout=5_000)
    assert seen and seen[-1] == len(body) and total[-1] == len(body)
    installed = models.model_dir(DEFAULT_MODEL, win.bridge.engine.paths.models_dir)
    assert (installed / models.WEIGHT_NAMES[0]).stat().st_size == len(body)
    wait_indexed(qtbot, win, 9)
    win.search.setText("a red circle")
    win.run_search()
    qtbot.waitUntil(lambda: win.last_result is not None, timeout=30_000)
    assert win.results.rowCount() > 0
    win.close()
    win.bridge.shutdown()


def test_the_gui_thread_never_does_disk_model_or_index_work(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """While 150 photos index and searches run, the GUI thread never opens the catalog,
    never runs the model, never searches the index and never decodes a photo: each of those
    would freeze the window for as long as it takes. A 10 ms heartbeat is printed for the
    record, not gated: on a busy 2-core machine its gaps say more about the machine than
    about the code (`benchmarks/bench_browse.py` measures it while scrolling)."""
    folder = tmp_path / "beat"
    write_library(folder, 150, seed=8, size_range=(500, 800))
    paths = prepare_home(tmp_path / "app", [folder])
    gui = threading.main_thread()
    test_reads = [False]  # this test's own reads of the catalog are not the window's
    on_gui: Counter[str] = Counter()

    def watch(owner: object, name: str) -> None:
        real = getattr(owner, name)

        def recorded(*args: object, **kwargs: object) -> object:
            if threading.current_thread() is gui and not test_reads[0]:
                on_gui[f"{getattr(owner, '__name__', owner)}.{name}"] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorded)

    for owner, name in [
        (Catalog, "read"),
        (Catalog, "write"),
        (Encoder, "encode_images"),
        (Encoder, "encode_text"),
        (TextTower, "encode_text"),
        (VectorStore, "search"),
        (VectorStore, "search_many"),
        (PIL.Image, "open"),
    ]:
        watch(owner, name)

    win = create_window(paths, quiet_s=0.3)
    qtbot.addWidget(win)
    win.show()
    engine = win.bridge.engine

    def indexed() -> int:
        test_reads[0] = True
        try:
            vectors = engine._vectors
            return 0 if vectors is None else engine.catalog.counts(vectors.model_id)["indexed"]
        finally:
            test_reads[0] = False

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    queries = ["a red circle", "blue", "green star", "a white square", "black - cross"]
    i = 0
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and indexed() < 150:
        win.search.setText(queries[i % len(queries)])
        win.run_search()
        i += 1
        qtbot.wait(150)
    qtbot.waitUntil(lambda: bool(win.results.hits()), timeout=30_000)
    win.view.scrollToBottom()  # thumbnails are asked for
    qtbot.wait(500)
    timer.stop()
    gaps = np.diff(ticks) * 1000
    with capsys.disabled():
        print(
            f"\nheartbeat: {len(gaps)} ticks, max gap {gaps.max():.1f} ms, "
            f"p99 {np.percentile(gaps, 99):.1f} ms, {i} searches, the longest "
            f"{ticks[int(gaps.argmax())] - ticks[0]:.1f} s in (the model loads meanwhile)"
        )
    assert indexed() == 150
    assert i >= 3, "searches ran while the photos indexed"
    assert not on_gui, f"done on the GUI thread: {dict(on_gui)}"
    win.close()
    win.bridge.shutdown()


def test_settings_switch_the_model_precision(qtbot: QtBot, window: MainWindow) -> None:
    from photosearch.ui.settings_dialog import SettingsDialog

    engine = window.bridge.engine
    dialog = SettingsDialog(window.bridge, window)
    assert engine.active_precision in dialog.precision.toolTip()
    dialog.precision.setCurrentIndex(dialog.precision.findData("fp32"))
    with qtbot.waitSignal(window.bridge.worker.model_state, timeout=60_000, check_params_cb=ready):
        dialog.accept()
    assert engine.active_precision == "fp32"
    assert type(engine.settings).load(engine.paths.settings_path).precision == "fp32"
    window.search.setText("a red circle")
    window.run_search()
    qtbot.waitUntil(lambda: bool(window.results.hits()), timeout=30_000)


def test_settings_choose_the_device(qtbot: QtBot, window: MainWindow) -> None:
    from photosearch.ui.settings_dialog import SettingsDialog

    engine = window.bridge.engine
    dialog = SettingsDialog(window.bridge, window)
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    with qtbot.waitSignal(window.bridge.worker.model_state, timeout=60_000, check_params_cb=ready):
        dialog.accept()
    assert engine.settings.device == "cpu"
    assert type(engine.settings).load(engine.paths.settings_path).device == "cpu"
    assert engine.active_device == "cpu (chosen in the settings)"


def ready(state: str, _: str) -> bool:
    return state == "ready"


def test_only_devices_this_computer_has_are_offered(qtbot: QtBot, window: MainWindow) -> None:
    """No GPU here (CI, this machine): CUDA and Apple graphics are greyed, with why."""
    from PySide6.QtCore import Qt

    from photosearch.core.model import devices
    from photosearch.ui.settings_dialog import SettingsDialog

    missing = devices.unavailable()
    assert window.bridge.unavailable_devices == missing
    dialog = SettingsDialog(window.bridge, window)
    for value in ("auto", "cpu", "cuda", "mps"):
        row = dialog.device.findData(value)
        enabled = dialog.device.model().item(row).isEnabled()
        assert enabled == (value not in missing), value
        if value in missing:
            tip = dialog.device.itemData(row, Qt.ItemDataRole.ToolTipRole)
            assert tip == f"Not on this computer: {missing[value]}"
    dialog.close()


def test_doctor_never_calls_a_fallback_ok(tmp_path: Path) -> None:
    from photosearch.core.model import devices
    from photosearch.core.settings import AppPaths

    if "cuda" not in devices.unavailable():
        pytest.skip("this computer has CUDA: nothing falls back")
    with Engine.open(AppPaths.resolve(tmp_path)) as engine:
        engine.use_model(models.DEMO_KEY)
        engine.set_device("cuda")
        check = next(c for c in engine.doctor() if c.name == "device")
    assert not check.ok and "CUDA was chosen" in check.detail


def test_words_are_searched_while_the_model_still_loads(
    qtbot: QtBot, tmp_path: Path, shapes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the model has vouched for its text tower, the tower answers at start-up."""
    import threading

    from photosearch.core.model import encoder as encoder_module

    paths = AppPaths.resolve(tmp_path / "app")
    with Engine.open(paths) as engine:
        engine.use_model(models.DEMO_KEY)
        engine.library.add_folder(shapes)
        engine.update()
    with Engine.open(paths, exclusive=False) as reader:
        expected = [h.path for h in reader.search("a red circle", limit=500).hits]
    release = threading.Event()
    load = encoder_module.Encoder.__init__

    def slow_load(self: object, *args: object, **kwargs: object) -> None:
        release.wait(60)
        load(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(encoder_module.Encoder, "__init__", slow_load)
    win = open_window(qtbot, tmp_path / "app", [])
    try:
        qtbot.waitUntil(lambda: win.library.model_state == "text", timeout=30_000)
        # the rescan runs meanwhile and finishes without the model (nothing to encode)
        worker = win.bridge.worker
        qtbot.waitUntil(
            lambda: worker.service is not None and worker.service.idle.is_set(), timeout=30_000
        )
        qtbot.waitUntil(lambda: not win.status.progress.isVisible(), timeout=10_000)
        win.search.setText("a red circle")
        win.run_search()
        # the window's own slot, not just the signal (emitted on the search thread)
        qtbot.waitUntil(lambda: win.last_result is not None, timeout=30_000)
        assert win.library.model_state == "text" and win.bridge.engine.runtime.loaded is None
        assert [h.path for h in win.results.hits()] == expected
        assert "still loading" in win.status.label.text()
    finally:
        release.set()
    qtbot.waitUntil(lambda: win.library.model_state == "ready", timeout=60_000)
    assert "still loading" not in win.status.label.text()
    win.close()
    win.bridge.shutdown()


def test_quitting_while_the_model_loads_stops_everything(
    qtbot: QtBot, tmp_path: Path, shapes: Path
) -> None:
    """Closing at once must not leave indexing running on a closed catalog."""
    import threading

    win = open_window(qtbot, tmp_path / "app", [shapes])
    win.close()
    win.bridge.shutdown()
    service = win.bridge.worker.service
    assert service is None or not service._thread.is_alive()
    assert not [t for t in threading.enumerate() if t.name.startswith("indexing")]


def test_a_data_disk_that_cannot_be_written_is_said_once_and_shown_until_it_can(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the indexing service reports when its writes fail (tests/faults makes a real
    full disk for it): one message, then the status bar until a job succeeds."""
    qtbot.waitUntil(lambda: not window.status.progress.isVisible(), timeout=60_000)  # words pass
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    message = "The disk that holds PhotoSearch's data is full (/data). Nothing was lost."
    window.bridge.storage.emit(message, "the disk is full")
    qtbot.waitUntil(lambda: "Indexing waits: the disk is full" in window.status.label.text())
    window.bridge.storage.emit(message, "the disk is full")  # the retry failed alike
    window.bridge.storage.emit("", "")  # a job went through
    qtbot.waitUntil(lambda: window.status.label.text().startswith("Up to date"))
    assert shown == [message]


def test_a_small_laptop_screen_fits(qtbot: QtBot, window: MainWindow) -> None:
    """1024 × 600 with the sidebar and the details open; 800 × 600 with both hidden; the
    details scroll on a short screen instead of drawing over the preview."""
    window._set_panes(True, True)
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1024, 600), timeout=5_000)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 600, hint
    long_name = "/photos/" + "A folder with a name much longer than a laptop screen " * 3
    window.filter_bar.folder.addItem(long_name, long_name)
    typed = 'a red circle after:2019 before:2026 type:png day:06-14 in:"/photos/Summer trips"'
    if not window.filter_bar.isVisible():
        window.toggle_filters()
    window.search.setText(typed)  # five filters: five chips, which wrap
    window.filter_bar.sync(typed)
    assert window.minimumSizeHint().width() <= 1024, window.minimumSizeHint()
    window.toggle_filters()
    window.search.setText("a red circle")
    window.run_search()
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    window.details.show_hit(window.results.hits()[0])
    qtbot.waitUntil(lambda: window.details.preview.pixmap() is not None, timeout=10_000)
    details = window.details
    assert details.preview.geometry().bottom() < details.name.geometry().top()
    # the results' header (title, count, Save as album, the sort) fits beside both panes,
    # and so does the viewer, its buttons' words given up where there is no room for them
    assert window.header.isVisible() and window.minimumSizeHint().width() <= 1024
    window.show_viewer()
    assert window.minimumSizeHint().width() <= 1024, window.minimumSizeHint()
    qtbot.waitUntil(lambda: window.viewer.width() > 0, timeout=5_000)
    styles = {b.toolButtonStyle() for b in window.viewer._worded}
    wide = window.viewer.width() >= window.viewer._wide
    words = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert styles == {words if wide else Qt.ToolButtonStyle.ToolButtonIconOnly}
    window.close_viewer()
    window._set_panes(False, False)
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() <= 800, timeout=5_000)


def test_a_right_click_on_a_folder_opens_its_menu_and_keeps_the_search(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    sidebar = window.sidebar
    asked: list[Entry] = []

    def menu_for(entry: Entry) -> QMenu:
        asked.append(entry)
        return QMenu()  # empty: nothing modal opens in the test

    monkeypatch.setattr(sidebar, "menu_for", menu_for)
    qtbot.keyClicks(window.search, "a red circle")
    qtbot.waitUntil(lambda: window.results.rowCount() > 0, timeout=10_000)
    shown = [h.path for h in window.results.hits()]
    index = sidebar._find(lambda e: e.kind == "folder")
    assert index is not None
    where = sidebar.visualRect(index).center()
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.RightButton, pos=where)
    sidebar.customContextMenuRequested.emit(where)  # what the platform's menu event does
    qtbot.wait(300)
    assert asked[0].kind == "folder"
    assert window.search.text() == "a red circle"
    assert [h.path for h in window.results.hits()] == shown
