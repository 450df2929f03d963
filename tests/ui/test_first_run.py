"""First run in the window: no internet is said in words with a retry, the demo starts
from the welcome page, and the demo window says what it is."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from photosearch.core.settings import DEFAULT_MODEL, AppPaths
from photosearch.ui.app import create_window
from photosearch.ui.welcome import demo_command
from tests.conftest import allow_downloads
from tests.ui.windows import open_window, welcome_dialog


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


def test_the_demo_opens_beside_a_running_app(qapp: object, tmp_path: Path) -> None:
    """The user's library is open (its lock held, as by the app): the welcome page's demo
    still prints its answers, and its window comes up and answers "a red circle"."""
    from photosearch.core.app.engine import Engine
    from photosearch.demo import demo_paths
    from photosearch.ui.single_instance import hand_over, server_name

    program, arguments = demo_command()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PHOTOSEARCH_HOME": str(tmp_path)}
    paths = AppPaths.resolve(tmp_path)
    with Engine.open(paths):  # the app holds the library
        printed = subprocess.run(
            [program, *arguments, "--no-gui", "--count", "30"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert printed.returncode == 0, printed.stderr
        answers = printed.stdout.strip().split("\n\n")[0].splitlines()
        assert answers[0] == "a red circle" and "red-circle" in answers[1]
        window = subprocess.Popen(
            [program, *arguments, "--count", "30"], env=env, stderr=subprocess.PIPE, text=True
        )
        try:
            demo = demo_paths(paths)
            deadline = time.monotonic() + 120
            while not hand_over(server_name(demo.data_dir), []):  # until its window listens
                assert window.poll() is None, window.stderr.read() if window.stderr else ""
                assert time.monotonic() < deadline, "the demo window never came up"
                time.sleep(0.3)
            with Engine.open(demo, exclusive=False) as beside:
                top = beside.search("a red circle", limit=1).hits
            assert top and "red-circle" in top[0].path
        finally:
            window.terminate()
            window.wait(30)


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
