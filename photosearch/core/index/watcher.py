"""Watching folders: watchdog events → debounced, coalesced scan scopes.

A file is only handed on once it has stopped changing (cameras and sync tools write
slowly; editors write a temp file and rename it), bursts are folded into one scope per
directory, and a watched folder that disappears (an unplugged drive) or comes back is
reported too, so the scanner can mark it offline or reconcile it.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from photosearch.core.index.scanner import Scope
from photosearch.core.media.images import is_media

log = logging.getLogger(__name__)

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "davfs",
        "fuse.rclone", "afpfs", "webdav",
    }
)  # fmt: skip
"""File systems of network drives (Linux and macOS names): changes made on another
computer send no notification, so such folders are polled."""
IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})


def on_network_drive(path: str) -> bool:
    """Whether ``path`` lies on a network drive — NFS, SMB, sshfs… on Linux and macOS, a
    mapped network drive on Windows (psutil says "remote") — to watch it by polling."""
    try:
        mounts = psutil.disk_partitions(all=True)
    except (OSError, RuntimeError):
        return False
    real = os.path.normcase(os.path.realpath(path))

    def holds(mountpoint: str) -> bool:
        top = os.path.normcase(mountpoint).rstrip(os.sep)
        return real == top or real.startswith(top + os.sep)

    mount = max(
        (m for m in mounts if holds(m.mountpoint)), key=lambda m: len(m.mountpoint), default=None
    )
    return mount is not None and (
        mount.fstype.lower() in NETWORK_FILESYSTEMS or "remote" in mount.opts.split(",")
    )


@dataclass(slots=True)
class _Pending:
    last_event: float
    signature: tuple[int, int] | None = None


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher._record(event)


class Watcher:
    """One observer per root; calls ``on_scope`` with debounced scopes from its own thread."""

    def __init__(
        self,
        on_scope: Callable[[Scope], None],
        quiet_s: float = 1.0,
        poll_interval_s: float = 2.0,
    ) -> None:
        self.on_scope = on_scope
        self.quiet_s = quiet_s
        self.poll_interval_s = poll_interval_s
        self.modes: dict[str, str] = {}
        self._observers: dict[str, BaseObserver] = {}
        self._present: dict[str, bool] = {}
        self._force_polling: dict[str, bool] = {}
        self._files: dict[str, _Pending] = {}
        self._dirs: dict[str, tuple[bool, float]] = {}
        self._lock = threading.Lock()
        self._roots_lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="watcher", daemon=True)
        self._thread.start()

    # -- roots -------------------------------------------------------------------------

    def watch(self, root: str, force_polling: bool = False) -> str:
        """Start watching ``root``; returns "native", "polling" or "offline"."""
        with self._roots_lock:
            return self._watch(root, force_polling)

    def _watch(self, root: str, force_polling: bool) -> str:
        self.unwatch(root)
        self._force_polling[root] = force_polling
        self._present[root] = os.path.isdir(root)
        if not self._present[root]:
            self.modes[root] = "offline"
            return "offline"
        polling = force_polling or on_network_drive(root)
        observer: BaseObserver = (
            PollingObserver(timeout=self.poll_interval_s) if polling else Observer()
        )
        try:
            observer.schedule(_Handler(self), root, recursive=True)
            observer.start()
        except OSError as exc:
            reason = "inotify watch limit reached" if exc.errno == errno.ENOSPC else str(exc)
            log.warning("native watching of %s failed (%s); polling instead", root, reason)
            observer = PollingObserver(timeout=self.poll_interval_s)
            observer.schedule(_Handler(self), root, recursive=True)
            observer.start()
            polling = True
        self._observers[root] = observer
        self.modes[root] = "polling" if polling else "native"
        return self.modes[root]

    def unwatch(self, root: str, forget: bool = False) -> None:
        with self._roots_lock:
            observer = self._observers.pop(root, None)
            if observer is not None:
                observer.stop()
                observer.join(5)
            self.modes.pop(root, None)
            if forget:
                self._present.pop(root, None)
                self._force_polling.pop(root, None)

    def close(self) -> None:
        self._stop.set()
        for root in list(self._observers):
            self.unwatch(root)
        self._thread.join(5)

    # -- events ------------------------------------------------------------------------

    def _record(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS:
            return
        now = time.monotonic()
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(event.dest_path) if event.dest_path else ""
        with self._lock:
            if event.is_directory:
                if event.event_type in ("created", "deleted", "moved"):
                    for path in filter(None, (src, dest)):
                        self._dirs[path] = (True, now)
                        self._mark_dir(os.path.dirname(path), now)
                return
            if event.event_type == "moved":
                # A rename is atomic: the destination is complete unless the source was
                # itself still being written.
                still_writing = self._files.pop(src, None) is not None
                self._mark_dir(os.path.dirname(src), now)
                if is_media(dest):
                    if still_writing:
                        self._files[dest] = _Pending(now)
                    self._mark_dir(os.path.dirname(dest), now)
            elif is_media(src):
                if event.event_type == "deleted":
                    self._files.pop(src, None)
                else:
                    self._files[src] = _Pending(now)
                self._mark_dir(os.path.dirname(src), now)

    def _mark_dir(self, directory: str, when: float) -> None:
        recursive = self._dirs.get(directory, (False, 0.0))[0]
        self._dirs[directory] = (recursive, when)

    # -- debounce loop -----------------------------------------------------------------

    def _loop(self) -> None:
        tick = min(0.25, self.quiet_s / 4)
        last_roots_check = 0.0
        while not self._stop.wait(tick):
            now = time.monotonic()
            if now - last_roots_check >= self.poll_interval_s:
                last_roots_check = now
                self._check_roots(now)
            scope = self._ready(now)
            if scope is not None:
                try:
                    self.on_scope(scope)
                except Exception:
                    log.exception("handling a change in %s failed", sorted(scope.directories))

    def _ready(self, now: float) -> Scope | None:
        """Settle pending files, then hand on directories that have been quiet long enough."""
        with self._lock:
            for path, pending in list(self._files.items()):
                if now - pending.last_event < self.quiet_s:
                    continue
                try:
                    st = os.stat(path)
                except OSError:
                    del self._files[path]
                    continue
                signature = (st.st_size, st.st_mtime_ns)
                if signature == pending.signature:
                    del self._files[path]
                    self._mark_dir(os.path.dirname(path), now - self.quiet_s)
                else:
                    pending.signature = signature
            ready = {d: r for d, (r, t) in self._dirs.items() if now - t >= self.quiet_s}
            if not ready:
                return None
            for directory in ready:
                del self._dirs[directory]
            return Scope(ready, frozenset(self._files))

    def _check_roots(self, now: float) -> None:
        """Notice roots that vanished (unplugged) or came back, and (re)watch them."""
        with self._roots_lock:
            changed = [(r, p) for r, p in self._present.items() if os.path.isdir(r) != p]
        for root, was_present in changed:
            present = not was_present
            log.info("watched folder %s %s", root, "is back" if present else "disappeared")
            if present:
                self.watch(root, self._force_polling.get(root, False))
            else:
                self.unwatch(root)
                self._present[root] = False
                self.modes[root] = "offline"
            with self._lock:
                self._dirs[root] = (True, now - self.quiet_s)
