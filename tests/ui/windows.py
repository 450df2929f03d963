"""Windows for the UI tests: a data folder as a user left it, a real window on it
(offscreen), and waiting for its indexing — shared by every window test module."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.settings import AppPaths
from photosearch.ui.app import create_window
from photosearch.ui.main_window import MainWindow
from photosearch.ui.welcome import WelcomeDialog


def prepare_home(home: Path, folders: list[Path], model: str = models.DEMO_KEY) -> AppPaths:
    """A data folder with ``folders`` added and ``model`` chosen, as a user left it."""
    paths = AppPaths.resolve(home)
    engine = Engine.open(paths)
    engine.settings_file.change(model=model)
    for folder in folders:
        engine.library.add_folder(folder)
    engine.close()
    return paths


def open_window(
    qtbot: QtBot, home: Path, folders: list[Path], model: str = models.DEMO_KEY
) -> MainWindow:
    """A window on a fresh data folder: it indexes ``folders`` as it starts."""
    return _shown(qtbot, prepare_home(home, folders, model))


def indexed_home(home: Path, folders: list[Path]) -> Path:
    """A data folder with ``folders`` indexed, their words read and faces looked for, as
    a user left it: built once for a module, copied for each of its tests."""
    engine = Engine.open(prepare_home(home, folders))
    try:
        engine.update()
        engine.learn_words()
    finally:
        engine.close()
    return home


def open_copy(qtbot: QtBot, home: Path, into: Path) -> MainWindow:
    """A window on a copy of the data folder ``home`` (see :func:`indexed_home`)."""
    shutil.copytree(home, into)
    return _shown(qtbot, AppPaths.resolve(into))


def _shown(qtbot: QtBot, paths: AppPaths) -> MainWindow:
    window = create_window(paths, quiet_s=0.3)
    qtbot.addWidget(window)
    window.show()
    return window


def wait_indexed(qtbot: QtBot, window: MainWindow, count: int, timeout: int = 120_000) -> None:
    engine = window.bridge.engine
    qtbot.waitUntil(lambda: window.library.model_state == "ready", timeout=60_000)
    qtbot.waitUntil(
        lambda: engine.catalog.counts(engine.vectors().model_id)["indexed"] >= count,
        timeout=timeout,
    )


def welcome_dialog() -> WelcomeDialog | None:
    """The welcome dialog on screen (those of earlier tests may linger, hidden)."""
    shown = (w for w in QApplication.topLevelWidgets() if isinstance(w, WelcomeDialog))
    return next((w for w in shown if w.isVisible()), None)
