"""The in-app viewer: one photo fitted to the window (never enlarged past 100 % unless the
user zooms), previous/next through the results, zoom and pan, Esc back to the grid."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QHideEvent,
    QImage,
    QKeyEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.types import FaceBox, Hit
from photosearch.ui import clip_player
from photosearch.ui.photo_canvas import MAX_ZOOM, ZOOM_STEP, PhotoCanvas, decode_for_view
from photosearch.ui.results import display_name
from photosearch.ui.tasks import run_task
from photosearch.ui.widgets import ElidedLabel, tool_button

log = logging.getLogger(__name__)


class Viewer(QWidget):
    """Shows ``hits[row]``; asks the window to go back, open the file or move the grid."""

    back = Signal()
    moved = Signal(int)  # the row now shown, so the grid's selection follows
    open_file = Signal(object)  # a path (any bytes)
    search_region = Signal(object, object)  # path, (left, top, width, height) fractions
    show_person = Signal(object)  # FaceBox: list that person's photos
    not_this_person = Signal(object)  # FaceBox: it is not who it was found to be

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.row = -1
        self.canvas = PhotoCanvas(self)
        self.player: clip_player.ClipPlayer | None = None
        """Made for the first video shown (a library of photos never loads Qt Multimedia)."""
        self.stage = QStackedWidget(self)
        self.stage.addWidget(self.canvas)
        self.position = QLabel()
        """Which photo of how many: never cut short, unlike the name beside it."""
        self.title = ElidedLabel()
        self.zoom_label = QLabel()
        self.zoom_label.setContentsMargins(8, 0, 0, 0)  # apart from "3 of 15" before it
        bar = QHBoxLayout()
        self._worded: list[QToolButton] = []
        """Buttons with an icon and words: on a narrow window, the icon alone."""
        for text, name, tip, slot, symbol in (
            ("Results", "Back to the results", "Back to the results (Esc)", self.back.emit, "back"),
            ("", "Previous photo", "Previous photo (Left arrow)", self.previous, "previous"),
            ("", "Next photo", "Next photo (Right arrow)", self.next, "next"),
        ):
            bar.addWidget(tool_button(text, tip, slot, symbol, name, flat=True))
            if text:
                self._worded.append(bar.itemAt(bar.count() - 1).widget())  # type: ignore[arg-type]
        bar.addWidget(self.position)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.zoom_label)
        self.photo_tools: list[QWidget] = [self.zoom_label]
        for text, name, tip, slot in (
            ("−", "Zoom out", "Zoom out (−)", self.zoom_out),
            ("Fit", "Fit to window", "Fit to the window, at most 100 % (0)", self.fit),
            ("1:1", "Actual size", "Actual size, 100 % (1)", self.actual_size),
            ("+", "Zoom in", "Zoom in (+)", self.zoom_in),
        ):
            self.photo_tools.append(tool_button(text, tip, slot, name=name, flat=True))
            bar.addWidget(self.photo_tools[-1])
        opener = tool_button(
            "Open",
            "Open in the default app (Ctrl+O)",
            self._open,
            "open",
            name="Open in the default app",
            flat=True,
        )
        bar.addWidget(opener)
        self.region_button = tool_button(
            "Search a region",
            "Drag a rectangle over part of the photo to search for what is in it (R)",
            self._region_mode,
            "similar",
            name="Search a region",
            flat=True,
        )
        self.region_button.setCheckable(True)
        bar.addWidget(self.region_button)
        self._worded += [opener, self.region_button]
        self.photo_tools.append(self.region_button)
        self.live_button = tool_button(
            "Play Live Photo",
            "Play the moment the phone recorded with this photo (L)",
            self.play_motion,
            name="Play Live Photo",
            flat=True,
        )
        self.live_button.hide()  # shown for a Live Photo only
        bar.addWidget(self.live_button)
        self.hint = QLabel("Drag a rectangle around what to search for — Esc to cancel")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # as narrow as its buttons without their words (not as wide as with them): a
        # laptop's 1024 pixels hold the sidebar, the viewer and the details side by side
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addLayout(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.stage, 1)
        self.canvas.region.connect(self._region_chosen)
        self.canvas.face_clicked.connect(self._face_clicked)
        self.canvas.face_menu.connect(self._face_menu)
        self.setFocusProxy(self.canvas)
        self._bar = bar
        self._icons_only: dict[QToolButton, int] = {}
        self._with_words: dict[QToolButton, int] = {}
        for button in self._worded:  # each button's least width both ways, measured once
            for style, widths in (
                (Qt.ToolButtonStyle.ToolButtonIconOnly, self._icons_only),
                (Qt.ToolButtonStyle.ToolButtonTextBesideIcon, self._with_words),
            ):
                button.setToolButtonStyle(style)
                widths[button] = button.minimumSizeHint().width()
        self._wide = 0
        self._fit_bar()
        self.canvas.installEventFilter(self)

    def _bar_width(self, widths: dict[QToolButton, int]) -> int:
        """The least width of the bar with its worded buttons ``widths`` wide."""
        shown = [
            item.widget()
            for i in range(self._bar.count())
            if (item := self._bar.itemAt(i)) is not None
            and item.widget() is not None
            and not item.widget().isHidden()
        ]
        margins = self._bar.contentsMargins()
        return (
            sum(widths.get(w, w.minimumSizeHint().width()) for w in shown)
            + max(0, self._bar.spacing()) * (len(shown) - 1)
            + margins.left()
            + margins.right()
        )

    def _fit_bar(self) -> None:
        """The buttons' words where there is room for them, their icons alone elsewhere;
        the viewer is never narrower than its buttons without words."""
        self.setMinimumWidth(self._bar_width(self._icons_only))
        # words on the buttons only where the photo's name keeps room to be read too
        name_room = self.title.fontMetrics().horizontalAdvance("M" * 10)
        self._wide = self._bar_width(self._with_words) + name_room
        style = (
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            if self.width() >= self._wide
            else Qt.ToolButtonStyle.ToolButtonIconOnly
        )
        for button in self._worded:
            button.setToolButtonStyle(style)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_bar()

    def show_hits(self, hits: list[Hit], row: int) -> None:
        self.hits = hits
        self.show_row(row)

    def show_row(self, row: int) -> None:
        if not 0 <= row < len(self.hits):
            return
        self.row = row
        hit = self.hits[row]
        self.moved.emit(row)
        playing = hit.photo.is_video and clip_player.available()
        for tool in self.photo_tools:
            tool.setVisible(not playing)
        self.region_button.setVisible(not hit.photo.is_video)  # regions are of photos
        self.live_button.setVisible(hit.motion is not None and clip_player.available())
        self.position.setText(f"{row + 1} of {len(self.hits)}  ·")
        self.title.setText(display_name(hit.path))
        self._fit_bar()  # the bar as wide as what it now holds
        if playing:
            self._play(hit)
            return
        self.stop()
        self.canvas.faces = []
        self.canvas.pixmap = None
        self.canvas.full = (hit.photo.width or 0, hit.photo.height or 0)
        self.canvas.zoom = None
        self.canvas.offset = QPointF()
        self.canvas.message = "Loading…"
        self._zoom_changed()
        path, at = hit.path, hit.at
        run_task(
            lambda: decode_for_view(path, at),
            lambda loaded: self._arrived(path, *loaded),
            lambda exc: self._arrived(path, QImage(), 0, 0),
            self,
        )

    def _play(self, hit: Hit) -> None:
        if self.player is None:
            self.player = clip_player.ClipPlayer(self)
            self.player.failed.connect(self._cannot_play)
            self.player.ended.connect(self._ended)
            self.player.installEventFilter(self)
            self.stage.addWidget(self.player)
        self.stage.setCurrentWidget(self.player)
        self.player.play(hit.path, hit.at)
        self.player.setFocus()

    def play_motion(self) -> None:
        """A Live Photo's clip, then its still again."""
        hit = self.current()
        if hit is not None and hit.motion is not None and clip_player.available():
            for tool in self.photo_tools:
                tool.setVisible(False)  # they act on the still, hidden meanwhile
            self._play(Hit(hit.motion, None))

    def _ended(self) -> None:
        hit = self.current()
        if hit is not None and hit.motion is not None:  # a Live Photo: back to the still
            self.stop()
            for tool in self.photo_tools:
                tool.setVisible(True)
            self.canvas.setFocus()

    def _cannot_play(self, why: str) -> None:
        hit = self.current()
        log.info("cannot play %s: %s", hit.path if hit else "", why)
        self.stop()
        self.canvas.faces = []
        self.canvas.pixmap = None
        self.canvas.message = "This video cannot be played here — Open shows it in your player."
        self._zoom_changed()

    def stop(self) -> None:
        """No clip plays (another photo is shown, or the viewer is left)."""
        if self.player is not None:
            self.player.stop()
        self.stage.setCurrentWidget(self.canvas)

    def mark_moments(self, path: str, seconds: list[float]) -> None:
        """The moments of the clip ``path`` (marked on its seek bar, if it still plays)."""
        hit = self.current()
        if self.player is not None and hit is not None and hit.path == path:
            self.player.set_moments(seconds)

    def set_faces(self, path: str, faces: list[FaceBox]) -> None:
        """The faces found in the photo at ``path``, if it is still the one shown."""
        hit = self.current()
        if hit is not None and hit.path == path:
            self.canvas.faces = faces
            self.canvas.update()

    def _face_clicked(self, face: FaceBox) -> None:
        if face.person_id is not None:
            self.show_person.emit(face)

    def _face_menu(self, face: FaceBox, where: QPoint) -> None:
        menu = self.menu_for(face)
        if not menu.isEmpty():
            menu.exec(where)

    def menu_for(self, face: FaceBox) -> QMenu:
        """What a right-click on a face offers: their photos, and "Not this person"."""
        menu = QMenu(self)
        if face.person_id is None:
            return menu
        who = face.name or "this person"
        for text, signal in (
            (f"All photos of {who}", self.show_person),
            (f"Not {who}", self.not_this_person),
        ):
            action = QAction(text, menu)
            action.triggered.connect(lambda _=False, s=signal: s.emit(face))
            menu.addAction(action)
        return menu

    def hideEvent(self, event: QHideEvent) -> None:
        """Out of sight (minimised, or the grid shown): a clip pauses where it is."""
        if self.player is not None:
            self.player.player.pause()
        super().hideEvent(event)

    def current(self) -> Hit | None:
        return self.hits[self.row] if 0 <= self.row < len(self.hits) else None

    def _arrived(self, path: str, image: QImage, width: int, height: int) -> None:
        hit = self.current()
        if hit is None or hit.path != path:
            return  # the user moved on meanwhile
        if image.isNull():
            self.canvas.message = "This photo cannot be shown: it is missing or unreadable."
        else:
            self.canvas.pixmap = QPixmap.fromImage(image)
            self.canvas.full = (width, height)
            if hit.photo.is_video:  # a still of its moment: the clip plays elsewhere
                self.title.setText(f"{self.title.text()}   ·   video: Open plays it")
        self._zoom_changed()

    def previous(self) -> None:
        self.show_row(self.row - 1)

    def next(self) -> None:
        self.show_row(self.row + 1)

    def zoom_in(self) -> None:
        self._set_zoom(self.canvas.scale() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.canvas.scale() / ZOOM_STEP)

    def fit(self) -> None:
        self.canvas.zoom = None
        self.canvas.offset = QPointF()
        self._zoom_changed()

    def actual_size(self) -> None:
        self._set_zoom(1.0)

    def _set_zoom(self, value: float) -> None:
        self.canvas.zoom = min(MAX_ZOOM, max(0.02, value))
        self._zoom_changed()

    def _zoom_changed(self) -> None:
        self.zoom_label.setText(f"{self.canvas.scale() * 100:.0f} %")
        self.canvas.update()

    def _region_mode(self) -> None:
        self.canvas.selecting = self.region_button.isChecked()
        cursor = Qt.CursorShape.CrossCursor if self.canvas.selecting else Qt.CursorShape.ArrowCursor
        self.canvas.setCursor(cursor)
        self.canvas.setToolTip(
            "Drag a rectangle around what to search for (Esc: cancel)"
            if self.canvas.selecting
            else ""
        )
        self.hint.setVisible(self.canvas.selecting)

    def _region_chosen(self, crop: tuple[float, float, float, float]) -> None:
        hit = self.current()
        self.region_button.setChecked(False)
        self._region_mode()
        if hit is not None:
            self.search_region.emit(hit.path, crop)

    def _open(self) -> None:
        hit = self.current()
        if hit is not None:
            self.open_file.emit(hit.path)

    def eventFilter(self, watched: QObject, event: object) -> bool:
        if watched is not self.canvas and (watched is not self.player or self.player is None):
            return super().eventFilter(watched, event)
        if watched is self.player:
            if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
                return self._clip_key(event) or super().eventFilter(watched, event)
            return super().eventFilter(watched, event)
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            return self._key(event) or super().eventFilter(watched, event)
        if isinstance(event, QWheelEvent):
            step = event.angleDelta().y()
            if step:
                (self.zoom_in if step > 0 else self.zoom_out)()
                return True
        return super().eventFilter(watched, event)

    def _clip_key(self, event: QKeyEvent) -> bool:
        """Keys while a clip plays: as in players, Space and K pause; arrows still move."""
        assert self.player is not None
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Space, Qt.Key.Key_K):
            self.player.toggle()
            return True
        actions = {
            Qt.Key.Key_Escape: self.back.emit,
            Qt.Key.Key_Left: self.previous,
            Qt.Key.Key_Right: self.next,
        }
        action = actions.get(key)
        if action is None:
            return False
        action()
        return True

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        actions = {
            Qt.Key.Key_Escape: self.back.emit,
            Qt.Key.Key_Left: self.previous,
            Qt.Key.Key_Right: self.next,
            Qt.Key.Key_Plus: self.zoom_in,
            Qt.Key.Key_Equal: self.zoom_in,
            Qt.Key.Key_Minus: self.zoom_out,
            Qt.Key.Key_0: self.fit,
            Qt.Key.Key_1: self.actual_size,
            Qt.Key.Key_R: self.region_button.click,
            Qt.Key.Key_L: self.play_motion,
            Qt.Key.Key_Space: self.back.emit,
            Qt.Key.Key_Return: self.back.emit,
            Qt.Key.Key_Enter: self.back.emit,
        }
        action = actions.get(Qt.Key(key))
        if action is None:
            return False
        action()
        return True
