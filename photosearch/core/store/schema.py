"""The catalog's schema: numbered migrations, each run once, in order, in a transaction.

``PRAGMA user_version`` holds how many have run; ``Catalog`` refuses a file with more
than it knows. A migration is never edited once released: changes are a new one.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable

from photosearch.core.types import VIDEO_EXTENSIONS

PAGE_SIZE = 16384
"""Page size of new catalogs: seven 2 KB vector rows share a page (one did at 4 KB)."""

Migration = Callable[[sqlite3.Connection], None]

PHOTO_DATE_SQL = "coalesce(p.taken_at, p.mtime_ns / 1e9)"
"""When a photo was taken, or else last modified, in epoch seconds."""
IS_VIDEO_SQL = f"p.ext IN ({', '.join(repr(e) for e in sorted(VIDEO_EXTENSIONS))})"
"""Whether ``p`` is a video (by its extension, as the scanner found it)."""
LIVE_MAX_S = 4.0
"""Longest clip taken as a still's motion (a Live Photo: phones record about 3 s)."""
STEM_SQL = "substr({t}.path, 1, length({t}.path) - length({t}.ext))"
"""A file's path without its extension (``…/IMG_0042.``), as the ``photos_stem`` index
holds it."""
LIVE_CLIP_SQL = (
    f"({IS_VIDEO_SQL} AND EXISTS (SELECT 1 FROM videos v WHERE v.photo_id = p.id"
    f" AND v.duration <= {LIVE_MAX_S}) AND EXISTS (SELECT 1 FROM photos s"
    f" WHERE s.dir_id = p.dir_id AND {STEM_SQL.format(t='s')} = {STEM_SQL.format(t='p')}"
    f" AND s.id != p.id AND s.status != 'error'"
    f" AND NOT {IS_VIDEO_SQL.replace('p.', 's.')}))"
)
"""Whether ``p`` is the short clip a phone took with a still beside it (a Live Photo):
listed as the still's motion, not as an item of its own."""


def _v1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE folders(
            id INTEGER PRIMARY KEY,
            path BLOB NOT NULL UNIQUE,
            added_at REAL NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            online INTEGER NOT NULL DEFAULT 1,
            force_polling INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE photos(
            id INTEGER PRIMARY KEY,
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            path BLOB NOT NULL UNIQUE,
            ext TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            content_key TEXT,
            width INTEGER,
            height INTEGER,
            taken_at REAL,
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ok', 'error')),
            error TEXT
        );
        CREATE INDEX photos_folder ON photos(folder_id);
        CREATE INDEX photos_content_key ON photos(content_key);
        CREATE TABLE models(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            pretrained TEXT NOT NULL,
            dim INTEGER NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE
        );
        CREATE TABLE embeddings(
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
            gen INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (photo_id, model_id)
        ) WITHOUT ROWID;
        CREATE INDEX embeddings_gen ON embeddings(model_id, gen);
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta(key, value) VALUES ('generation', '0');
        """
    )


def _v2(db: sqlite3.Connection) -> None:
    """Directories in their own table and an index on the photo date, so that ``in:`` and
    date filters stop scanning every photo (at 1M photos a scan took ~0.6 s)."""
    db.executescript(
        f"""
        CREATE TABLE dirs(id INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE);
        ALTER TABLE photos ADD COLUMN dir_id INTEGER REFERENCES dirs(id);
        CREATE INDEX photos_dir ON photos(dir_id);
        CREATE INDEX photos_date ON photos({PHOTO_DATE_SQL.replace("p.", "")});
        """
    )
    rows = db.execute("SELECT id, path FROM photos").fetchall()
    ids = dir_ids(db, [path for _, path in rows])
    db.executemany(
        "UPDATE photos SET dir_id = ? WHERE id = ?",
        [(ids[os.path.dirname(path)], pid) for pid, path in rows],
    )


def dir_ids(db: sqlite3.Connection, paths: Iterable[bytes]) -> dict[bytes, int]:
    """Ids of the directories holding ``paths`` (encoded), created when new."""
    dirs = {os.path.dirname(path) for path in paths}
    db.executemany("INSERT OR IGNORE INTO dirs(path) VALUES (?)", [(d,) for d in dirs])
    found: dict[bytes, int] = {}
    listed = list(dirs)
    for start in range(0, len(listed), 900):
        part = listed[start : start + 900]
        found.update(
            (bytes(path), did)
            for did, path in db.execute(
                f"SELECT id, path FROM dirs WHERE path IN ({','.join('?' * len(part))})", part
            )
        )
    return found


def _v3(db: sqlite3.Connection) -> None:
    """Folders a scan could not read (permission denied…), so every view can say so."""
    db.executescript(
        """
        CREATE TABLE unreadable(
            path BLOB PRIMARY KEY,
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            reason TEXT NOT NULL
        );
        CREATE INDEX unreadable_folder ON unreadable(folder_id);
        """
    )


def _v4(db: sqlite3.Connection) -> None:
    """Saved searches: what was typed plus the query images (a JSON list), by name."""
    db.executescript(
        """
        CREATE TABLE saved_searches(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL,
            images TEXT NOT NULL DEFAULT '[]',
            created_at REAL NOT NULL
        );
        """
    )


def _in_transaction(db: sqlite3.Connection, script: str) -> None:
    """Run ``script`` statement by statement inside the migration's transaction:
    ``executescript`` commits first, so a migration killed half-way (this one runs
    Python for every photo) would leave half its tables behind for the next start."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {statement.strip()[:60]}")


_NAME_WORDS = (
    "name_words(new.path),"
    " folder_words((SELECT path FROM folders WHERE id = new.folder_id), new.path)"
)
_FTS_NAME_COLUMNS = "name, folders"
_FTS_META_COLUMNS = "camera, tags, caption, ocr"
_META_WORDS = (
    "words(coalesce(new.camera, '') || ' ' || coalesce(new.lens, '')), words(new.keywords),"
    " words(coalesce(new.title, '') || ' ' || coalesce(new.description, '')), words(new.ocr)"
)
_PLACE_WORDS = (
    "words(coalesce(new.city, '') || ' ' || coalesce(new.region, '') || ' '"
    " || coalesce(new.country, ''))"
)


def _fts_triggers(meta_columns: str, meta_words: str) -> str:
    """The triggers that keep ``photo_fts`` in the same transaction as every insert,
    move, change and delete of a photo and its metadata row."""
    nulls = ", ".join("NULL" for _ in meta_columns.split(","))
    return f"""
        CREATE TRIGGER photos_fts_insert AFTER INSERT ON photos BEGIN
            INSERT INTO photo_fts(rowid, name, folders) VALUES (new.id, {_NAME_WORDS});
        END;
        CREATE TRIGGER photos_fts_move AFTER UPDATE OF path ON photos BEGIN
            UPDATE photo_fts SET ({_FTS_NAME_COLUMNS}) = ({_NAME_WORDS}) WHERE rowid = new.id;
        END;
        CREATE TRIGGER photos_fts_delete AFTER DELETE ON photos BEGIN
            DELETE FROM photo_fts WHERE rowid = old.id;
        END;
        CREATE TRIGGER photo_meta_fts_insert AFTER INSERT ON photo_meta BEGIN
            UPDATE photo_fts SET ({meta_columns}) = ({meta_words}) WHERE rowid = new.photo_id;
        END;
        CREATE TRIGGER photo_meta_fts_update AFTER UPDATE ON photo_meta BEGIN
            UPDATE photo_fts SET ({meta_columns}) = ({meta_words}) WHERE rowid = new.photo_id;
        END;
        CREATE TRIGGER photo_meta_fts_delete AFTER DELETE ON photo_meta BEGIN
            UPDATE photo_fts SET ({meta_columns}) = ({nulls}) WHERE rowid = old.photo_id;
        END;
    """


def _v5(db: sqlite3.Connection) -> None:
    """What photos say of themselves (metadata, words read in them) and a full-text index
    over it and their names; saved searches (albums) remember the newest photo the user
    has seen in them, so that later ones are shown as new. Triggers keep the index in the
    same transaction as every insert, move, change and delete; the SQL functions
    ``words``, ``name_words`` and ``folder_words`` come from ``words.py`` (the catalog
    registers them on each connection): every text is split the same way as queries."""
    _in_transaction(
        db,
        f"""
        CREATE TABLE photo_meta(
            photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
            camera TEXT,
            lens TEXT,
            latitude REAL,
            longitude REAL,
            title TEXT,
            description TEXT,
            keywords TEXT,
            rating INTEGER,
            ocr TEXT,
            ocr_done INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX photo_meta_ocr ON photo_meta(ocr_done);
        CREATE VIRTUAL TABLE photo_fts USING fts5(
            name, folders, camera, tags, caption, ocr,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        {_fts_triggers(_FTS_META_COLUMNS, _META_WORDS)}
        INSERT INTO photo_fts(rowid, name, folders)
            SELECT new.id, {_NAME_WORDS} FROM photos new;
        ALTER TABLE saved_searches ADD COLUMN seen_photo_id INTEGER NOT NULL DEFAULT 0;
        UPDATE saved_searches SET seen_photo_id =
            (SELECT coalesce(max(id), 0) FROM photos WHERE status = 'ok');
        """,
    )


def _v6(db: sqlite3.Connection) -> None:
    """The hash of a photo's whole file, for the few that share a content key: the cheap
    key (size and edges) groups candidates, and only the whole content proves a copy
    before anything is moved to the trash. Kept with the size and mtime it was computed
    for, so a changed file is hashed again and an unchanged one never is."""
    db.execute(
        """CREATE TABLE file_hashes(
            photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            digest TEXT NOT NULL
        )"""
    )


def _v7(db: sqlite3.Connection) -> None:
    """Places: the country, region and town of a photo's GPS coordinates (found offline,
    ``media/places.py``; ``place_done`` once looked up, so a library from before gets its
    places in a pass after indexing). They are words of the photo: the full-text index
    is made again with a ``place`` column, filled from what the catalog holds."""
    meta_columns = f"{_FTS_META_COLUMNS}, place"
    meta_words = f"{_META_WORDS}, {_PLACE_WORDS}"
    _in_transaction(
        db,
        f"""
        ALTER TABLE photo_meta ADD COLUMN country TEXT;
        ALTER TABLE photo_meta ADD COLUMN region TEXT;
        ALTER TABLE photo_meta ADD COLUMN city TEXT;
        ALTER TABLE photo_meta ADD COLUMN place_done INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX photo_meta_place ON photo_meta(place_done);
        DROP TRIGGER photos_fts_insert;
        DROP TRIGGER photos_fts_move;
        DROP TRIGGER photos_fts_delete;
        DROP TRIGGER photo_meta_fts_insert;
        DROP TRIGGER photo_meta_fts_update;
        DROP TRIGGER photo_meta_fts_delete;
        DROP TABLE photo_fts;
        CREATE VIRTUAL TABLE photo_fts USING fts5(
            name, folders, camera, tags, caption, ocr, place,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        {_fts_triggers(meta_columns, meta_words)}
        INSERT INTO photo_fts(rowid, name, folders)
            SELECT new.id, {_NAME_WORDS} FROM photos new;
        UPDATE photo_fts SET ({meta_columns}) =
            (SELECT {meta_words} FROM photo_meta new WHERE new.photo_id = photo_fts.rowid)
            WHERE rowid IN (SELECT photo_id FROM photo_meta);
        """,
    )


def _v8(db: sqlite3.Connection) -> None:
    """Videos: a clip's length and format, and its moments — frames encoded with their
    times. The first moment's vector is also the clip's row in ``embeddings`` (so
    everything that reads one vector per photo works for a clip); the others enter the
    vector index under keys of their own (``store/moment_keys.py``)."""
    _in_transaction(
        db,
        """
        CREATE TABLE videos(
            photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
            duration REAL NOT NULL,
            codec TEXT NOT NULL
        );
        CREATE TABLE video_moments(
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            at REAL NOT NULL,
            gen INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (photo_id, model_id, idx)
        ) WITHOUT ROWID;
        CREATE INDEX video_moments_gen ON video_moments(model_id, gen);
        CREATE INDEX photos_stem ON photos(dir_id, substr(path, 1, length(path) - length(ext)));
        """,
    )


def _v9(db: sqlite3.Connection) -> None:
    """People: the faces found in photos (where, and their descriptors), the people they
    were grouped into, and what the user said of them. ``faces_done`` lives with the
    other passes' marks in ``photo_meta``, so a changed photo is looked at again. A face
    keeps ``merged_from`` (its person before a merge) so the merge can be undone, and
    ``face_refusals`` the people a face is not ("not Anna"), so it never returns to them."""
    _in_transaction(
        db,
        """
        ALTER TABLE photo_meta ADD COLUMN faces_done INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX photo_meta_faces ON photo_meta(faces_done);
        CREATE TABLE people(
            id INTEGER PRIMARY KEY,
            name TEXT,
            hidden INTEGER NOT NULL DEFAULT 0,
            merged_into INTEGER REFERENCES people(id) ON DELETE SET NULL
        );
        CREATE TABLE faces(
            id INTEGER PRIMARY KEY,
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,
            vector BLOB NOT NULL,
            person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            merged_from INTEGER REFERENCES people(id) ON DELETE SET NULL
        );
        CREATE INDEX faces_photo ON faces(photo_id);
        CREATE INDEX faces_person ON faces(person_id);
        CREATE TABLE face_refusals(
            face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (face_id, person_id)
        ) WITHOUT ROWID;
        UPDATE photo_meta SET faces_done = 1 WHERE photo_id IN (SELECT photo_id FROM videos);
        """,
    )


MIGRATIONS: tuple[Migration, ...] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9)
