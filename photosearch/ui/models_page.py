"""Settings → Models: every model PhotoSearch knows, with its size, published accuracy and
speed; download (with progress, speed, time left and cancel), import, switch and delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.model import models
from photosearch.core.types import Progress
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.wording import download_text

COLUMNS = ("Model", "Download", "Accuracy", "Speed here", "About", "State")


class ModelsPage(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.downloading: str | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Models")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):  # "About" takes what is left, cut short with
            # its whole text in a tooltip: the state after it stays in sight
            mode = (
                QHeaderView.ResizeMode.Stretch
                if COLUMNS[column] == "About"
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.download = _button("Download", self._download)
        self.cancel = _button("Cancel download", bridge.cancel_download)
        self.cancel.hide()
        self.use = _button("Use this model", self._use)
        self.delete = _button("Delete…", self._delete)
        self.import_button = _button("Import a model file or folder…", self._import)
        row = QHBoxLayout()
        for button in (self.download, self.cancel, self.use, self.delete):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(row)
        bridge.progress.connect(self._progress)
        bridge.model_state.connect(self._model_state)
        bridge.failed.connect(self._failed)
        self.refresh()

    def model_keys(self) -> list[str]:
        installed = set(models.installed_keys(self.bridge.paths.models_dir))
        known = [s.key for s in models.REGISTRY]
        return [*known, *sorted(installed - set(known)), models.DEMO_KEY]

    def refresh(self) -> None:
        chosen = self.selected()
        keys = self.model_keys()
        speeds = self.bridge.settings.model_speeds
        self.table.setRowCount(len(keys))
        for row, key in enumerate(keys):
            spec = models.spec_for(key)
            installed = models.is_installed(key, self.bridge.paths.models_dir)
            if key == self.bridge.model_key:
                state = "In use"
            elif key == self.downloading:
                state = "Downloading…"
            elif not installed and spec is not None and not models.offered(spec):
                state = "Cannot run in this copy"
            else:
                state = "On this computer" if installed else "Not downloaded"
            size = f"{spec.download_mb:,} MB" if spec and spec.download_mb else "—"
            accuracy = f"{spec.imagenet_top1:.1f} %" if spec and spec.imagenet_top1 else "—"
            about = spec.note if spec else "Imported by you"
            if not installed and spec is not None and (why := models.cannot_run(spec)):
                about = f"{spec.note} Cannot run yet: {why}."
            measured = speeds.get(key)
            speed = f"{measured:.0f} photos/s" if measured else "—"
            for column, text in enumerate((key, size, accuracy, speed, about, state)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setToolTip(
                    {
                        2: "ImageNet zero-shot top-1, as published by OpenCLIP",
                        3: "Measured while it indexed photos on this computer"
                        if measured
                        else "Not measured yet: it is, the first time it indexes photos here",
                        4: about,
                    }.get(column, "")
                )
                self.table.setItem(row, column, item)
        if chosen in keys:
            self.table.selectRow(keys.index(chosen))
        self._update_buttons()

    def selected(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select(self, key: str) -> None:
        keys = self.model_keys()
        if key in keys:
            self.table.selectRow(keys.index(key))

    def _update_buttons(self) -> None:
        key = self.selected()
        installed = key is not None and models.is_installed(key, self.bridge.paths.models_dir)
        busy = self.downloading is not None
        spec = models.spec_for(key) if key is not None else None
        offered = spec is not None and models.offered(spec)
        self.download.setEnabled(offered and not installed and not busy)
        self.use.setEnabled(installed and key != self.bridge.model_key and not busy)
        deletable = installed and key not in (self.bridge.model_key, models.DEMO_KEY)
        self.delete.setEnabled(deletable and not busy)

    def _download(self) -> None:
        key = self.selected()
        if key is None:
            return
        self.downloading = key
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel.show()
        self.status.setText(f"Starting the download of {key}…")
        self.bridge.request_download.emit(key)
        self.refresh()

    def _progress(self, p: Progress) -> None:
        if p.phase != "download" or self.downloading is None:
            return
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
        self.status.setText(download_text(p))

    def _model_state(self, state: str, message: str) -> None:
        if state in ("ready", "text", "missing", "error") and self.downloading is not None:
            self.status.setText(f"{self.downloading} is ready: PhotoSearch now indexes with it.")
            self._done()
        self.refresh()

    def _failed(self, message: str) -> None:
        if self.downloading is not None:
            self._done()
        self.status.setText(message)
        self.refresh()

    def _done(self) -> None:
        self.downloading = None
        self.progress.hide()
        self.cancel.hide()

    def _use(self) -> None:
        key = self.selected()
        if key is not None:
            self.status.setText(
                f"Switching to {key}: photos are indexed with it in the background."
            )
            self.bridge.request_use_model.emit(key)

    def _delete(self) -> None:
        key = self.selected()
        if key is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete model",
            f"Delete the files of {key} from this computer? Its vectors stay in the catalog, "
            "so using it again after a new download does not re-index your photos.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.bridge.run(
                lambda engine: engine.delete_model(key), lambda _: self.refresh(), receiver=self
            )

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import model weights (or cancel to choose a model folder)",
            str(Path.home()),
            "open_clip weights (*.safetensors *.bin *.pt *.pth)",
        )
        if not path:
            path = QFileDialog.getExistingDirectory(
                self, "Import an open_clip model folder", str(Path.home())
            )
        if path:
            self.status.setText(f"Importing {Path(path).name}…")
            self.bridge.request_import_model.emit(path)


def _button(text: str, slot: object) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text.rstrip("…"))
    button.clicked.connect(slot)
    return button
