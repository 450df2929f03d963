"""One window per library: a second launch hands its request to the first, then exits.

The first window listens on a local socket named after the data folder; a later
``photosearch`` (or ``photosearch --similar FILE…`` from a file manager's *Open with*)
connects, sends the images to search by as one JSON line, and the first window comes to
the front with them, instead of a second app failing on the library's lock.

The socket is this user's alone: on POSIX it lives in a folder only the user can enter
(``$XDG_RUNTIME_DIR``, else a private folder in the temp dir, checked for its owner and
mode), so another user can neither connect nor take the name first; Qt's user access
option restricts the socket (and a Windows pipe) itself. A request is bounded in size.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 300
MAX_REQUEST_BYTES = 1 << 20
"""A request is a list of image paths: far below this; a longer one is dropped."""
SOCKET_PATH_MAX = 100
"""Unix socket paths must fit in ``sun_path`` (108 bytes on Linux, 104 on macOS)."""


def server_name(data_dir: Path) -> str:
    """A socket name for this user and this library (two libraries: two windows); on
    POSIX, a full path inside a folder only this user can enter."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha1(f"{user}|{data_dir.resolve()}".encode()).hexdigest()[:16]
    name = f"photosearch-{digest}"
    if not hasattr(os, "getuid"):
        return name  # a Windows pipe: the user access option restricts it
    for folder in _private_folders():
        path = os.path.join(folder, name)
        if len(os.fsencode(path)) <= SOCKET_PATH_MAX:
            return path
    log.warning("no private folder short enough for the socket; using Qt's own place")
    return name


def _private_folders() -> list[str]:
    """Folders only this user can enter and write, best first (created if need be)."""
    found = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and _private(runtime):
        found.append(runtime)
    own = os.path.join(tempfile.gettempdir(), f"photosearch-{os.getuid()}")
    try:
        os.mkdir(own, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        log.warning("cannot make %s: %s", own, exc)
    if _private(own):
        found.append(own)
    else:  # someone else made it first: a folder of our own, new each time
        found.append(tempfile.mkdtemp(prefix=f"photosearch-{os.getuid()}-"))
    return found


def _private(folder: str) -> bool:
    """Owned by this user, a real folder (not a link), and closed to everyone else."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def hand_over(name: str, images: list[str]) -> bool:
    """Give ``images`` to the window already open on this library; False if there is none."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write((json.dumps({"images": images}) + "\n").encode("utf-8"))
    socket.flush()
    socket.waitForBytesWritten(2000)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; ``request`` carries their images (maybe none)."""

    request = Signal(object)  # list[str] of image paths

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._accept)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # no window answered ``hand_over``: a socket file left by a crash is stale
        QLocalServer.removeServer(name)
        self.listening = self._server.listen(name)
        if not self.listening:
            log.warning("cannot listen for other launches: %s", self._server.errorString())
        self._buffers: dict[QLocalSocket, bytes] = {}

    def close(self) -> None:
        """Stop listening (the window is going away)."""
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._read(s, done=True))

    def _read(self, socket: QLocalSocket, done: bool = False) -> None:
        if socket not in self._buffers:
            return
        self._buffers[socket] += bytes(socket.readAll().data())
        line, newline, _ = self._buffers[socket].partition(b"\n")
        if len(line) > MAX_REQUEST_BYTES:
            log.warning("dropped a request of more than %d bytes from another launch", len(line))
            del self._buffers[socket]
            socket.disconnectFromServer()
            socket.deleteLater()
            return
        if not newline and not done:
            return
        del self._buffers[socket]
        socket.deleteLater()
        try:
            images = json.loads(line.decode("utf-8")).get("images", [])
        except (ValueError, AttributeError):
            log.warning("ignored a malformed request from another launch")
            return
        self.request.emit([str(p) for p in images if isinstance(p, str)])
