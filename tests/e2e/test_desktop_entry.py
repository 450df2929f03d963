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
    png = data / "icons" / "hicolor" / "256x256" / "apps" / "photosearch.png"
    metainfo = data / "metainfo" / "io.github.photosearch.PhotoSearch.metainfo.xml"
    assert png.is_file() and metainfo.is_file()  # the sizes and what software centres read
    text = entry.read_text(encoding="utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert Path(program).is_absolute() and os.access(program, os.X_OK), exec_line
    assert exec_line.endswith(" --similar %F") and "MimeType=image/jpeg;" in text
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True)
        assert checked.returncode == 0, checked.stdout
    started = subprocess.run(
        [*exec_arguments(exec_line.removeprefix("Exec="))[:-2], "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.stdout.startswith("PhotoSearch "), started.stderr  # the entry starts us
    proc = run("--uninstall-desktop-entry", data_home=data)
    assert proc.returncode == 0 and not entry.exists() and not icon.exists()
    assert not png.exists() and not metainfo.exists()
    assert str(entry) in proc.stdout


def test_the_entry_names_this_python_when_no_script_is_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from photosearch import desktop_entry

    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    assert desktop_entry.launcher() == [str(tmp_path / "python3"), "-m", "photosearch"]
    assert f"Exec={tmp_path / 'python3'} -m photosearch --similar %F" in desktop_entry.entry_text()


def exec_arguments(value: str) -> list[str]:
    """The arguments an ``Exec`` value holds, read as the Desktop Entry spec says."""
    value = value.replace("\\\\", "\\")  # the string value's own escape
    found, current, quoted, escaped, started = [], "", False, False, False
    for c in value:
        if escaped:
            current, escaped = current + c, False
        elif quoted and c == "\\":
            escaped = True
        elif c == '"':
            quoted, started = not quoted, True
        elif c == " " and not quoted:
            if current or started:
                found.append(current.replace("%%", "%"))
            current, started = "", False
        else:
            current += c
    if current or started:
        found.append(current.replace("%%", "%"))
    return found


@pytest.mark.parametrize(
    "program",
    ["/opt/My Apps/PhotoSearch/photosearch", '/tmp/a"b/$HOME/back\\slash/100%/photosearch'],
)
def test_an_install_path_with_spaces_and_odd_characters_starts_us(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, program: str
) -> None:
    from photosearch import desktop_entry

    monkeypatch.setattr(desktop_entry, "launcher", lambda: [program])
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    entry = desktop_entry.install()[0]
    exec_line = next(
        line for line in entry.read_text(encoding="utf-8").splitlines() if line.startswith("Exec=")
    )
    assert "'" not in exec_line  # single quotes are not quotes in a desktop entry
    assert exec_arguments(exec_line.removeprefix("Exec=")) == [program, "--similar", "%F"]
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True)
        assert checked.returncode == 0, checked.stdout
