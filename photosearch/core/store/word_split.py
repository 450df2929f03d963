"""Words for the full-text index: file and folder names split the way people type them.

``IMG_2041.jpg`` is found by ``IMG 2041``, ``HarbourStreet-3.png`` by ``harbour street``
and ``DSC04567`` by ``dsc 04567``: words split on punctuation, between letters and
digits, and at camel-case humps. Stored texts (names, captions, keywords, words read in
photos) are stored as their parts followed by each joined word whole (``Apple i Phone 12
iPhone``), and queries are split into parts only, so ``iphone``, ``iPhone`` and ``i
phone 12`` all meet it.
The catalog registers these as SQL functions, so the index follows every insert, rename
and move inside the same transaction.
"""

from __future__ import annotations

import os
import re

_RUNS = re.compile(r"[^\W_]+", re.UNICODE)
_PARTS = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _parts(run: str) -> list[str]:
    return [w for part in _PARTS.findall(run) for w in _HUMP.split(part) if w]


def query_words(text: str) -> str:
    """What was typed as space-separated parts: punctuation dropped, letters apart from
    digits, camel case split (``HarbourStreet`` → ``Harbour Street``)."""
    return " ".join(w for run in _RUNS.findall(text) for w in _parts(run))


def split_words(text: str | None) -> str | None:
    """A text to store: its parts in order (phrases of parts stay adjacent), then each
    word that split (``DSC04567``, ``iPhone``) whole, so that either form finds it."""
    if text is None:
        return None
    parts: list[str] = []
    joined: list[str] = []
    for run in _RUNS.findall(text):
        pieces = _parts(run)
        parts.extend(pieces)
        if pieces != [run]:
            joined.append(run)
    return " ".join(parts + joined)


def _text(path: bytes | str) -> str:
    return os.fsencode(path).decode("utf-8", "replace")


def name_words(path: bytes | str) -> str:
    """The words of a photo's file name, without its extension."""
    return split_words(os.path.splitext(os.path.basename(_text(path)))[0]) or ""


def folder_words(root: bytes | str, path: bytes | str) -> str:
    """The words of the folders from the root's own name down to the photo's folder
    (``/home/ann/Pictures/Trips/Rome 2019/a.jpg`` under ``Pictures`` → ``Pictures Trips
    Rome 2019``): the folders above the root say nothing about the photo."""
    root_text, directory = _text(root).rstrip(os.sep), os.path.dirname(_text(path))
    inside = os.path.relpath(directory, root_text) if directory.startswith(root_text) else ""
    parts = [os.path.basename(root_text), *(p for p in inside.split(os.sep) if p not in ("", "."))]
    return split_words(" ".join(parts)) or ""
