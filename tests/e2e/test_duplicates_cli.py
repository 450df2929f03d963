"""``photosearch duplicates``: groups as JSON, and nothing leaves without a confirmation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.core.test_duplicates import write_originals_and_copies
from tests.e2e.test_cli import run


def test_duplicates_as_json_and_to_the_trash_only_when_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the trash, on Linux
    families = write_originals_and_copies(tmp_path / "photos")
    run("models", "use", "demo:tiny-shapes")
    run("index", str(tmp_path / "photos"), "-q")
    listed = json.loads(run("duplicates", "--json").stdout)
    groups = listed["groups"]
    assert len(groups) == len(families)
    first = groups[0]
    assert first["kind"] == "near" and set(first["photos"][0]) >= {
        "path", "width", "height", "bytes", "date",
    }  # fmt: skip
    assert {p["path"] for g in groups for p in g["photos"]} == {
        p for family in families.values() for p in family
    }
    refused = run("duplicates", "--trash", check=False)  # no terminal to ask, no --yes
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert all(os.path.exists(p) for family in families.values() for p in family)
    only = run("duplicates", "in:originals", "--json")  # different photos: no copies there
    assert json.loads(only.stdout) == {"groups": []}
    moved = run("duplicates", "--trash", "--yes")
    assert f"Moved {4 * len(families)} photos to the trash" in moved.stderr
    assert all(os.path.exists(original) for original in families)
    assert not any(os.path.exists(p) for family in families.values() for p in family[1:])
    assert len(list((tmp_path / "xdg" / "Trash" / "files").iterdir())) == 4 * len(families)
    assert json.loads(run("duplicates", "--json").stdout) == {"groups": []}
