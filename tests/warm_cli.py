"""``photosearch ARGS`` in a real process of its own that starts warm.

    python warm_cli.py --serve

Each command-line test used to start a fresh Python that imported torch, open_clip and
onnxruntime again: about 6 s a command on this 2-core machine, most of the end-to-end
tests' time. ``--serve`` pays for those imports once per test worker, then forks a
child for each request (one JSON line on stdin: ``args``, ``env``, ``cwd``, ``stdout``,
``stderr``, ``timeout``): the child is a real process with its own environment, working
folder, files, locks and exit status, and nothing in the server has run torch before
the fork, so it starts clean. ``tests/faults/killer.py`` serves its kills the same
way. Answers the child's exit status on stdout (minus the
signal's number when a signal ended it, as ``subprocess`` says; ``"timeout"`` when it
ran too long and was killed). Tests that are about the process itself (Ctrl+C, what a
command imports, a kill) still start ``python -m photosearch`` themselves.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def warm_imports() -> None:
    """What every PhotoSearch command would import first: PhotoSearch's package (it sets
    the OpenMP environment before torch loads), then onnxruntime before usearch."""
    import photosearch  # noqa: F401

    # isort: split
    import numpy  # noqa: F401
    import open_clip  # noqa: F401
    import torch  # noqa: F401

    from photosearch.core import ort  # noqa: F401

    import usearch.index  # noqa: F401  # isort: skip


def serve(command: Callable[[dict[str, Any]], int]) -> None:
    """Answer each request line on stdin with the exit status of ``command(request)``,
    run in a child forked for it (its output in the request's ``stdout``/``stderr``
    files; ``env`` and ``cwd`` when given; killed after ``timeout`` seconds if given)."""
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(command, request)
        try:
            _answer(pid, request.get("timeout"))
        finally:  # the server stopped (Ctrl+C in pytest): its child goes with it
            with contextlib.suppress(ChildProcessError, ProcessLookupError):
                if os.waitpid(pid, os.WNOHANG) == (0, 0):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)


def _answer(pid: int, timeout: float | None) -> None:
    """Wait for the child (killing it after ``timeout`` seconds) and print how it ended."""
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        done, status = os.waitpid(pid, 0 if deadline is None else os.WNOHANG)
        if done:
            ended = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            print(ended, flush=True)
            return
        if deadline is not None and time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            print('"timeout"', flush=True)
            return
        time.sleep(0.01)


def _child(command: Callable[[dict[str, Any]], int], request: dict[str, Any]) -> None:
    """Become the request's process, and never return."""
    code = 1
    try:
        os.setsid()  # its own process group, as a command started from a shell
        if "cwd" in request:
            os.chdir(request["cwd"])
        if "env" in request:
            os.environ.clear()
            os.environ.update(request["env"])
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the requests' pipe is not its input
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        if request["stderr"] == request["stdout"]:
            os.dup2(out, 2)  # one file, one offset: nothing written over
        else:
            os.dup2(os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        code = command(request)
    except BaseException:  # as Python prints an uncaught error, to the command's stderr
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def photosearch(request: dict[str, Any]) -> int:
    """``photosearch ARGS``. PhotoSearch itself is imported here, after the environment
    is the test's: a module that reads it on import (send2trash's trash folder) sees the
    right one."""
    sys.argv = ["photosearch", *request["args"]]
    from photosearch.cli import main

    try:
        return main(request["args"])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1


class WarmCli:
    """One ``--serve`` process, started on first use; each ``run`` forks it once."""

    def __init__(self) -> None:
        self._server: subprocess.Popen[str] | None = None
        self._scratch = Path(tempfile.mkdtemp(prefix="warm-cli-"))

    def run(self, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
        if self._server is None or self._server.poll() is not None:
            root = Path(__file__).resolve().parent.parent
            self._server = subprocess.Popen(
                [sys.executable, "-m", "tests.warm_cli", "--serve"],  # tests/ not on the path
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=root,
                env=dict(os.environ, PYTHONPATH=str(root)),
            )
            atexit.register(self.close)
        out, err = self._scratch / "stdout", self._scratch / "stderr"
        for old in (out, err):  # a child that fails early leaves no earlier command's output
            old.unlink(missing_ok=True)
        request = {
            "args": args,
            "env": dict(os.environ),
            "cwd": os.getcwd(),
            "stdout": str(out),
            "stderr": str(err),
            "timeout": timeout,
        }
        assert self._server.stdin is not None and self._server.stdout is not None
        self._server.stdin.write(json.dumps(request) + "\n")
        self._server.stdin.flush()
        answer = self._server.stdout.readline()
        if not answer:
            raise RuntimeError("warm_cli.py --serve ended")
        status = json.loads(answer)
        stdout, stderr = (p.read_text() if p.exists() else "" for p in (out, err))
        if status == "timeout":
            raise subprocess.TimeoutExpired(["photosearch", *args], timeout, stdout, stderr)
        return subprocess.CompletedProcess(["photosearch", *args], status, stdout, stderr)

    def close(self) -> None:
        if self._server is not None and self._server.poll() is None:
            assert self._server.stdin is not None
            self._server.stdin.close()
            self._server.wait(timeout=30)


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    warm_imports()
    serve(photosearch)
