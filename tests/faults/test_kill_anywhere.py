"""kill -9 anywhere in a library's life — indexing, watching, the passes after it, a
schema migration — and nothing is lost, nothing encoded twice, everything reopens.

Each kill is real: ``killer.py`` runs ``photosearch`` with a profile hook that sends the
process SIGKILL when a chosen function starts for the nth time (a power cut there), and
a few more runs are killed from outside after a seeded delay. One library lives through
all of them in order, so every run resumes what the one before it left. At the end the
photos themselves are compared with what was written: content, times, mode and extended
attributes untouched by indexing, watching, reading words, finding duplicates and kills.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import photosearch
from photosearch.core.store.schema import MIGRATIONS
from photosearch.synthetic import write_clip
from tests.conftest import write_photos
from tests.people import OBAMA, write_people
from tests.photos import photo_like

pytestmark = pytest.mark.faults

KILLER = Path(__file__).with_name("killer.py")
NO_SUCH_POINT = 3
"""killer.py's exit status when the function it should die in does not exist."""
PHOTOS = 500


@dataclass(frozen=True)
class Point:
    """Where to die: the nth start of ``function`` in the module file ending ``module``."""

    phase: str
    module: str
    function: str
    nth: int


INDEXING = [
    Point("scan", "scanner.py", "walk", 1),
    Point("scan", "catalog.py", "apply_scan", 1),
    Point("scan", "scanner.py", "content_key", 40),
    Point("decode", "images.py", "open_image", 1),
    Point("decode", "indexer.py", "_decode", 30),
    Point("decode", "images.py", "read_ahead", 2),
    Point("clip decode", "videos.py", "read_clip", 2),
    Point("clip decode", "videos.py", "_frames_near", 5),
    Point("encode", "encoder.py", "encode_images", 1),
    Point("encode", "encoder.py", "encode_images", 3),
    Point("encode", "indexer.py", "_encode", 2),
    Point("commit", "catalog.py", "commit_batch", 1),
    Point("commit", "catalog.py", "commit_batch", 4),
    Point("commit", "catalog.py", "_bump", 3),
    Point("clip commit", "catalog.py", "_store_clips", 1),
    Point("index save", "vectors.py", "save", 1),
    Point("index save", "atomic.py", "replacing", 1),
    Point("index save", "atomic.py", "_sync_folder", 1),
    Point("index save", "atomic.py", "replacing", 2),
    Point("metadata", "metadata.py", "read_meta", 10),
    Point("metadata", "fulltext.py", "store_meta", 1),
    Point("metadata", "fulltext.py", "store_meta", 3),
    Point("places", "fulltext.py", "store_places", 1),
    Point("faces", "faces.py", "read_image", 20),
    Point("faces", "people.py", "store_faces", 2),
    Point("people", "people.py", "group_faces", 1),
    Point("words", "ocr.py", "text_lines", 20),
    Point("words", "fulltext.py", "store_text", 1),
    Point("words", "fulltext.py", "store_text", 4),
]
WATCHING = [
    Point("watch commit", "catalog.py", "commit_batch", 1),
    Point("watch metadata", "fulltext.py", "store_meta", 1),
    Point("watch index save", "atomic.py", "replacing", 1),
]
MIGRATING = [
    Point("migration backup", "connection.py", "_backup", 1),
    Point("migration", "connection.py", "_migrate", 1),
    Point("migration", "schema.py", "_v5", 1),
    Point("migration", "schema.py", "_v6", 1),
    Point("migration", "schema.py", "_v7", 1),
    Point("migration", "schema.py", "_v8", 1),
    Point("migration", "schema.py", "_v9", 1),
    Point("migration", "schema.py", "_in_transaction", 1),
    Point("migration", "word_split.py", "name_words", 200),
    Point("migration", "word_split.py", "folder_words", 450),
]
RANDOM_KILLS = 4


def test_every_kill_point_names_a_function_that_exists() -> None:
    """A function renamed or moved fails here at once, not as a kill quietly "missed"."""
    for point in [*INDEXING, *WATCHING, *MIGRATING]:
        assert defines(point.module, point.function), point


def defines(suffix: str, function: str) -> bool:
    """Whether a module of photosearch whose file ends with ``suffix`` defines ``function``."""
    package = Path(photosearch.__file__).parent
    files = [f for f in package.rglob("*.py") if str(f).endswith(os.sep + suffix)]
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function
        for f in files
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8")))
    )


def killer(point: Point) -> list[str]:
    """The command line that runs photosearch to die at ``point`` (its arguments follow)."""
    return [sys.executable, str(KILLER), point.module, point.function, str(point.nth), "--"]


def fingerprint(path: Path) -> tuple[object, ...]:
    """Everything about a photo that PhotoSearch must never change."""
    st = path.stat()
    xattrs = {name: os.getxattr(path, name) for name in os.listxattr(path)}
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, st.st_size, st.st_mtime_ns, st.st_mode, st.st_uid, sorted(xattrs.items())


class Library:
    """The data folder under test and what it must keep across kills."""

    def __init__(self, home: Path, root: Path) -> None:
        self.home, self.root = home, root
        self.catalog = home / "data" / "catalog.sqlite3"
        self.committed: dict[int, int] = {}  # photo id → embedding generation, never lost
        self.kills: list[str] = []
        self.missed: list[str] = []  # runs that finished before reaching their point
        self.fingerprints: dict[str, tuple[object, ...]] = {}
        self.written = 0
        self.server: subprocess.Popen[str] | None = None

    def add_photos(self, count: int) -> None:
        for path in write_photos(self.root, count, start=self.written):
            os.setxattr(path, "user.comment", f"photo {path.name}".encode())
            self.fingerprints[str(path)] = fingerprint(path)
        self.written += count

    def add_clips(self, count: int) -> None:
        """Short clips of two scenes each, among the photos."""
        for i in range(self.written, self.written + count):
            scenes = [(photo_like(64, 48, seed=i), 1.5), (photo_like(64, 48, seed=i + 10_000), 1.5)]
            path = write_clip(self.root / f"clip_{i:04d}.mp4", scenes, fps=4, gop=2)
            self.fingerprints[str(path)] = fingerprint(path)
        self.written += count

    def add_faces(self) -> None:
        """Real faces among the photos (a man in four photos, each in five versions)."""
        written = write_people(self.root, OBAMA)
        for path in written:
            self.fingerprints[str(path)] = fingerprint(path)
        self.written += len(written)

    def killed_at(self, point: Point, *args: str) -> bool:
        """Run ``photosearch ARGS`` to die at ``point``; whether it died there. The runs
        are forked from one ``killer.py --serve`` that imported torch once."""
        if self.server is None:
            self.server = subprocess.Popen(
                [sys.executable, str(KILLER), "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        assert self.server.stdin is not None and self.server.stdout is not None
        output = self.home.parent / "killed-run.txt"
        request = {
            "suffix": point.module,
            "function": point.function,
            "nth": point.nth,
            "args": list(args),
            "stdout": str(output),
            "stderr": str(output),
        }
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        answer = self.server.stdout.readline()
        assert answer, "killer.py --serve ended"
        returncode = int(answer)
        printed = output.read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in printed, printed
        assert returncode != NO_SUCH_POINT, printed
        return self._after(returncode, f"{point.phase} ({point.function} #{point.nth})")

    def close(self) -> None:
        if self.server is not None:
            assert self.server.stdin is not None
            self.server.stdin.close()
            self.server.wait(timeout=60)
            self.server = None

    def _after(self, returncode: int, phase: str) -> bool:
        killed = returncode == -signal.SIGKILL
        assert killed or returncode == 0, returncode
        (self.kills if killed else self.missed).append(phase)
        self.check()
        return killed

    def check(self) -> int:
        """The catalog as a crash must leave it; returns its schema version."""
        db = sqlite3.connect(self.catalog)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            version = db.execute("PRAGMA user_version").fetchone()[0]
            now = dict(db.execute("SELECT photo_id, gen FROM embeddings"))
            paths = [row[0] for row in db.execute("SELECT path FROM photos")]
            if version >= 8:  # a clip's vector and its moments are committed together
                torn = db.execute(
                    "SELECT count(*) FROM embeddings e WHERE NOT EXISTS (SELECT 1 FROM"
                    " video_moments m WHERE m.photo_id = e.photo_id AND m.gen = e.gen)"
                    " AND e.photo_id IN (SELECT id FROM photos WHERE ext = 'mp4')"
                ).fetchone()[0]
                assert torn == 0, f"{torn} clips committed without their moments"
            if version >= 9:  # faces are kept with the mark that their photo was looked at
                loose = db.execute(
                    "SELECT count(*) FROM faces f JOIN photo_meta m ON m.photo_id = f.photo_id"
                    " WHERE NOT m.faces_done"
                ).fetchone()[0]
                assert loose == 0, f"{loose} faces of photos not marked as looked at"
        finally:
            db.close()
        lost = {i for i in self.committed if i not in now}
        again = {i for i, gen in self.committed.items() if i in now and now[i] != gen}
        assert not lost, f"{len(lost)} committed photos lost"
        assert not again, f"{len(again)} committed photos encoded again"
        assert len(paths) == len(set(paths))
        self.committed = now
        if version >= 5:
            self.check_index()
        return version

    def check_index(self) -> None:
        """The saved vector index, opened as the app opens it, holds the catalog's vectors."""
        from photosearch.core.settings import AppPaths
        from photosearch.core.store.catalog import Catalog
        from photosearch.core.store.vectors import VectorStore

        catalog = Catalog(self.catalog)
        try:
            rows = catalog.read().execute("SELECT id, dim FROM models").fetchall()
            for model_id, dim in rows:
                store = VectorStore(AppPaths.resolve().index_dir, catalog, model_id, dim)
                store.open()
                assert set(catalog.embedding_ids(model_id).tolist()) == set(
                    int(k)
                    for k in store._index.keys  # type: ignore[union-attr]
                )
        finally:
            catalog.close()

    def status(self) -> dict[str, object]:
        proc = subprocess.run(
            [sys.executable, "-m", "photosearch", "status", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)


def make_schema_4(catalog: Path) -> list[int]:
    """Turn the catalog into what schema 4 held (the same rows, no words tables), as an
    older PhotoSearch left it, so the next start has a real migration to run. Versions
    that old never read clips: theirs are left out (their ids are returned)."""
    from photosearch.core.store.catalog import Catalog
    from photosearch.core.store.schema import MIGRATIONS

    old = catalog.with_name("schema4.sqlite3")
    Catalog(old, MIGRATIONS[:4]).close()
    db = sqlite3.connect(old)
    db.execute("ATTACH ? AS current", (str(catalog),))
    tables = db.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for (table,) in tables:
        columns = ", ".join(row[1] for row in db.execute(f"PRAGMA main.table_info({table})"))
        db.execute(f"DELETE FROM main.{table}")
        db.execute(f"INSERT INTO main.{table}({columns}) SELECT {columns} FROM current.{table}")
    clips = [r[0] for r in db.execute("SELECT id FROM main.photos WHERE ext = 'mp4'")]
    db.execute(f"DELETE FROM main.embeddings WHERE photo_id IN ({','.join(map(str, clips))})")
    db.execute("DELETE FROM main.photos WHERE ext = 'mp4'")
    db.commit()
    db.execute("DETACH current")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{catalog}{suffix}").unlink(missing_ok=True)
    os.replace(old, catalog)
    return clips


@pytest.mark.timeout(900)
def test_kill_9_at_every_stage_loses_nothing(
    imported_model: None, tmp_path: Path, _isolated_home: Path
) -> None:
    library = Library(_isolated_home, tmp_path / "photos")
    try:
        kill_everywhere(library)
    finally:
        library.close()


def kill_everywhere(library: Library) -> None:
    rng = random.Random(19)
    library.add_photos(PHOTOS)
    library.add_clips(8)
    library.add_faces()
    root = str(library.root)
    first = True
    for point in INDEXING:
        args = ("index", root) if first else ("index",)
        first = False
        if not library.killed_at(point, *args):
            library.add_photos(60)  # the run finished: photos arrive for the next point
    assert sum(kill.startswith("commit") for kill in library.kills) >= 2
    assert sum(kill.startswith("clip") for kill in library.kills) >= 2
    faced = sum(kill.startswith(("faces", "people")) for kill in library.kills)
    assert faced >= 2, (library.kills, library.missed)

    for point in WATCHING:
        proc = subprocess.Popen(
            [*killer(point), "watch"],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        line = ""
        while "Watching" not in line and proc.poll() is None:
            line = proc.stderr.readline()
        library.add_photos(20)  # photos arrive while it watches
        try:
            returncode = proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        library._after(returncode, point.phase)

    for _ in range(RANDOM_KILLS):
        library.add_photos(60)
        proc = subprocess.Popen(
            [sys.executable, "-m", "photosearch", "index"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(1.0, 4.0))
        proc.send_signal(signal.SIGKILL)
        library._after(proc.wait(), "at a random moment")

    finished = subprocess.run(
        [sys.executable, "-m", "photosearch", "index"], capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    library.check()
    for clip in make_schema_4(library.catalog):
        library.committed.pop(clip, None)
    assert library.check() == 4
    for point in MIGRATING:
        library.killed_at(point, "status", "--json")
        assert 4 <= library.check() <= len(MIGRATIONS)
    assert library.catalog.with_name("catalog.sqlite3.v4.bak").exists()

    subprocess.run([sys.executable, "-m", "photosearch", "index"], check=True, capture_output=True)
    assert library.check() == len(MIGRATIONS)
    status = library.status()
    assert status["photos"] == status["indexed"] == library.written
    assert status["errors"] == 0 and status["pending"] == 0
    duplicates = subprocess.run(
        [sys.executable, "-m", "photosearch", "duplicates"], capture_output=True, text=True
    )
    assert duplicates.returncode == 0, duplicates.stderr
    now = {str(p): fingerprint(p) for p in library.root.iterdir()}
    assert now == library.fingerprints, "a photo was changed, added or removed"
    print(f"kills survived: {len(library.kills)}: {'; '.join(library.kills)}")
    print(f"runs that ended first: {'; '.join(library.missed) or 'none'}")
    assert len(library.kills) >= 30
