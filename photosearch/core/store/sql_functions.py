"""What the catalog's SQL calls, and how values cross into it and back.

Paths are stored as the bytes the OS gives (``os.fsencode``) so that names that are not
valid UTF-8 round-trip exactly; names are matched folded (any case, any Unicode form) and
sorted with their numbers in order. ``register`` gives every connection these functions.
"""

from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from photosearch.core.store.word_split import folder_words, name_words, split_words
from photosearch.core.types import Photo, place_key


def path_bytes(path: str | os.PathLike[str]) -> bytes:
    """A path as the catalog stores it."""
    return os.fsencode(path)


def path_text(raw: bytes) -> str:
    """A stored path back as Python names files."""
    return os.fsdecode(raw)


def extension(path: str) -> str:
    """A file's extension as the catalog keeps it: lower case, no dot."""
    return os.path.splitext(path)[1].lower().lstrip(".")


PHOTO_COLUMNS = (
    "p.id, p.path, p.size, p.mtime_ns, p.width, p.height, p.taken_at, f.online,"
    " (SELECT duration FROM videos v WHERE v.photo_id = p.id)"
)


def photo_from_row(row: Sequence[object]) -> Photo:
    return Photo(
        id=int(row[0]),  # type: ignore[arg-type]
        path=path_text(row[1]),  # type: ignore[arg-type]
        size=int(row[2]),  # type: ignore[arg-type]
        mtime_ns=int(row[3]),  # type: ignore[arg-type]
        width=row[4],  # type: ignore[arg-type]
        height=row[5],  # type: ignore[arg-type]
        taken_at=row[6],  # type: ignore[arg-type]
        folder_online=bool(row[7]),
        duration=row[8],  # type: ignore[arg-type]
    )


def fold(text: str) -> str:
    """Text for matching names as people type them: composed (macOS stores "é" as "e"
    plus an accent) and case-folded in every script (É ~ é, STRASSE ~ Straße)."""
    return unicodedata.normalize("NFC", text).casefold()


@lru_cache(maxsize=1 << 16)
def _folded(path: bytes | str) -> str:
    """SQL ``folded(path)``: a stored path (bytes, see above) folded for matching; bytes
    that are not UTF-8 become U+FFFD (nobody types them, and SQLite takes no surrogates)."""
    return fold(os.fsencode(path).decode("utf-8", "replace"))


def name_key(path: bytes | str) -> str:
    """What file names sort by: folded, with numbers in order (IMG_9 before IMG_10)."""
    name = _folded(os.path.basename(os.fsencode(path)))
    return re.sub(r"\d+", lambda m: m.group().rjust(12, "0"), name)


def register(db: sqlite3.Connection) -> None:
    """The catalog's own SQL functions, on one connection."""
    db.create_function("folded", 1, _folded, deterministic=True)
    db.create_function("name_key", 1, name_key, deterministic=True)
    db.create_function("words", 1, split_words, deterministic=True)
    db.create_function("place_key", 1, place_key, deterministic=True)
    db.create_function("name_words", 1, name_words, deterministic=True)
    db.create_function("folder_words", 2, folder_words, deterministic=True)


def rows_in(
    db: sqlite3.Connection, sql: str, params: tuple[object, ...], ids: Sequence[int]
) -> list[Any]:
    """Rows of ``sql`` (``{}`` where the id list goes) for ``ids``, 900 at a time (SQLite's
    limit on parameters)."""
    rows: list[Any] = []
    for start in range(0, len(ids), 900):
        part = list(ids[start : start + 900])
        rows += db.execute(sql.format(",".join("?" * len(part))), (*params, *part)).fetchall()
    return rows


def unpack_vectors(rows: Sequence[tuple[int, bytes]], dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of (id, float32 bytes) rows."""
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(-1, dim)
    return ids, vectors
