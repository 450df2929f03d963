"""Searches the user saved by name (words, query images, filters), kept in the catalog
so they live with the library, and re-run live each time they are opened."""

from __future__ import annotations

import json
import sqlite3
import time

from photosearch.core.catalog import Catalog
from photosearch.core.errors import PhotoSearchError
from photosearch.core.types import SavedSearch


def saved_searches(catalog: Catalog) -> list[SavedSearch]:
    rows = catalog.read().execute(
        "SELECT id, name, query, images FROM saved_searches ORDER BY name COLLATE NOCASE"
    )
    return [SavedSearch(r[0], r[1], r[2], tuple(json.loads(r[3]))) for r in rows]


def save_search(catalog: Catalog, name: str, text: str, images: tuple[str, ...]) -> SavedSearch:
    """Save under ``name``; a search saved earlier under the same name is replaced."""
    name = _valid(name)
    with catalog.write() as db:
        db.execute(
            """INSERT INTO saved_searches(name, query, images, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET query = excluded.query, images = excluded.images""",
            (name, text, json.dumps(list(images)), time.time()),
        )
        row = db.execute("SELECT id FROM saved_searches WHERE name = ?", (name,)).fetchone()
    return SavedSearch(row[0], name, text, tuple(images))


def rename_search(catalog: Catalog, search_id: int, name: str) -> None:
    name = _valid(name)
    try:
        with catalog.write() as db:
            db.execute("UPDATE saved_searches SET name = ? WHERE id = ?", (name, search_id))
    except sqlite3.IntegrityError:
        raise PhotoSearchError(f"A saved search is already called “{name}”.") from None


def delete_search(catalog: Catalog, search_id: int) -> None:
    with catalog.write() as db:
        db.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))


def _valid(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise PhotoSearchError("A saved search needs a name.")
    return name
