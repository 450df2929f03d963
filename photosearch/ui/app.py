"""Starting the desktop app: the window first, then the model loads behind it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from photosearch import __version__
from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError
from photosearch.core.settings import AppPaths
from photosearch.logs import setup_logging
from photosearch.ui import theme
from photosearch.ui.actions import release_clipboard
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.main_window import MainWindow
from photosearch.ui.single_instance import InstanceServer, hand_over, server_name

ICON = Path(__file__).resolve().parent.parent / "assets" / "photosearch.svg"


def app_icon() -> QIcon:
    return QIcon(str(ICON))


def create_window(
    paths: AppPaths, watch: bool = True, quiet_s: float = 1.0, demo: bool = False
) -> MainWindow:
    """The main window over an engine on ``paths``, loading the model in the background."""
    # The GUI thread shares the GIL with the indexing threads: a short switch interval
    # bounds how long it can wait for it, so the window stays smooth while indexing.
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.apply(app, theme.saved_choice(paths.data_dir))
    engine = Engine.open(paths)
    bridge = EngineBridge(engine, watch=watch, quiet_s=quiet_s)
    window = MainWindow(bridge, app_icon(), demo=demo)
    bridge.start()
    return window


def run_app(
    paths: AppPaths | None = None, similar: list[str] | None = None, demo: bool = False
) -> int:
    """The app; ``similar``: photos to search by. A window already open on this library
    gets them instead, and comes to the front. ``demo``: the demo library, said so."""
    paths = paths or AppPaths.resolve()
    setup_logging(paths.log_dir)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("PhotoSearch")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("photosearch")
    app.setWindowIcon(app_icon())
    images = [os.path.abspath(p) for p in similar or []]
    name = server_name(paths.data_dir)
    if hand_over(name, images):
        return 0
    try:
        window = create_window(paths, demo=demo)
    except PhotoSearchError as exc:
        QMessageBox.critical(None, "PhotoSearch", str(exc))
        return 1
    server = InstanceServer(name, window)
    server.request.connect(window.bring_forward)
    window.bring_forward(images)
    code = app.exec()
    window.bridge.shutdown()
    release_clipboard()
    return code
