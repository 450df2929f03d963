"""People in the window: the sidebar's faces (cropped round from thumbnails), the faces
outlined in the viewer, and what the user does with people — name, make two one (with
*Undo*), hide, "not this person" — each done off the GUI thread and shown at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QInputDialog, QWidget

from photosearch.core.types import FaceBox, Person
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.results import ThumbnailCache
from photosearch.ui.safety import UndoNotice
from photosearch.ui.sidebar import Sidebar
from photosearch.ui.viewer import Viewer

ICON_PIXELS = 64


def face_icon(thumbnail: QPixmap, box: tuple[float, float, float, float]) -> QIcon:
    """A face cut round out of its photo's thumbnail, with a little room around it."""
    x0, y0, x1, y1 = box
    width, height = thumbnail.width(), thumbnail.height()
    side = max((x1 - x0) * width, (y1 - y0) * height) * 1.3
    cx, cy = (x0 + x1) / 2 * width, (y0 + y1) / 2 * height
    source = QRectF(cx - side / 2, cy - side / 2, side, side)
    icon = QPixmap(ICON_PIXELS, ICON_PIXELS)
    icon.fill(Qt.GlobalColor.transparent)
    painter = QPainter(icon)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    round_ = QPainterPath()
    round_.addEllipse(QRectF(0, 0, ICON_PIXELS, ICON_PIXELS))
    painter.setClipPath(round_)
    painter.drawPixmap(QRectF(0, 0, ICON_PIXELS, ICON_PIXELS), thumbnail, source)
    painter.end()
    return QIcon(icon)


class PeopleSide(QObject):
    """Keeps the sidebar's People group in step with the library and acts on it."""

    listed = Signal()  # the group was filled again (names may be new)

    def __init__(
        self,
        bridge: EngineBridge,
        sidebar: Sidebar,
        viewer: Viewer,
        thumbs: ThumbnailCache,
        undo: UndoNotice,
        parent: QWidget,
        renamed: Callable[[str, str], None],
    ) -> None:
        super().__init__(parent)
        self.bridge, self.sidebar, self.thumbs, self.undo = bridge, sidebar, thumbs, undo
        self.viewer = viewer
        self.window = parent
        self.renamed = renamed
        """Told (old filter, new filter) when someone shown by their name is renamed."""
        self._covers: dict[str, list[tuple[int, FaceBox]]] = {}
        sidebar.name_person.connect(self.ask_name)
        sidebar.hide_person.connect(self.hide)
        sidebar.merge_people.connect(self.merge)
        viewer.not_this_person.connect(self.not_this_person)
        thumbs.changed.connect(self._thumbnail)

    def refresh(self) -> None:
        self.bridge.run(lambda engine: engine.people.listed(), self._listed, receiver=self)

    def _listed(self, people: list[Person]) -> None:
        self.sidebar.set_people(people)
        self.listed.emit()
        self._covers = {}
        for person in self.sidebar.shown_people():
            if person.cover is not None:
                self._covers.setdefault(person.cover.path, []).append((person.id, person.cover))
                self._thumbnail(person.cover.path)

    def _thumbnail(self, path: str) -> None:
        waiting = self._covers.get(path)
        if not waiting:
            return
        pixmap = self.thumbs.get(path)
        if pixmap is None:
            return  # on its way: ``changed`` comes back here
        del self._covers[path]
        if pixmap.isNull():
            return
        for person, cover in waiting:
            self.sidebar.set_face(person, face_icon(pixmap, cover.box))

    def faces_for_viewer(self, path: str) -> None:
        """Outline the faces of the photo the viewer shows (once they are read)."""
        self.bridge.run(
            lambda engine: engine.people.faces_in(path),
            lambda faces: self.viewer.set_faces(path, faces),
            receiver=self.viewer,
        )

    # -- what the user does ------------------------------------------------------------

    def not_this_person(self, face: FaceBox) -> None:
        """The face is not who it was found to be: it leaves them, for good."""

        def done(_: object) -> None:
            self.faces_for_viewer(face.path)
            self.refresh()

        self.bridge.run(lambda engine: engine.people.not_this_person(face.id), done, receiver=self)

    def ask_name(self, person: Person) -> None:
        name, ok = QInputDialog.getText(
            self.window,
            "Name" if person.name is None else "Rename",
            "Who is this?",
            text=person.name or "",
        )
        if ok and name.strip():
            self.name(person, name.strip())

    def name(self, person: Person, name: str) -> None:
        before = f"person:{person.label}"

        def named(now: Person) -> None:
            self.renamed(before, f"person:{now.label}")
            self.refresh()

        self.bridge.run(lambda engine: engine.people.name(person.id, name), named, receiver=self)

    def hide(self, person: Person) -> None:
        shown = person.name or "This person"
        self.bridge.run(
            lambda engine: engine.people.hide(person.id),
            lambda _: self._done(
                f"{shown} is hidden from People", lambda e: e.people.hide(person.id, False)
            ),
            receiver=self,
        )

    def merge(self, into: Person, other: Person) -> None:
        """``other`` is ``into`` (dragged onto them): one person, with *Undo*."""
        shown = into.name or "the same person"
        self.bridge.run(
            lambda engine: engine.people.merge(into.id, other.id),
            lambda _: self._done(f"Made one person: {shown}", lambda e: e.people.unmerge(other.id)),
            receiver=self,
        )

    def _done(self, text: str, undo: Callable[[object], object]) -> None:
        self.refresh()
        self.undo.offer(
            text, lambda: self.bridge.run(undo, lambda _: self.refresh(), receiver=self)
        )
