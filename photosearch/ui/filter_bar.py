"""The filter bar: date range (over a histogram of the library's dates), folder, place and
file type, written into the search field as the same ``after:``/``in:``/``place:``/``type:``
words a user can type — and filters typed there shown back as removable chips."""

from __future__ import annotations

import os
from datetime import date

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QToolTip, QWidget

from photosearch.core.search.query import filter_tokens, filter_values, with_filter, without_token
from photosearch.core.types import Folder, Place, place_key
from photosearch.ui.flow_layout import FlowLayout
from photosearch.ui.wording import shown

TYPES = (
    ("Any type", None),
    ("JPEG", "jpg"),
    ("PNG", "png"),
    ("HEIC", "heic"),
    ("WebP", "webp"),
    ("TIFF", "tif"),
    ("GIF", "gif"),
    ("BMP", "bmp"),
)


def month_range(months: dict[str, int]) -> list[str]:
    """Every month (``YYYY-MM``) from the first to the last photo, gaps included."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"


def previous_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def month_of(value: str) -> str | None:
    """``2021`` → ``2021-01``; ``2021-06-15`` → ``2021-06``; anything else None."""
    if len(value) >= 7 and value[4] == "-" and value[:4].isdigit() and value[5:7].isdigit():
        return value[:7]
    return f"{value}-01" if len(value) == 4 and value.isdigit() else None


def month_label(key: str) -> str:
    return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %Y")


class DateHistogram(QWidget):
    """Photos per month as bars; drag across them to choose a range, double-click to clear."""

    range_chosen = Signal(object, object)  # first and last month (inclusive), or None, None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[str] = []
        self.counts: dict[str, int] = {}
        self.chosen: tuple[int, int] | None = None
        self._drag: int | None = None
        self.setMinimumSize(160, 30)
        self.setMouseTracking(True)
        self.setAccessibleName("Photos by month: drag to choose a date range")
        self.setToolTip("Drag across the months to choose a date range; double-click to clear")

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.months = month_range(counts)
        self.update()

    def set_range(self, first: str | None, last: str | None) -> None:
        """Show a range (from typed filters); months outside the library are clamped."""
        if not self.months or (first is None and last is None):
            self.chosen = None
        else:
            lo = self._index_of(first, 0)
            hi = self._index_of(last, len(self.months) - 1)
            self.chosen = (min(lo, hi), max(lo, hi))
        self.update()

    def _index_of(self, key: str | None, default: int) -> int:
        if key is None:
            return default
        return min(
            range(len(self.months)), key=lambda i: abs(_ordinal(self.months[i]) - _ordinal(key))
        )

    def _bar_at(self, x: float) -> int:
        if not self.months:
            return 0
        return max(0, min(len(self.months) - 1, int(x / self.width() * len(self.months))))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        if not self.months:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No dates yet")
            return
        peak = max(self.counts.values()) ** 0.5
        width = self.width() / len(self.months)
        for i, key in enumerate(self.months):
            height = int((self.height() - 2) * (self.counts.get(key, 0) ** 0.5) / peak)
            inside = self.chosen is not None and self.chosen[0] <= i <= self.chosen[1]
            role = QPalette.ColorRole.Highlight if inside else QPalette.ColorRole.Mid
            left = int(i * width)
            rect = QRect(
                left, self.height() - height, max(1, int((i + 1) * width) - left - 1), height
            )
            painter.fillRect(rect, palette.color(role))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag = self._bar_at(event.position().x())
        self.chosen = (self._drag, self._drag)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        bar = self._bar_at(event.position().x())
        if self._drag is not None:
            self.chosen = (min(self._drag, bar), max(self._drag, bar))
            self.update()
        if self.months:
            key = self.months[bar]
            count = self.counts.get(key, 0)
            QToolTip.showText(
                event.globalPosition().toPoint() + QPoint(0, 16),
                f"{month_label(key)} · {count:,} photo{'s' if count != 1 else ''}",
                self,
            )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None and self.chosen is not None and self.months:
            self._drag = None
            self.range_chosen.emit(self.months[self.chosen[0]], self.months[self.chosen[1]])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._drag = None
        self.chosen = None
        self.update()
        self.range_chosen.emit(None, None)


def _place_item(combo: QComboBox, typed: str) -> str | None:
    """The place choice a typed ``place:`` value names as the search reads it: the same
    words, or a country's or town's name alone (``reykjavik`` → "Reykjavík, Iceland"),
    without minding accents or case; None when it names several (a town and a region)
    or none."""
    wanted = place_key(typed)
    found = [
        combo.itemData(row)
        for row in range(1, combo.count())
        if wanted in (place_key(combo.itemData(row)), place_key(combo.itemText(row)))
    ]
    return found[0] if len(set(found)) == 1 else None


def _compact_combo() -> QComboBox:
    """A choice as wide as a dozen letters, whatever the longest name it offers: a long
    folder or place name is cut short in the box (whole in the list), never widening the
    window past a small laptop's screen."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def _fit_list(combo: QComboBox) -> None:
    """The open list as wide as its longest name, though the box is narrower."""
    view = combo.view()
    view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width())


def _ordinal(key: str) -> int:
    return int(key[:4]) * 12 + int(key[5:7])


class FilterBar(QWidget):
    """Edits the filters of the search text; ``changed`` carries the new text."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.setAccessibleName("Filters")
        self.histogram = DateHistogram()
        self.histogram.range_chosen.connect(self._dates_chosen)
        self.dates = QLabel("Any date")
        self.dates.setMinimumWidth(150)
        self.folder = _compact_combo()
        self.folder.setAccessibleName("Folder filter")
        self.folder.addItem("Any folder", None)
        self.folder.currentIndexChanged.connect(self._folder_chosen)
        self.place = _compact_combo()
        self.place.setAccessibleName("Place filter")
        self.place.setToolTip("Where the photos were taken")
        self.place.addItem("Any place", None)
        self.place.setVisible(False)  # until a photo has a place
        self.place.currentIndexChanged.connect(self._place_chosen)
        self.type = QComboBox()
        self.type.setAccessibleName("File type filter")
        for label, value in TYPES:
            self.type.addItem(label, value)
        self.type.currentIndexChanged.connect(self._type_chosen)
        chips = QWidget()  # the filters typed, wrapping onto more lines rather than widening
        self.chips = FlowLayout(chips)
        self.chips.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Taken:"))
        row.addWidget(self.histogram, 2)
        row.addWidget(self.dates)
        row.addWidget(self.folder)
        row.addWidget(self.place)
        row.addWidget(self.type)
        row.addWidget(chips, 3)

    def set_months(self, months: dict[str, int]) -> None:
        self.histogram.set_counts(months)
        self.sync(self.text)

    def set_folders(self, folders: list[Folder]) -> None:
        self.folder.blockSignals(True)
        self.folder.clear()
        self.folder.addItem("Any folder", None)
        for folder in folders:
            name = shown(os.path.basename(folder.path.rstrip(os.sep)) or folder.path)
            self.folder.addItem(name, folder.path)
            self.folder.setItemData(
                self.folder.count() - 1, shown(folder.path), Qt.ItemDataRole.ToolTipRole
            )
        _fit_list(self.folder)
        self.folder.blockSignals(False)
        self.sync(self.text)

    def set_places(self, found: list[tuple[Place, int]]) -> None:
        """Countries (in bold), most photos first, each followed by its towns."""
        self.place.blockSignals(True)
        self.place.clear()
        self.place.addItem("Any place", None)
        bold = QFont(self.place.font())
        bold.setBold(True)
        countries: dict[str, list[tuple[Place, int]]] = {}
        for place, n in found:
            countries.setdefault(place.country, []).append((place, n))
        for country, towns in sorted(countries.items(), key=lambda c: -sum(n for _, n in c[1])):
            self.place.addItem(country, country)
            self.place.setItemData(self.place.count() - 1, bold, Qt.ItemDataRole.FontRole)
            for place, _ in sorted(towns, key=lambda t: (-t[1], t[0].city)):
                self.place.addItem(place.city, place.words())
                self.place.setItemData(
                    self.place.count() - 1, place.words(), Qt.ItemDataRole.ToolTipRole
                )
        self.place.setVisible(bool(found))
        _fit_list(self.place)
        self.place.blockSignals(False)
        self.sync(self.text)

    def sync(self, text: str) -> None:
        """Show the filters of ``text`` (typed or written by this bar) without re-emitting."""
        self.text = text
        after = [m for m in map(month_of, filter_values(text, "after")) if m]
        before = [m for m in map(month_of, filter_values(text, "before")) if m]
        first = after[-1] if after else None
        last = previous_month(before[-1]) if before else None
        self.histogram.set_range(first, last)
        if first or last:
            shown = " – ".join(
                (month_label(first) if first else "…", month_label(last) if last else "…")
            )
            self.dates.setText(shown)
        else:
            self.dates.setText("Any date")
        folders = filter_values(text, "in")
        places = [_place_item(self.place, v) for v in filter_values(text, "place")]
        types = [t.split(",")[0].lower() for t in filter_values(text, "type")]
        for combo, values in ((self.folder, folders), (self.place, places), (self.type, types)):
            combo.blockSignals(True)
            found = combo.findData(values[-1]) if values else 0
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for token in filter_tokens(text):
            chip = QToolButton()
            chip.setText(f"{token}  ✕")
            chip.setToolTip(f"Remove the filter {token}")
            chip.setAccessibleName(f"Remove the filter {token}")
            chip.setAutoRaise(True)
            chip.clicked.connect(lambda _=False, t=token: self._emit(without_token(self.text, t)))
            self.chips.addWidget(chip)

    def _emit(self, text: str) -> None:
        self.sync(text)
        self.changed.emit(text)

    def _dates_chosen(self, first: str | None, last: str | None) -> None:
        text = with_filter(self.text, "after", first)
        self._emit(with_filter(text, "before", next_month(last) if last else None))

    def _folder_chosen(self) -> None:
        self._emit(with_filter(self.text, "in", self.folder.currentData()))

    def _place_chosen(self) -> None:
        self._emit(with_filter(self.text, "place", self.place.currentData()))

    def _type_chosen(self) -> None:
        self._emit(with_filter(self.text, "type", self.type.currentData()))
