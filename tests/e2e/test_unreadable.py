"""Folders the user cannot read are reported in words everywhere, and their photos kept.

File permissions do not stop root, so as root the scans run as ``nobody`` in a forked child
of this (already imported) interpreter: this machine's Python lives under /root, where
``nobody`` cannot start a new one. Those are unchanged rescans that load no model (torch's
thread pool does not survive a fork); the read-only commands run as usual.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from tests.conftest import write_photos
from tests.e2e.test_cli import run

NOBODY = 65534


def _drop_to_nobody() -> None:
    os.setgid(NOBODY)
    os.setuid(NOBODY)


@pytest.fixture
def base(random_model: Path) -> Iterator[Path]:
    """A folder outside root's private temp dir, with a home holding the model."""
    base = Path(tempfile.mkdtemp(dir="/tmp"))
    os.chmod(base, 0o755)
    home = base / "home"
    os.environ["PHOTOSEARCH_HOME"] = str(home)
    with Engine.open() as engine:
        engine.use_model(models.import_model(random_model, engine.paths.models_dir))
        engine.encoder()  # imports now what the child (which may not read /root) needs
    yield base
    for path in base.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(base, ignore_errors=True)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def scan_as_user(base: Path, *args: str) -> Result:
    """``photosearch ARGS`` in a forked child, as ``nobody`` when this runs as root."""
    from photosearch.cli import main

    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(base / "home")], check=True)
    out, err = base / "stdout.txt", base / "stderr.txt"
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            sys.stdout = io.TextIOWrapper(open(out, "wb"), encoding="utf-8")  # noqa: SIM115
            sys.stderr = io.TextIOWrapper(open(err, "wb"), encoding="utf-8")  # noqa: SIM115
            if as_root:
                _drop_to_nobody()
            code = main(list(args))
        except BaseException as exc:  # a failure must reach the test, not a second pytest
            print(f"child failed: {exc!r}", file=sys.stderr)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return Result(
        os.waitstatus_to_exitcode(status),
        out.read_text(encoding="utf-8"),
        err.read_text(encoding="utf-8"),
    )


def test_unreadable_subfolder_is_reported_and_its_photos_kept(base: Path) -> None:
    root = base / "lib"
    write_photos(root, 3)
    private = root / "private"
    write_photos(private, 2, start=10)
    with Engine.open() as engine:  # encoding happens here: torch's threads do not fork well
        engine.library.add_folder(root)
        engine.update()
    os.chmod(private, 0)
    again = scan_as_user(base, "index", "-q")
    assert f"Cannot read the folder {private}: permission denied" in again.stderr
    status = json.loads(run("status", "--json").stdout)
    assert status["photos"] == 5 and status["indexed"] == 5  # nothing forgotten
    assert status["unreadable_folders"] == [{"path": str(private), "reason": "permission denied"}]
    assert f"Unreadable: {private} (permission denied)" in run("status").stdout
    errors = json.loads(run("status", "--json", "--errors").stdout)
    assert {"path": str(private), "reason": "folder cannot be read: permission denied"} in errors[
        "skipped_files"
    ]
    doctor = run("doctor", check=False)
    assert doctor.returncode == 1
    line = next(line for line in doctor.stdout.splitlines() if f"folder {root}" in line)
    assert line.startswith("[!!]") and f"cannot read {private}: permission denied" in line
    os.chmod(private, 0o755)
    scan_as_user(base, "index", "-q")
    assert json.loads(run("status", "--json").stdout)["unreadable_folders"] == []


def test_unreadable_root_is_not_ok(base: Path) -> None:
    root = base / "locked"
    write_photos(root, 2)
    os.chmod(root, 0)
    proc = scan_as_user(base, "index", "-q", str(root))
    assert f"Cannot read the folder {root}: permission denied" in proc.stderr
    assert "[cannot read 1 folder]" in run("folders").stdout
    doctor = run("doctor", check=False)
    assert f"[!!] folder {root}" in doctor.stdout
    assert "cannot read the folder itself: permission denied" in doctor.stdout
