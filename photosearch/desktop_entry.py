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


METAINFO = "io.github.photosearch.PhotoSearch.metainfo.xml"


def resources() -> Path | None:
    """The PNG icons and the AppStream metainfo: in the bundle, or in a source checkout
    (a wheel carries only the SVG icon, which every desktop scales)."""
    bundle = getattr(sys, "_MEIPASS", None)
    folder = Path(bundle) / "resources" if bundle else ASSETS.parent.parent / "resources"
    return folder if (folder / METAINFO).is_file() else None


def files() -> list[tuple[Path, Path]]:
    """(source, where it is installed): the entry first (written, not copied), the SVG
    icon, and where this installation has them, the PNG sizes and the metainfo software
    centres list the app from."""
    home = data_home()
    hicolor = home / "icons" / "hicolor"
    found = [
        (ASSETS / ENTRY_NAME, home / "applications" / ENTRY_NAME),
        (ASSETS / ICON_NAME, hicolor / "scalable" / "apps" / ICON_NAME),
    ]
    extra = resources()
    if extra is not None:
        for png in sorted((extra / "icons").glob("photosearch-*.png")):
            side = png.stem.removeprefix("photosearch-")
            found.append((png, hicolor / f"{side}x{side}" / "apps" / "photosearch.png"))
        found.append((extra / METAINFO, home / "metainfo" / METAINFO))
    return found


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
    placed = files()
    for source, target in placed:
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.name == ENTRY_NAME:
            target.write_text(entry_text(), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    _refresh(placed[0][1].parent)
    return [target for _, target in placed]


def uninstall() -> list[Path]:
    """Remove what ``install`` placed (every size an earlier version may have left)."""
    placed = [target for _, target in files()]
    hicolor = data_home() / "icons" / "hicolor"
    placed += [p for p in hicolor.glob("*/apps/photosearch.png") if p not in placed]
    removed = [path for path in placed if path.exists()]
    for path in removed:
        path.unlink()
    _refresh(placed[0].parent)
    return removed


def _refresh(applications: Path) -> None:
    """Tell the desktop about the new MIME handlers, where its tool is installed."""
    tool = shutil.which("update-desktop-database")
    if tool is not None and applications.is_dir():
        subprocess.run([tool, str(applications)], check=False, capture_output=True)
