"""The sidebar: All photos, the folder tree (counts and states), people, places, albums.

Choosing an entry asks the window to list or search; right-click offers what fits the
entry (rescan, show in the file manager, remove; rename, delete). Later rooms (duplicates,
albums) are more top-level groups here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QIcon,
    QMouseEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QMenu, QTreeView, QWidget

from photosearch.core.types import Folder, Person, Place, SavedSearch
from photosearch.core.wording import count
from photosearch.ui.moments import this_day_filter
from photosearch.ui.wording import shown

EntryRole = Qt.ItemDataRole.UserRole + 10


@dataclass(frozen=True, slots=True)
class Entry:
    """What a sidebar row stands for: ``all``, ``duplicates``, ``day`` (on this day), a
    ``folder`` (a path), a ``saved`` search, a ``place`` or a ``person`` (their filter:
    ``place:"Lisbon, Portugal"``, ``person:#7``)."""

    kind: str
    path: str = ""
    root: bool = False
    saved: SavedSearch | None = None
    person: Person | None = None


@dataclass
class _Node:
    path: str
    own: int = 0
    children: dict[str, _Node] | None = None

    def total(self) -> int:
        return self.own + sum(c.total() for c in (self.children or {}).values())


def folder_tree(root: str, counts: dict[str, int]) -> _Node:
    """The directories below ``root`` that hold photos (and those on the way to them)."""
    top = _Node(root, counts.get(root, 0), {})
    prefix = root.rstrip(os.sep) + os.sep
    for path, held in counts.items():
        if not path.startswith(prefix):
            continue
        node = top
        for part in path[len(prefix) :].split(os.sep):
            assert node.children is not None
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = _Node(os.path.join(node.path, part), 0, {})
            node = child
        node.own += held
    return top


def folder_state(folder: Folder, mode: str | None) -> str:
    """A few words on a root folder's state, or "" when all is well."""
    if not folder.online:
        return "offline: its drive is not connected"
    if any(path == folder.path for path, _ in folder.unreadable):
        return "cannot be read (permission denied?)"
    if not folder.enabled:
        return "paused: not indexed"
    if folder.unreadable:
        return f"{count(len(folder.unreadable), 'folder')} inside cannot be read"
    if mode == "polling":
        return "checked for changes every few minutes"
    return ""


class Sidebar(QTreeView):
    browse_all = Signal()
    show_duplicates = Signal()
    browse_folder = Signal(object)  # paths: Python str (a Qt string drops bytes)
    run_saved = Signal(object)  # SavedSearch
    browse_filter = Signal(str)  # a filter that lists photos: a place's, this day's
    rescan = Signal()
    remove_folder = Signal(object)
    rename_saved = Signal(object)
    delete_saved = Signal(object)
    export_saved = Signal(object)
    show_in_file_manager = Signal(object)
    name_person = Signal(object)  # Person
    hide_person = Signal(object)  # Person
    merge_people = Signal(object, object)  # into, other: Person

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = QStandardItemModel(self)
        self.setModel(self.store)
        self.setHeaderHidden(True)
        self.setAccessibleName("Library")
        self.setObjectName("sidebar")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # the whole row lights up, its count too (the count alone stayed pale beside it)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setIconSize(QSize(FACE_SIDE, FACE_SIDE))  # people's faces, big enough to know

        self.setMinimumWidth(180)
        self.store.setColumnCount(2)
        self.library = self._group("Library")
        self.folders = self._group("Folders")
        self.people = self._group("People")
        self.people.setToolTip(
            "The people in your photos, found on this computer; drag one person onto"
            " another to make them one"
        )
        self.places = self._group("Places")
        self.places.setToolTip("Where photos were taken, from their GPS coordinates")
        self.searches = self._group("Albums")
        self.all_photos = _item("All photos", Entry("all"))
        self.library.appendRow([self.all_photos, _count_item(None)])
        self.duplicates = _item("Duplicates", Entry("duplicates"))
        self.duplicates.setToolTip("Exact copies and near-duplicates, the one to keep first")
        self.library.appendRow([self.duplicates, _count_item(None)])
        self.this_day = _item("On this day", Entry("day"))
        self.this_day.setToolTip("Photos taken on today's date in earlier years, newest first")
        self.library.appendRow([self.this_day, _count_item(None)])
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.expandAll()
        self.set_saved([])
        self.set_places([])
        self.set_people([])
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.selectionModel().currentChanged.connect(self._chosen)
        self.activated.connect(self._chosen)

    def _group(self, title: str) -> QStandardItem:
        item = QStandardItem(title)
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        item.setSelectable(False)
        item.setAccessibleText(title)
        self.store.appendRow([item, _count_item(None, selectable=False)])
        return item

    # -- contents ----------------------------------------------------------------------

    def set_total(self, photos: int) -> None:
        self.store.itemFromIndex(self.all_photos.index().siblingAtColumn(1)).setText(
            f"{photos:,}" if photos else ""
        )

    def set_folders(
        self, folders: list[Folder], counts: dict[str, int], modes: dict[str, str]
    ) -> None:
        """Rebuild the folder tree, keeping what was open and what was chosen."""
        chosen = self.current_entry()
        expanded = self._expanded_paths()
        self.folders.removeRows(0, self.folders.rowCount())
        for folder in folders:
            tree = folder_tree(folder.path, counts)
            state = folder_state(folder, modes.get(folder.path))
            name = shown(folder.path)
            item = self._add_node(self.folders, tree, name, root=True)
            if state:
                item.setText(f"{shown(os.path.basename(folder.path)) or name} — {state}")
                item.setForeground(self.palette().placeholderText())
            item.setToolTip(f"{name}\n{state}" if state else name)
        self.expand(self.folders.index())
        for path in expanded:
            index = self._find(lambda e, p=path: e.kind == "folder" and e.path == p)
            if index is not None:
                self.expand(index)
        if chosen is not None and chosen.kind == "folder":
            self._select(lambda e: e.kind == "folder" and e.path == chosen.path, emit=False)

    def _add_node(
        self, parent: QStandardItem, node: _Node, label: str, root: bool
    ) -> QStandardItem:
        item = _item(
            shown(os.path.basename(node.path.rstrip(os.sep))) or label,
            Entry("folder", node.path, root=root),
        )
        item.setToolTip(label)
        parent.appendRow([item, _count_item(node.total())])
        for name in sorted(node.children or {}, key=str.casefold):
            child = (node.children or {})[name]
            self._add_node(item, child, shown(child.path), root=False)
        return item

    def set_places(self, found: list[tuple[Place, int]]) -> None:
        """Countries with their photo counts, the towns in each below them (folded);
        the group is hidden while no photo has a place."""
        chosen = self.current_entry()
        self.places.removeRows(0, self.places.rowCount())
        countries: dict[str, list[tuple[Place, int]]] = {}
        for place, n in found:
            countries.setdefault(place.country, []).append((place, n))
        ranked = sorted(countries.items(), key=lambda c: (-sum(n for _, n in c[1]), c[0]))
        for country, towns in ranked:
            row = _item(country, Entry("place", _place_filter(country)))
            row.setToolTip(f"Photos taken in {country}")
            for place, n in sorted(towns, key=lambda t: (-t[1], t[0].city)):
                town = _item(place.city, Entry("place", _place_filter(place.words())))
                town.setToolTip(place.words())
                row.appendRow([town, _count_item(n)])
            self.places.appendRow([row, _count_item(sum(n for _, n in towns))])
        self.setRowHidden(self.places.row(), QModelIndex(), not found)
        self.expand(self.places.index())
        if chosen is not None and chosen.kind == "place":
            self._select(lambda e: e.kind == "place" and e.path == chosen.path, emit=False)

    def set_people(self, found: list[Person]) -> None:
        """People with their photo counts, most photos first (at most ``PEOPLE_SHOWN``);
        the group is hidden while nobody was found. Faces come later (``set_face``)."""
        chosen = self.current_entry()
        self.people.removeRows(0, self.people.rowCount())
        for person in found[:PEOPLE_SHOWN]:
            row = _item(
                person.name or "Add a name", Entry("person", _person_filter(person), person=person)
            )
            if person.name is None:
                row.setForeground(self.palette().placeholderText())
                row.setToolTip("Not named yet: right-click to add a name")
            else:
                row.setToolTip(f"Photos of {person.name}")
            row.setDragEnabled(True)
            row.setDropEnabled(True)
            self.people.appendRow([row, _count_item(person.photos)])
        if len(found) > PEOPLE_SHOWN:
            more = QStandardItem(
                f"and {count(len(found) - PEOPLE_SHOWN, 'more person', 'more people')}"
            )
            more.setEnabled(False)
            more.setSelectable(False)
            more.setToolTip("People in fewer photos; search person:#number to see one")
            self.people.appendRow([more, _count_item(None, selectable=False)])
        self.setRowHidden(self.people.row(), QModelIndex(), not found)
        self.expand(self.people.index())
        if chosen is not None and chosen.person is not None:  # by id: a name may be new
            chosen_id = chosen.person.id
            self._select(lambda e: e.person is not None and e.person.id == chosen_id, emit=False)

    def set_face(self, person: int, icon: QIcon) -> None:
        """The face shown beside someone, once it is cropped."""
        index = self._find(lambda e: e.person is not None and e.person.id == person)
        if index is not None:
            self.store.itemFromIndex(index).setIcon(icon)

    def shown_people(self) -> list[Person]:
        rows = (self.people.child(r) for r in range(self.people.rowCount()))
        return [e.person for row in rows if (e := row.data(EntryRole)) and e.person]

    def set_saved(self, albums: list[tuple[SavedSearch, int | None]]) -> None:
        """Albums (saved searches) with how many of their photos are new to the user."""
        chosen = self.current_entry()
        self.searches.removeRows(0, self.searches.rowCount())
        for search, new in albums:
            item = _item(search.name, Entry("saved", saved=search))
            item.setToolTip(search.text + ("  + photo" * len(search.images)))
            news = QStandardItem(f"{new:,} new" if new else "")
            news.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            news.setToolTip("Photos that joined this album since you last opened it")
            self.searches.appendRow([item, news])
        if not albums:
            hint = QStandardItem("None yet")
            hint.setEnabled(False)
            hint.setSelectable(False)
            hint.setToolTip(
                "Search, mark photos with + or −, then choose “Save as album”: the album"
                " keeps itself up to date as new photos arrive"
            )
            self.searches.appendRow([hint, _count_item(None, selectable=False)])
        self.expand(self.searches.index())
        if chosen is not None and chosen.kind == "saved" and chosen.saved is not None:
            saved_id = chosen.saved.id
            found = self._find(lambda e: e.saved is not None and e.saved.id == saved_id)
            if found is None:
                self.clear_choice()  # it is gone: nothing else lights up in its place
            else:
                self._select(lambda e: e.saved is not None and e.saved.id == saved_id, emit=False)

    # -- choosing ----------------------------------------------------------------------

    def current_entry(self) -> Entry | None:
        entry = self.currentIndex().siblingAtColumn(0).data(EntryRole)
        return entry if isinstance(entry, Entry) else None

    def choose_all(self) -> None:
        self._select(lambda e: e.kind == "all")

    def choose_person(self, person: int) -> bool:
        """Choose someone's row (their photos are listed); False when not listed here."""
        index = self._find(lambda e: e.person is not None and e.person.id == person)
        if index is None:
            return False
        if index == self.currentIndex():
            self._chosen(index)  # chosen before: list them again
        else:
            self.setCurrentIndex(index)
        return True

    def clear_choice(self) -> None:
        """Nothing chosen: a typed search covers the whole library."""
        self.selectionModel().blockSignals(True)
        self.setCurrentIndex(QModelIndex())
        self.selectionModel().blockSignals(False)

    def _chosen(self, index: QModelIndex) -> None:
        entry = index.siblingAtColumn(0).data(EntryRole)
        if not isinstance(entry, Entry):
            return
        if entry.kind == "all":
            self.browse_all.emit()
        elif entry.kind == "duplicates":
            self.show_duplicates.emit()
        elif entry.kind == "folder":
            self.browse_folder.emit(entry.path)
        elif entry.kind in ("place", "person"):
            self.browse_filter.emit(entry.path)
        elif entry.kind == "day":
            self.browse_filter.emit(this_day_filter())
        elif entry.saved is not None:
            self.run_saved.emit(entry.saved)

    def _select(self, match: object, emit: bool = True) -> None:
        index = self._find(match)
        if index is None:
            return
        if not emit:
            self.selectionModel().blockSignals(True)
        self.setCurrentIndex(index)
        if not emit:
            self.selectionModel().blockSignals(False)
            self.viewport().update()

    def _find(self, match: object) -> QModelIndex | None:
        pending = [self.store.index(r, 0) for r in range(self.store.rowCount())]
        while pending:
            index = pending.pop()
            entry = index.data(EntryRole)
            if isinstance(entry, Entry) and match(entry):  # type: ignore[operator]
                return index
            pending.extend(self.store.index(r, 0, index) for r in range(self.store.rowCount(index)))
        return None

    def _expanded_paths(self) -> list[str]:
        found = []
        pending = [self.folders.index()]
        while pending:
            index = pending.pop()
            for row in range(self.store.rowCount(index)):
                child = self.store.index(row, 0, index)
                if self.isExpanded(child):
                    entry = child.data(EntryRole)
                    if isinstance(entry, Entry):
                        found.append(entry.path)
                    pending.append(child)
        return found

    # -- context menu ------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A right press opens the entry's menu and nothing else: it must not choose the
        entry (which would leave the search the user is looking at for that folder)."""
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        super().mousePressEvent(event)

    def _context_menu(self, pos: QPoint) -> None:
        entry = self.indexAt(pos).siblingAtColumn(0).data(EntryRole)
        if isinstance(entry, Entry):
            menu = self.menu_for(entry)
            if not menu.isEmpty():
                menu.exec(self.viewport().mapToGlobal(pos))

    def menu_for(self, entry: Entry) -> QMenu:
        menu = QMenu(self)
        if entry.kind == "folder":
            _add(menu, "Show in file manager", lambda: self.show_in_file_manager.emit(entry.path))
            _add(menu, "Look for new photos now", self.rescan.emit)
            if entry.root:
                menu.addSeparator()
                _add(menu, "Remove from PhotoSearch…", lambda: self.remove_folder.emit(entry.path))
        elif entry.person is not None:
            person = entry.person
            _add(
                menu,
                "Rename…" if person.name else "Add a name…",
                lambda: self.name_person.emit(person),
            )
            others = [p for p in self.shown_people() if p.id != person.id]
            if others:
                into = menu.addMenu("Same person as")
                for other in others[:30]:
                    label = other.name or f"Unnamed ({count(other.photos, 'photo')})"
                    _add(into, label, lambda o=other: self.merge_people.emit(o, person))
            menu.addSeparator()
            _add(menu, "Hide from People", lambda: self.hide_person.emit(person))
        elif entry.saved is not None:
            saved = entry.saved
            _add(menu, "Rename…", lambda: self.rename_saved.emit(saved))
            _add(menu, "Export to a folder…", lambda: self.export_saved.emit(saved))
            menu.addSeparator()
            _add(menu, "Delete", lambda: self.delete_saved.emit(saved))
        return menu

    # -- dragging one person onto another ----------------------------------------------

    def _person_at(self, pos: QPoint) -> Person | None:
        entry = self.indexAt(pos).siblingAtColumn(0).data(EntryRole)
        return entry.person if isinstance(entry, Entry) else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.source() is self and self._dragged() is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        target = self._person_at(event.position().toPoint())
        dragged = self._dragged()
        if target is not None and dragged is not None and target.id != dragged.id:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """A person dropped on another: they are the same person (the window asks)."""
        target = self._person_at(event.position().toPoint())
        dragged = self._dragged()
        event.ignore()  # the model itself never moves rows
        if target is not None and dragged is not None and target.id != dragged.id:
            self.merge_people.emit(target, dragged)

    def _dragged(self) -> Person | None:
        entry = self.current_entry()
        return entry.person if entry is not None else None


FACE_SIDE = 28
PEOPLE_SHOWN = 60
"""People listed in the sidebar; the others are found by ``person:#number``."""


def _person_filter(person: Person) -> str:
    return f"person:{person.label}"


def _add(menu: QMenu, text: str, slot: object) -> None:
    action = QAction(text, menu)
    action.triggered.connect(slot)
    menu.addAction(action)


def _item(text: str, entry: Entry) -> QStandardItem:
    item = QStandardItem(text)
    item.setData(entry, EntryRole)
    item.setAccessibleText(text)
    return item


def _place_filter(name: str) -> str:
    """``place:"Portugal"``, ``place:"Sintra, Lisbon, Portugal"``: exactly that place."""
    return f'place:"{name}"'


def _count_item(count: int | None, selectable: bool = True) -> QStandardItem:
    """A row's count, selected with its row (not on headings and hints, which never are)."""
    item = QStandardItem(f"{count:,}" if count else "")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setSelectable(selectable)
    item.setForeground(QBrush(QColor(128, 128, 128)))
    return item
