"""What the command line draws on the terminal: progress bars on stderr, UTF-8 JSON on
stdout, and Ctrl+C that stops a job after its batch (a second one aborts)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

from photosearch.core import jsontext
from photosearch.core.types import JobControl, Progress

UNITS = {
    "download": ("B", True),
    "scan": (" files", False),
    "index": (" photos", False),
    "metadata": (" photos", False),
    "places": (" photos", False),
    "faces": (" photos", False),
    "read text": (" photos", False),
    "neighbours": (" photos", False),
    "duplicates": (" pairs", False),
}


class ProgressBar:
    """A progress callback drawing one tqdm bar per phase on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bar: tqdm | None = None
        self._phase = ""

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        if p.phase != self._phase:
            self.close()
            unit, scale = UNITS.get(p.phase, ("", False))
            self._bar = tqdm(
                total=p.total,
                desc=p.phase,
                unit=unit,
                unit_scale=scale,
                file=sys.stderr,
                dynamic_ncols=True,
            )
            self._phase = p.phase
        assert self._bar is not None
        self._bar.total = p.total
        self._bar.n = p.done
        if p.errors:
            self._bar.set_postfix(skipped=p.errors, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._phase = ""


@contextmanager
def interruptible() -> Iterator[JobControl]:
    """Ctrl+C asks the job to stop after its current batch; a second Ctrl+C aborts."""
    control = JobControl()
    previous = signal.getsignal(signal.SIGINT)

    def handler(_signum: int, _frame: object) -> None:
        if control.stop.is_set():
            raise KeyboardInterrupt
        print("\nStopping after the current batch… (Ctrl+C again to abort)", file=sys.stderr)
        control.stop.set()

    previous_term = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, lambda *_: control.stop.set())
    try:
        yield control
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)


def print_json(value: object) -> None:
    """UTF-8 JSON on stdout whatever the locale's encoding (see ``core/jsontext.py``)."""
    sys.stdout.flush()
    sys.stdout.buffer.write((jsontext.dumps(value) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()
