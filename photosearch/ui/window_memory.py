"""What the window remembers between runs (``window.ini`` beside the library): its size
and place, which panes were open, the thumbnail size and the search history; and where
a first start puts it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from photosearch.ui import theme

FIRST_SIZE = QSize(1280, 800)
"""A first start's size; a smaller screen gets the window maximised instead."""
THUMB_SIZE = 160


@dataclass(frozen=True, slots=True)
class Panes:
    sidebar: bool
    details: bool
    filters: bool


class WindowMemory:
    def __init__(self, data_dir: Path) -> None:
        self._file = theme.settings_file(data_dir)

    def history(self) -> list[str]:
        return list(self._file.value("history", []) or [])

    def thumb_size(self) -> int:
        return int(self._file.value("thumb", THUMB_SIZE))

    def panes(self) -> Panes:
        value = self._file.value
        return Panes(
            _flag(value("sidebar", True)),
            _flag(value("details", False)),
            _flag(value("filters", False)),
        )

    def place(self, window: QMainWindow) -> None:
        """Where it was last time; a first start 1280 × 800, or maximised on a screen
        smaller than that."""
        geometry = self._file.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
            return
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry().size() if screen else FIRST_SIZE
        # un-maximised later, it is smaller than the screen, its frame on it
        window.resize(FIRST_SIZE.boundedTo(available * 0.9))
        if available.width() < FIRST_SIZE.width() or available.height() < FIRST_SIZE.height():
            # resized to the whole screen, the title bar pushed the status bar off its
            # bottom edge (1024 × 600): the window manager fits a maximised one
            window.setWindowState(Qt.WindowState.WindowMaximized)

    def keep(self, window: QMainWindow, history: list[str], thumb: int, panes: Panes) -> None:
        """Remember the window as it closes."""
        self._file.setValue("geometry", window.saveGeometry())
        self._file.setValue("history", history)
        self._file.setValue("thumb", thumb)
        self._file.setValue("sidebar", panes.sidebar)
        self._file.setValue("details", panes.details)
        self._file.setValue("filters", panes.filters)


def _flag(value: object) -> bool:
    """A QSettings boolean (INI files give back the strings "true"/"false")."""
    return value is True or str(value).lower() == "true"
