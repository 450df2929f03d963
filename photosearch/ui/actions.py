"""What the user can do with a photo: open it, show it in its folder, copy it."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage


def open_file(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> bool:
    """Reveal the file in the system file manager (selected where the platform allows)."""
    if sys.platform == "darwin":
        return subprocess.call(["open", "-R", path]) == 0
    if sys.platform == "win32":
        return subprocess.call(["explorer", "/select,", os.path.normpath(path)]) in (0, 1)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


def copy_paths(paths: list[str]) -> None:
    mime = QMimeData()
    mime.setText("\n".join(paths))
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    QGuiApplication.clipboard().setMimeData(mime)


def copy_image(path: str) -> bool:
    image = QImage(path)
    if image.isNull():
        return False
    QGuiApplication.clipboard().setImage(image)
    return True
