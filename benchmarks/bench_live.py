"""Live folders: copy-to-searchable latency, a folder rename's encoder calls, burst memory.

    python benchmarks/bench_live.py [--files 50] [--rename 1000] [--burst 10000]

Uses a tiny random-initialised model so the numbers show the watching and indexing
machinery, not the model's speed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import scratch_dir
from photosearch.core.app.engine import Engine
from photosearch.core.app.service import IndexingService
from photosearch.core.model import models
from photosearch.core.settings import AppPaths
from tests.conftest import write_photos, write_random_model


def wait(predicate, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.01)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=50)
    ap.add_argument("--rename", type=int, default=1000)
    ap.add_argument("--burst", type=int, default=10_000)
    args = ap.parse_args()
    base = scratch_dir("bench-live-")
    paths = AppPaths.resolve(base / "home")
    engine = Engine.open(paths)
    engine.use_model(models.import_model(write_random_model(base / "model"), paths.models_dir))
    root = base / "live"
    root.mkdir()
    engine.library.add_folder(root)
    service = IndexingService(engine)  # default 1 s quiet period, as in the app
    service.start()
    service.wait_idle(60)

    def indexed_paths() -> set[str]:
        ids = engine.catalog.embedding_ids(engine.vectors().model_id).tolist()
        return {p.path for p in engine.catalog.photos(ids).values()}

    staging = write_photos(base / "camera", args.files, size=(1024, 768))
    latencies = []
    for src in staging:
        target = root / src.name
        t0 = time.monotonic()
        shutil.copy2(src, target)
        wait(lambda t=target: str(t) in indexed_paths())
        latencies.append(time.monotonic() - t0)
    print(
        f"copy → searchable: median {statistics.median(latencies):.2f} s, "
        f"max {max(latencies):.2f} s over {len(latencies)} files (quiet period 1 s)"
    )

    write_photos(root / "trip", args.rename, size=(320, 240))
    wait(lambda: len(indexed_paths()) == args.files + args.rename)
    before = engine.encoder().images_encoded
    t0 = time.monotonic()
    (root / "trip").rename(root / "Trip to Rome")
    wait(lambda: sum("Trip to Rome" in p for p in indexed_paths()) == args.rename)
    print(
        f"rename of a {args.rename}-photo folder: "
        f"{engine.encoder().images_encoded - before} encoder calls, "
        f"searchable under the new name after {time.monotonic() - t0:.2f} s"
    )

    files = sorted((root / "Trip to Rome").iterdir())
    tracemalloc.start()
    rounds = max(1, args.burst // len(files))
    for _ in range(rounds):
        for f in files:
            f.touch()
    service.wait_idle(0.1)
    wait(lambda: service.idle.is_set(), 600)
    current, peak = tracemalloc.get_traced_memory()
    print(
        f"burst of {rounds * len(files)} touches: peak traced Python memory "
        f"{peak / 2**20:.1f} MB, after {current / 2**20:.1f} MB"
    )
    service.stop()
    engine.close()


if __name__ == "__main__":
    main()
