"""The photos (and folders) that could not be read, and why: a list to sort, copy, and
show in the file manager."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.wording import count
from photosearch.ui import actions
from photosearch.ui.wording import shown

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def skipped_summary(photos: int, folders: int) -> str:
    """``2 photos skipped · 1 folder could not be read`` (only the parts that apply)."""
    parts = [f"{count(photos, 'photo')} skipped"] if photos else []
    if folders:
        parts.append(f"{count(folders, 'folder')} could not be read")
    return " · ".join(parts)


class SkippedDialog(QDialog):
    """One row per photo or folder: its name, where it is, and why it was skipped."""

    def __init__(self, parent: QWidget, errors: list[tuple[str, str]], folders: set[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Skipped — PhotoSearch")
        photos = sum(path not in folders for path, _ in errors)
        said = QLabel(
            f"{skipped_summary(photos, len(errors) - photos)}. Damaged or unsupported files "
            "are left out of searches; they are tried again when they change."
        )
        said.setWordWrap(True)
        self.table = QTableWidget(len(errors), 4)
        self.table.setHorizontalHeaderLabels(["Name", "What", "Folder", "Why"])
        self.table.setAccessibleName("Skipped photos and folders")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, (path, reason) in enumerate(errors):
            kind = "Folder" if path in folders else "Photo"
            cells = (
                shown(os.path.basename(path.rstrip(os.sep)) or path),
                kind,
                shown(os.path.dirname(path.rstrip(os.sep))),
                reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(shown(path) if column != 3 else reason)
                item.setData(PATH_ROLE, path)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.setSortingEnabled(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        show = buttons.addButton("Show in folder", QDialogButtonBox.ButtonRole.ActionRole)
        show.clicked.connect(self.show_in_folder)
        copy = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip("Copy the chosen rows (or all) as text: path and why")
        copy.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def chosen(self) -> list[tuple[str, str]]:
        """(path, why) of the selected rows, or of every row when none is selected."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()}) or range(
            self.table.rowCount()
        )
        return [(self.table.item(r, 0).data(PATH_ROLE), self.table.item(r, 3).text()) for r in rows]

    def show_in_folder(self) -> None:
        for path, _ in self.chosen()[:1]:
            actions.show_in_folder(path)

    def copy(self) -> None:
        text = "\n".join(f"{shown(path)}\t{why}" for path, why in self.chosen())
        QGuiApplication.clipboard().setText(text)
