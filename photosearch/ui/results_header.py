"""The line above the grid: what it shows (a title and a count in words) and what fits
it — *Save as album* for a search, *Move to trash…* for duplicates, the sort for the
rest."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from photosearch.ui.widgets import ElidedLabel, tool_button

SORTS = (("Relevance", None), ("Date taken", "date"), ("Oldest first", "oldest"), ("Name", "name"))


class ResultsHeader(QWidget):
    sort_changed = Signal()
    """The user chose another order."""

    def __init__(
        self,
        save: Callable[[], None],
        trash: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = ElidedLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.summary = ElidedLabel(mode=Qt.TextElideMode.ElideRight)
        self.summary.setAccessibleName("Result count")
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort by")
        for label, value in SORTS:
            self.sort.addItem(label, value)
        self.sort.setToolTip("Sort the results")
        self.sort.currentIndexChanged.connect(self.sort_changed)
        self.save_button = tool_button(
            "Save as album",
            "Keep this search and its 👍/👎 marks as an album that fills itself (Ctrl+S)",
            save,
            "save",
        )
        self.trash_button = tool_button(
            "Move to trash…",
            "Move the selected photos, or else every one not marked Keep, to the trash",
            trash,
            "trash",
        )
        self.trash_button.hide()
        self.sort_label = QLabel("Sort:")
        self.sort_label.setBuddy(self.sort)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.trash_button)
        layout.addWidget(self.sort_label)
        layout.addWidget(self.sort)

    def show_title(self, title: str, save: bool, trash: bool, sort: bool) -> None:
        """A new title (its count comes later), with the actions that fit what is shown."""
        self.title.setText(title)
        self.summary.setText("")
        self.save_button.setVisible(save)
        self.trash_button.setVisible(trash)
        self.sort.setVisible(sort)
        self.sort_label.setVisible(sort)

    @property
    def order(self) -> str | None:
        """The sort chosen: ``date``, ``oldest``, ``name``, or None for best match first."""
        return self.sort.currentData()

    def set_order(self, value: str | None) -> None:
        """Show another order without telling anyone (the search chose it, not the user)."""
        self.sort.blockSignals(True)
        self.sort.setCurrentIndex(max(0, self.sort.findData(value)))
        self.sort.blockSignals(False)
