"""The results grid: a list model of hits, thumbnails made off the GUI thread, a delegate."""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThread,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photosearch.core.errors import ImageError
from photosearch.core.images import thumbnail
from photosearch.core.jsontext import readable
from photosearch.core.types import Hit

log = logging.getLogger(__name__)


def display_name(path: str) -> str:
    """A file's name as text a label can show (undecodable bytes as ``\\xNN``)."""
    return readable(os.path.basename(path))


def badge_text(hit: Hit) -> str:
    """The score of a search hit; the date for a photo listed by filters alone."""
    if hit.score is None:
        return f"{datetime.fromtimestamp(hit.photo.date):%Y-%m-%d}"
    return f"{hit.score:.2f}"


def describe(hit: Hit) -> str:
    """One line about a hit: its score, or when it was taken (or modified)."""
    if hit.score is not None:
        return f"score {hit.score:.3f}"
    taken = "taken" if hit.photo.taken_at else "modified"
    return f"{taken} {datetime.fromtimestamp(hit.photo.date):%Y-%m-%d %H:%M}"


HitRole = Qt.ItemDataRole.UserRole + 1
ScoreRole = Qt.ItemDataRole.UserRole + 2
PAGE = 60
THUMB_PIXELS = 256
THUMB_THREADS = 1
"""One background thumbnailer: more only competes with the window for the CPU and the GIL."""
THUMB_MEMORY_BYTES = 192 * 2**20
"""Pixmaps kept in memory (~750 thumbnails of 256 px); older ones come back from disk."""


class ThumbnailSignals(QObject):
    ready = Signal(str, QImage)  # path, image (null when the photo cannot be read)


class ThumbnailJob(QRunnable):
    """Make (or read from the disk cache) one thumbnail of ``pixels``, on a thread pool."""

    def __init__(self, path: str, pixels: int, cache: Path, signals: ThumbnailSignals) -> None:
        super().__init__()
        self.path, self.pixels, self.cache, self.signals = path, pixels, cache, signals

    def run(self) -> None:
        try:
            image = QImage(str(thumbnail(self.path, self.pixels, self.cache)))
        except (ImageError, OSError) as exc:
            log.info("no thumbnail for %s: %s", self.path, exc)
            image = QImage()
        self.signals.ready.emit(self.path, image)


class ThumbnailCache(QObject):
    """Thumbnails in memory (as pixmaps, GUI thread) backed by the on-disk cache.

    The least recently shown go first once they hold more than ``budget`` bytes, so
    scrolling through 100,000 photos does not keep 100,000 pixmaps.
    """

    changed = Signal(str)

    def __init__(
        self, cache_dir: Path, parent: QObject | None = None, budget: int = THUMB_MEMORY_BYTES
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.budget = budget
        self.bytes = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(THUMB_THREADS)
        self.pool.setThreadPriority(QThread.Priority.LowPriority)
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()
        self._signals = ThumbnailSignals()
        self._signals.ready.connect(self._arrived)

    def get(self, path: str) -> QPixmap | None:
        """The thumbnail if ready; otherwise start making it and return None."""
        if path in self._pixmaps:
            self._pixmaps.move_to_end(path)
            return self._pixmaps[path]
        self._pixmaps[path] = None
        self.pool.start(ThumbnailJob(path, THUMB_PIXELS, self.cache_dir, self._signals))
        return None

    def _arrived(self, path: str, image: QImage) -> None:
        if path not in self._pixmaps:
            return  # evicted while it was being made
        pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        self._pixmaps[path] = pixmap
        self.bytes += _size(pixmap)
        self._evict()
        self.changed.emit(path)

    def _evict(self) -> None:
        for path in list(self._pixmaps):
            if self.bytes <= self.budget:
                return
            pixmap = self._pixmaps[path]
            if pixmap is not None:  # one still being made stays
                del self._pixmaps[path]
                self.bytes -= _size(pixmap)

    def pending(self) -> int:
        return sum(1 for v in self._pixmaps.values() if v is None)


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth() // 8)


class ResultsModel(QAbstractListModel):
    """Hits, best first, handed to the view a page at a time (lazy paging)."""

    def __init__(self, thumbs: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self._hits: list[Hit] = []
        self._shown = 0
        self._rows: dict[str, int] = {}
        thumbs.changed.connect(self._thumb_changed)

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._shown = min(PAGE, len(self._hits))
        self._rows = {h.path: i for i, h in enumerate(self._hits)}
        self.endResetModel()

    def hits(self) -> list[Hit]:
        return self._hits[: self._shown]

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(rows, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._hits[row]
            self._shown -= 1
            self.endRemoveRows()
        self._rows = {h.path: i for i, h in enumerate(self._hits)}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and self._shown < len(self._hits)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        more = min(PAGE, len(self._hits) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_name(hit.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            offline = "" if hit.photo.folder_online else "\n(offline: its drive is not connected)"
            return f"{readable(hit.path)}\n{describe(hit)}{offline}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs.get(hit.path)
        if role == HitRole:
            return hit
        if role == ScoreRole:
            return hit.score
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{display_name(hit.path)}, {describe(hit)}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(self._hits[i.row()].path) for i in indexes if i.isValid()])
        return mime

    def _thumb_changed(self, path: str) -> None:
        row = self._rows.get(path)
        if row is not None and row < self._shown:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class ResultDelegate(QStyledItemDelegate):
    """Draws a thumbnail (or a placeholder), the file name and a score badge."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.size = 160
        self._scaled: dict[tuple[int, int, int], QPixmap] = {}

    def _fit(self, pixmap: QPixmap, size: QSize) -> QPixmap:
        """The pixmap scaled to ``size``, remembered so repaints never rescale."""
        key = (pixmap.cacheKey(), size.width(), size.height())
        scaled = self._scaled.get(key)
        if scaled is None:
            if len(self._scaled) > 4000:
                self._scaled.clear()
            scaled = pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            self._scaled[key] = scaled
        return scaled

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(self.size + 12, self.size + 34)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        thumb_rect = QRect(rect.x() + 2, rect.y() + 2, rect.width() - 4, self.size)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = self._fit(pixmap, thumb_rect.size())
            x = thumb_rect.x() + (thumb_rect.width() - scaled.width()) // 2
            y = thumb_rect.y() + (thumb_rect.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.fillRect(thumb_rect, palette.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            label = "…" if pixmap is None else "no preview"
            painter.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, label)
        hit = index.data(HitRole)
        if isinstance(hit, Hit):
            badge = badge_text(hit)
            metrics = painter.fontMetrics()
            bw = metrics.horizontalAdvance(badge) + 10
            badge_rect = QRect(
                thumb_rect.right() - bw - 4, thumb_rect.y() + 4, bw, metrics.height() + 2
            )
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge_rect, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)
        text_rect = QRect(rect.x() + 2, thumb_rect.bottom() + 4, rect.width() - 4, 22)
        role = (
            QPalette.ColorRole.HighlightedText
            if option.state & QStyle.StateFlag.State_Selected
            else QPalette.ColorRole.Text
        )
        painter.setPen(palette.color(role))
        name = painter.fontMetrics().elidedText(
            str(index.data()), Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, name
        )
        painter.restore()
