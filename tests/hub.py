"""A stand-in for the Hugging Face file server, so downloads run for real on localhost.

It answers what ``huggingface_hub`` asks of a file: a HEAD with the commit, the ETag
(the file's sha256, as the hub gives for LFS files) and the size, then a GET, resumable
with ``Range``.
"""

from __future__ import annotations

import hashlib
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class Hub(BaseHTTPRequestHandler):
    """Serves ``files`` by URL path; ``damaged`` paths get their sha256 announced wrong."""

    files: ClassVar[dict[str, bytes]] = {}
    ranges: ClassVar[list[str]] = []
    damaged: ClassVar[set[str]] = set()
    _sums: ClassVar[dict[int, str]] = {}

    def _headers(self, body: bytes, length: int) -> None:
        digest = self._sums.get(id(body))
        if digest is None:
            digest = self._sums[id(body)] = hashlib.sha256(body).hexdigest()
        if self.path in self.damaged:
            digest = "0" * 64
        self.send_header("Content-Length", str(length))
        self.send_header("ETag", f'"{digest}"')
        self.send_header("X-Linked-Etag", f'"{digest}"')
        self.send_header("X-Linked-Size", str(len(body)))
        self.send_header("X-Repo-Commit", COMMIT)
        self.end_headers()

    def _missing(self) -> None:
        self.send_response(404)
        self.send_header("X-Error-Code", "EntryNotFound")  # as the hub says it
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self._missing()
            return
        self.send_response(200)
        self._headers(body, len(body))

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self._missing()
            return
        start = 0
        if rng := self.headers.get("Range"):
            self.ranges.append(rng)
            start = int(rng.split("=")[1].split("-")[0])
        self.send_response(206 if start else 200)
        self._headers(body, len(body) - start)
        self.wfile.write(body[start:])

    def log_message(self, *_: object) -> None:
        pass


def release(key: str) -> dict[str, bytes]:
    """What the hub holds for model ``key``: its architecture's weights (random, in
    float16 as published), under the URL path the download asks for."""
    import open_clip
    from safetensors.torch import save

    from photosearch.core.model import models

    spec = models.spec_for(key)
    assert spec is not None
    weights = open_clip.create_model(spec.arch).state_dict()
    body = save({name: tensor.half().contiguous() for name, tensor in weights.items()})
    repo = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained)["hf_hub"].strip("/")
    return {f"/{repo}/resolve/main/{models.WEIGHT_NAMES[0]}": body}


def main() -> None:
    """``python -m tests.hub KEY PORT_FILE``: serve ``KEY`` until killed (for the frozen
    app's download check in ``.ci/bundle``); the port is written once it listens."""
    import sys
    from http.server import ThreadingHTTPServer
    from pathlib import Path

    key, port_file = sys.argv[1], Path(sys.argv[2])
    Hub.files = release(key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    port_file.write_text(str(server.server_port))
    server.serve_forever()


if __name__ == "__main__":
    main()
