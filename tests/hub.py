"""A stand-in for the Hugging Face file server, so downloads run for real on localhost."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import ClassVar


class Hub(BaseHTTPRequestHandler):
    """Serves ``files`` by URL path, with Range support for resumed downloads."""

    files: ClassVar[dict[str, bytes]] = {}
    ranges: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if rng := self.headers.get("Range"):
            self.ranges.append(rng)
            start = int(rng.split("=")[1].split("-")[0])
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *_: object) -> None:
        pass
