"""``--install-desktop-entry``: a menu entry that starts this installation, its icon, and
a clean uninstall — into the user's XDG folders only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    return subprocess.run(
        [sys.executable, "-m", "photosearch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_install_and_uninstall_the_desktop_entry(tmp_path: Path) -> None:
    data = tmp_path / "xdg"
    proc = run("--install-desktop-entry", data_home=data)
    assert proc.returncode == 0, proc.stderr
    entry = data / "applications" / "photosearch.desktop"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / "photosearch.svg"
    assert entry.is_file() and icon.is_file()
    text = entry.read_text(encoding="utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert Path(program).is_absolute() and os.access(program, os.X_OK), exec_line
    assert exec_line.endswith(" --similar %F") and "MimeType=image/jpeg;" in text
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True)
        assert checked.returncode == 0, checked.stdout
    started = subprocess.run(
        [*exec_line.removeprefix("Exec=").split()[:-2], "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.stdout.startswith("PhotoSearch "), started.stderr  # the entry starts us
    proc = run("--uninstall-desktop-entry", data_home=data)
    assert proc.returncode == 0 and not entry.exists() and not icon.exists()
    assert str(entry) in proc.stdout


def test_the_entry_names_this_python_when_no_script_is_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from photosearch import desktop_entry

    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    assert desktop_entry.launcher() == [str(tmp_path / "python3"), "-m", "photosearch"]
    assert f"Exec={tmp_path / 'python3'} -m photosearch --similar %F" in desktop_entry.entry_text()
