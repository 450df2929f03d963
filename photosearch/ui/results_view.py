"""The results grid: justified thumbnails, month headers, selection, context menu, zoom."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent, QResizeEvent, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QMenu, QWidget

from photosearch.core.types import Hit
from photosearch.ui import actions
from photosearch.ui.result_delegate import ResultDelegate
from photosearch.ui.results import HitRole, ResultsModel

OPEN_AT_ONCE = 20
"""Opening more files than this at once would flood the desktop with viewers."""


class ResultsView(QListView):
    """The hits of the last search as a grid; asks the window to view or search by a photo."""

    find_similar = Signal(object)  # paths travel as Python str: Qt strings drop bytes
    copy_image = Signal(object)  # a path, decoded off the GUI thread by the window
    mark = Signal(object, int)  # list[Hit], +1 (more like these) or -1 (less like these)
    view_photo = Signal()
    current_hit = Signal(object)  # Hit | None

    def __init__(self, model: ResultsModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.delegate = ResultDelegate(self)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(False)  # month headers span the row
        self.setSpacing(0)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setMouseTracking(True)  # the hover buttons follow the mouse
        self._pressed: tuple[str, str] | None = None
        """The hover button pressed and its photo's path, until the release."""
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(self._activated)
        self.setAccessibleName("Results")
        self.setFrameShape(QFrame.Shape.NoFrame)
        for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.view_photo.emit)
        for key, value in ((Qt.Key.Key_Plus, 1), (Qt.Key.Key_Equal, 1), (Qt.Key.Key_Minus, -1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda v=value: self.mark.emit(self.selected_hits(), v))
        self.selectionModel().currentChanged.connect(
            lambda current, _: self.current_hit.emit(_hit(current))
        )

    def results(self) -> ResultsModel:
        return self.model()  # type: ignore[return-value]

    def selected_hits(self) -> list[Hit]:
        hits = [_hit(i) for i in sorted(self.selectionModel().selectedIndexes(), key=_row)]
        return [h for h in hits if h is not None]

    def current_hit_value(self) -> Hit | None:
        return _hit(self.currentIndex())

    def open_selected(self) -> None:
        for hit in self.selected_hits()[:OPEN_AT_ONCE]:
            actions.open_file(hit.path)

    def _activated(self, index: QModelIndex) -> None:
        if _hit(index) is not None:
            self.view_photo.emit()

    def enter(self) -> None:
        """Move the keyboard into the grid, on its first photo."""
        if self.select_first():
            self.setFocus()

    def select_first(self) -> bool:
        model = self.results()
        for row in range(min(model.rowCount(), 2)):  # a month header may come first
            if model.hit_at(row) is not None:
                self.setCurrentIndex(model.index(row))
                return True
        self.current_hit.emit(None)
        return False

    def select_path(self, path: str) -> None:
        """Select (and scroll to) the photo at ``path``, loading pages up to it if needed."""
        model = self.results()
        row = model.row_of(path)
        while row is not None and row >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        if row is not None and row < model.rowCount():
            index = model.index(row)
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.scrollTo(index)

    def zoom(self, value: int) -> None:
        self.delegate.layout(self.viewport().width(), value)
        self.doItemsLayout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.zoom(self.delegate.size)

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Arrow keys step over month headers."""
        index = super().moveCursor(action, modifiers)
        if index.isValid() and _hit(index) is None:
            step = 1 if index.row() >= self.currentIndex().row() else -1
            neighbour = self.results().index(index.row() + step)
            return neighbour if neighbour.isValid() else self.currentIndex()
        return index

    def action_at(self, point: QPoint) -> tuple[str, Hit] | None:
        """The hover button under ``point`` (viewport coordinates) and its photo."""
        index = self.indexAt(point)
        hit = _hit(index)
        if hit is None:
            return None
        name = self.delegate.action_at(self.visualRect(index), index, point)
        return None if name is None else (name, hit)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A press on a hover button is kept for its release and leaves the selection,
        drags and rubber bands alone."""
        self._pressed = None
        if event.button() == Qt.MouseButton.LeftButton:
            found = self.action_at(event.position().toPoint())
            if found is not None:
                self._pressed = (found[0], found[1].path)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click on a button is its one click (a second mark would take the
        first back), not a view of the photo."""
        if self.action_at(event.position().toPoint()):
            self._pressed = None  # its second press does nothing either
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, self._pressed = self._pressed, None
        if pressed is None:
            super().mouseReleaseEvent(event)
            return
        event.accept()
        found = self.action_at(event.position().toPoint())
        if found is None or (found[0], found[1].path) != pressed:
            return  # let go elsewhere: nothing done, as with any button
        name, hit = found
        if name == "similar":
            self.find_similar.emit(hit.path)
        else:
            self.mark.emit([hit], 1 if name == "more" else -1)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.action_at(event.position().toPoint()):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().unsetCursor()
        if self._pressed is None:  # a held button never starts a drag or a rubber band
            super().mouseMoveEvent(event)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if _hit(index) is None:
            return
        if not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)
        self.build_context_menu(self.selected_hits()).exec(self.viewport().mapToGlobal(pos))

    def build_context_menu(self, hits: list[Hit]) -> QMenu:
        menu = QMenu(self)
        paths = [h.path for h in hits]
        first = paths[0]
        many = len(paths) > 1
        groups = (
            (
                ("View", self.view_photo.emit, "Return"),
                (f"Open {len(paths)} photos" if many else "Open", self.open_selected, "Ctrl+O"),
                ("Show in folder", lambda: actions.show_in_folder(first), None),
            ),
            (
                ("More like this", lambda: self.mark.emit(hits, 1), "+"),
                ("Less like this", lambda: self.mark.emit(hits, -1), "-"),
            ),
            (
                ("Find similar", lambda: self.find_similar.emit(first), None),
                ("Copy path" + ("s" if many else ""), lambda: actions.copy_paths(paths), None),
                ("Copy image", lambda: self.copy_image.emit(first), None),
            ),
            (("Remove from these results", self.remove_selected, None),),
        )
        for n, group in enumerate(groups):
            if n:
                menu.addSeparator()
            for text, slot, keys in group:
                action = QAction(text, menu)
                if keys:
                    action.setShortcut(QKeySequence(keys))
                    action.setShortcutVisibleInContextMenu(True)
                action.triggered.connect(slot)
                menu.addAction(action)
        return menu

    def remove_selected(self) -> None:
        self.results().remove_rows([i.row() for i in self.selectionModel().selectedIndexes()])


def _hit(index: QModelIndex) -> Hit | None:
    hit = index.data(HitRole) if index.isValid() else None
    return hit if isinstance(hit, Hit) else None


def _row(index: QModelIndex) -> int:
    return index.row()
