"""The details pane (I): a larger preview and what is known about the selected photo,
with the actions people take next: open it, show it in its folder, find similar ones."""

from __future__ import annotations

import html
import os
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.media.details import PhotoDetails
from photosearch.core.types import Hit
from photosearch.core.wording import clock
from photosearch.ui import actions
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.results import ThumbnailCache, display_name
from photosearch.ui.wording import file_size, shown

WIDTH = 300


class DetailsPane(QWidget):
    """Shows one hit; camera, lens and exposure arrive from the file a moment later."""

    find_similar = Signal(object)  # a path (str, any bytes: never a Qt string)
    view = Signal()

    def __init__(
        self, bridge: EngineBridge, thumbs: ThumbnailCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.thumbs = thumbs
        self.hit: Hit | None = None
        self._pixmap: QPixmap | None = None
        self.setAccessibleName("Photo details")
        self.setMinimumWidth(240)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(180)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.preview.setAccessibleName("Preview")
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.name.setFont(font)
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.folder.setTextFormat(Qt.TextFormat.RichText)
        self.folder.setToolTip("Show in the file manager")
        self.folder.linkActivated.connect(lambda _: self._show_in_folder())
        self.fields: dict[str, QLabel] = {}
        self._rows: dict[str, QWidget] = {}
        """Each field's row widget (the label, or the label with its Copy button)."""
        form = self.form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in ("Score", "Taken", "Length", "Dimensions", "File size", "Type", "Camera", "Lens",
                    "Exposure", "Title", "Caption", "Keywords", "Rating", "People", "Place",
                    "GPS", "Words in it"):  # fmt: skip
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # captions are the file's, not ours
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(key)
            self.fields[key] = label
            self._rows[key] = label
            form.addRow(f"{key}:", label if key != "GPS" else self._with_copy(label))
        self.offline = QLabel("Its drive is not connected: it is shown from the index.")
        self.offline.setWordWrap(True)
        buttons = QGridLayout()
        for n, (text, tip, slot) in enumerate(
            (
                ("View", "Show it in the viewer (Enter)", self.view.emit),
                ("Open", "Open in the default app (Ctrl+O)", self._open),
                ("Show in folder", "Show it in the file manager", self._show_in_folder),
                ("Find similar", "Search for photos like this one", self._similar),
            )
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAccessibleName(text)
            button.clicked.connect(slot)
            buttons.addWidget(button, n // 2, n % 2)
        self.empty = QLabel("Select a photo to see its details.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.preview)
        body.addWidget(self.name)
        body.addWidget(self.folder)
        body.addLayout(form)
        body.addWidget(self.offline)
        body.addLayout(buttons)
        body.addStretch(1)
        # a short screen (600 px) scrolls the details instead of squeezing the preview
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll)
        thumbs.changed.connect(self._thumb_changed)
        self.show_hit(None)

    def show_hit(self, hit: Hit | None) -> None:
        self.hit = hit
        self.empty.setVisible(hit is None)
        self.scroll.setVisible(hit is not None)
        if hit is None:
            return
        photo = hit.photo
        self.name.setText(display_name(hit.path))
        folder = shown(os.path.dirname(hit.path))
        self.folder.setText(f"<a href='folder'>{html.escape(folder)}</a>")
        taken = "" if photo.taken_at else " (file modified; no date in the photo)"
        values = {
            "Score": f"{hit.score:.3f}" if hit.score is not None else None,
            "Taken": f"{datetime.fromtimestamp(photo.date):%A %d %B %Y, %H:%M}{taken}",
            "Length": _length(hit),
            "Dimensions": f"{photo.width} × {photo.height} pixels" if photo.width else None,
            "File size": file_size(photo.size),
        }
        for key in self.fields:  # the file's own facts come a moment later
            self._set(key, values.get(key))
        self.offline.setVisible(not photo.folder_online)
        self._thumb_changed(hit.path)
        path = hit.path
        self.bridge.run(
            lambda engine: engine.library.details(path),
            lambda d: self._details(path, d),
            receiver=self,
        )

    def _set(self, key: str, value: str | None) -> None:
        """Show a field with its value; a field the photo has no value for is hidden."""
        self.fields[key].setText(value or "")
        self.form.setRowVisible(self._rows[key], bool(value))

    def _with_copy(self, label: QLabel) -> QWidget:
        """The coordinates with a Copy button (for a map or a message)."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label, 1)
        self.copy_gps = QToolButton()
        self.copy_gps.setText("Copy")
        self.copy_gps.setToolTip("Copy the coordinates")
        self.copy_gps.setAccessibleName("Copy the coordinates")
        self.copy_gps.clicked.connect(lambda: QGuiApplication.clipboard().setText(label.text()))
        layout.addWidget(self.copy_gps)
        self._rows[label.accessibleName()] = row
        return row

    def _details(self, path: str, details: PhotoDetails) -> None:
        if self.hit is None or self.hit.path != path:
            return  # another photo was selected meanwhile
        self._set("Type", details.format)
        self._set("Camera", details.camera)
        self._set("Lens", details.lens)
        self._set("Exposure", details.exposure)
        self._set("Title", details.title)
        self._set("Caption", details.caption)
        self._set("Keywords", details.keywords)
        self._set("Rating", details.rating)
        self._set("People", details.people)
        self._set("Place", details.place)
        self._set("GPS", details.coordinates)
        self._set("Words in it", details.words)

    def _thumb_changed(self, path: str) -> None:
        if self.hit is None or self.hit.path != path:
            return
        pixmap = self.thumbs.get(path, self.hit.at)
        self._pixmap = None
        if pixmap is None:
            self.preview.setText("Loading…")
        elif pixmap.isNull():
            self.preview.setText("No preview")
        else:
            self._pixmap = pixmap
            self._fit_preview()

    def _fit_preview(self) -> None:
        pixmap = self._pixmap
        if pixmap is None:
            return
        width = max(120, self.preview.width())
        ratio = self.devicePixelRatioF()
        scaled = pixmap.scaled(
            int(width * ratio),
            int(max(120, width * 0.75) * ratio),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        self.preview.setPixmap(scaled)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_preview()

    def _open(self) -> None:
        if self.hit is not None:
            actions.open_file(self.hit.path)

    def _show_in_folder(self) -> None:
        if self.hit is not None:
            actions.show_in_folder(self.hit.path)

    def _similar(self) -> None:
        if self.hit is not None:
            self.find_similar.emit(self.hit.path)


def _length(hit: Hit) -> str | None:
    """A video's length, and where in it the search matched best."""
    if hit.photo.duration is None:
        return None
    moment = f" · best match at {clock(hit.at)}" if hit.at is not None else ""
    return f"{clock(hit.photo.duration)}{moment}"
