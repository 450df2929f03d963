"""The app's look: light and dark themes chosen in Settings or following the desktop,
icons that follow the theme, and the results grid's rounded photos with hover buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from photosearch.synthetic import write_library
from photosearch.ui import theme
from photosearch.ui.icons import NAMES, icon
from photosearch.ui.main_window import MainWindow
from tests.ui.windows import indexed_home, open_copy, wait_indexed


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    theme.apply(qapp, "light")  # the next tests see the app as it starts here


def lightness(colour: QColor) -> int:
    return colour.lightness()


def test_each_theme_paints_the_whole_app_with_disabled_controls_greyed(app: QApplication) -> None:
    for choice, dark in (("light", False), ("dark", True)):
        theme.apply(app, choice)
        palette = app.palette()
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        assert (lightness(window) < 80) == dark and (lightness(text) > 170) == dark, choice
        disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        enabled = palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Text)
        # a disabled checkbox's words sit between the background and the enabled words
        between = sorted((lightness(window), lightness(enabled)))
        assert between[0] < lightness(disabled) < between[1], choice
        assert (theme.DARK if dark else theme.LIGHT).accent in app.styleSheet()


def test_following_the_desktop_means_its_light_or_dark() -> None:
    assert theme.colours_for("system", Qt.ColorScheme.Dark) is theme.DARK
    assert theme.colours_for("system", Qt.ColorScheme.Light) is theme.LIGHT
    assert theme.colours_for("system", Qt.ColorScheme.Unknown) is theme.LIGHT
    assert theme.colours_for("light", Qt.ColorScheme.Dark) is theme.LIGHT
    assert theme.colours_for("dark", Qt.ColorScheme.Light) is theme.DARK


def test_the_choice_is_kept_and_an_unknown_one_falls_back(tmp_path: Path) -> None:
    assert theme.saved_choice(tmp_path) == "system"
    theme.save_choice(tmp_path, "dark")
    assert theme.saved_choice(tmp_path) == "dark"
    theme.settings_file(tmp_path).setValue(theme.KEY, "purple")
    assert theme.saved_choice(tmp_path) == "system"


def ink(image: QImage) -> int:
    """The mean lightness of an icon's drawn pixels."""
    shades = [
        image.pixelColor(x, y).lightness()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert shades, "the icon drew nothing"
    return sum(shades) // len(shades)


def test_icons_are_drawn_in_the_themes_text_colour_even_after_a_switch(app: QApplication) -> None:
    settings = icon("settings")
    theme.apply(app, "light")
    on_light = ink(settings.pixmap(QSize(32, 32)).toImage())
    theme.apply(app, "dark")
    on_dark = ink(settings.pixmap(QSize(32, 32)).toImage())
    assert on_light < 80 < 170 < on_dark  # the same icon object, redrawn
    greyed = ink(settings.pixmap(QSize(32, 32), QIcon.Mode.Disabled).toImage())
    assert greyed < on_dark
    for name in NAMES:  # every file is there and draws
        ink(icon(name).pixmap(QSize(24, 24)).toImage())
    with pytest.raises(KeyError):
        icon("no-such-icon")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shapes")
    write_library(folder, 40, seed=5)
    return indexed_home(tmp_path_factory.mktemp("home"), [folder])


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, home: Path, app: QApplication) -> Iterator[MainWindow]:
    win = open_copy(qtbot, home, tmp_path / "app")
    wait_indexed(qtbot, win, 40)
    yield win
    win.close()
    win.bridge.shutdown()


def searched(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search.setText(text)
    window.last_result = None
    window.run_search()
    qtbot.waitUntil(lambda: window.last_result is not None and bool(window.results.hits()))
    qtbot.waitUntil(lambda: window.thumbs.pending() == 0, timeout=15_000)


def test_hover_buttons_mark_and_search_by_a_photo(qtbot: QtBot, window: MainWindow) -> None:
    searched(qtbot, window, "a red circle")
    view, delegate = window.view, window.view.delegate
    first = window.results.hits()[0]
    index = window.results.index(window.results.row_of(first.path) or 0)
    cell = view.visualRect(index)
    photo = delegate.photo_rect(cell, index.data(Qt.ItemDataRole.DecorationRole))
    buttons = dict(delegate.action_rects(photo))
    assert set(buttons) == {"more", "less", "similar"}
    assert all(photo.contains(rect) for rect in buttons.values())

    # drawn only under the mouse: the button's corner of the photo turns dark there
    def drawn(hovered: bool) -> QColor:
        image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = cell
        if hovered:
            option.state |= QStyle.StateFlag.State_MouseOver
        delegate.paint(painter, option, index)
        painter.end()
        spot = buttons["more"]
        return image.pixelColor(spot.left() + 4, spot.center().y())

    assert drawn(True).lightness() < drawn(False).lightness() - 40

    view.clearSelection()
    window.last_result = None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=buttons["more"].center())
    assert window.session.marks == {first.path: 1}
    assert not view.selectionModel().hasSelection()  # a button press selects nothing
    qtbot.waitUntil(lambda: window.last_result is not None)  # the marked search ran
    searched(qtbot, window, "a red circle")
    window.session.marks.clear()
    index = window.results.index(window.results.row_of(first.path) or 0)
    photo = delegate.photo_rect(view.visualRect(index), index.data(Qt.ItemDataRole.DecorationRole))
    similar = dict(delegate.action_rects(photo))["similar"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=similar.center())
    qtbot.waitUntil(lambda: window.session.images == [first.path])


def test_a_double_click_on_a_button_is_one_click_and_a_press_never_drags(
    qtbot: QtBot, window: MainWindow
) -> None:
    searched(qtbot, window, "a red circle")
    view, delegate = window.view, window.view.delegate
    first = window.results.hits()[0]
    index = window.results.index(window.results.row_of(first.path) or 0)
    photo = delegate.photo_rect(view.visualRect(index), index.data(Qt.ItemDataRole.DecorationRole))
    more = dict(delegate.action_rects(photo))["more"]
    shown = window.stack.currentWidget()
    # what a window system sends for a double click: press, release, double click, release
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=more.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=more.center())
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=more.center())
    assert window.session.marks == {first.path: 1}  # not marked, then taken back
    assert window.stack.currentWidget() is shown  # and the photo was not opened
    window.session.marks.clear()
    view.clearSelection()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=more.center())
    qtbot.mouseMove(view.viewport(), more.center() + QPoint(40, 40))
    qtbot.mouseRelease(
        view.viewport(), Qt.MouseButton.LeftButton, pos=more.center() + QPoint(40, 40)
    )
    assert window.session.marks == {}  # let go elsewhere: nothing done
    assert not view.selectionModel().hasSelection()


def test_a_listing_offers_no_marks_only_searching_by_the_photo(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_all_photos()
    qtbot.waitUntil(lambda: window.last_result is not None and window.last_result.browse)
    qtbot.waitUntil(lambda: window.thumbs.pending() == 0, timeout=15_000)
    index = window.results.index(next(r for r in range(3) if window.results.hit_at(r)))
    photo = window.view.delegate.photo_rect(
        window.view.visualRect(index), index.data(Qt.ItemDataRole.DecorationRole)
    )
    assert [name for name, _ in window.view.delegate.action_rects(photo)] == ["similar"]


def test_settings_switch_the_theme_at_once_and_keep_it(qtbot: QtBot, window: MainWindow) -> None:
    from photosearch.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.bridge, window)
    assert dialog.appearance.currentData() == "system"
    dialog.appearance.setCurrentIndex(dialog.appearance.findData("dark"))
    dialog.accept()
    assert lightness(QApplication.palette().color(QPalette.ColorRole.Window)) < 80
    assert theme.saved_choice(window.bridge.paths.data_dir) == "dark"
    assert SettingsDialog(window.bridge, window).appearance.currentData() == "dark"


def test_the_grid_fills_its_width_whatever_the_window_size(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A row exactly as wide as the view used to drop its last column (a band left)."""
    searched(qtbot, window, "a shape min:0")
    view = window.view
    for width in (1000, 1111, 1180, 1280, 1333):
        window.resize(width, 760)
        qtbot.waitUntil(lambda: view.delegate.row_width == max(1, view.viewport().width()))
        size = view.delegate.size
        columns = {view.visualRect(window.results.index(r)).x() for r in range(12)}
        assert len(columns) == (view.viewport().width() - 1) // (size + 16), width


def test_a_chosen_sidebar_entry_lights_up_with_its_count(qtbot: QtBot, window: MainWindow) -> None:
    """The count beside a chosen entry is part of its row (it stayed pale beside the
    lit name); headings and hints are never chosen, their empty count cells neither."""
    sidebar = window.sidebar
    sidebar.choose_all()
    selected = sidebar.selectionModel()
    assert selected.isSelected(sidebar.all_photos.index())
    assert selected.isSelected(sidebar.all_photos.index().siblingAtColumn(1))
    heading = sidebar.library.index().siblingAtColumn(1)
    assert not sidebar.store.itemFromIndex(heading).isSelectable()
    sidebar.setCurrentIndex(sidebar.duplicates.index().siblingAtColumn(1))  # its count clicked
    qtbot.waitUntil(lambda: window.duplicates.active, timeout=10_000)
