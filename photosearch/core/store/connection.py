"""The catalog's SQLite file: opening it (created, checked, migrated after a backup),
one writer connection guarded by a lock and one read connection per thread, in WAL mode,
so searches never wait for indexing. A catalog from a newer PhotoSearch is refused, a
damaged one left untouched."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from photosearch.core.errors import (
    CatalogError,
    CatalogTooNewError,
    StorageError,
    on_read_only_disk,
    storage_error,
)
from photosearch.core.store.schema import MIGRATIONS, PAGE_SIZE, Migration
from photosearch.core.store.sql_functions import register

log = logging.getLogger(__name__)
DAMAGED = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}
"""SQLite's words for a file that is no catalog or a broken one (anything else, a full
disk say, leaves a sound catalog that only cannot be opened now)."""


def connect(path: Path, readonly: bool = False, frozen: bool = False) -> sqlite3.Connection:
    """``frozen``: the file is on a read-only disk, where nothing can change it; SQLite
    then reads it without the shared-memory file a WAL reader needs (and cannot create)."""
    uri = f"{path.as_uri()}?mode={'ro' if readonly or frozen else 'rwc'}"
    if frozen:
        uri += "&immutable=1"
    db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30.0)
    db.execute("PRAGMA busy_timeout = 30000")
    register(db)
    return db


def read_version(path: Path, frozen: bool) -> int:
    """The schema version of an existing file, read without modifying it."""
    try:
        db = connect(path, readonly=True, frozen=frozen)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", None)  # Python 3.11+
        damaged = name in DAMAGED if name else not isinstance(exc, sqlite3.OperationalError)
        if not damaged:
            # A full or read-only disk fails here too (a WAL catalog's reader needs its
            # shared-memory file): never call such a catalog damaged.
            raise storage_error(exc, path.parent) or CatalogError(
                f"The catalog {path} cannot be opened now ({exc})."
            ) from exc
        raise CatalogError(
            f"The catalog {path} is damaged or is not a PhotoSearch catalog ({exc}). "
            "It was left untouched: move it aside and PhotoSearch will build a new one."
        ) from exc
    return version


class Connections:
    """The catalog file, opened (created or migrated): one writer connection and a
    reader per thread. ``Catalog`` adds its queries."""

    def __init__(self, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = path
        self.schema_version = len(migrations)
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.exists() and path.stat().st_size > 0
        # With its -shm file there a WAL catalog opens read-only as usual; without it,
        # only as immutable, which reads no -wal (commits not yet checkpointed are unseen)
        self.frozen = (
            existing and on_read_only_disk(path.parent) and not Path(f"{path}-shm").exists()
        )
        """On a read-only disk: searchable, and every write fails as on a read-only disk."""
        if self.frozen and Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size:
            log.warning("catalog on a read-only disk: its latest changes may not show")
        version = read_version(path, self.frozen) if existing else 0
        if version > self.schema_version:
            raise CatalogTooNewError(
                f"The catalog {path} was written by a newer PhotoSearch (schema {version}; "
                f"this version understands up to {self.schema_version}). Please update "
                "PhotoSearch. The catalog was not modified."
            )
        self._lock = threading.RLock()
        self._readers: dict[int, tuple[threading.Thread, sqlite3.Connection]] = {}
        self._readers_lock = threading.Lock()
        self._db = connect(path, frozen=self.frozen)
        if self.frozen:
            if version < self.schema_version:
                self._db.close()
                raise StorageError(
                    f"The catalog {path} is on a read-only disk and needs an update that "
                    "cannot be written there. Nothing was changed."
                )
            return
        try:
            if not existing:
                # Set before the first table exists (and before WAL, which fixes it). A
                # 2 KB vector row fills half of a default 4 KB page and no second one
                # fits beside it; with 16 KB pages seven do: the catalog is ~45 % smaller.
                self._db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            if version < self.schema_version:
                if existing and version > 0:
                    self._backup(version)
                self._migrate(version, migrations)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise storage_error(exc, path.parent) or CatalogError(
                f"The catalog {path} cannot be opened: {exc}"
            ) from exc

    def _backup(self, version: int) -> None:
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        log.info("backing up catalog to %s before migrating", target)
        dest = sqlite3.connect(target)
        try:
            self._db.backup(dest)
        finally:
            dest.close()

    def _migrate(self, version: int, migrations: Sequence[Migration]) -> None:
        for number in range(version, len(migrations)):
            log.info("migrating catalog to schema %d", number + 1)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                migrations[number](self._db)
                self._db.execute(f"PRAGMA user_version = {number + 1}")
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()

    def close(self) -> None:
        with self._readers_lock:
            for _, reader in self._readers.values():
                reader.close()
            self._readers.clear()
        with self._lock:
            self._db.close()

    # -- connections -------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the single writer connection."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()

    def read(self) -> sqlite3.Connection:
        """This thread's own read connection (WAL lets it read while the writer writes).

        Kept by thread id, not in thread-local storage: a thread Python did not start (a
        Qt thread) loses its Python locals after every call, and would open a connection
        per call. Connections of threads that ended are closed when a new one is opened;
        a pool thread gives its own back with ``release_reader``."""
        ident, thread = threading.get_ident(), threading.current_thread()
        with self._readers_lock:
            known = self._readers.get(ident)
            if known is not None and known[0] is thread:
                return known[1]
            # a thread that ended (its id may be reused) leaves its connection here: close
            # it, never hand it to another thread (it may hold an old snapshot)
            alive = {t.ident: t for t in threading.enumerate()}
            for gone in [i for i, (t, _) in self._readers.items() if alive.get(i) is not t]:
                with contextlib.suppress(sqlite3.Error):
                    self._readers.pop(gone)[1].close()
        db = connect(self.path, frozen=self.frozen)
        db.execute("PRAGMA query_only = ON")
        with self._readers_lock:
            self._readers[ident] = (thread, db)
        return db

    def release_reader(self) -> None:
        """Close this thread's read connection (a pool thread, after its call)."""
        with self._readers_lock:
            known = self._readers.pop(threading.get_ident(), None)
        if known is not None:
            known[1].close()
