"""JSON that is always valid UTF-8 (RFC 8259), whatever bytes the file names hold.

Paths are kept as the OS gives them; on POSIX a name need not be UTF-8, and Python carries
its undecodable bytes as lone surrogates, which no strict JSON reader accepts. So every
string is written as text with such bytes escaped (``\\xff``), and a path that needed it
also carries ``path_bytes``: its exact bytes in base64, to get the file back losslessly.
"""

from __future__ import annotations

import base64
import json
import os


def readable(value: str) -> str:
    """``value`` as valid Unicode: undecodable bytes become the text ``\\xNN``."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(value).decode("utf-8", "backslashreplace")
    return value


def path_fields(path: str) -> dict[str, str]:
    """``{"path": readable text}``, plus ``"path_bytes"`` (base64) when the name is not UTF-8."""
    text = readable(path)
    if text == path:
        return {"path": path}
    return {"path": text, "path_bytes": base64.b64encode(os.fsencode(path)).decode("ascii")}


def _clean(value: object) -> object:
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):
        return {readable(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def dumps(value: object) -> str:
    """JSON text of ``value`` in which every string is valid Unicode."""
    return json.dumps(_clean(value), ensure_ascii=False, indent=1)
