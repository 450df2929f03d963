"""The row above the grid: the sidebar's switch, the query bar, the filters' switch, help,
the thumbnail size, the details' switch, folders and settings."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSlider, QToolButton, QWidget

from photosearch.ui.query_bar import QueryBar
from photosearch.ui.widgets import tool_button

THUMB_SIZES = (96, 320)
"""The smallest and largest thumbnail side the size slider offers, in pixels."""


class TopBar(QWidget):
    def __init__(
        self,
        query_bar: QueryBar,
        thumb_size: int,
        toggle_sidebar: Callable[[], None],
        toggle_filters: Callable[[], None],
        show_help: Callable[[], None],
        toggle_details: Callable[[], None],
        open_folders: Callable[[], None],
        open_settings: Callable[[], None],
    ) -> None:
        super().__init__()
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(*THUMB_SIZES)
        self.zoom.setValue(thumb_size)
        self.zoom.setFixedWidth(110)
        self.zoom.setToolTip("Thumbnail size")
        self.zoom.setAccessibleName("Thumbnail size")
        self.sidebar_button = self._switch(
            "", "Show or hide the sidebar", toggle_sidebar, "sidebar"
        )
        self.filters_button = self._switch(
            "Filters", "Show or hide the filters", toggle_filters, "filters"
        )
        self.details_button = self._switch(
            "Details", "Show or hide photo details (I)", toggle_details, "details"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sidebar_button)
        row.addWidget(query_bar, 1)
        row.addWidget(self.filters_button)
        row.addWidget(tool_button("", "Search help (F1)", show_help, "help", flat=True))
        row.addWidget(self.zoom)
        row.addWidget(self.details_button)
        row.addWidget(tool_button("Folders", "Manage folders", open_folders, "folders", flat=True))
        row.addWidget(tool_button("", "Settings", open_settings, "settings", flat=True))

    @staticmethod
    def _switch(text: str, tip: str, slot: Callable[[], None], symbol: str) -> QToolButton:
        button = tool_button(text, tip, slot, symbol, flat=True)
        button.setCheckable(True)
        return button
