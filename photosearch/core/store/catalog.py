"""The SQLite catalog's queries: folders, photos, scans, models and embeddings, counts —
the source of truth. Its file and connections are in ``connection.py``, the SQL functions
and how paths cross into SQL in ``sql_functions.py``, the tables and their migrations in
``schema.py``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from photosearch.core.media.metadata import PhotoMeta
from photosearch.core.store.connection import Connections
from photosearch.core.store.fulltext import store_meta
from photosearch.core.store.moment_keys import MOMENT_BIT, split_keys
from photosearch.core.store.schema import IS_VIDEO_SQL, PHOTO_DATE_SQL, dir_ids
from photosearch.core.store.sql_functions import (
    PHOTO_COLUMNS,
    extension,
    path_bytes,
    path_text,
    photo_from_row,
    rows_in,
    unpack_vectors,
)
from photosearch.core.types import Folder, Photo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PhotoState:
    """What the scanner needs to decide whether a file changed."""

    id: int
    folder_id: int
    path: str
    size: int
    mtime_ns: int
    content_key: str | None


@dataclass(frozen=True, slots=True)
class Encoded:
    """One successfully encoded photo, ready to commit."""

    photo_id: int
    vector: np.ndarray
    width: int
    height: int
    meta: PhotoMeta | None
    """What the file's header said (None: not read, e.g. a generated benchmark row)."""
    clip: EncodedClip | None = None
    """A video's moments (``vector`` is its first one's)."""
    no_face: tuple[int, int] | None = None
    """The faces gate glanced at it while it was decoded and saw no face: the file's
    size and modification time then. It is marked looked at for faces (the faces pass
    need not decode it again) unless the file has changed since."""


@dataclass(frozen=True, slots=True)
class EncodedClip:
    """A video's length, format and moments: their times and vectors, the first first."""

    duration: float
    codec: str
    times: tuple[float, ...]
    vectors: np.ndarray


_ORDERS = {
    "date": f"{PHOTO_DATE_SQL} DESC, p.id",
    "oldest": f"{PHOTO_DATE_SQL}, p.id",
    "name": "name_key(p.path), p.id",
}
"""SQL orders of ``filtered_ids``: newest first, oldest first, by file name."""


class Catalog(Connections):
    """The catalog's queries: folders, photos, scans, models and embeddings, counts."""

    # -- folders -----------------------------------------------------------------------

    def add_folder(self, path: str) -> Folder:
        with self.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO folders(path, added_at) VALUES (?, ?)",
                (path_bytes(path), time.time()),
            )
            db.execute("UPDATE folders SET enabled = 1 WHERE path = ?", (path_bytes(path),))
        folder = self.folder_by_path(path)
        assert folder is not None
        return folder

    def remove_folder(self, folder_id: int) -> list[int]:
        """Forget a folder and its photos; returns the removed photo ids."""
        with self.write() as db:
            ids = [
                r[0] for r in db.execute("SELECT id FROM photos WHERE folder_id = ?", (folder_id,))
            ]
            db.execute("DELETE FROM folders WHERE id = ?", (folder_id,))
            self._bump(db)
        return ids

    def set_folder_flags(
        self,
        folder_id: int,
        *,
        enabled: bool | None = None,
        online: bool | None = None,
        force_polling: bool | None = None,
    ) -> None:
        with self.write() as db:
            for column, value in (
                ("enabled", enabled),
                ("online", online),
                ("force_polling", force_polling),
            ):
                if value is not None:
                    db.execute(f"UPDATE folders SET {column} = ? WHERE id = ?", (value, folder_id))

    def folders(self) -> list[Folder]:
        rows = self.read().execute(
            """SELECT f.id, f.path, f.enabled, f.online, f.force_polling,
                      count(p.id), coalesce(sum(p.status = 'error'), 0)
               FROM folders f LEFT JOIN photos p ON p.folder_id = f.id
               GROUP BY f.id ORDER BY f.path"""
        )
        unreadable: dict[int, list[tuple[str, str]]] = {}
        for folder_id, path, reason in self.read().execute(
            "SELECT folder_id, path, reason FROM unreadable ORDER BY path"
        ):
            unreadable.setdefault(folder_id, []).append((path_text(path), reason))
        return [
            Folder(
                r[0],
                path_text(r[1]),
                bool(r[2]),
                bool(r[3]),
                bool(r[4]),
                r[5],
                r[6],
                tuple(unreadable.get(r[0], ())),
            )
            for r in rows
        ]

    def folder_by_path(self, path: str) -> Folder | None:
        return next((f for f in self.folders() if f.path == path), None)

    # -- photos: scanning --------------------------------------------------------------

    def photo_states(self, folder_id: int, under: str | None = None) -> dict[str, PhotoState]:
        """The folder's photos, or only those below the directory ``under``."""
        sql = (
            "SELECT id, folder_id, path, size, mtime_ns, content_key FROM photos"
            " WHERE folder_id = ?"
        )
        params: list[object] = [folder_id]
        if under is not None:
            prefix = path_bytes(under.rstrip(os.sep) + os.sep)
            sql += " AND path >= ? AND path < ?"
            params += [prefix, prefix[:-1] + bytes([prefix[-1] + 1])]
        rows = self.read().execute(sql, params)
        return {
            path_text(r[2]): PhotoState(r[0], r[1], path_text(r[2]), r[3], r[4], r[5]) for r in rows
        }

    def apply_scan(
        self,
        added: Iterable[tuple[int, str, int, int, str | None]],
        changed: Iterable[tuple[int, int, int, str | None]],
        moved: Iterable[tuple[int, int, str, int, int]],
        removed: Iterable[int],
        looked: Iterable[tuple[str, bool]] = (),
        unreadable: Iterable[tuple[int, str, str]] = (),
    ) -> None:
        """Record one scan's findings in a single transaction.

        added: (folder_id, path, size, mtime_ns, content_key);
        changed: (photo_id, size, mtime_ns, content_key) — the old vector is dropped;
        moved: (photo_id, folder_id, new_path, size, mtime_ns) — the vector is kept;
        removed: photo ids;
        looked: the (directory, recursive) areas scanned, whose unreadable folders are
        replaced by ``unreadable``: (folder_id, directory, reason).
        """
        with self.write() as db:
            for directory, recursive in looked:
                raw = path_bytes(directory)
                db.execute("DELETE FROM unreadable WHERE path = ?", (raw,))
                if recursive:
                    prefix = path_bytes(directory.rstrip(os.sep) + os.sep)
                    db.execute(
                        "DELETE FROM unreadable WHERE path >= ? AND path < ?",
                        (prefix, prefix[:-1] + bytes([prefix[-1] + 1])),
                    )
            db.executemany(
                "INSERT OR REPLACE INTO unreadable(path, folder_id, reason) VALUES (?, ?, ?)",
                [(path_bytes(path), fid, reason) for fid, path, reason in unreadable],
            )
            db.executemany("DELETE FROM photos WHERE id = ?", [(pid,) for pid in removed])
            moved = [(pid, fid, p, path_bytes(p), s, m) for pid, fid, p, s, m in moved]
            added = [(fid, p, path_bytes(p), s, m, k) for fid, p, s, m, k in added]
            dirs = dir_ids(db, [row[3] for row in moved] + [row[2] for row in added])
            db.executemany(
                "UPDATE photos SET folder_id = ?, path = ?, dir_id = ?, ext = ?, size = ?,"
                " mtime_ns = ? WHERE id = ?",
                [
                    (fid, raw, dirs[os.path.dirname(raw)], extension(p), s, m, pid)
                    for pid, fid, p, raw, s, m in moved
                ],
            )
            changed = list(changed)
            db.executemany(
                "UPDATE photos SET size = ?, mtime_ns = ?, content_key = ?, status = 'new',"
                " error = NULL WHERE id = ?",
                [(s, m, k, pid) for pid, s, m, k in changed],
            )
            for table in ("embeddings", "photo_meta", "video_moments", "videos", "faces"):
                db.executemany(
                    f"DELETE FROM {table} WHERE photo_id = ?", [(c[0],) for c in changed]
                )
            db.executemany(
                "INSERT INTO photos(folder_id, path, dir_id, ext, size, mtime_ns, content_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (fid, raw, dirs[os.path.dirname(raw)], extension(p), s, m, k)
                    for fid, p, raw, s, m, k in added
                ],
            )
            self._bump(db)

    def remove_photo(self, photo_id: int) -> None:
        with self.write() as db:
            db.execute("DELETE FROM photos WHERE id = ?", (photo_id,))
            self._bump(db)

    # -- photos: indexing --------------------------------------------------------------

    def pending(self, model_id: int, limit: int | None = None) -> list[tuple[int, str]]:
        """Photos of enabled, online folders that still need a vector from this model."""
        sql = (
            "SELECT p.id, p.path FROM photos p JOIN folders f ON f.id = p.folder_id"
            " WHERE f.enabled AND f.online AND p.status != 'error' AND NOT EXISTS"
            " (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model_id = ?)"
            " ORDER BY p.id"
        )
        params: tuple[int, ...] = (model_id,)
        if limit is not None:
            sql += " LIMIT ?"
            params = (model_id, limit)
        return [(r[0], path_text(r[1])) for r in self.read().execute(sql, params)]

    def commit_batch(
        self, model_id: int, encoded: Sequence[Encoded], errors: Sequence[tuple[int, str]]
    ) -> int:
        """Write a batch of vectors and errors atomically; returns the new generation."""
        with self.write() as db:
            gen = self._bump(db)
            db.executemany(
                "INSERT OR REPLACE INTO embeddings(photo_id, model_id, gen, vector)"
                " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?)",
                [
                    (e.photo_id, model_id, gen, e.vector.astype(np.float32).tobytes(), e.photo_id)
                    for e in encoded
                ],
            )
            db.executemany(
                "UPDATE photos SET status = 'ok', error = NULL, width = ?, height = ?,"
                " taken_at = ? WHERE id = ?",
                [
                    (e.width, e.height, e.meta.taken_at if e.meta else None, e.photo_id)
                    for e in encoded
                ],
            )
            store_meta(db, [(e.photo_id, e.meta) for e in encoded if e.meta is not None])
            db.executemany(
                "UPDATE photo_meta SET faces_done = 1 WHERE photo_id = ? AND NOT faces_done"
                " AND EXISTS (SELECT 1 FROM photos WHERE id = ? AND size = ? AND mtime_ns = ?)",
                [(e.photo_id, e.photo_id, *e.no_face) for e in encoded if e.no_face is not None],
            )
            clips = [e for e in encoded if e.clip is not None]
            if clips:
                _store_clips(db, model_id, gen, clips)
            db.executemany(
                "UPDATE photos SET status = 'error', error = ? WHERE id = ?",
                [(reason, pid) for pid, reason in errors],
            )
            db.executemany(  # a clip that no longer reads keeps no moments of what it was
                "DELETE FROM video_moments WHERE photo_id = ?", [(pid,) for pid, _ in errors]
            )
        return gen

    def retry_errors(self) -> int:
        """Give photos that failed another chance (after an update or a fixed file)."""
        with self.write() as db:
            return db.execute(
                "UPDATE photos SET status = 'new', error = NULL WHERE status = 'error'"
            ).rowcount

    def errors(self, limit: int = 1000) -> list[tuple[str, str]]:
        """What could not be read and why: unreadable folders first, then photos."""
        db = self.read()
        rows = db.execute(
            "SELECT path, 'folder cannot be read: ' || reason FROM unreadable ORDER BY path"
            " LIMIT ?",
            (limit,),
        ).fetchall()
        rows += db.execute(
            "SELECT path, error FROM photos WHERE status = 'error' ORDER BY path LIMIT ?",
            (max(0, limit - len(rows)),),
        ).fetchall()
        return [(path_text(r[0]), r[1] or "") for r in rows]

    # -- models and embeddings ---------------------------------------------------------

    def ensure_model(self, name: str, pretrained: str, dim: int, fingerprint: str) -> int:
        """The id of these weights, added on first use (a known model is only read, so
        searching works on a catalog that cannot be written now)."""
        known = self.read().execute("SELECT id FROM models WHERE fingerprint = ?", (fingerprint,))
        row = known.fetchone()
        if row is not None:
            return int(row[0])
        with self.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO models(name, pretrained, dim, fingerprint)"
                " VALUES (?, ?, ?, ?)",
                (name, pretrained, dim, fingerprint),
            )
            row = db.execute("SELECT id FROM models WHERE fingerprint = ?", (fingerprint,))
            return int(row.fetchone()[0])

    def generation(self) -> int:
        row = self.read().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def _bump(self, db: sqlite3.Connection) -> int:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        return int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def embedding_ids(self, model_id: int) -> np.ndarray:
        """Every key of this model's vector index: photos, and clips' later moments."""
        rows = (
            self.read()
            .execute(
                f"SELECT photo_id FROM embeddings WHERE model_id = ?"
                f" UNION ALL SELECT {MOMENT_KEY_SQL} FROM video_moments"
                f" WHERE model_id = ? AND idx > 0",
                (model_id, model_id),
            )
            .fetchall()
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def iter_embeddings(
        self, model_id: int, dim: int, since_gen: int = -1, chunk: int = 4096
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(keys, vectors) chunks of this model's vectors written after ``since_gen``."""
        cursor = self.read().execute(
            f"SELECT photo_id, vector FROM embeddings WHERE model_id = ? AND gen > ?"
            f" UNION ALL SELECT {MOMENT_KEY_SQL}, vector FROM video_moments"
            f" WHERE model_id = ? AND gen > ? AND idx > 0",
            (model_id, since_gen, model_id, since_gen),
        )
        while rows := cursor.fetchmany(chunk):
            yield unpack_vectors(rows, dim)

    def vectors_for(
        self, model_id: int, dim: int, ids: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Vectors of these keys: photo ids (a clip's first moment) or moment keys."""
        keys = np.asarray(ids, dtype=np.int64).reshape(-1)
        moment = (keys & MOMENT_BIT) != 0
        db = self.read()
        rows = rows_in(
            db,
            "SELECT photo_id, vector FROM embeddings WHERE model_id = ? AND photo_id IN ({})",
            (model_id,),
            keys[~moment].tolist(),
        )
        for key, photo_id, idx in zip(
            keys[moment].tolist(), *split_keys(keys[moment]), strict=True
        ):
            row = db.execute(
                "SELECT vector FROM video_moments WHERE photo_id = ? AND model_id = ? AND idx = ?",
                (int(photo_id), model_id, int(idx)),
            ).fetchone()
            if row is not None:
                rows.append((key, row[0]))
        return unpack_vectors(rows, dim)

    # -- reads for search and status ---------------------------------------------------

    def photos(self, ids: Sequence[int]) -> dict[int, Photo]:
        found: dict[int, Photo] = {}
        db = self.read()
        for start in range(0, len(ids), 900):
            part = [int(i) for i in ids[start : start + 900]]
            marks = ",".join("?" * len(part))
            for row in db.execute(
                f"SELECT {PHOTO_COLUMNS} FROM photos p JOIN folders f ON f.id = p.folder_id"
                f" WHERE p.id IN ({marks})",
                part,
            ):
                found[row[0]] = photo_from_row(row)
        return found

    def photo_by_path(self, path: str) -> Photo | None:
        row = (
            self.read()
            .execute(
                f"SELECT {PHOTO_COLUMNS} FROM photos p JOIN folders f ON f.id = p.folder_id"
                " WHERE p.path = ?",
                (path_bytes(path),),
            )
            .fetchone()
        )
        return photo_from_row(row) if row else None

    def filtered_ids(
        self,
        where: str,
        params: Sequence[object],
        order: str | None = None,
        limit: int = -1,
        offset: int = 0,
        among: Sequence[int] | None = None,
    ) -> np.ndarray:
        """Ids of photos matching a filter clause over ``p`` (photos) and ``f`` (folders),
        optionally only among the given ids (a few hundred search candidates)."""
        order_by = f" ORDER BY {_ORDERS[order]}" if order else ""
        if among is not None:
            where = f"p.id IN ({','.join(str(int(i)) for i in among) or 'NULL'}) AND ({where})"
        rows = (
            self.read()
            .execute(
                f"SELECT p.id FROM photos p JOIN folders f ON f.id = p.folder_id WHERE {where}"
                f"{order_by} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            .fetchall()
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def has_vectors(self, model_name: str) -> bool:
        """Whether any photo has a vector from a model of that name (any weights)."""
        row = (
            self.read()
            .execute(
                """SELECT 1 FROM embeddings e JOIN models m ON m.id = e.model_id
               WHERE m.name = ? LIMIT 1""",
                (model_name,),
            )
            .fetchone()
        )
        return row is not None

    def same_content(self, among: set[int]) -> list[list[int]]:
        """Ids of photos sharing a content key (exact copies), among ``among``."""
        rows = self.read().execute(
            """SELECT group_concat(id) FROM photos
               WHERE content_key IS NOT NULL AND status != 'error'
               GROUP BY content_key HAVING count(*) > 1"""
        )
        groups = ([int(i) for i in row[0].split(",")] for row in rows)
        return [kept for ids in groups if len(kept := [i for i in ids if i in among]) > 1]

    def whole_file_hashes(self, ids: Sequence[int]) -> dict[int, tuple[int, int, str]]:
        """The remembered whole-file hashes of ``ids``: (size, mtime_ns, digest) each."""
        found: dict[int, tuple[int, int, str]] = {}
        db = self.read()
        for start in range(0, len(ids), 900):
            part = [int(i) for i in ids[start : start + 900]]
            rows = db.execute(
                "SELECT photo_id, size, mtime_ns, digest FROM file_hashes"
                f" WHERE photo_id IN ({','.join('?' * len(part))})",
                part,
            )
            found.update((row[0], (row[1], row[2], row[3])) for row in rows)
        return found

    def remember_file_hashes(self, hashes: Iterable[tuple[int, int, int, str]]) -> None:
        """Keep whole-file hashes (photo id, size, mtime_ns, digest) of photos still known."""
        with self.write() as db:
            db.executemany(
                """INSERT OR REPLACE INTO file_hashes(photo_id, size, mtime_ns, digest)
                   SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?1)""",
                list(hashes),
            )

    def paths_with_key(self, key: str) -> list[str]:
        """Catalogued paths with this content key (the candidates for a second name)."""
        rows = self.read().execute("SELECT path FROM photos WHERE content_key = ?", (key,))
        return [path_text(row[0]) for row in rows]

    def month_counts(self, where: str, params: Sequence[object]) -> dict[str, int]:
        """Photos per month (``YYYY-MM``, local time) among those matching ``where``."""
        rows = self.read().execute(
            f"""SELECT strftime('%Y-%m', {PHOTO_DATE_SQL}, 'unixepoch', 'localtime'), count(*)
                FROM photos p JOIN folders f ON f.id = p.folder_id WHERE {where} GROUP BY 1""",
            list(params),
        )
        return dict(rows.fetchall())

    def dir_counts(self) -> dict[str, int]:
        """How many photos (not unreadable files) each directory holds directly."""
        rows = self.read().execute(
            """SELECT d.path, count(*) FROM photos p JOIN dirs d ON d.id = p.dir_id
               WHERE p.status != 'error' GROUP BY p.dir_id"""
        )
        return {path_text(path): count for path, count in rows}

    def counts(self, model_id: int | None) -> dict[str, int]:
        db = self.read()
        total, errors, videos = db.execute(
            "SELECT count(*), coalesce(sum(status = 'error'), 0),"
            f" coalesce(sum({IS_VIDEO_SQL} AND status != 'error'), 0) FROM photos p"
        ).fetchone()
        indexed = 0
        if model_id is not None:
            indexed = db.execute(
                "SELECT count(*) FROM embeddings WHERE model_id = ?", (model_id,)
            ).fetchone()[0]
        folders = db.execute("SELECT count(*) FROM folders").fetchone()[0]
        return {
            "folders": folders,
            "photos": total,
            "videos": videos,
            "indexed": indexed,
            "errors": errors,
            "pending": max(0, total - errors - indexed),
        }

    def integrity_problems(self) -> list[str]:
        rows = self.read().execute("PRAGMA quick_check").fetchall()
        return [r[0] for r in rows if r[0] != "ok"]


MOMENT_KEY_SQL = f"({int(MOMENT_BIT)} | (photo_id << 8) | idx)"


def _store_clips(
    db: sqlite3.Connection, model_id: int, gen: int, encoded: Sequence[Encoded]
) -> None:
    """A video's format and moments, replacing what an older version of the file had."""
    for e in encoded:
        clip = e.clip
        assert clip is not None
        db.execute(
            "INSERT OR REPLACE INTO videos(photo_id, duration, codec)"
            " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?)",
            (e.photo_id, clip.duration, clip.codec, e.photo_id),
        )
        db.execute(
            "DELETE FROM video_moments WHERE photo_id = ? AND model_id = ?", (e.photo_id, model_id)
        )
        db.executemany(
            "INSERT INTO video_moments(photo_id, model_id, idx, at, gen, vector)"
            " SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?)",
            [
                (e.photo_id, model_id, i, at, gen, vec.astype(np.float32).tobytes(), e.photo_id)
                for i, (at, vec) in enumerate(zip(clip.times, clip.vectors, strict=True))
            ],
        )
        db.execute(  # no words or faces are looked for in a video's frames
            "UPDATE photo_meta SET ocr_done = 1, faces_done = 1 WHERE photo_id = ?", (e.photo_id,)
        )
