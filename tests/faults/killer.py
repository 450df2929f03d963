"""Run ``photosearch ARGS`` and SIGKILL it on entering a named function for the nth time.

    python killer.py FILE_SUFFIX FUNCTION N -- photosearch arguments…

A profile hook (every thread) watches Python calls; when the given function of the given
module starts for the nth time, the process sends itself SIGKILL: no handler, no clean-up,
no flush — as a power cut or ``kill -9`` at that instruction. Heavy imports come first so
the hook does not slow them down.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import numpy  # noqa: F401
import open_clip  # noqa: F401
import torch  # noqa: F401
import usearch.index  # noqa: F401

import photosearch.core  # noqa: F401  (onnxruntime before usearch)

suffix, function, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
argv = sys.argv[sys.argv.index("--") + 1 :]
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.faults.test_kill_anywhere import NO_SUCH_POINT, defines  # noqa: E402

if not defines(suffix, function):  # renamed or moved: never a quiet "missed"
    print(f"killer.py: no function {function} in a module ending {suffix}", file=sys.stderr)
    sys.exit(NO_SUCH_POINT)
calls = 0
lock = threading.Lock()


def hook(frame: object, event: str, arg: object) -> None:
    global calls
    code = frame.f_code  # type: ignore[attr-defined]
    if event == "call" and code.co_name == function and code.co_filename.endswith(suffix):
        with lock:
            calls += 1
            if calls >= nth:
                os.kill(os.getpid(), signal.SIGKILL)


threading.setprofile(hook)
sys.setprofile(hook)
from photosearch.cli import main  # noqa: E402

sys.exit(main(argv))
