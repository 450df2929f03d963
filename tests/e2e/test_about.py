"""``--version --verbose``: every part the app is built from, with its version, read from
the installed metadata — nothing is imported to tell it (the download answers at once)."""

from __future__ import annotations

import subprocess
import sys

from photosearch.cli.about import PARTS
from tests.conftest import torch_free


def test_every_part_is_listed_with_its_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "photosearch", "--version", "--verbose"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines()[1:])
    for dists, _ in PARTS:
        assert lines[dists[0]][:1].isdigit(), (dists[0], lines[dists[0]])  # never "?"
    assert "\nface models installed\n" in proc.stdout
    clean, _ = torch_free("from photosearch.cli.about import versions\nversions()")
    assert clean
