"""One writer per library, across processes, with the owner named in the refusal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from photosearch.core.errors import CatalogLockedError
from photosearch.core.instance import InstanceLock

HOLD = """
import sys, time
from pathlib import Path
from photosearch.core.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print("held", flush=True)
sys.stdin.readline()
lock.release()
print("released", flush=True)
"""


def test_a_second_process_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "photosearch.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CatalogLockedError, match=f"process {holder.pid}"):
            InstanceLock(path)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        lock = InstanceLock(path)  # free again
        lock.release()
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_owner_leaves_no_lock(tmp_path: Path) -> None:
    path = tmp_path / "photosearch.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == b"held"
    holder.kill()  # SIGKILL: no clean-up code runs
    holder.wait()
    InstanceLock(path).release()


def test_the_same_process_cannot_take_it_twice(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "photosearch.lock")
    try:
        with pytest.raises(CatalogLockedError):
            InstanceLock(tmp_path / "photosearch.lock")
    finally:
        first.release()
