"""The results grid: thumbnails, selection, open / preview / context menu, zoom."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QWidget

from photosearch.core.types import Hit
from photosearch.ui import actions
from photosearch.ui.preview import PreviewDialog
from photosearch.ui.results import HitRole, ResultDelegate, ResultsModel

OPEN_AT_ONCE = 20
"""Opening more files than this at once would flood the desktop with viewers."""


class ResultsView(QListView):
    """The hits of the last search as a grid; asks the window to search by a photo."""

    find_similar = Signal(str)

    def __init__(self, model: ResultsModel, thumbnails_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.thumbnails_dir = thumbnails_dir
        self.delegate = ResultDelegate(self)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(lambda i: actions.open_file(_hit(i).path))
        self.setAccessibleName("Results")
        preview = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        preview.setContext(Qt.ShortcutContext.WidgetShortcut)
        preview.activated.connect(self.preview_current)

    def results(self) -> ResultsModel:
        return self.model()  # type: ignore[return-value]

    def selected_hits(self) -> list[Hit]:
        return [_hit(i) for i in self.selectionModel().selectedIndexes()]

    def open_selected(self) -> None:
        for hit in self.selected_hits()[:OPEN_AT_ONCE]:
            actions.open_file(hit.path)

    def preview_current(self) -> None:
        index = self.currentIndex()
        if index.isValid():
            PreviewDialog(_hit(index), self.thumbnails_dir, self).exec()

    def enter(self) -> None:
        """Move the keyboard into the grid, on its first photo."""
        if self.results().rowCount():
            self.setFocus()
            self.setCurrentIndex(self.results().index(0))

    def zoom(self, value: int) -> None:
        self.delegate.size = value
        self.setGridSize(QSize(value + 16, value + 38))
        self.doItemsLayout()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        if not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)
        self.build_context_menu(self.selected_hits()).exec(self.viewport().mapToGlobal(pos))

    def build_context_menu(self, hits: list[Hit]) -> QMenu:
        menu = QMenu(self)
        paths = [h.path for h in hits]
        first = paths[0]
        for text, slot in (
            ("Open", lambda: [actions.open_file(p) for p in paths[:OPEN_AT_ONCE]]),
            ("Show in folder", lambda: actions.show_in_folder(first)),
            ("Copy path", lambda: actions.copy_paths(paths)),
            ("Copy image", lambda: actions.copy_image(first)),
            ("Find similar", lambda: self.find_similar.emit(first)),
            ("Preview", self.preview_current),
            ("Remove from results", self.remove_selected),
        ):
            action = QAction(text, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        return menu

    def remove_selected(self) -> None:
        self.results().remove_rows([i.row() for i in self.selectionModel().selectedIndexes()])


def _hit(index: QModelIndex) -> Hit:
    return index.data(HitRole)
