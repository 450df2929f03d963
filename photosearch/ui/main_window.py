"""The main window: search field and image chips, results grid, indexing status."""

from __future__ import annotations

import html
import os
import time
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QSettings,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photosearch.core import models
from photosearch.core.images import is_supported
from photosearch.core.search import SearchResult
from photosearch.core.service import JobDone
from photosearch.core.types import Progress
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.folders_dialog import FoldersDialog
from photosearch.ui.results import ResultsModel, ThumbnailCache
from photosearch.ui.results_view import ResultsView
from photosearch.ui.settings_dialog import SettingsDialog
from photosearch.ui.welcome import WelcomeDialog

SEARCH_DELAY_MS = 350
SEARCH_LIMIT = 500
HISTORY_SIZE = 30
SYNTAX_HELP = """<b>Search syntax</b><br>
<code>dog on the beach</code> — describe what you want<br>
<code>beach + sunset</code> — both ideas · <code>beach - people</code> — less of an idea<br>
<code>2*sunset + beach</code> — weights ·
<code>"rock + roll"</code> — quotes keep words together<br>
<code>in:Holidays</code> — folder · <code>after:2021-06</code> <code>before:2022</code> — dates<br>
<code>type:jpg,png</code> — file types · <code>min:0.3</code> — stricter matches<br>
Drop a photo on the window, paste one (Ctrl+V), or pick <i>Find similar</i> to search by image."""


class ImageChip(QToolButton):
    """A query image shown beside the search field; click to remove it."""

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setText(f"Photo: {Path(path).name}  ✕")
        self.setToolTip(f"Searching by this image:\n{path}\nClick to remove")
        self.setAccessibleName(f"Query image {Path(path).name}, click to remove")
        self.setAutoRaise(True)


class MainWindow(QMainWindow):
    def __init__(self, bridge: EngineBridge, icon: QIcon | None = None) -> None:
        super().__init__()
        self.bridge = bridge
        self.setWindowTitle("PhotoSearch")
        if icon is not None:
            self.setWindowIcon(icon)
        self.setAcceptDrops(True)
        self.model_state = "loading"
        self.model_message = ""
        self.query_images: list[str] = []
        self.folder_count = 0
        self.photo_count = 0
        self.last_result: SearchResult | None = None
        self._pending_search = False
        self._welcomed = False
        self.model_note = ""
        self._settings = QSettings(
            str(bridge.paths.data_dir / "window.ini"), QSettings.Format.IniFormat
        )

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Search your photos — e.g. dog on the beach at sunset, or drop a photo here"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.history = QStringListModel(self._settings.value("history", []) or [])
        completer = QCompleter(self.history, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.setCompleter(completer)
        self.search.textEdited.connect(self._typed)
        self.search.returnPressed.connect(self.run_search)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(2)
        help_button = QToolButton()
        help_button.setText("?")
        help_button.setToolTip("Search syntax")
        help_button.setAccessibleName("Search syntax help")
        help_button.clicked.connect(
            lambda: QMessageBox.information(self, "Search syntax", SYNTAX_HELP)
        )
        folders = QToolButton()
        folders.setText("Folders…")
        folders.setAccessibleName("Manage folders")
        folders.clicked.connect(self.open_folders)
        settings = QToolButton()
        settings.setText("Settings…")
        settings.clicked.connect(self.open_settings)
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(96, 320)
        self.zoom.setValue(int(self._settings.value("thumb", 160)))
        self.zoom.setFixedWidth(110)
        self.zoom.setToolTip("Thumbnail size")
        self.zoom.setAccessibleName("Thumbnail size")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addLayout(self.chips)
        top.addWidget(help_button)
        top.addWidget(self.zoom)
        top.addWidget(folders)
        top.addWidget(settings)

        self.thumbs = ThumbnailCache(bridge.paths.thumbnails_dir, self)
        self.results = ResultsModel(self.thumbs, self)
        self.view = ResultsView(self.results, bridge.paths.thumbnails_dir)
        self.view.find_similar.connect(self.find_similar)
        self.zoom.valueChanged.connect(self.view.zoom)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setOpenExternalLinks(False)
        self.message.linkActivated.connect(self._link)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel("Starting…")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.pause_button = QToolButton()
        self.pause_button.setText("Pause")
        self.pause_button.setAccessibleName("Pause indexing")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.pause_button.hide()
        self.errors_button = QToolButton()
        self.errors_button.setAutoRaise(True)
        self.errors_button.clicked.connect(self.show_errors)
        self.errors_button.hide()
        self.errors: list[tuple[str, str]] = []
        bar = self.statusBar()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.errors_button)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.pause_button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.run_search)
        self._shortcuts()
        self.view.zoom(self.zoom.value())

        w = bridge.worker
        w.model_state.connect(self._model_state)
        bridge.searcher.search_done.connect(self._search_done)
        bridge.searcher.search_failed.connect(self._search_failed)
        w.progress.connect(self._progress)
        w.job_done.connect(self._job_done)
        w.errors.connect(self._errors)
        w.status.connect(self._counts)
        w.folders.connect(self._folders)
        w.failed.connect(self._failed)

        geometry = self._settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 760)
        self._show_empty_state()

    # -- keyboard ----------------------------------------------------------------------

    def _shortcuts(self) -> None:
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_search),
            (QKeySequence("Ctrl+O"), self.view.open_selected),
            (QKeySequence(Qt.Key.Key_Escape), self.clear),
            (QKeySequence.StandardKey.Paste, self.paste),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.activated.connect(slot)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self.view.enter)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def clear(self) -> None:
        self.search.clear()
        self._clear_chips()
        self.results.set_hits([])
        self.last_result = None
        self._show_empty_state()
        self.search.setFocus()

    # -- searching ---------------------------------------------------------------------

    def _typed(self, _: str) -> None:
        self._debounce.start()

    def query_text(self) -> str:
        return self.search.text().strip()

    def run_search(self) -> None:
        self._debounce.stop()
        text = self.query_text()
        if not text and not self.query_images:
            self.results.set_hits([])
            self._show_empty_state()
            return
        if not self._can_search():
            self._pending_search = True
            self.status_label.setText(
                "The model is still loading; your search will run when it is ready."
            )
            return
        self.bridge.search(text, list(self.query_images), SEARCH_LIMIT)
        self._remember(text)

    def _can_search(self) -> bool:
        """Words can be searched once the text tower is up; images need the whole model."""
        return self.model_state == "ready" or (self.model_state == "text" and not self.query_images)

    def _remember(self, text: str) -> None:
        if not text:
            return
        items = [text] + [h for h in self.history.stringList() if h != text]
        self.history.setStringList(items[:HISTORY_SIZE])

    def _search_done(self, request: int, result: SearchResult) -> None:
        if request != self.bridge.latest_request:
            return  # an older search finished after a newer one was asked for
        self.last_result = result
        hits = result.hits
        if hits:
            self.results.set_hits(hits)
            self.stack.setCurrentWidget(self.view)
            if result.browse:
                first = "newest " if len(hits) >= SEARCH_LIMIT else ""
                self._result_status(f"{_count(len(hits), first + 'photo')}, newest first")
            else:
                best = "best " if len(hits) >= SEARCH_LIMIT else ""
                self._result_status(_count(len(hits), best + "match", "matches"))
        elif result.browse:
            self.results.set_hits([])
            self._message("<h3>No photos match these filters</h3><p>Try a wider range.</p>")
            self._result_status("No photos match these filters")
        else:
            self.results.set_hits(result.weak)
            if result.weak:
                self.stack.setCurrentWidget(self.view)
                self._result_status("No good match — these are the closest weak matches.")
            else:
                self._message("<h3>No good match</h3><p>Try other words, or fewer filters.</p>")
                self._result_status("No good match")

    def _result_status(self, text: str) -> None:
        """Results shown while the model loads must not hide that it is still loading."""
        if self.model_state == "text":
            text += f" · model {self.model_message} still loading (image search waits for it)"
        self.status_label.setText(text)

    def _search_failed(self, request: int, message: str) -> None:
        if request == self.bridge.latest_request:
            self._message(f"<h3>Cannot search</h3><p>{html.escape(message)}</p>")

    # -- image queries -----------------------------------------------------------------

    def bring_forward(self, images: list[str]) -> None:
        """Show this window in front (another launch asked), searching by ``images``."""
        self.showNormal()
        self.raise_()
        self.activateWindow()
        for path in images:
            self.add_query_image(path)

    def add_query_image(self, path: str) -> None:
        if path in self.query_images:
            return
        self.query_images.append(path)
        chip = ImageChip(path, self)
        chip.clicked.connect(lambda: self.remove_query_image(chip))
        self.chips.addWidget(chip)
        self.run_search()

    def remove_query_image(self, chip: ImageChip) -> None:
        self.query_images.remove(chip.path)
        self.chips.removeWidget(chip)
        chip.deleteLater()
        self.run_search()

    def _clear_chips(self) -> None:
        self.query_images.clear()
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def find_similar(self, path: str) -> None:
        self.search.clear()
        self._clear_chips()
        self.add_query_image(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if (mime.hasUrls() and self._dropped_paths(mime.urls())) or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if paths:
            self.search.clear()
            self._clear_chips()
            for path in paths:
                self.add_query_image(path)
            event.acceptProposedAction()
        elif event.mimeData().hasImage():
            self._add_image_data(event.mimeData().imageData())
            event.acceptProposedAction()

    @staticmethod
    def _dropped_paths(urls: list) -> list[str]:
        return [u.toLocalFile() for u in urls if u.isLocalFile() and is_supported(u.toLocalFile())]

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime.hasUrls() and self._dropped_paths(mime.urls()):
            for path in self._dropped_paths(mime.urls()):
                self.add_query_image(path)
        elif mime.hasImage():
            self._add_image_data(QGuiApplication.clipboard().image())
        elif self.search.hasFocus():
            self.search.paste()

    def _add_image_data(self, image: object) -> None:
        folder = self.bridge.paths.cache_dir / "pasted"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.png"
        if image.save(str(path), "PNG"):  # type: ignore[attr-defined]
            self.add_query_image(str(path))

    # -- engine state ------------------------------------------------------------------

    def _model_state(self, state: str, message: str) -> None:
        first_missing = state == "missing" and not self._welcomed
        self.model_state, self.model_message = state, message
        if first_missing:
            self._welcomed = True
            self.show_welcome()
        if state == "ready":
            demo = (
                " (demo model: it only knows coloured shapes)" if message == models.DEMO_KEY else ""
            )
            self.status_label.setText(f"Ready — model {message}{demo}")
        elif state == "text":
            self.status_label.setText(
                f"Loading model {message}… — searching by words works already"
            )
        elif state == "loading":
            self.status_label.setText(message)
        else:
            self.status_label.setText("No model — see the message above.")
        if self._pending_search and self._can_search():
            self._pending_search = False
            self.run_search()
        self._show_empty_state()

    def _progress(self, p: Progress) -> None:
        if p.phase == "idle":
            self.progress.hide()
            self.pause_button.hide()
            self._show_empty_state()
            if self.model_state == "ready":
                self.status_label.setText(
                    f"Up to date — {self.photo_count} photos{self.model_note}"
                )
            return
        if p.phase == "download":
            return
        self.pause_button.show()
        if not self.progress.isVisible():
            self.progress.show()
            self._show_empty_state()
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
            self.progress.setFormat(f"{p.done}/{p.total}")
        else:
            self.progress.setRange(0, 0)
        self.status_label.setText(progress_text(p, self.bridge.paused))

    def _job_done(self, job: JobDone) -> None:
        if job.index is not None and job.index.encoded and self.query_text():
            self.run_search()

    def _folders(self, folders: list) -> None:
        self.folder_count = len(folders)
        self._show_empty_state()

    def _failed(self, message: str) -> None:
        if not any(
            isinstance(w, WelcomeDialog) and w.isVisible() for w in self.findChildren(WelcomeDialog)
        ):
            QMessageBox.warning(self, "PhotoSearch", message)

    def _counts(self, counts: dict) -> None:
        self.photo_count = int(counts.get("photos", 0))
        self._show_empty_state()

    def _errors(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        self.errors_button.setVisible(bool(errors))
        self.errors_button.setText(f"{len(errors)} skipped…")
        self.errors_button.setToolTip("Photos that could not be read — click for the list")

    def show_errors(self) -> None:
        lines = "\n".join(f"{p}\n    {r}" for p, r in self.errors[:200])
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Skipped photos",
            f"{_count(len(self.errors), 'photo')} could not be read.",
            parent=self,
        )
        box.setDetailedText(lines)
        box.exec()

    def toggle_pause(self) -> None:
        if self.bridge.paused:
            self.bridge.resume()
            self.pause_button.setText("Pause")
            self.pause_button.setAccessibleName("Pause indexing")
        else:
            self.bridge.pause()
            self.pause_button.setText("Resume")
            self.pause_button.setAccessibleName("Resume indexing")

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.bridge, self)
        dialog.get_model.connect(self.show_welcome)
        dialog.exec()

    def open_folders(self) -> None:
        FoldersDialog(self.bridge, self).exec()

    def show_welcome(self) -> None:
        WelcomeDialog(
            self.bridge, self.model_message if self.model_state == "missing" else None, self
        ).open()

    def _link(self, link: str) -> None:
        {"folders": self.open_folders, "welcome": self.show_welcome}.get(link, lambda: None)()

    def _message(self, rich_text: str) -> None:
        self.message.setText(rich_text)
        self.stack.setCurrentWidget(self.message)

    def _show_empty_state(self) -> None:
        """Say what to do next when there is nothing to show."""
        if self.last_result is not None and self.results.rowCount():
            return
        if self.model_state == "missing":
            self._message(
                "<h3>PhotoSearch needs its model</h3>"
                "<p>It is downloaded once and then works offline.</p>"
                "<p><a href='welcome'>Get the model…</a></p>"
            )
        elif self.model_state == "error":
            self._message(
                f"<h3>The model could not be loaded</h3><p>{html.escape(self.model_message)}</p>"
            )
        elif self.folder_count == 0:
            self._message(
                "<h3>No folders yet</h3>"
                "<p><a href='folders'>Add the folders that hold your photos…</a></p>"
            )
        elif self.progress.isVisible() and not self.query_text() and not self.query_images:
            self._message(
                "<h3>Indexing your photos…</h3><p>You can search already: results grow as more "
                "photos are indexed. Progress is shown at the bottom right.</p>"
            )
        elif self.photo_count == 0:
            self._message("<h3>No photos found yet</h3><p>Add a folder that holds photos.</p>")
        elif not self.query_text() and not self.query_images:
            self._message(
                f"<h3>Search {self.photo_count} photos</h3><p>Describe what you are looking for, "
                "drop a photo on this window, or paste one.</p>"
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("history", self.history.stringList())
        self._settings.setValue("thumb", self.zoom.value())
        self.bridge.shutdown()
        super().closeEvent(event)


def progress_text(p: Progress, paused: bool) -> str:
    """ "Indexing 240 of 323 photos · 62 photos/s · about 1 s left", or the scan's count."""
    if p.phase != "index":
        text = f"Looking for new photos · {p.done:,} files checked"
    else:
        total = f" of {p.total:,}" if p.total else ""
        text = f"Indexing {p.done:,}{total} photos"
        if p.rate:
            text += f" · {p.rate:.0f} photos/s"
        if p.eta:
            text += f" · about {_duration(p.eta)} left"
    return text + (" · paused" if paused else "")


def _count(n: int, one: str, many: str | None = None) -> str:
    """``1 photo`` / ``5 photos``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
