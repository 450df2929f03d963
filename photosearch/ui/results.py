"""The results grid: a list model of hits, thumbnails made off the GUI thread, a delegate."""

from __future__ import annotations

import logging
import math
import os
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QImage, QPixmap

from photosearch.core.errors import ImageError
from photosearch.core.media.images import thumbnail
from photosearch.core.types import Hit
from photosearch.core.wording import clock
from photosearch.ui.tasks import run_task
from photosearch.ui.wording import file_size, shown

log = logging.getLogger(__name__)


def display_name(path: str) -> str:
    """A file's name as text a label can show (undecodable bytes as ``\\xNN``)."""
    return shown(os.path.basename(path))


def badge_text(hit: Hit, under_month: bool = False) -> str:
    """The score of a search hit; the date for a photo listed by filters alone, only
    its day where the listing's headers name the month ("Dec 4": shorter, so it fits
    on tall, narrow photos too)."""
    if hit.score is None:
        taken = datetime.fromtimestamp(hit.photo.date)
        return f"{taken:%b} {taken.day}" if under_month else f"{taken:%Y-%m-%d}"
    return f"{hit.score:.2f}"


def tooltip(hit: Hit) -> str:
    """Full path, date, size (and pixels) of a photo, and whether its drive is away."""
    lines = [shown(hit.path), describe(hit)]
    photo = hit.photo
    pixels = f" · {photo.width} × {photo.height}" if photo.width and photo.height else ""
    lines.append(f"{file_size(photo.size)}{pixels}")
    if hit.score is not None:
        taken = "taken" if photo.taken_at else "modified"
        lines.insert(2, f"{taken} {datetime.fromtimestamp(photo.date):%Y-%m-%d %H:%M}")
    if photo.is_video and photo.duration is not None:
        moment = f", best match at {clock(hit.at)}" if hit.at is not None else ""
        lines.append(f"video, {clock(photo.duration)} long{moment}")
    if hit.words:
        lines.append("matched by words: its name, details or words read in the photo")
    if not photo.folder_online:
        lines.append("(offline: its drive is not connected)")
    return "\n".join(lines)


def describe(hit: Hit) -> str:
    """One line about a hit: its score, or when it was taken (or modified)."""
    if hit.score is not None:
        return f"score {hit.score:.3f}"
    taken = "taken" if hit.photo.taken_at else "modified"
    return f"{taken} {datetime.fromtimestamp(hit.photo.date):%Y-%m-%d %H:%M}"


HitRole = Qt.ItemDataRole.UserRole + 1
ScoreRole = Qt.ItemDataRole.UserRole + 2
SectionRole = Qt.ItemDataRole.UserRole + 3
BadgeRole = Qt.ItemDataRole.UserRole + 4
"""A word on the photo instead of its score or date ("Keep" in a group of duplicates)."""
KEEP = "Keep"
"""The badge of the photo kept in a group of duplicates."""
PAGE = 60
THUMB_PIXELS = 256
THUMB_THREADS = 1
"""One background thumbnailer: more only competes with the window for the CPU and the GIL."""
THUMB_MEMORY_BYTES = 192 * 2**20
"""Pixmaps kept in memory (~750 thumbnails of 256 px); older ones come back from disk."""


def _make_thumbnail(path: str, pixels: int, cache: Path, at: float | None) -> QImage:
    """Make (or read from the disk cache) one thumbnail of ``pixels`` (of a video, its
    frame at ``at``); null if unreadable."""
    try:
        return QImage(str(thumbnail(path, pixels, cache, at)))
    except (ImageError, OSError) as exc:
        log.info("no thumbnail for %s: %s", path, exc)
        return QImage()


class ThumbnailCache(QObject):
    """Thumbnails in memory (as pixmaps, GUI thread) backed by the on-disk cache.

    The least recently shown go first once they hold more than ``budget`` bytes, so
    scrolling through 100,000 photos does not keep 100,000 pixmaps.
    """

    changed = Signal(object)  # a path

    def __init__(
        self, cache_dir: Path, parent: QObject | None = None, budget: int = THUMB_MEMORY_BYTES
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.budget = budget
        screen = QGuiApplication.primaryScreen()
        ratio = screen.devicePixelRatio() if screen is not None else 1.0
        self.pixels = THUMB_PIXELS * math.ceil(ratio)
        """Sharp on a high-DPI screen: twice the pixels at a devicePixelRatio of 2."""
        self.bytes = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(THUMB_THREADS)
        self.pool.setThreadPriority(QThread.Priority.LowPriority)
        self._pixmaps: OrderedDict[tuple[str, float | None], QPixmap | None] = OrderedDict()

    def get(self, path: str, at: float | None = None) -> QPixmap | None:
        """The thumbnail if ready (of a video, its frame at ``at`` seconds); otherwise
        start making it and return None (``changed`` says when it is there)."""
        key = (path, None if at is None else round(at, 1))
        if key in self._pixmaps:
            self._pixmaps.move_to_end(key)
            return self._pixmaps[key]
        self._pixmaps[key] = None
        pixels, cache = self.pixels, self.cache_dir
        run_task(
            lambda: _make_thumbnail(path, pixels, cache, key[1]),
            lambda image: self._arrived(key, image),
            lambda exc: log.warning("thumbnail of %s failed: %s", path, exc),
            self,
            self.pool,
        )
        return None

    def _arrived(self, key: tuple[str, float | None], image: QImage) -> None:
        if key not in self._pixmaps:
            return  # evicted while it was being made
        pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        self._pixmaps[key] = pixmap
        self.bytes += _size(pixmap)
        self._evict()
        self.changed.emit(key[0])

    def _evict(self) -> None:
        for key in list(self._pixmaps):
            if self.bytes <= self.budget:
                return
            pixmap = self._pixmaps[key]
            if pixmap is not None:  # one still being made stays
                del self._pixmaps[key]
                self.bytes -= _size(pixmap)

    def pending(self) -> int:
        return sum(1 for v in self._pixmaps.values() if v is None)


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth() // 8)


@dataclass(frozen=True, slots=True)
class Section:
    """A header across the grid: a month ("August 2019 · 214 photos") in date orders, or
    a group of duplicates ("Near-duplicates · 3 photos")."""

    key: str  # YYYY-MM for a month
    count: int
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or month_title(self.key)

    @property
    def detail(self) -> str:
        return f"{self.count:,} photo{'s' if self.count != 1 else ''}"

    @property
    def text(self) -> str:
        return f"{self.label} · {self.detail}"


def month_key(hit: Hit) -> str:
    return datetime.fromtimestamp(hit.photo.date).strftime("%Y-%m")


def month_title(key: str) -> str:
    return datetime.strptime(key, "%Y-%m").strftime("%B %Y")


class ResultsModel(QAbstractListModel):
    """Hits (with month headers when ordered by date), shown a page at a time; when the
    engine has more (a long browse), ``need_more`` asks for the next page."""

    need_more = Signal(int)  # how many hits are loaded: the offset of the next page

    def __init__(self, thumbs: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self._hits: list[Hit] = []
        self._items: list[Hit | Section] = []
        self._shown = 0
        self._rows: dict[str, int] = {}
        self._months: dict[str, int] | None = None
        self._titles: dict[str, str] = {}
        self.badges: dict[str, str] = {}
        self.complete = True
        self._asked = False
        thumbs.changed.connect(self._thumb_changed)

    def set_hits(
        self,
        hits: list[Hit],
        by_month: bool = False,
        months: dict[str, int] | None = None,
        complete: bool = True,
        same_search: bool = False,
    ) -> None:
        """Show ``hits``; ``by_month`` adds headers (counting ``months`` when given, else
        the hits); ``complete`` False: more can be asked for at the end; ``same_search``:
        the same search again (a refresh), whose headers keep the names they were given."""
        self.beginResetModel()
        self._hits = []
        self._items = []
        self._rows = {}
        self.badges = {}
        self._titles = self._titles if same_search else {}
        self._months = (months or {}) if by_month else None
        self._counted = months is None
        self._extend(hits)
        self._shown = min(PAGE, len(self._items))
        self.complete, self._asked = complete, False
        self.endResetModel()

    def plain_badge(self, hit: Hit) -> str:
        """The word on a photo without a badge of its own: its score, or its date."""
        return badge_text(hit, under_month=self._months is not None)

    def set_groups(self, groups: list[tuple[str, list[Hit]]], badge: str) -> None:
        """Groups under their own headers; the first photo of each carries ``badge``."""
        self.beginResetModel()
        self._hits, self._items, self._rows, self._months = [], [], {}, None
        self.badges = {}
        for n, (title, hits) in enumerate(groups):
            self._items.append(Section(str(n), len(hits), title))
            for hit in hits:
                self._rows[hit.path] = len(self._items)
                self._items.append(hit)
                self._hits.append(hit)
            if hits:
                self.badges[hits[0].path] = badge
        self._shown = min(PAGE, len(self._items))
        self.complete, self._asked = True, False
        self.endResetModel()

    def append_hits(self, hits: list[Hit], complete: bool) -> None:
        """The next page of a long listing."""
        first = len(self._items)
        self._extend(hits)
        self.complete, self._asked = complete, False
        if len(self._items) > first:
            self.beginInsertRows(QModelIndex(), self._shown, len(self._items) - 1)
            self._shown = len(self._items)
            self.endInsertRows()

    def _extend(self, hits: list[Hit]) -> None:
        if self._months is not None and self._counted:
            for hit in hits:
                key = month_key(hit)
                self._months[key] = self._months.get(key, 0) + 1
        for hit in hits:
            if self._months is not None:
                key = month_key(hit)
                if not self._hits or month_key(self._hits[-1]) != key:
                    self._items.append(
                        Section(key, self._months.get(key, 0), self._titles.get(key, ""))
                    )
            self._rows[hit.path] = len(self._items)
            self._items.append(hit)
            self._hits.append(hit)
        if self._months is not None and self._counted:  # counts grew: headers say so
            months = self._months
            self._items = [
                Section(i.key, months.get(i.key, 0), i.title) if isinstance(i, Section) else i
                for i in self._items
            ]

    def set_titles(self, titles: dict[str, str]) -> None:
        """Name month headers in words of their own (``2023-12`` → "3 years ago · Lisbon")."""
        if self._months is None:
            return
        self._titles = dict(titles)
        for row, item in enumerate(self._items):
            if isinstance(item, Section) and item.key in titles:
                self._items[row] = Section(item.key, item.count, titles[item.key])
                if row < self._shown:
                    self.dataChanged.emit(self.index(row), self.index(row))

    def hits(self) -> list[Hit]:
        """The hits the view has been given so far, in order."""
        return [i for i in self._items[: self._shown] if isinstance(i, Hit)]

    def all_hits(self) -> list[Hit]:
        return list(self._hits)

    def hit_at(self, row: int) -> Hit | None:
        item = self._items[row] if 0 <= row < self._shown else None
        return item if isinstance(item, Hit) else None

    def row_of(self, path: str) -> int | None:
        return self._rows.get(path)

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(rows, reverse=True):
            item = self._items[row]
            if not isinstance(item, Hit):
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self._hits.remove(item)
            self._shown -= 1
            self.endRemoveRows()
        self._rows = {h.path: i for i, h in enumerate(self._items) if isinstance(h, Hit)}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if parent.isValid():
            return False
        return self._shown < len(self._items) or not (self.complete or self._asked)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        more = min(PAGE, len(self._items) - self._shown)
        if more <= 0:
            if not (self.complete or self._asked):
                self._asked = True
                self.need_more.emit(len(self._hits))
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if isinstance(item, Section):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return item.text
            return item if role == SectionRole else None
        hit = item
        if role == Qt.ItemDataRole.DisplayRole:
            return display_name(hit.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(hit)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs.get(hit.path, hit.at)
        if role == HitRole:
            return hit
        if role == BadgeRole:
            return self.badges.get(hit.path)
        if role == ScoreRole:
            return hit.score
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{display_name(hit.path)}, {describe(hit)}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if index.isValid() and isinstance(self._items[index.row()], Section):
            return Qt.ItemFlag.ItemIsEnabled
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        hits = [self.hit_at(i.row()) for i in indexes if i.isValid()]
        mime.setUrls([QUrl.fromLocalFile(h.path) for h in hits if h is not None])
        return mime

    def _thumb_changed(self, path: str) -> None:
        row = self._rows.get(path)
        if row is not None and row < self._shown:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
