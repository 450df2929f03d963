"""A library that fights back: a FIFO and device nodes dressed as photos, links out of
the user's folders, a photo still being written, 100,000 empty files in one folder.
Indexing never blocks, never follows what it should not, and reports what it costs.
"""

from __future__ import annotations

import logging
import os
import resource
import stat
import threading
import time
from pathlib import Path

import pytest

from photosearch.core.app.engine import Engine
from tests.conftest import write_photos

pytestmark = pytest.mark.faults

EMPTY_FILES = 100_000


def test_fifos_devices_links_out_and_growing_files(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "library"
    good = write_photos(root, 3)
    os.mkfifo(root / "pipe.jpg")  # opening it would wait for a writer forever
    devices = os.geteuid() == 0
    if devices:  # /dev/zero never ends, /dev/null is empty
        os.mknod(root / "zero.jpg", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        os.mknod(root / "null.png", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    (root / "to-zero.jpg").symlink_to("/dev/zero")
    elsewhere = write_photos(tmp_path / "elsewhere", 2)
    (root / "outside.jpg").symlink_to(elsewhere[0])
    (root / "trip").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "inside.jpg").symlink_to(good[0])  # a second path of a photo: listed once
    hidden = write_photos(root / ".hidden", 1)
    (root / "shown.jpg").symlink_to(hidden[0])  # the only path to a photo: followed
    growing = root / "growing.jpg"
    growing.write_bytes(good[1].read_bytes())
    stop = threading.Event()

    def keep_writing() -> None:
        with open(growing, "ab") as fh:
            while not stop.is_set():
                fh.write(os.urandom(4096))
                fh.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=keep_writing, daemon=True)
    writer.start()
    plumbing_engine.library.add_folder(root)
    finished = threading.Event()
    outcome: list[object] = []

    def index() -> None:
        outcome.append(plumbing_engine.update())
        finished.set()

    threading.Thread(target=index, daemon=True).start()
    try:
        assert finished.wait(120), "indexing blocked on a FIFO, a device or a growing file"
    finally:
        stop.set()
        writer.join(5)
    _, indexed = outcome[0]  # type: ignore[misc]
    assert indexed is not None
    catalogued = {p.path for p in plumbing_engine.catalog.photos(range(1, 1000)).values()}
    names = {Path(p).name for p in catalogued}
    assert {"img_0000.jpg", "img_0001.jpg", "img_0002.jpg", "shown.jpg"} <= names
    assert not names & {"pipe.jpg", "zero.jpg", "null.png", "to-zero.jpg", "outside.jpg"}
    assert "inside.jpg" not in names  # the photo it points to is listed, once
    assert not any("/trip/" in p for p in catalogued)
    assert "growing.jpg" in names  # read as far as it was, or skipped with a reason


def test_100_000_empty_files_in_one_folder(
    plumbing_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Reports the scan's time and memory (the peak of this process, for scale)."""
    caplog.set_level(logging.ERROR)  # not 100,000 captured "skipped" lines in the count
    root = tmp_path / "many"
    root.mkdir()
    for i in range(EMPTY_FILES):
        (root / f"empty_{i:06d}.jpg").touch()
    write_photos(root, 1, start=7)
    plumbing_engine.library.add_folder(root)
    started = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scan = plumbing_engine.scan()
    scanned = time.perf_counter() - started
    _, indexed = plumbing_engine.update()
    total = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert scan.added == EMPTY_FILES + 1
    assert indexed is not None and indexed.encoded == 1
    assert len(indexed.errors) == EMPTY_FILES
    assert all(reason == "empty file (0 bytes)" for _, reason in indexed.errors[:100])
    print(
        f"{EMPTY_FILES} empty files: scan {scanned:.1f} s, scan + index {total:.1f} s, "
        f"peak RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MB"
    )
    assert rss_after - rss_before < 400 * 1024  # KB: the list of 100k paths, not more
