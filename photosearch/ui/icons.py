"""The app's icons: the desktop theme's where it has them, else the set Qt bundles with
itself (its style's standard icons), so every platform shows a consistent set without
shipping another icon package."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

SP = QStyle.StandardPixmap
ICONS: dict[str, tuple[str, QStyle.StandardPixmap]] = {
    "details": ("dialog-information", SP.SP_FileDialogInfoView),
    "filters": ("view-filter", SP.SP_FileDialogContentsView),
    "folders": ("folder", SP.SP_DirIcon),
    "settings": ("preferences-system", SP.SP_ComputerIcon),
    "save": ("document-save", SP.SP_DialogSaveButton),
    "back": ("go-previous", SP.SP_ArrowBack),
    "previous": ("go-previous", SP.SP_ArrowLeft),
    "next": ("go-next", SP.SP_ArrowRight),
    "open": ("document-open", SP.SP_DialogOpenButton),
    "pause": ("media-playback-pause", SP.SP_MediaPause),
    "resume": ("media-playback-start", SP.SP_MediaPlay),
    "warning": ("dialog-warning", SP.SP_MessageBoxWarning),
    "trash": ("user-trash", SP.SP_TrashIcon),
}


def icon(name: str) -> QIcon:
    theme, standard = ICONS[name]
    style = QApplication.style()
    return QIcon.fromTheme(theme, style.standardIcon(standard))
