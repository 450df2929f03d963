"""The one way the window runs work off the GUI thread: ``run_task``.

A function runs on a thread pool; its result, or the exception it raised, comes back on
the GUI thread through a small relay owned by ``receiver``. The callbacks die with the
widget that asked: a pane closed or a viewer gone meanwhile is never called, and a late
answer is dropped instead of reaching a deleted object. Thumbnails, the viewer, the
details pane and every engine call (``EngineBridge.run``) go through it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

T = TypeVar("T")


class _Relay(QObject):
    """Lives on the GUI thread, owned by the receiver: the worker's answer is queued to it
    (a bound slot of a QObject runs on that object's thread) and handed on from there."""

    done = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(
        self,
        receiver: QObject,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
    ) -> None:
        super().__init__(receiver)
        self._on_done, self._on_failed = on_done, on_failed
        self.done.connect(self._done)
        self.failed.connect(self._failed)

    @Slot(object)
    def _done(self, value: object) -> None:
        self.deleteLater()
        self._on_done(value)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self.deleteLater()
        self._on_failed(exc)


class _Run(QRunnable):
    def __init__(self, fn: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            self._emit(self.relay.failed, exc)
        else:
            self._emit(self.relay.done, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the receiver went away meanwhile
            signal.emit(value)


def run_task(
    fn: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[Exception], None],
    receiver: QObject,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``fn`` on ``pool`` (Qt's global pool by default); ``done`` gets its result and
    ``failed`` its exception on the GUI thread, as long as ``receiver`` still exists."""
    relay = _Relay(receiver, done, failed)
    (pool or QThreadPool.globalInstance()).start(_Run(fn, relay))
