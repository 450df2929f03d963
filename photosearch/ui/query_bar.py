"""The search field and the images searched by: what the user types (a history to pick
from, and a short pause before it runs), the photos dropped or pasted shown as chips
beside it, and Ctrl+V in the field taking an image (the field alone pastes only text,
and quietly nothing for an image)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QWidget

from photosearch.core.media.images import is_supported
from photosearch.ui.icons import icon as themed_icon
from photosearch.ui.widgets import ImageChip

SEARCH_DELAY_MS = 350
"""The pause in typing after which the search runs."""
HISTORY_SIZE = 30
PLACEHOLDER = "Search your photos — e.g. dog on the beach at sunset, or drop a photo here"


def photo_paths(urls: list[QUrl]) -> list[str]:
    """The photos among dropped or pasted links (local files PhotoSearch can read)."""
    return [u.toLocalFile() for u in urls if u.isLocalFile() and is_supported(u.toLocalFile())]


def holds_images(mime: QMimeData | None) -> bool:
    """Whether dropped or copied data holds an image or photo files (else text, or
    nothing)."""
    return mime is not None and (
        mime.hasImage() or (mime.hasUrls() and bool(photo_paths(mime.urls())))
    )


def images_in(mime: QMimeData | None, pasted: Path) -> list[str]:
    """The photos to search by in dropped or copied data: its photo files, or the image
    itself (a screenshot, a picture dragged from a browser) saved as a PNG in ``pasted``."""
    if mime is None:
        return []
    if mime.hasUrls() and (paths := photo_paths(mime.urls())):
        return paths
    if mime.hasImage():
        image = QImage(mime.imageData())
        pasted.mkdir(parents=True, exist_ok=True)
        name = f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{id(image)}.png"
        if image.save(str(pasted / name), "PNG"):
            return [str(pasted / name)]
    return []


class QueryBar(QWidget):
    typed = Signal()
    """The user paused typing: time to search."""
    entered = Signal()
    """Return in the field."""
    paste_images = Signal()
    """Ctrl+V in the field with images on the clipboard."""
    chip_removed = Signal(str)
    """The user took an image out of the search (its path)."""

    def __init__(self, history: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.installEventFilter(self)
        self.field.addAction(themed_icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search")
        self.history = QStringListModel(history)
        completer = QCompleter(self.history, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.field.setCompleter(completer)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SEARCH_DELAY_MS)
        self._pause.timeout.connect(self.typed)
        self.field.textEdited.connect(self._pause.start)
        self.field.returnPressed.connect(self.entered)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field, 1)
        layout.addLayout(self.chips)

    def hold(self) -> None:
        """A search runs now: the pause after typing no longer starts one."""
        self._pause.stop()

    def remember(self, text: str) -> None:
        """A search run, first in the history (once)."""
        if not text:
            return
        items = [text] + [h for h in self.history.stringList() if h != text]
        self.history.setStringList(items[:HISTORY_SIZE])

    def add_chip(self, path: str, region: bool) -> None:
        chip = ImageChip(path, region, self)
        chip.clicked.connect(lambda: self._remove_chip(chip))
        self.chips.addWidget(chip)

    def _remove_chip(self, chip: ImageChip) -> None:
        self.chips.removeWidget(chip)
        chip.deleteLater()
        self.chip_removed.emit(chip.path)

    def clear_chips(self) -> None:
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
            and holds_images(QGuiApplication.clipboard().mimeData())
        ):
            self.paste_images.emit()
            return True
        return super().eventFilter(watched, event)
