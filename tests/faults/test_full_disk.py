"""Writes that fail for real — a full disk, a read-only one, a file-size limit — give one
clear message, keep the catalog and index as they were, and indexing resumes after.

The disk is a small tmpfs mounted for the test where this machine allows mounting (root
in CI); the file-size limit (``RLIMIT_FSIZE``, EFBIG on every write past it) runs anywhere.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_photos

pytestmark = pytest.mark.faults


def photosearch(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def file_size_limit() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "photosearch", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=file_size_limit,
    )


def embeddings(catalog: Path) -> dict[int, int]:
    """photo id → vector generation, from a copy of the catalog (with its write-ahead log)
    taken off the full disk, where SQLite could not open it."""
    copy = Path(tempfile.mkdtemp()) / catalog.name
    for suffix in ("", "-wal"):
        if Path(f"{catalog}{suffix}").exists():
            shutil.copyfile(f"{catalog}{suffix}", f"{copy}{suffix}")
    db = sqlite3.connect(copy)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(db.execute("SELECT photo_id, gen FROM embeddings"))
    finally:
        db.close()
        shutil.rmtree(copy.parent)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs, unmounted afterwards; skipped where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = os.geteuid() == 0 and (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        pytest.skip("this machine does not let the tests mount a small file system")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``; the file to delete to give them back."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


@pytest.fixture
def home_on_disk(
    small_disk: Path, random_model: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = small_disk / "home"
    monkeypatch.setenv("PHOTOSEARCH_HOME", str(home))
    assert photosearch("models", "import", str(random_model)).returncode == 0
    yield home


def test_a_full_disk_stops_indexing_with_one_message_and_it_resumes(
    small_disk: Path, home_on_disk: Path, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    write_photos(photos, 40)
    first = photosearch("index", str(photos))
    assert first.returncode == 0, first.stderr
    catalog = home_on_disk / "data" / "catalog.sqlite3"
    before = embeddings(catalog)
    index_file = next((home_on_disk / "data" / "vectors").glob("*.usearch"))
    saved = index_file.read_bytes()

    write_photos(photos, 300, start=40, size=(160, 120))
    filler = fill(small_disk)
    for room in (0, 256 * 1024):  # no room to open the catalog; room to start, not finish
        os.truncate(filler, filler.stat().st_size - room)
        full = photosearch("index")
        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr and "Errno" not in full.stderr
        assert "disk that holds PhotoSearch's data is full" in full.stderr
        assert "Nothing was lost" in full.stderr and "damaged" not in full.stderr
        kept = embeddings(catalog)
        assert all(kept.get(i) == gen for i, gen in before.items())
        assert index_file.read_bytes() == saved
        assert not list(index_file.parent.glob("*.tmp"))

    filler.unlink()
    resumed = photosearch("index")
    assert resumed.returncode == 0, resumed.stderr
    after = embeddings(catalog)
    assert len(after) == 340
    assert all(after[i] == gen for i, gen in kept.items())  # nothing encoded twice


def test_a_read_only_disk_keeps_searching_and_indexing_resumes(
    small_disk: Path, home_on_disk: Path, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    write_photos(photos, 20)
    assert photosearch("index", str(photos)).returncode == 0
    catalog = home_on_disk / "data" / "catalog.sqlite3"
    before = embeddings(catalog)
    write_photos(photos, 20, start=20)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        stuck = photosearch("index")
        assert stuck.returncode == 1 and "Traceback" not in stuck.stderr
        assert "read-only" in stuck.stderr or "not allowed to write" in stuck.stderr
        searched = photosearch("search", "a photo", "-n", "3", "--json")
        assert searched.returncode == 0, searched.stderr
        assert len(json.loads(searched.stdout)) == 3
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert photosearch("index").returncode == 0
    after = embeddings(catalog)
    assert len(after) == 40 and all(after[i] == gen for i, gen in before.items())


def test_a_file_size_limit_is_a_clear_message_and_loses_nothing(tmp_path: Path) -> None:
    """Runs on any machine: past RLIMIT_FSIZE every write fails with EFBIG, for real."""
    photos = tmp_path / "photos"
    write_photos(photos, 30)
    home = Path(os.environ["PHOTOSEARCH_HOME"])
    from tests.conftest import write_random_model

    model = write_random_model(tmp_path / "model")
    assert photosearch("models", "import", str(model)).returncode == 0
    assert photosearch("index", str(photos)).returncode == 0
    catalog = home / "data" / "catalog.sqlite3"
    before = embeddings(catalog)
    write_photos(photos, 400, start=30, size=(160, 120))
    biggest = max(p.stat().st_size for p in home.rglob("*") if p.is_file())
    limited = photosearch("index", limit=biggest + 4096)
    assert limited.returncode == 1, limited.stderr
    assert "Traceback" not in limited.stderr
    # SQLite reports EFBIG as a plain I/O error, and the disk has room: no "full" here
    assert "is full" in limited.stderr or "reported a read or write error" in limited.stderr
    assert "Nothing was lost" in limited.stderr
    kept = embeddings(catalog)
    assert all(kept.get(i) == gen for i, gen in before.items())
    assert photosearch("index").returncode == 0
    after = embeddings(catalog)
    assert len(after) == 430 and all(after[i] == gen for i, gen in kept.items())


def test_the_watching_service_says_it_once_and_retries_when_space_is_back(
    small_disk: Path, home_on_disk: Path, tmp_path: Path
) -> None:
    from photosearch.core.app.engine import Engine
    from photosearch.core.app.service import IndexingService
    from photosearch.core.errors import StorageError

    photos = tmp_path / "photos"
    write_photos(photos, 10)
    engine = Engine.open()
    problems: list[StorageError] = []
    heard = threading.Event()
    service = IndexingService(
        engine, on_problem=lambda m: (problems.append(m), heard.set()), retry_s=0.5, quiet_s=0.2
    )
    try:
        engine.library.add_folder(str(photos))
        service.start()
        assert service.wait_idle(60)
        filler = fill(small_disk)
        write_photos(photos, 200, start=10, size=(160, 120))
        service.request_scan()
        assert heard.wait(60)
        assert engine.search("a photo", limit=3).hits  # searching goes on
        heard.clear()
        assert not heard.wait(2)  # retried meanwhile, but said only once
        assert len(problems) == 1 and problems[0].short == "the disk is full"
        assert "full" in str(problems[0])
        filler.unlink()
        deadline = 120
        while deadline and (engine.status().indexed < 210 or service.problem is not None):
            threading.Event().wait(0.5)
            deadline -= 1
        assert engine.status().indexed == 210
        assert service.problem is None  # the job that went through (words pass too) ended
    finally:
        service.stop()
        engine.close()
