"""The preview dialog (Space): a larger image and what we know about the photo."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from photosearch.core.errors import ImageError
from photosearch.core.images import thumbnail
from photosearch.core.types import Hit

PREVIEW_PIXELS = 1024


class _Loaded(QObject):
    done = Signal(QImage)


class _Load(QRunnable):
    def __init__(self, path: str, cache: Path, signals: _Loaded) -> None:
        super().__init__()
        self.path, self.cache, self.signals = path, cache, signals

    def run(self) -> None:
        try:
            self.signals.done.emit(QImage(str(thumbnail(self.path, PREVIEW_PIXELS, self.cache))))
        except (ImageError, OSError):
            self.signals.done.emit(QImage())


class PreviewDialog(QDialog):
    def __init__(self, hit: Hit, cache: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(os.path.basename(hit.path))
        self.image = QLabel("Loading…")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(480, 360)
        p = hit.photo
        size = f"{p.width}×{p.height} px, " if p.width else ""
        when = datetime.fromtimestamp(p.date).strftime("%Y-%m-%d %H:%M")
        info = QLabel(
            f"<b>{os.path.basename(p.path)}</b><br>{p.path}<br>{size}{p.size / 1e6:.1f} MB · "
            f"{'taken' if p.taken_at else 'modified'} {when} · score {hit.score:.3f}"
            + ("" if p.folder_online else "<br><i>Offline: its drive is not connected.</i>")
        )
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image, 1)
        layout.addWidget(info)
        layout.addWidget(buttons)
        self._signals = _Loaded()
        self._signals.done.connect(self._show)
        QThreadPool.globalInstance().start(_Load(hit.path, cache, self._signals))
        self.resize(900, 760)

    def _show(self, image: QImage) -> None:
        if image.isNull():
            self.image.setText("This photo cannot be shown (missing or unreadable).")
            return
        pixmap = QPixmap.fromImage(image)
        self.image.setPixmap(
            pixmap.scaled(
                self.image.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            self.accept()
        else:
            super().keyPressEvent(event)
