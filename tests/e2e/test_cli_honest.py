"""What the command line says must be true: valid JSON, real scores, the real cause."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import torch_free, write_photos
from tests.e2e.test_cli import imported, run

__all__ = ["imported"]  # the fixture, used by name


@pytest.fixture
def library(imported: None, tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write_photos(root, 6)
    (root / "notes.jpg").write_text("not a photo")
    run("index", "-q", str(root))
    return root


def test_json_is_valid_utf8_for_names_that_are_not(imported: None, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_photos(root, 3)
    raw_name = b"caf\xe9 \xff.jpg"  # Latin-1 bytes: not UTF-8
    os.rename(root / "img_0000.jpg", os.path.join(os.fsencode(root), raw_name))
    (root / "img_0001.jpg").write_bytes(b"")  # an error whose path is listed too
    os.rename(root / "img_0001.jpg", os.path.join(os.fsencode(root), b"broken \xfe.jpg"))
    run("index", "-q", str(root))
    for args in (
        ("search", "a photo", "-n", "10", "--json"),
        ("status", "--json", "--errors"),
        ("doctor", "--json"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "photosearch", *args], capture_output=True, timeout=300
        )
        data = json.loads(proc.stdout.decode("utf-8"))  # strict: raises on a stray byte
        assert data, args
    hits = json.loads(run("search", "a photo", "-n", "10", "--json", min_score="0").stdout)
    odd = [h for h in hits if "path_bytes" in h]
    assert len(odd) == 1
    assert base64.b64decode(odd[0]["path_bytes"]) == os.path.join(os.fsencode(root), raw_name)
    assert odd[0]["path"].endswith("caf\\xe9 \\xff.jpg")
    assert all("path_bytes" not in h for h in hits if h is not odd[0])
    status = json.loads(run("status", "--json", "--errors").stdout)
    assert any(s["path"].endswith("broken \\xfe.jpg") for s in status["skipped_files"])


def test_an_unchanged_rescan_does_not_load_the_model(library: Path) -> None:
    clean, errors = torch_free("from photosearch.cli import main\nassert not main(['index', '-q'])")
    assert clean, errors
    assert "0 new" in errors and "7 unchanged" in errors


def test_filter_only_results_show_dates_not_scores(library: Path) -> None:
    lines = run("search", "after:1990").stdout.splitlines()
    assert len(lines) == 6
    assert all(line[:10].count("-") == 2 and " 1.000 " not in line for line in lines)
    hits = json.loads(run("search", "type:jpg", "--json").stdout)
    assert hits and all(h["score"] is None for h in hits)
    proc = run("search", "before:1990")
    assert proc.stdout == "" and "No photos match these filters." in proc.stderr
    assert "No good match" not in proc.stderr


def test_scores_stay_in_the_cosine_range(library: Path) -> None:
    photo = str(library / "img_0002.jpg")
    hits = json.loads(run("search", "", "--image", photo, "--image", photo, "--json").stdout)
    assert hits and all(-1.0 <= h["score"] <= 1.0 for h in hits)
    assert hits[0]["path"] == photo and hits[0]["score"] == 1.0


def test_weak_matches_respect_n_and_n_must_be_positive(library: Path) -> None:
    proc = run("search", "a photo min:0.9999", "-n", "2")
    assert "No good match" in proc.stderr
    weak = [line for line in proc.stderr.splitlines() if line.startswith("  ")]
    assert len(weak) == 2
    for bad in ("0", "-3"):
        proc = run("search", "a photo", "-n", bad, check=False)
        assert proc.returncode == 2 and "at least 1" in proc.stderr


def test_similar_names_the_file_and_the_real_cause(library: Path, tmp_path: Path) -> None:
    cases = {
        str(tmp_path / "no" / "such.jpg"): "does not exist",
        str(library): "folder, not an image",
        str(library / "notes.jpg"): "not an image",
    }
    for path, cause in cases.items():
        proc = run("similar", path, check=False)
        assert proc.returncode == 1
        assert path in proc.stderr and cause in proc.stderr, proc.stderr
        assert "no longer exists" not in proc.stderr and "Errno" not in proc.stderr


def test_watch_sees_photos_copied_while_it_starts(imported: None, tmp_path: Path) -> None:
    root = tmp_path / "watched"
    write_photos(root, 3)
    for name in ("a", "b"):
        (root / name).mkdir()
    camera = write_photos(tmp_path / "camera", 4)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "photosearch", "watch", str(root)],
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        copied = []
        for at, name, batch in ((2.5, "a", camera[:2]), (5.0, "b", camera[2:])):
            time.sleep(max(0.0, started + at - time.monotonic()))  # the moments under test
            for path in batch:
                shutil.copy2(path, root / name / path.name)
            copied.append(time.monotonic())
        deadline = copied[0] + 180  # a missed photo never comes: no rescan runs meanwhile
        while json.loads(run("status", "--json").stdout)["indexed"] < 7:
            assert time.monotonic() < deadline, "photos copied during start-up were missed"
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
