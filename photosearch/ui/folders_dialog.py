"""The folder manager: which folders are searched, how many photos, offline or skipped."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.types import Folder
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.sidebar import folder_state

COLUMNS = ("Folder", "Photos", "Skipped", "State", "Enabled", "Use polling")


class FoldersDialog(QDialog):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and its connections with it
        self.bridge = bridge
        self.setWindowTitle("Folders — PhotoSearch")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Folders")
        self.table.itemChanged.connect(self._flag_changed)
        self.empty = QLabel("No folders yet. Add the folders that hold your photos.")
        add = QPushButton("Add folder…")
        add.clicked.connect(self.add_folder)
        self.remove = QPushButton("Remove")
        self.remove.setToolTip("Forget this folder's photos (the files are not touched)")
        self.remove.clicked.connect(self.remove_selected)
        rescan = QPushButton("Rescan")
        rescan.clicked.connect(bridge.request_rescan.emit)
        buttons = QHBoxLayout()
        for b in (add, self.remove, rescan):
            buttons.addWidget(b)
        buttons.addStretch()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self._updating = False
        bridge.folders.connect(self.show_folders)
        bridge.request_refresh.emit()
        self.resize(760, 360)

    def show_folders(self, folders: list[Folder]) -> None:
        self._updating = True
        self.table.setRowCount(len(folders))
        modes = self.bridge.watch_modes()
        for row, f in enumerate(folders):
            state = folder_state(f, modes.get(f.path)) or "watched for changes"
            for col, text in enumerate((f.path, str(f.photo_count), str(f.error_count), state)):
                self.table.setItem(row, col, QTableWidgetItem(text))
            for col, value in ((4, f.enabled), (5, f.force_polling)):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                self.table.setItem(row, col, item)
        self.empty.setVisible(not folders)
        self.remove.setEnabled(bool(folders))
        self._updating = False

    def add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add a photo folder", str(Path.home()))
        if path:
            self.bridge.request_add_folder.emit(path)

    def remove_selected(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        for row in sorted(rows):
            self.bridge.request_remove_folder.emit(self.table.item(row, 0).text())

    def _flag_changed(self, item: QTableWidgetItem) -> None:
        if self._updating or item.column() not in (4, 5):
            return
        row = item.row()
        enabled = self.table.item(row, 4).checkState() == Qt.CheckState.Checked
        polling = self.table.item(row, 5).checkState() == Qt.CheckState.Checked
        self.bridge.request_folder_flags.emit(self.table.item(row, 0).text(), enabled, polling)
