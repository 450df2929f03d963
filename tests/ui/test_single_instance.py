"""A second launch on the same library reaches the first window instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from photosearch.config import AppPaths
from photosearch.ui.single_instance import InstanceServer, hand_over, server_name


def test_a_later_launch_hands_its_images_over(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(tmp_path / "data")
    assert not hand_over(name, [])  # nobody listens yet
    server = InstanceServer(name)
    try:
        assert server.listening
        with qtbot.waitSignal(server.request, timeout=5000) as got:
            assert hand_over(name, ["/photos/café.jpg", "/photos/b.png"])
        assert got.args == [["/photos/café.jpg", "/photos/b.png"]]
    finally:
        server.close()
        with qtbot.waitSignal(server.destroyed, timeout=5000):
            server.deleteLater()


def test_libraries_have_their_own_window(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")


def test_second_app_process_exits_at_once(qapp: object, tmp_path: Path) -> None:
    """Real processes: the first app runs; a second launch with --similar returns 0."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PHOTOSEARCH_HOME": str(tmp_path)}
    first = subprocess.Popen(
        [sys.executable, "-m", "photosearch"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        name = server_name(AppPaths.resolve(tmp_path).data_dir)
        deadline = time.monotonic() + 60
        while not hand_over(name, []):  # until the first window listens
            assert first.poll() is None and time.monotonic() < deadline, "first app not up"
            time.sleep(0.2)
        photo = tmp_path / "x.jpg"
        photo.write_bytes(b"")
        second = subprocess.run(
            [sys.executable, "-m", "photosearch", "--similar", str(photo)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert "already running" not in second.stderr
        assert first.poll() is None  # the first window is still there
    finally:
        first.terminate()
        first.wait(30)
