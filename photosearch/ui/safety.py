"""The safety net of risky actions: a confirmation that shows what it touches (the
photos themselves, as thumbnails) with *Cancel* as the default, and a moment to undo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photosearch.ui.results import ThumbnailCache, display_name

UNDO_SECONDS = 15
ICON = 96


class ConfirmPhotos(QDialog):
    """Asks before ``action`` touches ``paths``; they are listed with their thumbnails.
    *Cancel* is the default button: Enter or Escape never moves anything."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        question: str,
        paths: list[str],
        action: str,
        thumbs: ThumbnailCache,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.thumbs = thumbs
        said = QLabel(question)
        said.setWordWrap(True)
        self.photos = QListWidget()
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(ICON, ICON))
        self.photos.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.photos.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.photos.setAccessibleName("Photos this touches")
        self._items: dict[str, QListWidgetItem] = {}
        for path in paths:
            item = QListWidgetItem(display_name(path))
            item.setToolTip(display_name(path))
            item.setSizeHint(QSize(ICON + 24, ICON + 36))
            self.photos.addItem(item)
            self._items[path] = item
            self._show(path)
        thumbs.changed.connect(self._show)
        buttons = QDialogButtonBox()
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        go = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        go.setAutoDefault(False)
        cancel.setDefault(True)
        cancel.setFocus()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addWidget(self.photos, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def _show(self, path: str) -> None:
        item = self._items.get(path)
        pixmap = self.thumbs.get(path) if item is not None else None
        if item is not None and pixmap is not None and not pixmap.isNull():
            item.setIcon(QIcon(pixmap))


class UndoNotice(QWidget):
    """What was just done, with *Undo* for a moment (in the status bar)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.button = QPushButton("Undo")
        self.button.setAccessibleName("Undo")
        self.button.clicked.connect(self._undo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self._undo_action: Callable[[], None] | None = None
        self.hide()

    def offer(self, text: str, undo: Callable[[], None] | None) -> None:
        """Say ``text``; with ``undo``, offer it for ``UNDO_SECONDS``."""
        self.label.setText(text)
        self._undo_action = undo
        self.button.setVisible(undo is not None)
        self.show()
        self._timer.start(UNDO_SECONDS * 1000)

    def _undo(self) -> None:
        action, self._undo_action = self._undo_action, None
        self.hide()
        if action is not None:
            action()

    @property
    def offering(self) -> bool:
        return self.isVisible() and self._undo_action is not None
