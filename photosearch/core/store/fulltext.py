"""The catalog's text side: metadata rows, words read in photos, and full-text queries.

Rows live in ``photo_meta``; the FTS5 index ``photo_fts`` follows it and the photos
table through triggers (``schema._v5``), so nothing here has to keep two places in step.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from photosearch.core.media.metadata import PhotoMeta
from photosearch.core.store.word_split import query_words
from photosearch.core.types import Place, place_key


class Catalog(Protocol):
    """What this module needs of ``core.catalog.Catalog`` (which imports this module:
    naming the class here would make the two import each other)."""

    def read(self) -> sqlite3.Connection: ...
    def write(self) -> AbstractContextManager[sqlite3.Connection]: ...


BM25_WEIGHTS = (2.0, 1.0, 1.0, 3.0, 3.0, 2.0, 3.0)
"""Column weights for ranking (name, folders, camera, tags, caption, ocr, place): words a
person chose (keywords, captions) and where the photo was taken say more than words that
happen to be in a path."""
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "over",
        "the",
        "to",
        "under",
        "with",
        "photo",
        "photos",
        "picture",
        "pictures",
        "image",
        "images",
        "shot",
    ]
)
"""Words that carry no meaning for a text match: "a photo of a receipt" looks for
"receipt" in the photo's words, while CLIP still reads the whole phrase."""
COLUMN_FILTERS = {
    "text": "ocr",
    "name": "name",
    "camera": "camera",
    "tag": "tags",
}
"""Query filters that look in one column: ``text:`` the words read in the photo.
(``place:`` compares names instead: ``place_clause``.)"""


def store_meta(db: sqlite3.Connection, rows: Sequence[tuple[int, PhotoMeta]]) -> None:
    """Insert or refresh metadata (inside the caller's transaction); words already read
    in the photo are kept."""
    db.executemany(
        """INSERT INTO photo_meta(photo_id, camera, lens, latitude, longitude, title,
               description, keywords, rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(photo_id) DO UPDATE SET camera = excluded.camera,
               lens = excluded.lens, latitude = excluded.latitude,
               longitude = excluded.longitude, title = excluded.title,
               description = excluded.description, keywords = excluded.keywords,
               rating = excluded.rating,
               place_done = (photo_meta.latitude IS excluded.latitude
                   AND photo_meta.longitude IS excluded.longitude AND photo_meta.place_done)""",
        [
            (
                photo_id,
                m.camera,
                m.lens,
                m.latitude,
                m.longitude,
                m.title,
                m.description,
                "; ".join(m.keywords) or None,
                m.rating,
            )
            for photo_id, m in rows
        ],
    )


READY_SQL = "JOIN folders f ON f.id = p.folder_id WHERE f.enabled AND f.online AND p.status = 'ok'"
"""Photos ``p`` indexed in folders that are on and reachable: what the passes look at."""


def meta_missing(catalog: Catalog, limit: int) -> list[tuple[int, str]]:
    """Indexed photos whose metadata was never read (libraries from before it was kept)."""
    rows = catalog.read().execute(
        f"""SELECT p.id, p.path FROM photos p {READY_SQL} AND NOT EXISTS
            (SELECT 1 FROM photo_meta m WHERE m.photo_id = p.id) ORDER BY p.id LIMIT ?""",
        (limit,),
    )
    return [(r[0], os.fsdecode(r[1])) for r in rows]


def meta_missing_count(catalog: Catalog) -> int:
    row = catalog.read().execute(
        f"""SELECT count(*) FROM photos p {READY_SQL} AND NOT EXISTS
            (SELECT 1 FROM photo_meta m WHERE m.photo_id = p.id)"""
    )
    return int(row.fetchone()[0])


def add_meta(catalog: Catalog, rows: Sequence[tuple[int, PhotoMeta]]) -> None:
    """Record metadata read apart from indexing (a photo removed meanwhile is skipped)."""
    with catalog.write() as db:
        store_meta(
            db,
            [
                row
                for row in rows
                if db.execute("SELECT 1 FROM photos WHERE id = ?", (row[0],)).fetchone()
            ],
        )


def not_done(catalog: Catalog, mark: str, limit: int) -> list[tuple[int, str]]:
    """Indexed photos a pass has not looked at yet (``mark``: its column of
    ``photo_meta``, ``ocr_done`` or ``faces_done``), oldest first."""
    rows = catalog.read().execute(
        f"""SELECT p.id, p.path FROM photos p JOIN photo_meta m ON m.photo_id = p.id
            {READY_SQL} AND NOT m.{mark} ORDER BY p.id LIMIT ?""",
        (limit,),
    )
    return [(r[0], os.fsdecode(r[1])) for r in rows]


def text_pending(catalog: Catalog, limit: int) -> list[tuple[int, str]]:
    """Indexed photos not yet looked at for words, oldest first."""
    return not_done(catalog, "ocr_done", limit)


def places_pending(
    catalog: Catalog, limit: int
) -> list[tuple[int, tuple[float | None, float | None]]]:
    """Metadata rows whose place was never looked up (or whose coordinates changed)."""
    rows = catalog.read().execute(
        """SELECT photo_id, latitude, longitude FROM photo_meta WHERE NOT place_done
           ORDER BY photo_id LIMIT ?""",
        (limit,),
    )
    return [(r[0], (r[1], r[2])) for r in rows]


def places_pending_count(catalog: Catalog) -> int:
    row = catalog.read().execute("SELECT count(*) FROM photo_meta WHERE NOT place_done")
    return int(row.fetchone()[0])


def store_places(
    catalog: Catalog,
    rows: Sequence[tuple[int, tuple[float | None, float | None], Place | None]],
) -> None:
    """Record the places found for these coordinates; a row whose coordinates changed
    meanwhile (the photo was edited) is left for the next look-up."""
    with catalog.write() as db:
        db.executemany(
            """UPDATE photo_meta SET country = ?, region = ?, city = ?, place_done = 1
               WHERE photo_id = ? AND latitude IS ? AND longitude IS ?""",
            [
                (
                    place.country if place else None,
                    place.region if place else None,
                    place.city if place else None,
                    photo_id,
                    latitude,
                    longitude,
                )
                for photo_id, (latitude, longitude), place in rows
            ],
        )


def place_counts(catalog: Catalog) -> list[tuple[Place, int]]:
    """Every town photos were taken in, with its count, most photos first."""
    rows = catalog.read().execute(
        f"""SELECT m.country, m.region, m.city, count(*) AS n FROM photos p
            JOIN photo_meta m ON m.photo_id = p.id {READY_SQL} AND m.country IS NOT NULL
            GROUP BY m.country, m.region, m.city ORDER BY n DESC, m.country, m.city"""
    )
    return [(Place(r[0], r[1], r[2]), int(r[3])) for r in rows]


def places_of(catalog: Catalog, photo_ids: Sequence[int]) -> dict[int, Place]:
    """Where each of these photos was taken, for those with a place."""
    found: dict[int, Place] = {}
    ids = list(photo_ids)
    for start in range(0, len(ids), 500):  # SQLite's limit on bound values, with room
        chunk = ids[start : start + 500]
        rows = catalog.read().execute(
            f"""SELECT photo_id, country, region, city FROM photo_meta
                WHERE country IS NOT NULL AND photo_id IN ({",".join("?" * len(chunk))})""",
            chunk,
        )
        found.update((int(r[0]), Place(r[1], r[2], r[3])) for r in rows)
    return found


def place_clause(value: str) -> tuple[str, list[object]]:
    """SQL over photos ``p`` for ``place:VALUE``: a town, region or country by its whole
    name (``place:Ireland`` is not Northern Ireland); ``Lisbon, Portugal`` (a town and its
    country) and ``Sintra, Lisbon, Portugal`` (with its region) name one town, as the
    details pane and the sidebar write it."""
    parts = [place_key(part) for part in value.split(",") if part.strip()]
    if not parts:
        return "0", []
    if len(parts) == 1:
        test = "? IN (place_key(m.city), place_key(m.region), place_key(m.country))"
        params: list[object] = parts[:1]
    elif len(parts) == 2:
        test = "place_key(m.city) = ? AND place_key(m.country) = ?"
        params = list(parts)
    else:
        test = "place_key(m.city) = ? AND place_key(m.region) = ? AND place_key(m.country) = ?"
        params = [parts[0], parts[1], parts[-1]]
    return f"EXISTS (SELECT 1 FROM photo_meta m WHERE m.photo_id = p.id AND {test})", params


def place_of(catalog: Catalog, path: str) -> Place | None:
    """The town one photo was taken in, if its coordinates were found to be in one."""
    row = (
        catalog.read()
        .execute(
            """SELECT m.country, m.region, m.city FROM photo_meta m
               JOIN photos p ON p.id = m.photo_id WHERE p.path = ? AND m.country IS NOT NULL""",
            (os.fsencode(path),),
        )
        .fetchone()
    )
    return Place(*row) if row else None


def store_text(catalog: Catalog, rows: Iterable[tuple[int, str | None]]) -> None:
    """Record the words read in photos (None: looked, none found)."""
    with catalog.write() as db:
        db.executemany(
            "UPDATE photo_meta SET ocr = ?, ocr_done = 1 WHERE photo_id = ?",
            [(text, photo_id) for photo_id, text in rows],
        )


def words_read(catalog: Catalog, path: str) -> str | None:
    """The words read in one photo, if any were."""
    row = (
        catalog.read()
        .execute(
            "SELECT m.ocr FROM photo_meta m JOIN photos p ON p.id = m.photo_id WHERE p.path = ?",
            (os.fsencode(path),),
        )
        .fetchone()
    )
    return row[0] if row else None


def text_counts(catalog: Catalog) -> tuple[int, int]:
    """(photos looked at for words, indexed photos that could be)."""
    done, total = (
        catalog.read()
        .execute(
            f"""SELECT coalesce(sum(m.ocr_done), 0), count(*) FROM photos p
                LEFT JOIN photo_meta m ON m.photo_id = p.id {READY_SQL}"""
        )
        .fetchone()
    )
    return int(done), int(total)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def phrase(value: str, prefix: bool = False) -> str | None:
    """An FTS5 phrase for what the user typed (split like the stored texts)."""
    words = query_words(value).split()
    if not words:
        return None
    return _quoted(" ".join(words)) + ("*" if prefix else "")


def all_words(text: str) -> str | None:
    """An FTS5 expression for plain words: every meaningful word typed must be there
    (a word that splits, ``DSC04567``, as the phrase of its parts)."""
    phrases = [
        found
        for word in text.split()
        if word.strip(".,;:!?'\"()").casefold() not in STOP_WORDS
        and (found := phrase(word)) is not None
    ]
    return " AND ".join(phrases) or None


def column_match(column_filters: Sequence[tuple[str, str]]) -> str | None:
    """One FTS5 expression for the ``text:``/``name:``/``camera:``/``tag:`` filters (all
    must hold); file names match from the start of a word (``name:IMG_20``)."""
    parts = []
    for key, value in column_filters:
        found = phrase(value, prefix=key == "name")
        if found is None:
            return '""'  # nothing searchable was typed (name:-): an empty phrase, no match
        parts.append(f"{COLUMN_FILTERS[key]} : {found}")
    return " AND ".join(parts) or None


def ranked_matches(
    catalog: Catalog, match: str, where: str, params: Sequence[object], limit: int
) -> list[tuple[int, float]]:
    """(photo id, BM25 rank: lower is better) of the photos matching the FTS5 expression
    and the filter clause, best first."""
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    rows = catalog.read().execute(
        f"""SELECT p.id, bm25(photo_fts, {weights}) AS rank FROM photo_fts
            JOIN photos p ON p.id = photo_fts.rowid JOIN folders f ON f.id = p.folder_id
            WHERE photo_fts MATCH ? AND p.status = 'ok' AND ({where})
            ORDER BY rank LIMIT ?""",
        [match, *params, limit],
    )
    return [(r[0], r[1]) for r in rows]
