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
from collections.abc import Callable, Sequence
from datetime import datetime

from photosearch.core.types import Hit, Person, Place


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


def hit_dict(hit: Hit) -> dict[str, object]:
    """One search result as ``--json`` and the HTTP API give it."""
    p = hit.photo
    video = {"duration": p.duration, "at": hit.at} if p.is_video else {}
    if hit.motion is not None:  # a Live Photo: the still, and the clip taken with it
        video = {"live": path_fields(hit.motion.path)["path"]}
    return {
        **path_fields(p.path),
        "media": "video" if p.is_video else "photo",
        **video,
        "score": None if hit.score is None else round(hit.score, 4),
        "id": p.id,
        "size": p.size,
        "width": p.width,
        "height": p.height,
        "date": datetime.fromtimestamp(p.date).isoformat(timespec="seconds"),
        "online": p.folder_online,
        "people": [{"id": who.id, "name": who.name} for who in hit.people],
    }


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


def places_dict(found: Sequence[tuple[Place, int]]) -> dict[str, object]:
    """``photosearch places --json`` and ``/api/places``: each town with its count."""
    return {
        "places": [
            {"country": p.country, "region": p.region, "city": p.city, "photos": n}
            for p, n in found
        ]
    }


def people_dict(
    found: Sequence[Person], photos_of: Callable[[Person], Sequence[str]]
) -> dict[str, object]:
    """``photosearch people --json`` and ``/api/people``: each person, biggest first, with
    the paths of their photos (newest first)."""
    return {
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "faces": p.faces,
                "hidden": p.hidden,
                "photos": [path_fields(path) for path in photos_of(p)],
            }
            for p in found
        ]
    }
