"""What the viewer shows a photo on: the picture fitted (never enlarged past 100 % unless
zoomed), zoom and pan, a rectangle dragged for a region search, and the faces outlined
on hover, each clickable; and the photo decoded for it, upright, sharp on a 4K screen."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from photosearch.core.errors import ImageError
from photosearch.core.media.images import open_image
from photosearch.core.media.videos import frame_at
from photosearch.core.types import FaceBox, is_video_name

log = logging.getLogger(__name__)

VIEW_SIDE = 3000
"""Photos are decoded with the short side at least this big: sharp on a 4K screen at
100 %, without holding 50-megapixel frames in memory."""
ZOOM_STEP = 1.25
MAX_ZOOM = 8.0


def decode_for_view(path: str, at: float | None = None) -> tuple[QImage, int, int]:
    """One photo upright (EXIF turned, HEIC too) for the viewer, with its full size — of
    a video, its frame at ``at``; a null image when it cannot be read."""
    try:
        if is_video_name(path):
            rgb = frame_at(path, at or 0.0)
            width, height = rgb.size
        else:
            rgb, width, height, _ = open_image(path, VIEW_SIDE)
    except (ImageError, OSError) as exc:
        log.info("cannot show %s: %s", path, exc)
        return QImage(), 0, 0
    data = rgb.tobytes()
    image = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
    return image.copy(), width, height  # the copy owns its pixels: ``data`` goes away


class PhotoCanvas(QWidget):
    """Paints the photo at the current scale, centred, dragged around when zoomed in; in
    region mode a drag draws a rectangle to search by instead."""

    region = Signal(object)  # (left, top, width, height) as fractions of the photo
    face_clicked = Signal(object)  # FaceBox
    face_menu = Signal(object, QPoint)  # FaceBox, where (global)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.faces: list[FaceBox] = []
        """The faces found in the photo shown: outlined while the pointer is over it."""
        self.hovering = False
        self.setMouseTracking(True)
        self.selecting = False
        self.band: QRectF | None = None
        self.target = QRectF()
        self.pixmap: QPixmap | None = None
        self.full = (0, 0)
        self.zoom: float | None = None  # None: fit (at most 100 %)
        self.offset = QPointF()
        self.message = ""
        self._drag: QPointF | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Photo")

    def fit_scale(self) -> float:
        width, height = self.full
        if not width or not height:
            return 1.0
        return min(1.0, self.width() / width, self.height() / height)

    def scale(self) -> float:
        """Display pixels per pixel of the original photo."""
        return self.fit_scale() if self.zoom is None else self.zoom

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(24, 24, 24))
        if self.pixmap is None or self.pixmap.isNull():
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        scale = self.scale()
        width, height = self.full[0] * scale, self.full[1] * scale
        target = QRectF(
            (self.width() - width) / 2 + self.offset.x(),
            (self.height() - height) / 2 + self.offset.y(),
            width,
            height,
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(target, self.pixmap, QRectF(self.pixmap.rect()))
        self.target = target
        if self.hovering and not self.selecting:
            self._paint_faces(painter)
        if self.band is not None:
            painter.setPen(QPen(QColor(255, 255, 255), 2, Qt.PenStyle.DashLine))
            painter.fillRect(self.band, QColor(255, 255, 255, 40))
            painter.drawRect(self.band)

    def face_rect(self, face: FaceBox) -> QRectF:
        """Where a face is on screen (the photo as last painted)."""
        t = self.target
        x0, y0, x1, y1 = face.box
        return QRectF(
            t.left() + x0 * t.width(),
            t.top() + y0 * t.height(),
            (x1 - x0) * t.width(),
            (y1 - y0) * t.height(),
        )

    def face_at(self, pos: QPointF) -> FaceBox | None:
        return next((f for f in self.faces if self.face_rect(f).contains(pos)), None)

    def _paint_faces(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        under = self.face_at(QPointF(self.mapFromGlobal(self.cursor().pos())))
        for face in self.faces:
            rect = self.face_rect(face)
            painter.setPen(QPen(QColor(255, 255, 255), 3 if face is under else 1.5))
            painter.drawRoundedRect(rect, 6, 6)
            label = face.name or ("Not named yet" if face.person_id else "")
            if label:
                box = QRectF(rect.left() - 40, rect.bottom() + 4, rect.width() + 80, 22)
                painter.fillRect(
                    painter.boundingRect(box, Qt.AlignmentFlag.AlignHCenter, label).adjusted(
                        -6, -2, 6, 2
                    ),
                    QColor(0, 0, 0, 160),
                )
                painter.drawText(box, Qt.AlignmentFlag.AlignHCenter, label)

    def enterEvent(self, event: QEnterEvent) -> None:
        self.hovering = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovering = False
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        face = None if self.selecting else self.face_at(event.position())
        if face is not None:
            if event.button() == Qt.MouseButton.RightButton:
                self.face_menu.emit(face, event.globalPosition().toPoint())
            else:
                self.face_clicked.emit(face)
            return
        self._drag = event.position()
        if self.selecting:
            self.band = QRectF(self._drag, self._drag)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.faces:
            self.update()  # the face under the pointer stands out
            face = self.face_at(event.position())
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if face else Qt.CursorShape.ArrowCursor
            )
            self.setToolTip(
                ""
                if face is None
                else f"All photos of {face.name}"
                if face.name
                else "All photos of this person"
                if face.person_id
                else "Not recognised yet"
            )
        if self._drag is None:
            return
        if self.selecting:
            self.band = QRectF(self._drag, event.position()).normalized()
            self.update()
        elif self.zoom is not None:
            self.offset += event.position() - self._drag
            self._drag = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None
        if self.selecting and self.band is not None:
            chosen = self.band.intersected(self.target)
            self.band = None
            self.update()
            if chosen.width() >= 8 and chosen.height() >= 8 and self.target.width() > 0:
                t = self.target
                self.region.emit(
                    (
                        (chosen.left() - t.left()) / t.width(),
                        (chosen.top() - t.top()) / t.height(),
                        chosen.width() / t.width(),
                        chosen.height() / t.height(),
                    )
                )
