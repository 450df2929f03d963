"""The window as a photo library: sidebar browsing, saved searches, sorting with month
headers, the details pane, the viewer, and counts that are never stale."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from photosearch.core.types import SavedSearch
from photosearch.synthetic import write_library
from photosearch.ui.main_window import MainWindow
from photosearch.ui.results import Section
from photosearch.ui.sidebar import Entry
from tests.ui.windows import indexed_home, open_copy, wait_indexed

DAY = 86_400
START = time.mktime((2021, 1, 15, 12, 0, 0, 0, 0, -1))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 photos in two folders, one every 9 days from mid-January 2021 (five months),
    and one big photo with camera EXIF."""
    root = tmp_path_factory.mktemp("Pictures")
    write_library(root / "Trips", 24, seed=5)
    write_library(root / "Garden", 16, seed=6)
    for n, path in enumerate(sorted(root.rglob("*.*"))):
        os.utime(path, (START + n * 9 * DAY, START + n * 9 * DAY))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "FUJIFILM", "X-T30"
    exif.get_ifd(0x8769).update({0xA434: "XF35mmF2 R WR", 0x829D: 2.0})
    Image.new("RGB", (2400, 1600), "red").save(root / "Trips" / "big.jpg", exif=exif)
    os.utime(root / "Trips" / "big.jpg", (START, START))
    return root


@pytest.fixture(scope="module")
def library_home(tmp_path_factory: pytest.TempPathFactory, library: Path) -> Path:
    return indexed_home(tmp_path_factory.mktemp("library-home"), [library])


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, library_home: Path) -> Iterator[MainWindow]:
    win = open_copy(qtbot, library_home, tmp_path / "app")
    wait_indexed(qtbot, win, 41)
    yield win
    win.close()
    win.bridge.shutdown()


def sections(window: MainWindow) -> list[Section]:
    model = window.results
    rows = [model.index(r).data(Qt.ItemDataRole.UserRole + 3) for r in range(model.rowCount())]
    return [s for s in rows if isinstance(s, Section)]


def test_all_photos_are_listed_by_month_with_counts(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: window.sidebar.all_photos.index().siblingAtColumn(1).data() == "41", timeout=15_000
    )
    window.sidebar.choose_all()
    qtbot.waitUntil(
        lambda: window.last_result is not None and window.last_result.browse, timeout=15_000
    )
    assert window.header.title.text() == "All photos" and window.header.summary.text().startswith(
        "41 photos"
    )
    assert window.header.sort.currentData() == "date"
    headers = sections(window)
    assert sum(s.count for s in headers) == 41
    assert [s.key for s in headers][-1] == "2021-01" and headers[0].key > "2021-05"
    dates = [h.photo.date for h in window.results.hits()]
    assert dates == sorted(dates, reverse=True)
    window.header.sort.setCurrentIndex(window.header.sort.findData("name"))
    qtbot.waitUntil(
        lambda: window.last_result is not None and window.last_result.sort == "name", timeout=15_000
    )
    assert sections(window) == []  # no month headers when sorted by name


def test_a_folder_is_browsed_from_the_sidebar(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    garden = str(library / "Garden")
    qtbot.waitUntil(
        lambda: window.sidebar._find(lambda e: e.path == garden) is not None, timeout=15_000
    )
    index = window.sidebar._find(lambda e: e.path == garden)
    assert index.siblingAtColumn(1).data() == "16"
    root = window.sidebar._find(lambda e: e.path == str(library))
    assert root.siblingAtColumn(1).data() == "41"  # the root counts what is below it
    window.sidebar.setCurrentIndex(index)
    qtbot.waitUntil(
        lambda: window.last_result is not None and len(window.results.all_hits()) == 16,
        timeout=15_000,
    )
    assert all(Path(h.path).parent.name == "Garden" for h in window.results.all_hits())
    assert window.header.title.text() == "Garden"
    window.search.setText("a red circle")
    window.run_search()  # a search inside the folder stays inside it
    window.bridge.request_refresh.emit()  # a refresh of the sidebar keeps what is typed
    qtbot.waitUntil(
        lambda: window.last_result is not None and not window.last_result.browse, timeout=15_000
    )
    assert window.header.title.text() == "Search in Garden"
    assert all(Path(h.path).parent.name == "Garden" for h in window.results.all_hits())
    assert window.header.sort.currentData() is None  # words again: best match first


def test_saved_search_round_trip(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    window.search.setText("a blue square")
    window.run_search()
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15_000)
    expected = [h.path for h in window.results.all_hits()]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Blue squares", True))
    window.albums.save()

    def saved() -> list[SavedSearch]:
        found = window.sidebar._find(lambda e: e.saved is not None)
        return [found.data(Qt.ItemDataRole.UserRole + 10).saved] if found is not None else []

    qtbot.waitUntil(lambda: bool(saved()), timeout=15_000)
    assert saved()[0].name == "Blue squares" and saved()[0].text == "a blue square"
    window.clear()
    assert window.results.rowCount() == 0 and window.header.summary.text() == ""
    window.sidebar.setCurrentIndex(window.sidebar._find(lambda e: e.saved is not None))
    qtbot.waitUntil(lambda: [h.path for h in window.results.all_hits()] == expected, timeout=15_000)
    assert window.search.text() == "a blue square" and window.header.title.text() == "Blue squares"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Squares in blue", True))
    window.albums.rename(saved()[0])
    qtbot.waitUntil(lambda: bool(saved()) and saved()[0].name == "Squares in blue", timeout=15_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    window.albums.delete(saved()[0])
    qtbot.waitUntil(lambda: not saved(), timeout=15_000)
    assert window.bridge.engine.albums.listed() == []
    assert window.header.title.text() != "Squares in blue"  # the header no longer names it


def test_details_pane_shows_what_the_file_says(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.sidebar.choose_all()
    qtbot.waitUntil(
        lambda: window.last_result is not None and window.last_result.browse, timeout=15_000
    )
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    assert window.details.isVisible() and window.top_bar.details_button.isChecked()
    window.view.select_path(str(library / "Trips" / "big.jpg"))
    pane = window.details
    qtbot.waitUntil(lambda: pane.fields["Camera"].text() == "FUJIFILM X-T30", timeout=10_000)
    assert pane.name.text() == "big.jpg" and "Trips" in pane.folder.text()
    assert pane.fields["Dimensions"].text() == "2400 × 1600 pixels"
    assert pane.fields["Lens"].text() == "XF35mmF2 R WR"
    assert pane.fields["File size"].text().endswith("KB")
    assert "2021" in pane.fields["Taken"].text()
    assert not pane.form.isRowVisible(pane.fields["Score"])  # a listing has no score
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    assert not window.details.isVisible()


def test_viewer_fits_without_upscaling_and_steps_through(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.sidebar.choose_all()
    qtbot.waitUntil(
        lambda: window.last_result is not None and window.last_result.browse, timeout=15_000
    )
    window.resize(900, 700)
    window.view.select_path(str(library / "Trips" / "big.jpg"))
    start = window.view.currentIndex().row()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    viewer = window.viewer
    assert window.stack.currentWidget() is viewer
    qtbot.waitUntil(lambda: viewer.canvas.pixmap is not None, timeout=10_000)
    assert viewer.canvas.full == (2400, 1600)
    assert viewer.canvas.scale() < 1.0  # a big photo is fitted to the window
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_1)
    assert viewer.canvas.scale() == 1.0
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Plus)
    assert viewer.canvas.scale() == pytest.approx(1.25)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_0)
    assert viewer.canvas.scale() < 1.0
    first = viewer.current()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)
    assert viewer.current() == first  # the oldest photo is the last one
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Left)
    small = viewer.current()
    assert small is not None and small != first and small.photo.width < 300
    qtbot.waitUntil(lambda: viewer.canvas.pixmap is not None, timeout=10_000)
    assert viewer.canvas.scale() == 1.0  # a small photo is never enlarged past 100 %
    assert window.view.currentIndex().row() < start  # the grid follows the viewer
    window.escape()
    assert window.stack.currentWidget() is window.view
    assert window.view.current_hit_value() == small  # back on the photo last seen


def test_counts_are_never_stale(qtbot: QtBot, window: MainWindow) -> None:
    window.search.setText("a red circle min:0")
    window.run_search()
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15_000)
    assert "match" in window.header.summary.text() and " s" in window.header.summary.text()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.results.rowCount() == 0
    assert window.header.summary.text() == "" and window.header.title.text() == ""
    assert "match" not in window.status.label.text()
    # the passes after indexing (places, words) may still report on a busy machine first
    qtbot.waitUntil(
        lambda: window.status.label.text().startswith("Up to date — 41 photos"), timeout=90_000
    )


def test_help_is_a_page_not_a_message_box(qtbot: QtBot, window: MainWindow) -> None:
    window.show_help()
    assert window.help.isVisible() and not window.help.isModal()
    from PySide6.QtWidgets import QTextBrowser

    text = window.help.findChild(QTextBrowser).toPlainText()
    for syntax in ("in:Holidays", "after:2021-06", "sort:date", "Ctrl+O"):
        assert syntax in text
    window.help.hide()


def test_sidebar_menus_offer_what_fits(window: MainWindow, library: Path) -> None:
    root_menu = window.sidebar.menu_for(Entry("folder", str(library), root=True))
    assert [a.text() for a in root_menu.actions() if a.text()] == [
        "Show in file manager", "Look for new photos now", "Remove from PhotoSearch…",
    ]  # fmt: skip
    inner = window.sidebar.menu_for(Entry("folder", str(library / "Garden")))
    assert "Remove from PhotoSearch…" not in [a.text() for a in inner.actions()]
    saved = window.sidebar.menu_for(Entry("saved", saved=SavedSearch(1, "x", "y")))
    assert [a.text() for a in saved.actions() if a.text()] == [
        "Rename…",
        "Export to a folder…",
        "Delete",
    ]


def test_filter_bar_writes_and_reads_the_search_syntax(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QToolButton

    bar = window.filter_bar
    window.toggle_filters()
    assert bar.isVisible()
    qtbot.waitUntil(lambda: len(bar.histogram.months) >= 5, timeout=15_000)
    assert bar.histogram.months[0] == "2021-01"  # the library's first month, gaps filled
    window.search.setText("a red circle")
    bar._dates_chosen("2021-02", "2021-03")
    assert window.search.text() == "a red circle after:2021-02 before:2021-04"
    assert bar.dates.text() == "Feb 2021 – Mar 2021"
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15_000)
    window.last_result = None
    bar.type.setCurrentIndex(bar.type.findData("png"))
    assert window.search.text().endswith("type:png")
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15_000)
    for hit in window.results.all_hits():
        month = time.strftime("%Y-%m", time.localtime(hit.photo.date))
        assert "2021-02" <= month <= "2021-03" and hit.path.endswith(".png")
    window.search.setText("beach after:2021-05 in:Garden")  # typed by hand
    assert bar.histogram.chosen == (4, len(bar.histogram.months) - 1)
    chips = [b for b in bar.findChildren(QToolButton) if b.text().startswith("in:Garden")]
    assert len(chips) == 1
    chips[0].click()
    assert window.search.text() == "beach after:2021-05"
    bar.histogram.mouseDoubleClickEvent(None)  # type: ignore[arg-type]
    assert window.search.text() == "beach"


def test_a_region_dragged_in_the_viewer_becomes_the_query(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    from PySide6.QtCore import QPoint

    window.sidebar.choose_all()
    qtbot.waitUntil(
        lambda: window.last_result is not None and window.last_result.browse, timeout=15_000
    )
    big = str(library / "Trips" / "big.jpg")
    window.view.select_path(big)
    window.show_viewer()
    viewer = window.viewer
    qtbot.waitUntil(lambda: viewer.canvas.pixmap is not None, timeout=10_000)
    window.repaint()  # the canvas learns where the photo is drawn
    target = viewer.canvas.target.toRect()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_R)
    assert viewer.region_button.isChecked()
    start = target.topLeft() + QPoint(2, 2)
    end = target.center()
    qtbot.mousePress(viewer.canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewer.canvas, end)
    qtbot.mouseRelease(viewer.canvas, Qt.MouseButton.LeftButton, pos=end)
    assert window.stack.currentWidget() is not viewer and window.session.images == [big]
    left, top, width, height = window.session.crops[big]
    assert left < 0.02 and top < 0.02 and 0.45 < width < 0.55 and 0.45 < height < 0.55
    qtbot.waitUntil(
        lambda: window.last_result is not None and not window.last_result.browse, timeout=15_000
    )
    assert window.query_bar.chips.itemAt(0).widget().text().startswith("A region of big.jpg")


def test_marking_results_steers_the_search_and_is_saved(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from photosearch.ui.results import BadgeRole

    window.search.setText("a red circle min:0")
    window.run_search()
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15_000)
    first = window.results.hits()[0]
    window.view.setFocus()
    window.view.select_path(first.path)
    window.last_result = None
    qtbot.keyClick(window.view, Qt.Key.Key_Minus)
    assert window.session.marks == {first.path: -1}
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=15_000)
    assert "min:0" in window._ask[0] and window._ask[1][0].weight == -0.5
    row = window.results.row_of(first.path)
    assert row is not None and row < window.results.rowCount()  # in sight, to take back
    assert window.results.index(row).data(BadgeRole) == "▼ less"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Not that one", True))
    window.albums.save()
    qtbot.waitUntil(lambda: bool(window.bridge.engine.albums.listed()), timeout=10_000)
    saved = window.bridge.engine.albums.listed()[0]
    assert [(i.path, i.weight, i.mark) for i in saved.images] == [(first.path, -0.5, -1)]
    window.clear()
    assert window.session.marks == {}
    window.run_saved_search(saved)
    assert window.session.marks == {first.path: -1} and window.session.images == []
