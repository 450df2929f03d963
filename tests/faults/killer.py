"""Run ``photosearch ARGS`` and SIGKILL it on entering a named function for the nth time.

    python killer.py FILE_SUFFIX FUNCTION N -- photosearch arguments…
    python killer.py --serve

A profile hook (every thread) watches Python calls; when the given function of the given
module starts for the nth time, the process sends itself SIGKILL: no handler, no clean-up,
no flush — as a power cut or ``kill -9`` at that instruction. Heavy imports come first so
the hook does not slow them down.

``--serve`` pays for those imports once: it reads one request a line on stdin (JSON:
``suffix``, ``function``, ``nth``, ``args``, ``output``), forks a child that runs it with
its stdout and stderr in the file ``output``, and answers each with the child's exit
status on stdout (minus the signal's number when a signal ended it, as ``subprocess``
says). Nothing in this process has run torch before the fork, so the child starts clean.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

import numpy  # noqa: F401
import open_clip  # noqa: F401
import torch  # noqa: F401

from photosearch.core import ort  # noqa: F401  (onnxruntime before usearch)

import usearch.index  # noqa: F401  # isort: skip

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from photosearch.cli import main
from tests.faults.test_kill_anywhere import NO_SUCH_POINT, defines


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


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            out = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            code = 1
            try:
                code = run(request["suffix"], request["function"], request["nth"], request["args"])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        ended = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(ended, flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        args = sys.argv[sys.argv.index("--") + 1 :]
        sys.exit(run(sys.argv[1], sys.argv[2], int(sys.argv[3]), args))
