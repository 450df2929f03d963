"""Moving photos to the system's trash, and putting them back (undo).

send2trash moves a file the way each system's own file manager does. It does not say
where the file went, so on Linux and the BSDs (the freedesktop.org trash: a ``files``
and an ``info`` folder, in the home trash or a drive's own ``.Trash-UID``) the new
``.trashinfo`` entry naming the file is looked for right after the move; with it, *Undo*
puts the file back where it was. On macOS and Windows the system's trash restores it
(its own *Put Back* / *Restore*): there is no undo here, and none is offered.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

from send2trash import send2trash


@dataclass(frozen=True, slots=True)
class Trashed:
    """A file moved to the trash; ``kept`` is where it lies there, when known."""

    path: str
    kept: Path | None = None
    info: Path | None = None

    @property
    def can_restore(self) -> bool:
        return self.kept is not None and self.info is not None


def move_to_trash(path: str) -> Trashed:
    """Move ``path`` to the trash (raises OSError when it cannot be moved)."""
    folders = _trash_info_folders(path)
    before = {folder: _entries(folder) for folder in folders}
    send2trash(path)
    for folder in folders:
        for name in _entries(folder) - before[folder]:
            info = folder / name
            if _names(info, path):
                kept = folder.parent / "files" / name[: -len(".trashinfo")]
                return Trashed(path, kept, info)
    return Trashed(path)


def restore(item: Trashed) -> bool:
    """Put a trashed file back where it was; False if it cannot be (gone from the trash,
    or another file took its place meanwhile: that one is never replaced)."""
    if not item.can_restore or item.kept is None or item.info is None:
        return False
    if os.path.lexists(item.path) or not os.path.lexists(item.kept):
        return False
    os.makedirs(os.path.dirname(item.path), exist_ok=True)
    os.rename(item.kept, item.path)
    item.info.unlink(missing_ok=True)
    return True


def _trash_info_folders(path: str) -> list[Path]:
    """The ``info`` folders the freedesktop trash may put ``path``'s entry in."""
    if sys.platform in ("darwin", "win32"):
        return []
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    folders = [Path(data) / "Trash" / "info"]
    mount = Path(os.path.realpath(path)).parent
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    uid = os.getuid()
    folders += [mount / ".Trash" / str(uid) / "info", mount / f".Trash-{uid}" / "info"]
    return folders


def _entries(folder: Path) -> set[str]:
    try:
        return {n for n in os.listdir(folder) if n.endswith(".trashinfo")}
    except OSError:
        return set()


def _names(info: Path, path: str) -> bool:
    """Whether the ``.trashinfo`` file records ``path``: absolute, or relative to the top
    of the drive (or data folder) its trash belongs to."""
    try:
        lines = info.read_bytes().splitlines()
    except OSError:
        return False
    for line in lines:
        if line.startswith(b"Path="):
            recorded = os.fsdecode(unquote_to_bytes(line[5:]))
            if os.path.isabs(recorded):
                return os.path.abspath(recorded) == os.path.abspath(path)
            return os.path.abspath(path).endswith(os.sep + recorded)
    return False
