"""Risky actions ask first with Cancel as the default, and can be undone for a moment:
deleting an album (its name leaves the header and the sidebar), and the trash."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from photosearch.core.curate.trash import move_to_trash, restore
from tests.conftest import write_photos
from tests.ui.windows import open_window


def test_deleting_an_album_asks_and_can_be_undone(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, tmp_path / "home", [])
    engine = window.bridge.engine
    try:
        saved = engine.albums.save("Red things", "a red circle")
        window.albums.load()
        qtbot.waitUntil(
            lambda: window.sidebar._find(lambda e: e.saved is not None) is not None,
            timeout=30_000,
        )
        window.sidebar._select(lambda e: e.saved is not None and e.saved.id == saved.id)
        qtbot.waitUntil(lambda: window.header.title.text() == "Red things", timeout=10_000)
        defaults: list[object] = []

        def question(*args: object) -> QMessageBox.StandardButton:
            defaults.append(args[4])
            return QMessageBox.StandardButton.Cancel

        monkeypatch.setattr(QMessageBox, "question", question)
        window.albums.delete(saved)
        assert defaults == [QMessageBox.StandardButton.Cancel]
        assert [a.name for a in engine.albums.listed()] == ["Red things"]  # kept
        monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
        window.albums.delete(saved)
        qtbot.waitUntil(lambda: engine.albums.listed() == [], timeout=10_000)
        qtbot.waitUntil(lambda: window.undo.offering, timeout=10_000)
        assert window.header.title.text() != "Red things" and window.sidebar.current_entry() is None
        window.undo.button.click()
        qtbot.waitUntil(lambda: len(engine.albums.listed()) == 1, timeout=10_000)
        back = engine.albums.listed()[0]
        assert (back.name, back.text) == ("Red things", "a red circle")
    finally:
        window.close()
        window.bridge.shutdown()


def test_a_trashed_file_goes_back_and_never_over_another(tmp_path: Path, user_trash: Path) -> None:
    first, second = write_photos(tmp_path / "photos", 2)
    content = first.read_bytes()
    item = move_to_trash(str(first))
    assert item.can_restore and not first.exists()
    assert restore(item) and first.read_bytes() == content
    assert list(user_trash.iterdir()) == []
    again = move_to_trash(str(second))
    second.write_bytes(b"a new file took its name")
    assert not restore(again)  # never replaced
    assert second.read_bytes() == b"a new file took its name"


def test_the_skipped_list_is_a_real_list(qtbot: QtBot, tmp_path: Path) -> None:
    """Photos and folders that could not be read: named as what they are, sortable, with
    Copy; the status bar says "1 folder could not be read", not "1 photos"."""
    from PySide6.QtGui import QGuiApplication

    from photosearch.ui.skipped import SkippedDialog, skipped_summary

    assert skipped_summary(2, 1) == "2 photos skipped · 1 folder could not be read"
    assert skipped_summary(0, 1) == "1 folder could not be read"
    errors = [
        ("/photos/private", "folder cannot be read: permission denied"),
        ("/photos/b.jpg", "not an image"),
        ("/photos/a.jpg", "truncated"),
    ]
    dialog = SkippedDialog(None, errors, {"/photos/private"})  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 3 and table.isSortingEnabled()
    kinds = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(3)}
    assert kinds == {"private": "Folder", "b.jpg": "Photo", "a.jpg": "Photo"}
    table.sortItems(0)
    assert [table.item(r, 0).text() for r in range(3)] == ["a.jpg", "b.jpg", "private"]
    table.selectRow(0)
    dialog.copy()
    assert QGuiApplication.clipboard().text() == "/photos/a.jpg\ttruncated"


def test_the_menu_bar_has_the_usual_menus_and_shortcuts(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    window = open_window(qtbot, tmp_path / "home", [])
    try:
        menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
        assert menus == ["File", "Edit", "View", "Help"]
        actions = {
            a.text().replace("&", ""): a
            for menu in window.menuBar().actions()
            for a in menu.menu().actions()
        }
        assert actions["Quit"].shortcut() == QKeySequence("Ctrl+Q")
        assert actions["Find"].shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
        assert actions["Save as album"].shortcut() == QKeySequence("Ctrl+S")
        assert actions["Search syntax and keys"].shortcut() == QKeySequence(Qt.Key.Key_F1)
        actions["Quit"].trigger()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    finally:
        window.close()
        window.bridge.shutdown()


def test_open_says_so_when_no_app_opens_the_photo(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    from photosearch.ui import actions

    said: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(str(a[2])))
    assert actions.open_file("/photos/caf\udce9.heic") is False
    assert said and "caf\ufffd.heic" in said[0] and "default apps" in said[0]


def test_the_words_badge_is_explained() -> None:
    from photosearch.core.types import Hit, Photo
    from photosearch.ui.results import tooltip

    photo = Photo(1, "/p/receipt.jpg", 10, 0, 10, 10, None)
    assert "words read in the photo" in tooltip(Hit(photo, 0.2, words=True))
    assert "words read" not in tooltip(Hit(photo, 0.2))


def test_indexing_progress_is_said_in_words_not_hidden_under_the_fill(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from photosearch.core.types import Progress

    window = open_window(qtbot, tmp_path / "home", [])
    try:
        window._progress(Progress("index", 240, 323))
        assert not window.status.progress.isTextVisible()  # no digits for the fill to cover
        assert window.status.progress.accessibleDescription() == "240 of 323"
        assert "240 of 323 photos" in window.status.label.text()
    finally:
        window.close()
        window.bridge.shutdown()
