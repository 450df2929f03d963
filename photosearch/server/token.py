"""The API token: made once into the data folder (readable by the user only), or given by
``PHOTOSEARCH_API_TOKEN``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_ENV = "PHOTOSEARCH_API_TOKEN"
TOKEN_FILE = "api-token"


def api_token(data_dir: Path) -> str:
    """The token requests must carry; created (mode 0600) on first use."""
    given = os.environ.get(TOKEN_ENV)
    if given:
        return given
    path = data_dir / TOKEN_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token
