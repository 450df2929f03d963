"""The window's status bar: what the library and the model are doing, a job's progress
with Pause and Resume, what was just done (with Undo), and what could not be read. The
window says what is true; this keeps the widgets and their one rule: while a job runs,
its own words stay until it ends."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from photosearch.core.types import Progress
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.icons import icon as themed_icon
from photosearch.ui.safety import UndoNotice
from photosearch.ui.skipped import SkippedDialog, skipped_summary
from photosearch.ui.wording import progress_text


class StatusArea(QObject):
    def __init__(
        self,
        bridge: EngineBridge,
        window: QWidget,
        bar: QStatusBar,
        undo: UndoNotice,
        note: Callable[[], str],
        unreadable: Callable[[], set[str]],
    ) -> None:
        """``note``: words added to a job's progress (which model answers meanwhile);
        ``unreadable``: the folders that could not be read, told apart from photos."""
        super().__init__(window)
        self.bridge = bridge
        self._window = window
        self._note = note
        self._unreadable = unreadable
        self.label = QLabel("Starting…")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)  # the counts are in words beside it: a fill
        # drawn over digits hid them in some styles
        self.progress.hide()
        self.pause_button = QToolButton()
        self.pause_button.setText("Pause")
        self.pause_button.setAccessibleName("Pause indexing")
        self.pause_button.setIcon(themed_icon("pause"))
        self.pause_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.pause_button.hide()
        self._last_progress: Progress | None = None
        self.errors_button = QToolButton()
        self.errors_button.setAutoRaise(True)
        self.errors_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.errors_button.clicked.connect(self.show_errors)
        self.errors_button.hide()
        self.errors: list[tuple[str, str]] = []
        bar.addWidget(self.label, 1)
        bar.addPermanentWidget(undo)
        bar.addPermanentWidget(self.errors_button)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.pause_button)

    @property
    def busy(self) -> bool:
        """Whether a job's progress is shown."""
        return self.progress.isVisible()

    def say(self, text: str) -> None:
        """Words for the user now (a hint, an export's outcome)."""
        self.label.setText(text)

    def between_jobs(self, text: str) -> None:
        """The library's state in words, shown unless a job's progress is."""
        if not self.busy:
            self.label.setText(text)

    def show_progress(self, p: Progress, idle_text: str) -> bool:
        """A job's progress (``idle``: none runs, ``idle_text`` says the state); returns
        whether the bar appeared or went (what the empty page says depends on it)."""
        if p.phase == "idle":
            self.progress.hide()
            self.pause_button.hide()
            self.label.setText(idle_text)
            return True
        if p.phase == "download":
            return False
        self.pause_button.show()
        appeared = not self.progress.isVisible()
        self.progress.show()
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
            self.progress.setAccessibleDescription(f"{p.done:,} of {p.total:,}")
        else:
            self.progress.setRange(0, 0)
        self._last_progress = p
        self.label.setText(progress_text(p, self.bridge.paused) + self._note())
        return appeared

    def toggle_pause(self) -> None:
        if self.bridge.paused:
            self.bridge.resume()
            self.pause_button.setText("Pause")
            self.pause_button.setAccessibleName("Pause indexing")
        else:
            self.bridge.pause()
            self.pause_button.setText("Resume")
            self.pause_button.setAccessibleName("Resume indexing")
        if self._last_progress is not None and self.busy:
            self.label.setText(
                progress_text(self._last_progress, self.bridge.paused) + self._note()
            )
        self.pause_button.setIcon(themed_icon("resume" if self.bridge.paused else "pause"))

    def set_errors(self, errors: list[tuple[str, str]]) -> None:
        """What could not be read: a button that says how many, and opens the list."""
        self.errors = errors
        folders = self._unreadable()
        photos = sum(path not in folders for path, _ in errors)
        summary = skipped_summary(photos, len(errors) - photos)
        self.errors_button.setVisible(bool(errors))
        self.errors_button.setText(f"⚠ {summary}")
        self.errors_button.setToolTip("What could not be read — click to see which and why")
        self.errors_button.setAccessibleName(f"{summary}: show them")

    def show_errors(self) -> None:
        SkippedDialog(self._window, self.errors, self._unreadable()).exec()
