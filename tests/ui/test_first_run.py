"""First run in the window: no internet is said in words with a retry, the demo starts
from the welcome page, and the demo window says what it is."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from photosearch.config import DEFAULT_MODEL, AppPaths
from photosearch.ui.app import create_window
from photosearch.ui.welcome import demo_command
from tests.conftest import allow_downloads
from tests.ui.test_main_window import open_window, welcome_dialog


def test_no_internet_is_said_in_words_with_a_retry(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nobody listens on: the "hub" cannot be reached
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    allow_downloads(monkeypatch)
    win = open_window(qtbot, tmp_path / "app", [], model=DEFAULT_MODEL)
    try:
        qtbot.waitUntil(lambda: welcome_dialog() is not None, timeout=10_000)
        dialog = welcome_dialog()
        assert dialog is not None
        for attempt in range(2):
            qtbot.mouseClick(dialog.download, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.download.isEnabled(), timeout=60_000)
            assert dialog.status.text().startswith("No internet connection"), attempt
            assert dialog.download.text() == "Retry download"
            shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
            assert "Errno" not in shown and "photosearch " not in shown
    finally:
        win.close()
        win.bridge.shutdown()


def test_the_demo_command_of_the_welcome_page_works(tmp_path: Path) -> None:
    program, arguments = demo_command()
    proc = subprocess.run(
        [program, *arguments, "--no-gui", "--count", "30"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "a red circle" in proc.stdout


def test_the_demo_window_says_it_is_the_demo(qtbot: QtBot, tmp_path: Path) -> None:
    window = create_window(AppPaths.resolve(tmp_path / "demo"), watch=False, demo=True)
    qtbot.addWidget(window)
    try:
        assert "demo" in window.windowTitle()
        texts = " ".join(label.text() for label in window.findChildren(QLabel))
        assert "This is the demo" in texts
    finally:
        window.close()
        window.bridge.shutdown()
