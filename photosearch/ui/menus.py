"""The menu bar: File, Edit, View and Help with the shortcuts people expect (on macOS,
Quit, Settings and About move to the application menu by their roles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QMessageBox, QWidget

from photosearch import __version__


class MenuHost(Protocol):
    """What the menus act on: the main window (no import of it: no cycle)."""

    def menuBar(self) -> QMenuBar: ...
    def close(self) -> bool: ...
    def open_folders(self) -> None: ...
    def save_album(self) -> None: ...
    def focus_search(self) -> None: ...
    def paste(self) -> None: ...
    def open_selected(self) -> None: ...
    def open_settings(self) -> None: ...
    def toggle_sidebar(self) -> None: ...
    def toggle_details(self) -> None: ...
    def toggle_filters(self) -> None: ...
    def show_help(self) -> None: ...


Keys = QKeySequence | QKeySequence.StandardKey | str | None


def build_menus(window: MenuHost) -> None:
    bar = window.menuBar()
    file = bar.addMenu("&File")
    _add(file, "&Folders…", window.open_folders, tip="Add, pause or remove photo folders")
    _add(file, "&Save as album", window.save_album, "Ctrl+S")
    file.addSeparator()
    _add(file, "&Quit", window.close, "Ctrl+Q", QAction.MenuRole.QuitRole)
    edit = bar.addMenu("&Edit")
    _add(edit, "&Find", window.focus_search, QKeySequence.StandardKey.Find)
    _add(edit, "&Paste a photo to search by", window.paste, QKeySequence.StandardKey.Paste)
    _add(edit, "&Open the photo", window.open_selected, "Ctrl+O")
    edit.addSeparator()
    _add(
        edit,
        "Se&ttings…",
        window.open_settings,
        "Ctrl+,",
        QAction.MenuRole.PreferencesRole,
    )
    view = bar.addMenu("&View")
    _add(view, "&Sidebar", window.toggle_sidebar, "Ctrl+B")
    _add(view, "&Details", window.toggle_details, tip="Also the I key on a photo")
    _add(view, "&Filters", window.toggle_filters)
    help_ = bar.addMenu("&Help")
    _add(help_, "&Search syntax and keys", window.show_help, "F1")
    parent = window if isinstance(window, QWidget) else None
    _add(help_, "&About PhotoSearch", lambda: about(parent), role=QAction.MenuRole.AboutRole)


def _add(
    menu: QMenu,
    text: str,
    slot: Callable[[], object],
    keys: Keys = None,
    role: QAction.MenuRole | None = None,
    tip: str | None = None,
) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _=False: slot())
    if keys is not None:
        action.setShortcut(QKeySequence(keys))
    if role is not None:
        action.setMenuRole(role)
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    return action


def about(window: QWidget | None) -> None:
    QMessageBox.about(
        window,
        "About PhotoSearch",
        f"<h3>PhotoSearch {__version__}</h3>"
        "<p>Search your own photos by meaning, offline: nothing ever leaves this computer."
        "</p><p>Built on OpenCLIP (MIT), PyTorch (BSD), usearch (Apache 2.0), Qt for Python "
        "(LGPL), RapidOCR (Apache 2.0) and Pillow (MIT-CMU). The models are their authors' "
        "own, under their licences.</p><p>Place names: GeoNames (geonames.org), CC BY 4.0."
        "</p>",
    )
