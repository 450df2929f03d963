"""Words for the full-text index: file and folder names split the way people type them.

``IMG_2041.jpg`` is found by ``IMG 2041``, ``HarbourStreet-3.png`` by ``harbour street``
and ``DSC04567`` by ``dsc 04567``: names split on punctuation, between letters and
digits, and at camel-case humps. Every text in the index (captions, keywords, words read
in photos) and every query is split the same way, so what is typed meets what is stored.
The catalog registers these as SQL functions, so the index follows every insert, rename
and move inside the same transaction.
"""

from __future__ import annotations

import os
import re

_PARTS = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def split_words(text: str | None) -> str | None:
    """``text`` as space-separated words: punctuation dropped, letters apart from digits,
    camel case split (``HarbourStreet`` → ``Harbour Street``)."""
    if text is None:
        return None
    words: list[str] = []
    for part in _PARTS.findall(text):
        words.extend(_HUMP.split(part))
    return " ".join(w for w in words if w)


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
