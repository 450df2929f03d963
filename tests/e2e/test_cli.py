"""The ``photosearch`` command as users run it: real processes, real files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_photos
from tests.photos import write_bad_inputs
from tests.warm_cli import WarmCli

WARM = WarmCli()


def run(
    *args: str, check: bool = True, min_score: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``photosearch ARGS`` in a process of its own (``tests/warm_cli.py``: forked
    from one that imported torch already); ``min_score`` sets the cut-off in its
    settings first."""
    if min_score is not None:
        from photosearch.core.settings import AppPaths, SettingsFile

        SettingsFile(AppPaths.resolve().settings_path).change(min_score=float(min_score))
    proc = WARM.run(list(args), timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def imported(random_model: Path) -> None:
    run("models", "import", str(random_model))


def test_help_lists_the_commands() -> None:
    proc = run("--help")
    assert "index" in proc.stdout and "search" in proc.stdout


def test_index_then_search_json(imported: None, tmp_path: Path) -> None:
    write_photos(tmp_path / "pics", 12)
    proc = run("index", str(tmp_path / "pics"))
    assert "12 new" in proc.stderr
    hits = json.loads(run("search", "a photo", "-n", "5", "--json").stdout)
    assert len(hits) == 5
    assert all(Path(h["path"]).exists() and isinstance(h["score"], float) for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    similar = json.loads(run("similar", hits[0]["path"], "-n", "3", "--json").stdout)
    assert hits[0]["path"] not in [h["path"] for h in similar] and len(similar) == 3
    status = json.loads(run("status", "--json").stdout)
    assert status["photos"] == status["indexed"] == 12
    doctor = run("doctor")
    assert doctor.returncode == 0
    assert "model precision" in doctor.stdout and "setting: auto" in doctor.stdout


def test_bad_files_exit_zero_and_are_listed(imported: None, tmp_path: Path) -> None:
    expected = write_bad_inputs(tmp_path / "mixed")
    proc = run("index", str(tmp_path / "mixed"))
    assert "skipped" in proc.stderr
    status = json.loads(run("status", "--json", "--errors").stdout)
    assert status["errors"] == sum(not ok for ok in expected.values())
    assert all(item["reason"] for item in status["skipped_files"])
    bad = sum(not ok for ok in expected.values())
    proc = run("index", "--retry-errors")
    assert f"Retrying {bad} skipped photos" in proc.stderr
    assert json.loads(run("status", "--json").stdout)["errors"] == bad


def test_missing_folder_is_a_clear_failure(imported: None, tmp_path: Path) -> None:
    proc = run("index", str(tmp_path / "nope"), check=False)
    assert proc.returncode == 1
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_model_explains_what_to_do(tmp_path: Path) -> None:
    write_photos(tmp_path / "pics", 2)
    proc = run("index", str(tmp_path / "pics"), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "photosearch models download" in proc.stderr and "photosearch demo" in proc.stderr


def test_newer_or_garbage_catalog_is_refused(_isolated_home: Path) -> None:
    run("folders")
    catalog = _isolated_home / "data" / "catalog.sqlite3"
    db = sqlite3.connect(catalog)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    proc = run("status", check=False)
    assert (
        proc.returncode == 1
        and "newer PhotoSearch" in proc.stderr
        and "Traceback" not in proc.stderr
    )
    catalog.write_bytes(b"not a database at all" * 100)
    proc = run("status", check=False)
    assert proc.returncode == 1 and "damaged" in proc.stderr


def test_kill_during_indexing_resumes(imported: None, tmp_path: Path) -> None:
    """kill -9 mid-run: the catalog reopens, and the next run finishes the rest."""
    write_photos(tmp_path / "pics", 150, size=(320, 240))
    env = os.environ.copy()
    proc = subprocess.Popen(
        [sys.executable, "-m", "photosearch", "index", str(tmp_path / "pics")],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    buffer = ""
    while "index:" not in buffer or "/150" not in buffer.split("index:")[-1][:40]:
        ch = proc.stderr.read(1)
        if not ch:
            break
        buffer += ch
    proc.kill()
    proc.wait()
    status = json.loads(run("status", "--json").stdout)
    assert status["photos"] == 150
    run("index")
    status = json.loads(run("status", "--json").stdout)
    assert status["indexed"] == 150 and status["errors"] == 0


def test_watch_indexes_new_photos_and_stops_on_ctrl_c(imported: None, tmp_path: Path) -> None:
    import signal
    import time

    root = tmp_path / "watched"
    write_photos(root, 3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "photosearch", "watch", str(root)],
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stderr is not None
    lines: list[str] = []
    while not any("Watching" in line for line in lines):
        line = proc.stderr.readline()
        assert line, "".join(lines)
        lines.append(line)
    write_photos(root, 2, start=10)
    deadline = time.monotonic() + 60
    while json.loads(run("status", "--json").stdout)["indexed"] < 5:
        assert time.monotonic() < deadline, "new photos were not indexed"
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0
    assert "Stopping" in proc.stderr.read()


def test_version_verbose_names_what_it_is_built_from() -> None:
    from importlib.metadata import version

    assert run("--version").stdout == f"PhotoSearch {version('photosearch')}\n"
    lines = dict(line.split(" ", 1) for line in run("--version", "-v").stdout.splitlines()[1:])
    assert lines["torch"] == version("torch")
    assert lines["open_clip_torch"] == version("open_clip_torch")
    assert lines["usearch"] == version("usearch") and lines["frozen"] == "no"
    assert all(v != "missing" for v in lines.values()), lines
