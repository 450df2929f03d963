"""Searches the user saved by name (words, query images, filters), kept in the catalog
so they live with the library, and re-run live each time they are opened."""

from __future__ import annotations

import json
import sqlite3
import time

from photosearch.core.errors import PhotoSearchError
from photosearch.core.store.catalog import Catalog
from photosearch.core.types import ImageQuery, SavedSearch

NEWEST_SEEN = "SELECT coalesce(max(id), 0) FROM photos WHERE status = 'ok'"
"""The newest photo a person can have seen: photos still waiting to be indexed are not
(they join an album as new once they are searchable)."""


def saved_searches(catalog: Catalog) -> list[SavedSearch]:
    rows = catalog.read().execute(
        "SELECT id, name, query, images, seen_photo_id FROM saved_searches"
        " ORDER BY name COLLATE NOCASE"
    )
    return [SavedSearch(r[0], r[1], r[2], _images(json.loads(r[3])), r[4]) for r in rows]


def saved_search(catalog: Catalog, name: str) -> SavedSearch:
    """The saved search (album) called ``name``, whatever the case."""
    wanted = " ".join(name.split()).casefold()
    found = [s for s in saved_searches(catalog) if s.name.casefold() == wanted]
    if not found:
        names = ", ".join(s.name for s in saved_searches(catalog)) or "none yet"
        raise PhotoSearchError(f"No album is called “{name}” (albums: {names}).")
    return found[0]


def mark_seen(catalog: Catalog, search_id: int) -> int:
    """Record that the user looked at the search now; returns the newest photo id seen
    before, so that what arrived since can be shown as new."""
    with catalog.write() as db:
        row = db.execute(
            "SELECT seen_photo_id FROM saved_searches WHERE id = ?", (search_id,)
        ).fetchone()
        db.execute(
            f"UPDATE saved_searches SET seen_photo_id = ({NEWEST_SEEN}) WHERE id = ?",
            (search_id,),
        )
    return int(row[0]) if row else 0


def _images(stored: list[object]) -> tuple[ImageQuery, ...]:
    """Query images as saved: a path, or ``{"path", "crop", "weight", "mark"}`` (saved
    before marks were kept as such, a weight other than 1 was a mark)."""
    found = []
    for item in stored:
        if isinstance(item, str):
            found.append(ImageQuery(item))
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            crop = item.get("crop")
            weight = float(item.get("weight", 1.0))
            mark = item.get("mark")
            if not isinstance(mark, int):
                mark = 0 if weight == 1.0 else (1 if weight > 0 else -1)
            found.append(
                ImageQuery(
                    item["path"],
                    tuple(crop) if isinstance(crop, list) and len(crop) == 4 else None,
                    weight,
                    max(-1, min(1, mark)),
                )
            )
    return tuple(found)


def _stored(image: str | ImageQuery) -> object:
    if isinstance(image, str):
        return image
    return {"path": image.path, "crop": image.crop, "weight": image.weight, "mark": image.mark}


def save_search(
    catalog: Catalog, name: str, text: str, images: tuple[str | ImageQuery, ...]
) -> SavedSearch:
    """Save under ``name``; a search saved earlier under the same name is replaced."""
    name = _valid(name)
    with catalog.write() as db:
        db.execute(
            f"""INSERT INTO saved_searches(name, query, images, created_at, seen_photo_id)
               VALUES (?, ?, ?, ?, ({NEWEST_SEEN}))
               ON CONFLICT(name) DO UPDATE SET query = excluded.query, images = excluded.images,
                   seen_photo_id = excluded.seen_photo_id""",
            (name, text, json.dumps([_stored(i) for i in images]), time.time()),
        )
        row = db.execute(
            "SELECT id, seen_photo_id FROM saved_searches WHERE name = ?", (name,)
        ).fetchone()
    return SavedSearch(row[0], name, text, _images([_stored(i) for i in images]), row[1])


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
