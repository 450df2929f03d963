"""``photosearch --install-desktop-entry``: the menu entry, the icon and *Open with
PhotoSearch* for images, installed into the user's XDG folders (Linux and the BSDs), for
the bundle or a pip install alike; ``--uninstall-desktop-entry`` takes them away."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets"
ENTRY_NAME = "photosearch.desktop"
ICON_NAME = "photosearch.svg"


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def installed_paths() -> tuple[Path, Path]:
    """Where the entry and the icon go."""
    home = data_home()
    return (
        home / "applications" / ENTRY_NAME,
        home / "icons" / "hicolor" / "scalable" / "apps" / ICON_NAME,
    )


def launcher() -> list[str]:
    """The command that starts this PhotoSearch: the bundle's program, the installed
    ``photosearch`` script beside this Python, or this Python with ``-m photosearch``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name("photosearch")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "photosearch"]


RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
"""Characters that make an ``Exec`` argument need quotes (Desktop Entry spec, "The Exec key")."""


def exec_argument(arg: str) -> str:
    """One ``Exec`` argument as the Desktop Entry spec wants it: ``%`` doubled; with a
    reserved character (a space in ``/opt/My Apps``), in double quotes with ``"`` `` ` ``
    ``$`` ``\\`` escaped by a backslash — and every backslash then doubled again, as any
    string value of the file escapes it. (Single quotes, what a shell takes, are not
    quotes there: ``desktop-file-validate`` refuses them.)"""
    arg = arg.replace("%", "%%")
    if not any(c in RESERVED for c in arg):
        return arg
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("\\", "\\\\")


def entry_text() -> str:
    """The packaged entry with ``Exec`` pointing at this installation."""
    command = " ".join(exec_argument(part) for part in launcher())
    lines = (ASSETS / ENTRY_NAME).read_text(encoding="utf-8").splitlines()
    fixed = [f"Exec={command} --similar %F" if line.startswith("Exec=") else line for line in lines]
    return "\n".join(fixed) + "\n"


def install() -> list[Path]:
    entry, icon = installed_paths()
    entry.parent.mkdir(parents=True, exist_ok=True)
    icon.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(entry_text(), encoding="utf-8")
    shutil.copyfile(ASSETS / ICON_NAME, icon)
    _refresh(entry.parent)
    return [entry, icon]


def uninstall() -> list[Path]:
    removed = [path for path in installed_paths() if path.exists()]
    for path in removed:
        path.unlink()
    _refresh(installed_paths()[0].parent)
    return removed


def _refresh(applications: Path) -> None:
    """Tell the desktop about the new MIME handlers, where its tool is installed."""
    tool = shutil.which("update-desktop-database")
    if tool is not None and applications.is_dir():
        subprocess.run([tool, str(applications)], check=False, capture_output=True)
