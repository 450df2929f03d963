"""Network drives are watched by polling (a change made on another computer sends no
notification): told from the mount table on every OS through psutil."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import NamedTuple

import psutil
import pytest

from photosearch.core.index import watcher
from photosearch.core.index.scanner import Scope
from photosearch.core.index.watcher import Watcher, on_network_drive
from tests.photos import photo_like


class Mount(NamedTuple):
    """A row of ``psutil.disk_partitions`` (its own type is private)."""

    device: str
    mountpoint: str
    fstype: str
    opts: str


def mounted(monkeypatch: pytest.MonkeyPatch, *extra: Mount) -> None:
    """This machine's real mounts, plus ``extra`` (no NFS server can be mounted here)."""
    real = psutil.disk_partitions(all=True)
    monkeypatch.setattr(watcher.psutil, "disk_partitions", lambda all=False: [*real, *extra])


def test_local_folders_are_not_network_drives(tmp_path: Path) -> None:
    assert not on_network_drive(str(tmp_path))


def test_a_network_mount_and_the_folders_below_it_are_polled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nas, beside = tmp_path / "nas", tmp_path / "nas2"  # a name's prefix is not inside
    for folder in (nas / "Photos", beside):
        folder.mkdir(parents=True)
    mounted(monkeypatch, Mount("server:/export", str(nas), "nfs4", "rw,relatime"))
    assert on_network_drive(str(nas)) and on_network_drive(str(nas / "Photos"))
    assert not on_network_drive(str(beside))
    mounted(monkeypatch, Mount("\\\\server\\share", str(beside), "NTFS", "rw,remote"))
    assert on_network_drive(str(beside))  # a mapped drive on Windows: "remote"

    seen: list[Scope] = []
    watching = Watcher(seen.append, quiet_s=0.2, poll_interval_s=0.2)
    try:
        assert watching.watch(str(nas / "Photos")) == "polling"
        assert watching.watch(str(tmp_path / "nas2")) == "polling"
        photo_like(64, 48, 1).save(nas / "Photos" / "new.jpg", quality=85)
        deadline = time.monotonic() + 20
        while not seen and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seen, "a photo copied onto the network drive was not seen"
    finally:
        watching.close()
        shutil.rmtree(nas, ignore_errors=True)
