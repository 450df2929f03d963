"""The preview dialog (Space): a larger image and what we know about the photo."""

from __future__ import annotations

import contextlib
import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QCloseEvent, QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from photosearch.core.jsontext import readable
from photosearch.core.types import Hit
from photosearch.ui.results import ThumbnailJob, ThumbnailSignals, display_name

PREVIEW_PIXELS = 1024


class PreviewDialog(QDialog):
    def __init__(self, hit: Hit, cache: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and its connections with it
        self.setWindowTitle(display_name(hit.path))
        self.image = QLabel("Loading…")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(480, 360)
        p = hit.photo
        size = f"{p.width}×{p.height} px, " if p.width else ""
        when = datetime.fromtimestamp(p.date).strftime("%Y-%m-%d %H:%M")
        score = f" · score {hit.score:.3f}" if hit.score is not None else ""
        info = QLabel(
            f"<b>{html.escape(display_name(p.path))}</b><br>{html.escape(readable(p.path))}<br>"
            f"{size}{p.size / 1e6:.1f} MB · {'taken' if p.taken_at else 'modified'} {when}{score}"
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
        self._signals = ThumbnailSignals()
        self._signals.ready.connect(self._show)
        self._listening = True
        QThreadPool.globalInstance().start(
            ThumbnailJob(hit.path, PREVIEW_PIXELS, cache, self._signals)
        )
        self.resize(900, 760)

    def _let_go(self) -> None:
        """The thumbnail job may still finish after this dialog is deleted: it must then
        reach no slot of it."""
        if self._listening:
            self._listening = False
            with contextlib.suppress(RuntimeError, TypeError):
                self._signals.ready.disconnect(self._show)

    def done(self, result: int) -> None:
        self._let_go()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._let_go()
        super().closeEvent(event)

    def _show(self, _path: str, image: QImage) -> None:
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
