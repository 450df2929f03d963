"""Finding what changed on disk since the last look, with one stat per unchanged file.

A file that vanished and one that appeared with the same content key is a move or
rename: its catalog row (and vector) follows it instead of being encoded again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from photosearch.core.errors import os_reason
from photosearch.core.media.images import is_media
from photosearch.core.store.catalog import Catalog, PhotoState
from photosearch.core.types import Folder, JobControl, ProgressCallback, ProgressMeter, no_progress

log = logging.getLogger(__name__)

EDGE_BYTES = 64 * 1024


def content_key(path: str, size: int) -> str | None:
    """A cheap fingerprint: the size plus a hash of the first and last 64 KiB."""
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as fh:
            h.update(fh.read(EDGE_BYTES))
            if size > 2 * EDGE_BYTES:
                fh.seek(-EDGE_BYTES, os.SEEK_END)
                h.update(fh.read(EDGE_BYTES))
    except OSError as exc:
        log.warning("cannot read %s for its content key: %s", path, exc)
        return None
    return f"{size}:{h.hexdigest()}"


@dataclass(slots=True)
class ScanReport:
    added: int = 0
    changed: int = 0
    moved: int = 0
    unchanged: int = 0
    removed_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """Folders that could not be listed (path, reason); their known photos are kept."""
    complete: bool = True

    @property
    def removed(self) -> int:
        return len(self.removed_ids)


Skip = Callable[[str, str], None]


def walk(
    root: str,
    skip_dirs: frozenset[str],
    on_skip: Skip,
    recursive: bool = True,
    on_unreadable: Skip | None = None,
    inside: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, int, int, tuple[int, int] | None]]:
    """Yield (path, size, mtime_ns, file id) of supported photo files under ``root``; the
    file id (device, inode) only for a file with several names (hard links).

    Hidden entries are ignored, directory symlinks are not followed (no loops), and
    ``skip_dirs`` (other catalogued roots nested inside this one) are left to their own scan.
    A link to a file is followed only into ``inside`` (the real paths of the user's folders):
    a link out of them is not the user's library, and a link to a photo the walk finds
    anyway is that photo's second path, not a photo of its own. A folder that cannot be
    listed goes to ``on_unreadable`` (else ``on_skip``). FIFOs and devices are never opened.
    """
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            continue
        except OSError as exc:
            (on_unreadable or on_skip)(directory, os_reason(exc))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if recursive and entry.path not in skip_dirs:
                        stack.append(entry.path)
                    continue
            except OSError:
                continue
            if not is_media(entry.name):
                continue
            if inside is not None and entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not any(target.startswith(r.rstrip(os.sep) + os.sep) for r in inside):
                    on_skip(entry.path, "a link to a photo outside your folders: add its folder")
                    continue
                if reached_by_walk(target, inside):
                    log.debug("%s is a link to %s, indexed under its own name", entry.path, target)
                    continue
            try:
                st = entry.stat()
            except OSError as exc:
                on_skip(entry.path, f"broken link or unreadable entry: {os_reason(exc)}")
                continue
            if stat.S_ISREG(st.st_mode):
                yield entry.path, st.st_size, st.st_mtime_ns, _second_names(st)


def reached_by_walk(target: str, inside: tuple[str, ...]) -> bool:
    """Whether a walk of the folders (real paths ``inside``) finds ``target`` itself: a link
    to such a file is a second path of one photo, which is indexed once, by its own name."""
    if not is_media(os.path.basename(target)) or not os.path.isfile(target):
        return False  # a broken link or a loop is reported as such by the walk
    for root in inside:
        base = root.rstrip(os.sep) + os.sep
        if target.startswith(base):
            parts = target[len(base) :].split(os.sep)
            return not any(part.startswith(".") for part in parts)
    return False


def _second_names(st: os.stat_result) -> tuple[int, int] | None:
    """(device, inode) of a file with several names (hard links), else None."""
    return (st.st_dev, st.st_ino) if st.st_nlink > 1 else None


def library_link_targets(roots: Iterable[str]) -> frozenset[str]:
    """Real paths of the files that links anywhere in these folders point to (hidden
    folders included, directory links not followed): such a file must stay where it is,
    or the links break. One ``scandir`` pass, no stat of plain files."""
    targets: set[str] = set()
    stack = list(roots)
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_symlink():
                    targets.add(os.path.realpath(entry.path))
            except OSError:
                continue
    return frozenset(targets)


@dataclass(frozen=True, slots=True)
class Scope:
    """Part of the tree to rescan: directories (recursively or not) and files to leave alone.

    The watcher builds these from file events, so a burst of changes costs a look at the
    directories involved instead of a walk of the whole library. Files in ``exclude`` are
    still being written: they are neither added nor treated as gone.
    """

    directories: dict[str, bool]
    exclude: frozenset[str] = frozenset()

    def covers(self, path: str) -> bool:
        """Whether ``path`` lies in one of the scope's directories."""
        parent = os.path.dirname(path)
        return any(
            parent == d or (recursive and parent.startswith(d.rstrip(os.sep) + os.sep))
            for d, recursive in self.directories.items()
        )


def _areas(folder: Folder, scope: Scope | None) -> list[tuple[str, bool]]:
    """The (directory, recursive) pairs of ``folder`` that this scan covers."""
    if scope is None:
        return [(folder.path, True)]
    base = folder.path.rstrip(os.sep) + os.sep
    inside = [
        (d, r) for d, r in scope.directories.items() if d == folder.path or d.startswith(base)
    ]
    covered = [d for d, r in inside if r]
    return [
        (d, r)
        for d, r in inside
        if not any(d != c and d.startswith(c.rstrip(os.sep) + os.sep) for c in covered)
    ]


def scan(
    catalog: Catalog,
    progress: ProgressCallback = no_progress,
    control: JobControl | None = None,
    scope: Scope | None = None,
) -> ScanReport:
    """Compare enabled folders (or just ``scope``) with the catalog and record the differences."""
    control = control or JobControl()
    report = ScanReport()
    meter = ProgressMeter("scan", None, progress)
    folders = [f for f in catalog.folders() if f.enabled]
    roots = frozenset(f.path for f in folders)
    inside = tuple(os.path.realpath(root) for root in roots)
    exclude = scope.exclude if scope else frozenset()

    def on_skip(path: str, reason: str) -> None:
        log.warning("skipped %s: %s", path, reason)
        report.skipped.append((path, reason))

    def on_unreadable(path: str, reason: str) -> None:
        log.warning("cannot read the folder %s: %s", path, reason)
        report.unreadable.append((path, reason))
        unreadable.append((folder.id, path, reason))

    looked: list[tuple[str, bool]] = []
    unreadable: list[tuple[int, str, str]] = []
    appeared: list[tuple[Folder, str, int, int, tuple[int, int] | None]] = []
    names: dict[tuple[int, int], str] = {}
    """The catalogued name of each file with several names (hard links) seen."""
    changed: list[tuple[int, int, int, str | None]] = []
    vanished: list[PhotoState] = []
    for folder in folders:
        areas = _areas(folder, scope)
        if not areas:
            continue
        if not os.path.isdir(folder.path):
            log.warning("folder %s is missing (unplugged drive?); keeping its photos", folder.path)
            report.offline.append(folder.path)
            if folder.online:
                catalog.set_folder_flags(folder.id, online=False)
            continue
        if not folder.online:
            catalog.set_folder_flags(folder.id, online=True)
        for directory, recursive in areas:
            known = catalog.photo_states(
                folder.id, None if directory == folder.path and recursive else directory
            )
            if not recursive:
                known = {p: s for p, s in known.items() if os.path.dirname(p) == directory}
            looked.append((directory, recursive))
            first_unreadable = len(unreadable)
            for path, size, mtime_ns, file_id in walk(
                directory, roots - {folder.path}, on_skip, recursive, on_unreadable, inside
            ):
                if meter.done % 512 == 0:
                    if not control.checkpoint():
                        report.complete = False
                        return report
                    meter.report()
                meter.done += 1
                if path in exclude:
                    known.pop(path, None)
                    continue
                state = known.pop(path, None)
                if state is None:
                    appeared.append((folder, path, size, mtime_ns, file_id))
                elif file_id is not None:
                    names[file_id] = path
                elif state.size != size or state.mtime_ns != mtime_ns:
                    changed.append((state.id, size, mtime_ns, content_key(path, size)))
                else:
                    report.unchanged += 1
            # photos in a folder that could not be read are still there as far as we know
            hidden = tuple(d.rstrip(os.sep) + os.sep for _, d, _ in unreadable[first_unreadable:])
            vanished.extend(
                s for p, s in known.items() if p not in exclude and not p.startswith(hidden)
            )

    by_key: dict[str, list[PhotoState]] = defaultdict(list)
    for state in vanished:
        if state.content_key:
            by_key[state.content_key].append(state)
    added: list[tuple[int, str, int, int, str | None]] = []
    moved: list[tuple[int, int, str, int, int]] = []
    for folder, path, size, mtime_ns, file_id in appeared:
        key = content_key(path, size)
        if file_id is not None and key and _second_name(catalog, names, file_id, key, path):
            continue
        candidates = by_key.get(key) if key else None
        if candidates:
            state = candidates.pop()
            moved.append((state.id, folder.id, path, size, mtime_ns))
        else:
            added.append((folder.id, path, size, mtime_ns, key))
    moved_ids = {m[0] for m in moved}
    report.removed_ids = [s.id for s in vanished if s.id not in moved_ids]
    report.changed_ids = [c[0] for c in changed]
    report.added, report.changed, report.moved = len(added), len(changed), len(moved)
    catalog.apply_scan(added, changed, moved, report.removed_ids, looked, unreadable)
    meter.report()
    return report


def _second_name(
    catalog: Catalog,
    names: dict[tuple[int, int], str],
    file_id: tuple[int, int],
    key: str,
    path: str,
) -> bool:
    """Whether ``path`` is another name (hard link) of a file already in the catalog or
    found earlier in this scan: one file is one photo, listed under its first name."""
    first = names.get(file_id)
    if first is None:
        for other in catalog.paths_with_key(key):
            try:
                if os.path.samefile(other, path):
                    first = other
                    break
            except OSError:
                continue
    if first is None:
        names[file_id] = path
        return False
    log.info("%s is another name of %s (a hard link): listed once", path, first)
    return True
