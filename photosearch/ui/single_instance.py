"""One window per library: a second launch hands its request to the first, then exits.

The first window listens on a local socket named after the data folder; a later
``photosearch`` (or ``photosearch --similar FILE…`` from a file manager's *Open with*)
connects, sends the images to search by as one JSON line, and the first window comes to
the front with them, instead of a second app failing on the library's lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 300


def server_name(data_dir: Path) -> str:
    """A socket name for this user and this library (two libraries: two windows)."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha1(f"{user}|{data_dir.resolve()}".encode()).hexdigest()[:16]
    return f"photosearch-{digest}"


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

    request = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._accept)
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
