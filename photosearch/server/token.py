"""The API token: made once into the data folder (readable by the user only), or given by
``PHOTOSEARCH_API_TOKEN``. An empty or short token is refused, never accepted: an empty
one would let every request without a token in."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from photosearch.core.atomic import write_text_atomically
from photosearch.core.errors import PhotoSearchError

TOKEN_ENV = "PHOTOSEARCH_API_TOKEN"
TOKEN_FILE = "api-token"
MIN_TOKEN_LENGTH = 32
"""Characters a token needs at least (a made one has 43: 32 random bytes in base64)."""


class TokenError(PhotoSearchError):
    """The token given or kept is unusable; the message says how to fix it."""


def api_token(data_dir: Path) -> str:
    """The token requests must carry; made (mode 0600, written atomically) on first use
    and whenever the file is empty (a crash or a full disk while it was written)."""
    given = os.environ.get(TOKEN_ENV)
    if given is not None:
        return checked(given, f"The token in {TOKEN_ENV}")
    path = data_dir / TOKEN_FILE
    try:
        kept = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        kept = ""
    if kept:
        return checked(kept, f"The token in {path}")
    token = secrets.token_urlsafe(32)
    write_text_atomically(path, token + "\n")  # mode 0600: the user's alone
    return token


def checked(token: str, where: str) -> str:
    if len(token) < MIN_TOKEN_LENGTH:
        raise TokenError(
            f"{where} is too short to keep others out ({len(token)} characters; at least "
            f"{MIN_TOKEN_LENGTH} are needed). Use a longer one, or delete the file to have "
            "a new one made."
        )
    return token
