"""What the user can do with a photo: open it, show it in its folder, copy it."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QImageReader
from PySide6.QtWidgets import QApplication, QMessageBox

from photosearch.ui.wording import shown


def open_file(path: str) -> bool:
    """Open a photo in its default app (a folder in the file manager); when no app takes
    it, say so (an app to open it is chosen in the system's settings)."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
        return True
    name = os.path.basename(path.rstrip(os.sep)) or path
    QMessageBox.information(
        QApplication.activeWindow(),
        "Nothing opens it",
        f"No app on this computer opens “{shown(name)}”. Choose one in your system's "
        "settings (default apps), then try again.",
    )
    return False


def show_in_folder(path: str) -> bool:
    """Reveal the file in the system file manager (selected where the platform allows)."""
    if sys.platform == "darwin":
        return subprocess.call(["open", "-R", path]) == 0
    if sys.platform == "win32":
        return subprocess.call(["explorer", "/select,", os.path.normpath(path)]) in (0, 1)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


OWN_FORMAT = "application/x-photosearch"
"""Marks clipboard data this app created, so that only that is released on quit."""


def copy_paths(paths: list[str]) -> None:
    mime = QMimeData()
    mime.setData(OWN_FORMAT, b"1")
    mime.setText("\n".join(paths))
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    QGuiApplication.clipboard().setMimeData(mime)


def read_image(path: str) -> QImage:
    """The photo upright, read by its real bytes (so any file name works); a null image
    if it cannot be read. Seconds for a large photo: call it off the GUI thread."""
    try:
        with open(path, "rb") as fh:
            data = QByteArray(fh.read())
    except OSError:
        return QImage()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    buffer.close()
    return image


def put_image_on_clipboard(image: QImage) -> bool:
    if image.isNull():
        return False
    QGuiApplication.clipboard().setImage(image)
    return True


def release_clipboard() -> None:
    """Drop what this app put on the clipboard while Python is still alive.

    Qt deletes clipboard data in its exit handlers; data created from Python would call
    back into an interpreter that no longer exists (a crash on quit).
    """
    clipboard = QGuiApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasFormat(OWN_FORMAT):
        clipboard.clear()
