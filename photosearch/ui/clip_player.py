"""Playing a clip inside the viewer, from its best moment: play/pause, a seek bar with the
clip's moments marked on it (a click on a mark jumps there), the time, and the sound.

Qt Multimedia (PySide6's add-ons, with Qt's own FFmpeg) plays it. Where it cannot be
loaded (a system without its sound library), ``available()`` says so and the viewer
shows the moment as a still instead, with the clip one click away in the user's player.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from photosearch.core.wording import clock
from photosearch.ui.widgets import tool_button

log = logging.getLogger(__name__)

MARK_HIT_PX = 6
"""How near (in pixels) a click must land on a moment's mark to jump to it."""
HANDLE = 12
"""The slider handle's width, which the groove's ends leave room for."""


@cache
def available() -> bool:
    """Whether Qt Multimedia loads here (its libraries, and the system's sound library)."""
    try:
        import PySide6.QtMultimedia
        import PySide6.QtMultimediaWidgets  # noqa: F401
    except ImportError as exc:
        log.warning("videos are shown as stills: Qt Multimedia cannot be loaded (%s)", exc)
        return False
    return True


class MomentBar(QSlider):
    """A seek bar (milliseconds) with the clip's moments drawn as marks under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.moments: list[float] = []
        self.setAccessibleName("Position in the video")
        self.setMinimumHeight(28)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrows keep moving between photos

    def set_moments(self, seconds: list[float]) -> None:
        self.moments = list(seconds)
        self.update()

    def _x_of(self, ms: float) -> int:
        span = max(1, self.maximum() - self.minimum())
        return round(HANDLE / 2 + (self.width() - HANDLE) * (ms - self.minimum()) / span)

    def _ms_at(self, x: float) -> int:
        share = (x - HANDLE / 2) / max(1, self.width() - HANDLE)
        return round(self.minimum() + min(1.0, max(0.0, share)) * (self.maximum() - self.minimum()))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.moments or self.maximum() <= 0:
            return
        painter = QPainter(self)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 170, 0))
        for at in self.moments:
            painter.drawRect(QRect(self._x_of(at * 1000) - 1, self.height() - 6, 3, 6))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click goes there (on a moment's mark: to that moment), and a drag goes on."""
        if event.button() == Qt.MouseButton.LeftButton:
            x = event.position().x()
            near = [at for at in self.moments if abs(self._x_of(at * 1000) - x) <= MARK_HIT_PX]
            marks = near and event.position().y() >= self.height() - 10
            self.setValue(round(near[0] * 1000) if marks else self._ms_at(x))
            self.sliderMoved.emit(self.value())
        super().mousePressEvent(event)


class ClipPlayer(QWidget):
    """A clip playing in the window; ``play(path, at)`` starts it at ``at`` seconds."""

    failed = Signal(str)  # why the clip cannot be played
    ended = Signal()  # played to its end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.video = QVideoWidget(self)
        self.video.setAccessibleName("Video")
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video)
        self.play_button = tool_button(
            "Pause", "Play or pause (K)", self.toggle, name="Play or pause"
        )
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.bar = MomentBar(self)
        self.time = QLabel("0:00 / 0:00")
        self.time.setAccessibleName("Time")
        controls = QHBoxLayout()
        controls.setContentsMargins(8, 2, 8, 4)
        controls.addWidget(self.play_button)
        controls.addWidget(self.bar, 1)
        controls.addWidget(self.time)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addLayout(controls)
        self._start_at = 0.0
        self.player.durationChanged.connect(self._duration)
        self.player.positionChanged.connect(self._position)
        self.player.playbackStateChanged.connect(self._state)
        self.player.mediaStatusChanged.connect(self._status)
        self.player.errorOccurred.connect(lambda _error, text: self.failed.emit(text))
        self.bar.sliderMoved.connect(self.player.setPosition)

    def play(self, path: str, at: float | None) -> None:
        """Play ``path`` from ``at`` seconds (its start when None)."""
        self._start_at = at or 0.0
        self.bar.set_moments([])
        self.player.setSource(QUrl.fromLocalFile(path))
        self.player.setPosition(round(self._start_at * 1000))
        self.player.play()

    def set_moments(self, seconds: list[float]) -> None:
        self.bar.set_moments(seconds)

    def stop(self) -> None:
        self.player.stop()
        self.player.setSource(QUrl())

    def toggle(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def seek(self, seconds: float) -> None:
        """Show the clip at ``seconds`` (a clip that played to its end is paused there)."""
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState:
            self.player.pause()
        self.player.setPosition(round(seconds * 1000))

    def _status(self, status: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self.ended.emit()
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._start_at:
            # once: a seek while paused reloads the media too, and must stay where it went
            self.player.setPosition(round(self._start_at * 1000))
            self._start_at = 0.0

    def _duration(self, ms: int) -> None:
        self.bar.setRange(0, max(0, ms))
        self._position(self.player.position())

    def _position(self, ms: int) -> None:
        if not self.bar.isSliderDown():
            self.bar.setValue(ms)
        self.time.setText(f"{clock(ms / 1000)} / {clock(self.player.duration() / 1000)}")

    def _state(self, state: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")
