"""First run: what PhotoSearch does, getting the model, and the first folder."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.model import models
from photosearch.core.settings import DEFAULT_MODEL
from photosearch.core.types import Progress
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.wording import download_text


class WelcomeDialog(QDialog):
    """Explains, then gets the model: download (with progress and cancel) or import."""

    def __init__(
        self, bridge: EngineBridge, model_message: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and its connections with it
        self.bridge = bridge
        self.setWindowTitle("Welcome to PhotoSearch")
        spec = models.spec_for(DEFAULT_MODEL)
        size = spec.download_mb if spec else 600
        intro = QLabel(
            "<h2>Search your photos by what is in them</h2>"
            "<p>PhotoSearch looks at every photo in the folders you choose and lets you find "
            "them by describing them (<i>dog on the beach at sunset</i>) or by showing a similar "
            "photo. Everything happens on this computer: no photo, search or vector ever "
            "leaves it.</p>"
            f"<p>It needs a CLIP model, downloaded once (about {size} MB). After that it works "
            "without internet. No internet here? Import the model file from another computer.</p>"
        )
        intro.setWordWrap(True)
        self.status = QLabel(model_message or "")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        pictures = Path.home() / "Pictures"
        found = pictures.is_dir()
        self.pictures = QCheckBox(
            f"Add my Pictures folder ({pictures})" if found else f"No Pictures folder ({pictures})"
        )
        self.pictures.setChecked(found)
        self.pictures.setEnabled(found)
        self.download_text = f"Download model ({size} MB)"
        self.download = QPushButton(self.download_text)
        self.download.clicked.connect(self.start_download)
        self.cancel = QPushButton("Cancel download")
        self.cancel.hide()
        self.cancel.clicked.connect(bridge.cancel_download)
        self.import_file = QPushButton("Import model file…")
        self.import_file.clicked.connect(self.pick_file)
        self.import_dir = QPushButton("Import model folder…")
        self.import_dir.clicked.connect(self.pick_dir)
        self.demo = QPushButton("Try the demo")
        self.demo.setToolTip(
            "Opens a sample library of generated shapes with a tiny built-in model, in a window "
            "of its own: nothing is downloaded and your library is not touched."
        )
        self.demo.clicked.connect(self.start_demo)
        later = QPushButton("Later")
        later.clicked.connect(self.reject)
        self.download.setDefault(True)
        self.download.setProperty("primary", True)  # the one most people need
        row = QHBoxLayout()
        for b in (self.download, self.cancel, self.import_file, self.import_dir):
            row.addWidget(b)
        row.addStretch()
        row.addWidget(self.demo)
        row.addWidget(later)
        folders = QHBoxLayout()
        folders.addWidget(self.pictures)
        pick = QPushButton("Choose another folder…")
        pick.clicked.connect(self.pick_folder)
        folders.addWidget(pick)
        folders.addStretch(1)
        self.added = QLabel()
        self.added.setWordWrap(True)
        self.added.hide()  # until a folder is added
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(8)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(_heading("Your photos"))
        layout.addLayout(folders)
        layout.addWidget(self.added)
        layout.addSpacing(6)
        layout.addWidget(_heading("The model"))
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addSpacing(10)
        layout.addLayout(row)
        bridge.progress.connect(self._progress)
        bridge.model_state.connect(self._model_state)
        bridge.failed.connect(self._failed)
        self.setMinimumWidth(max(680, row.sizeHint().width() + 48))
        self.download.setFocus()  # the one button most people need, not the folder picker
        self.adjustSize()  # as tall as its words: no empty band above the buttons

    def _add_pictures(self) -> None:
        if self.pictures.isChecked():
            self.bridge.request_add_folder.emit(str(Path.home() / "Pictures"))
            self.pictures.setChecked(False)

    def pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add a photo folder", str(Path.home()))
        if path:
            self.bridge.request_add_folder.emit(path)
            self.added.setText(f"Added {path}: its photos are indexed once the model is here.")
            self.added.show()

    def start_demo(self) -> None:
        """The demo runs as a second app on its own data folder, beside this window."""
        program, arguments = demo_command()
        if QProcess.startDetached(program, arguments):
            self.status.setText("The demo opens in a window of its own.")
        else:
            self.status.setText("The demo could not be started.")

    def start_download(self) -> None:
        self._add_pictures()
        self.download.setText(self.download_text)
        self.download.setEnabled(False)
        self.cancel.show()
        self.progress.show()
        self.status.setText("Downloading…")
        self.bridge.request_download.emit(DEFAULT_MODEL)

    def pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"Import the weights of {DEFAULT_MODEL}",
            str(Path.home()),
            "open_clip weights (*.safetensors *.bin *.pt *.pth)",
        )
        if path:
            self._add_pictures()
            self.status.setText(f"Importing {Path(path).name} as {DEFAULT_MODEL}…")
            self.bridge.request_import_model.emit(path)

    def pick_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, "Import an open_clip model folder", str(Path.home())
        )
        if path:
            self._add_pictures()
            self.status.setText("Importing…")
            self.bridge.request_import_model.emit(path)

    def _progress(self, p: Progress) -> None:
        if p.phase != "download":
            return
        if p.total:
            self.progress.setMaximum(p.total)
            self.progress.setValue(p.done)
        self.status.setText(download_text(p))

    def _model_state(self, state: str, message: str) -> None:
        if state == "ready":
            self.accept()
        elif state == "loading":
            self.status.setText(message)

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.download.setText("Retry download")
        self.download.setEnabled(True)
        self.cancel.hide()
        self.progress.hide()


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def demo_command() -> tuple[str, list[str]]:
    """The program and arguments that open the demo library in a window of its own: the
    bundle's own program, or this Python running the package."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["demo"]
    return sys.executable, ["-m", "photosearch", "demo"]
