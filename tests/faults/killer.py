"""Run ``photosearch ARGS`` and SIGKILL it on entering a named function for the nth time.

    python killer.py FILE_SUFFIX FUNCTION N -- photosearch arguments…
    python killer.py --serve

A profile hook (every thread) watches Python calls; when the given function of the given
module starts for the nth time, the process sends itself SIGKILL: no handler, no clean-up,
no flush — as a power cut or ``kill -9`` at that instruction. Heavy imports come first so
the hook does not slow them down.

``--serve`` pays for those imports once, with ``tests/warm_cli.py``'s fork server: it
reads one request a line on stdin (JSON: ``suffix``, ``function``, ``nth``, ``args``,
``stdout``, ``stderr``), forks a child that runs it, and answers each with the child's
exit status on stdout (minus the signal's number when a signal ended it, as
``subprocess`` says). Nothing in this process has run torch before the fork, so the
child starts clean.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.warm_cli import serve, warm_imports  # isort: skip

warm_imports()

from photosearch.cli import main  # noqa: E402
from tests.faults.test_kill_anywhere import NO_SUCH_POINT, defines  # noqa: E402


def run(suffix: str, function: str, nth: int, argv: list[str]) -> int:
    """``photosearch ARGV``, killed by itself at the nth start of ``function``."""
    if not defines(suffix, function):  # renamed or moved: never a quiet "missed"
        print(f"killer.py: no function {function} in a module ending {suffix}", file=sys.stderr)
        return NO_SUCH_POINT
    calls = 0
    lock = threading.Lock()

    def hook(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        code = frame.f_code  # type: ignore[attr-defined]
        if event == "call" and code.co_name == function and code.co_filename.endswith(suffix):
            with lock:
                calls += 1
                if calls >= nth:
                    os.kill(os.getpid(), signal.SIGKILL)

    threading.setprofile(hook)
    sys.setprofile(hook)
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve(lambda r: run(r["suffix"], r["function"], r["nth"], r["args"]))
    else:
        args = sys.argv[sys.argv.index("--") + 1 :]
        sys.exit(run(sys.argv[1], sys.argv[2], int(sys.argv[3]), args))
