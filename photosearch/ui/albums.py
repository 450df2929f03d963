"""The window's album actions: save the search as an album, list, rename, delete, export.

Albums are saved searches (words, filters, query images and 👍/👎 marks) that re-run live;
opening one belongs to the window's search (``MainWindow.run_saved_search``). These are
the actions around it, kept apart so that the window's module stays about searching.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from photosearch.core.types import ImageQuery, SavedSearch
from photosearch.core.wording import count
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.safety import UndoNotice
from photosearch.ui.sidebar import Sidebar
from photosearch.ui.status_area import StatusArea
from photosearch.ui.wording import shown


class AlbumHost(Protocol):
    """What the album actions use of the main window (which imports this module: naming
    the window's class here would make the two import each other)."""

    bridge: EngineBridge
    sidebar: Sidebar
    status: StatusArea
    undo: UndoNotice

    def search_to_keep(self) -> tuple[str, list[ImageQuery]]: ...
    def query_text(self) -> str: ...
    def album_gone(self, saved: SavedSearch) -> None: ...


class AlbumActions:
    """What the sidebar's album menu and *Save as album* do, on the window's bridge."""

    def __init__(self, window: AlbumHost, parent: QWidget) -> None:
        self.window = window
        self.parent = parent
        """Where the album dialogs open (the window itself)."""
        self.bridge = window.bridge

    def save(self) -> None:
        """Keep the search — words, filters, query images and 👍/👎 marks — by name."""
        window = self.window
        text, images = window.search_to_keep()
        if not text and not images:
            window.status.say("Type a search (or add a photo) first, then save it.")
            return
        name, ok = QInputDialog.getText(
            self.parent, "Save as album", "Name of this album:", text=window.query_text()[:60]
        )
        if ok and name.strip():
            self.bridge.run(
                lambda engine: engine.albums.save(name, text, tuple(images)),
                lambda _: self.load(),
            )

    def load(self) -> None:
        """The albums in the sidebar, each with how many photos arrived since last seen."""
        self.bridge.run(
            lambda engine: [(a, engine.albums.news(a)) for a in engine.albums.listed()],
            self.window.sidebar.set_saved,
            long=True,  # each album's search: seconds in a large library
        )

    def rename(self, saved: SavedSearch) -> None:
        name, ok = QInputDialog.getText(self.parent, "Rename album", "New name:", text=saved.name)
        if ok and name.strip() and name != saved.name:
            self.bridge.run(
                lambda engine: engine.albums.rename(saved.id, name),
                lambda _: self.load(),
            )

    def delete(self, saved: SavedSearch) -> None:
        """Delete an album after asking (Cancel is the default); *Undo* brings it back
        for a moment. Its photos are never touched."""
        answer = QMessageBox.question(
            self.parent,
            "Delete album",
            f"Delete the album “{saved.name}”? Its photos stay where they are.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def deleted(_: object) -> None:
            self.window.album_gone(saved)
            self.window.undo.offer(f"Deleted the album “{saved.name}”", lambda: restore())
            self.load()

        def restore() -> None:
            self.bridge.run(lambda engine: engine.albums.restore(saved), lambda _: self.load())

        self.bridge.run(lambda engine: engine.albums.delete(saved.id), deleted)

    def export(self, saved: SavedSearch) -> None:
        """Copy an album's photos into a folder the user picks (for a USB stick, a
        slideshow, an upload): copies, so that the folder works anywhere."""
        status = self.window.status
        folder = QFileDialog.getExistingDirectory(self.parent, f"Export {saved.name} to")
        if not folder:
            return
        status.say(f"Exporting {saved.name}…")
        self.bridge.run(
            lambda engine: engine.albums.export(saved, Path(folder), copy=True),
            lambda done: status.say(
                f"Exported {count(done, 'photo')} of {saved.name} to {shown(folder)}"
            ),
            lambda message: status.say(f"Export stopped: {message}"),
            long=True,
        )
