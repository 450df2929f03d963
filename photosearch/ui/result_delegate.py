"""How one cell of the results grid is drawn: the photo with rounded corners, its score
or date, a clip's length, its name, and — under the mouse — round buttons for what is
done most with a photo found (more like this, less like this, search by it)."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from photosearch.core.types import Hit
from photosearch.core.wording import clock
from photosearch.ui.icons import render
from photosearch.ui.results import (
    KEEP,
    BadgeRole,
    HitRole,
    ResultsModel,
    Section,
    SectionRole,
)

NAMES_FROM = 120
"""Below this thumbnail size the names are hidden (the tooltip and details pane show them)."""
HEADER_HEIGHT = 40
RADIUS = 8
"""Corner radius of the photos and of the selection around them."""
ACTION_SIDE = 28
ACTIONS = (
    ("more", "More like this (+)"),
    ("less", "Less like this (−)"),
    ("similar", "Find photos like this one"),
)
"""The buttons over the photo under the mouse: (icon name, tooltip), right to left; the
marks only on a search's results (they steer a search)."""


class ResultDelegate(QStyledItemDelegate):
    """Draws a thumbnail (or a placeholder), the file name and a score badge on the photo;
    month headers span the row. The view sets ``cell`` so the columns fill its width."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.size = 160
        self.cell = QSize(176, 198)
        self.row_width = 800
        self.marking = False
        """Whether the grid shows a search's results, which 👍 and 👎 can steer."""
        self._scaled: dict[tuple[int, int, int, float], QPixmap] = {}

    @property
    def names(self) -> bool:
        return self.size >= NAMES_FROM

    def layout(self, width: int, size: int) -> None:
        """Cells for thumbnails of ``size`` spread over ``width`` pixels, no band left over."""
        self.size = size
        usable = max(1, width - 1)  # a row exactly as wide as the view wraps its last cell
        columns = max(1, usable // (size + 16))
        self.cell = QSize(usable // columns, size + (38 if self.names else 14))
        self.row_width = max(1, width)

    def _fit(self, pixmap: QPixmap, size: QSize, ratio: float) -> QPixmap:
        """The pixmap scaled to ``size`` in device pixels (``ratio`` of them per logical
        pixel: sharp on high-DPI screens), remembered so repaints never rescale."""
        key = (pixmap.cacheKey(), size.width(), size.height(), ratio)
        scaled = self._scaled.get(key)
        if scaled is None:
            if len(self._scaled) > 4000:
                self._scaled.clear()
            scaled = pixmap.scaled(
                size * ratio,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(ratio)
            self._scaled[key] = scaled
        return scaled

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if index.data(SectionRole) is not None:
            return QSize(self.row_width, HEADER_HEIGHT)
        return self.cell

    def _thumb_rect(self, cell: QRect) -> QRect:
        return QRect(cell.x() + 7, cell.y() + 7, cell.width() - 14, self.size)

    def photo_rect(self, cell: QRect, pixmap: object) -> QRect:
        """Where the photo lies in a cell: its thumbnail fitted and centred (the whole
        thumbnail box while it loads)."""
        box = self._thumb_rect(cell)
        if not isinstance(pixmap, QPixmap) or pixmap.isNull():
            return box
        fitted = pixmap.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect(
            box.x() + (box.width() - fitted.width()) // 2,
            box.y() + (box.height() - fitted.height()) // 2,
            fitted.width(),
            fitted.height(),
        )

    def action_rects(self, photo: QRect) -> list[tuple[str, QRect]]:
        """The hover buttons' places: a row in the photo's bottom-right corner; none on
        a photo too small for them (the context menu has the same actions)."""
        shown = ACTIONS if self.marking else ACTIONS[2:]
        if photo.width() < len(shown) * (ACTION_SIDE + 4) + 2 * ACTION_SIDE:
            shown = ACTIONS[2:]  # a narrow (portrait) photo: searching by it still fits
        if photo.width() < ACTION_SIDE + 4 + 2 * ACTION_SIDE or photo.height() < 2 * ACTION_SIDE:
            return []
        top = photo.bottom() - 5 - ACTION_SIDE
        left = photo.right() - 5 - ACTION_SIDE
        places = []
        for name, _ in shown:
            places.append((name, QRect(left, top, ACTION_SIDE, ACTION_SIDE)))
            left -= ACTION_SIDE + 4
        return places

    def action_at(self, cell: QRect, index: QModelIndex, point: QPoint) -> str | None:
        """The hover button under ``point`` in the cell of ``index``, if any."""
        if not isinstance(index.data(HitRole), Hit):
            return None
        photo = self.photo_rect(cell, index.data(Qt.ItemDataRole.DecorationRole))
        return next((name for name, rect in self.action_rects(photo) if rect.contains(point)), None)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """The hover buttons say what they do."""
        if event.type() == QEvent.Type.ToolTip and isinstance(index, QModelIndex):
            name = self.action_at(option.rect, index, event.pos())
            if name is not None:
                QToolTip.showText(event.globalPos(), dict(ACTIONS)[name], view)
                return True
        return super().helpEvent(event, view, option, index)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        section = index.data(SectionRole)
        if isinstance(section, Section):
            self._paint_section(painter, option, section)
        else:
            self._paint_photo(painter, option, index)
        painter.restore()

    def _paint_section(
        self, painter: QPainter, option: QStyleOptionViewItem, section: Section
    ) -> None:
        rect = option.rect.adjusted(10, 12, -8, -2)
        font = painter.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        title = section.label
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        shift = painter.fontMetrics().horizontalAdvance(title + "  ")
        font.setBold(False)
        font.setPointSizeF(font.pointSizeF() / 1.2)
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            rect.adjusted(shift, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            section.detail,
        )

    def _paint_photo(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        cell: QRect = option.rect.adjusted(3, 3, -3, -3)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            accent = palette.color(QPalette.ColorRole.Highlight)
            fill = QColor(accent) if selected else palette.color(QPalette.ColorRole.Midlight)
            if selected:
                fill.setAlpha(56)
            painter.setBrush(fill)
            painter.setPen(accent if selected else Qt.PenStyle.NoPen)
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), RADIUS + 3, RADIUS + 3)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        photo = self.photo_rect(option.rect, pixmap)
        clip = QPainterPath()
        clip.addRoundedRect(photo, RADIUS, RADIUS)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            painter.save()
            painter.setClipPath(clip)
            ratio = painter.device().devicePixelRatioF()
            painter.drawPixmap(photo, self._fit(pixmap, photo.size(), ratio))
            painter.restore()
            edge = QColor(palette.color(QPalette.ColorRole.Text))
            edge.setAlpha(28)  # a pale photo keeps its edge on a pale background
            painter.setPen(edge)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(clip)
        else:
            painter.fillPath(clip, palette.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            label = "…" if pixmap is None else "no preview"
            painter.drawText(photo, Qt.AlignmentFlag.AlignCenter, label)
        hit = index.data(HitRole)
        if isinstance(hit, Hit):
            badge = index.data(BadgeRole)
            model = index.model()
            plain = model.plain_badge(hit) if isinstance(model, ResultsModel) else ""
            self._paint_badge(
                painter,
                photo,
                badge if badge else plain,
                palette.color(QPalette.ColorRole.Highlight) if badge == KEEP else None,
            )
            if hit.photo.is_video or hit.motion is not None:
                self._paint_clip_mark(painter, photo, hit)
            if hovered:
                self._paint_actions(painter, photo)
        if not self.names:
            return
        text_rect = QRect(
            cell.x() + 4, self._thumb_rect(option.rect).bottom() + 5, cell.width() - 8, 22
        )
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        name = painter.fontMetrics().elidedText(
            str(index.data()), Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, name
        )

    def _paint_actions(self, painter: QPainter, photo: QRect) -> None:
        ratio = painter.device().devicePixelRatioF()
        for name, rect in self.action_rects(photo):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawEllipse(rect)
            glyph = rect.adjusted(6, 6, -6, -6)
            image = render(name, glyph.size() * ratio, QColor("white"))
            image.setDevicePixelRatio(ratio)
            painter.drawImage(glyph, image)

    @staticmethod
    def _paint_clip_mark(painter: QPainter, photo: QRect, hit: Hit) -> None:
        """▶ and the clip's length in the bottom-left corner; LIVE on a Live Photo."""
        text = "▶"
        if hit.motion is not None:
            text = "LIVE"
        elif hit.photo.duration is not None:
            text += f" {clock(hit.photo.duration)}"
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(text) + 10
        if width > photo.width() - 4:
            return
        height = metrics.height() + 2
        _paint_label(
            painter, QRect(photo.x() + 6, photo.bottom() - height - 5, width, height), text
        )

    @staticmethod
    def _paint_badge(
        painter: QPainter, photo: QRect, badge: str, fill: QColor | None = None
    ) -> None:
        """The score (or date) in the photo's own top-right corner, not the cell's; the
        one to keep among duplicates on the accent, to stand out."""
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(badge) + 12
        if width > photo.width() - 4:
            return
        rect = QRect(photo.right() - width - 5, photo.y() + 6, width, metrics.height() + 2)
        _paint_label(painter, rect, badge, fill)


def _paint_label(painter: QPainter, rect: QRect, text: str, fill: QColor | None = None) -> None:
    """White words on a dark rounded patch (or ``fill``), readable over any photo."""
    painter.setBrush(fill or QColor(0, 0, 0, 150))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
