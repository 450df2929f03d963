"""`photosearch index` on an unchanged library: wall time and whether torch was imported.

python benchmarks/bench_cli_rescan.py [--photos 1000]

Nothing to encode means no model to load: the run should cost about as much as starting
Python and opening the catalog (goal: <= 1 s for 1,000 photos), never the ~5 s of torch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import scratch_dir
from photosearch.synthetic import write_library

PROBE = (
    "import sys, time; t = time.perf_counter(); from photosearch.cli import main; "
    "rc = main(['index', '-q']); print(time.perf_counter() - t, 'torch' in sys.modules, rc)"
)


def run(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with scratch_dir("cli-rescan") as base:
        env = {**os.environ, "PHOTOSEARCH_HOME": str(base / "home")}
        library = base / "library"
        write_library(library, args.photos, seed=1)
        run(env, "-m", "photosearch", "models", "use", "demo:tiny-shapes")
        run(env, "-m", "photosearch", "index", "-q", str(library))
        walls, inside, torch_seen = [], [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            seconds, torch_loaded, rc = run(env, "-c", PROBE).split()
            walls.append(time.perf_counter() - started)
            inside.append(float(seconds))
            torch_seen.append(torch_loaded == "True")
            assert rc == "0"
        bare = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            run(env, "-c", "import photosearch.cli")
            bare.append(time.perf_counter() - started)
    print(f"unchanged rescan of {args.photos} photos, {args.rounds} rounds (median):")
    print(f"  wall {statistics.median(walls):.2f} s (in main: {statistics.median(inside):.2f} s)")
    print(f"  python + importing the CLI alone: {statistics.median(bare):.2f} s")
    print(f"  torch imported: {any(torch_seen)}")


if __name__ == "__main__":
    main()
