"""A second launch on the same library reaches the first window instead of failing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from photosearch.core.settings import AppPaths
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
        let_go(qtbot, server)


def let_go(qtbot: QtBot, server: InstanceServer) -> None:
    """Close the server and wait until Qt has deleted it (never under a live socket)."""
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


def test_the_socket_is_the_users_alone(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's folder (or socket) of the same name never stops PhotoSearch: the
    socket lives in a folder only this user can enter, and is closed to others."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    short = Path(tempfile.mkdtemp(prefix="ps-", dir="/tmp"))  # socket paths must be short
    monkeypatch.setattr(tempfile, "tempdir", str(short))
    taken = short / f"photosearch-{os.getuid()}"
    taken.mkdir(mode=0o777)
    taken.chmod(0o777)  # made first by someone else, open to all
    name = server_name(tmp_path / "data")
    folder = Path(name).parent
    assert folder != taken and folder.parent == short
    assert folder.stat().st_uid == os.getuid() and not folder.stat().st_mode & 0o077
    server = InstanceServer(name)
    try:
        assert server.listening
        assert not Path(name).stat().st_mode & 0o077  # the socket itself: user only
        with qtbot.waitSignal(server.request, timeout=5000) as got:
            assert hand_over(name, ["/photos/a.jpg"])
        assert got.args == [["/photos/a.jpg"]]
    finally:
        let_go(qtbot, server)
        shutil.rmtree(short)


def test_a_request_is_bounded(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtNetwork import QLocalSocket

    from photosearch.ui.single_instance import MAX_REQUEST_BYTES

    name = server_name(tmp_path / "data")
    server = InstanceServer(name)
    got: list[list[str]] = []
    server.request.connect(got.append)
    try:
        socket = QLocalSocket()
        socket.connectToServer(name)
        assert socket.waitForConnected(2000)
        socket.write(b"x" * (MAX_REQUEST_BYTES + 4096))  # no end of line: never a request
        socket.waitForBytesWritten(5000)
        qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState)
        assert got == [] and server._buffers == {}
        with qtbot.waitSignal(server.request, timeout=5000):
            assert hand_over(name, ["/photos/b.jpg"])  # and the server still answers
    finally:
        socket.deleteLater()
        let_go(qtbot, server)
