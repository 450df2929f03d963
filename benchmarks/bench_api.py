"""The HTTP API under load: requests/s and latency with concurrent clients.

    python benchmarks/bench_api.py [--photos 100000] [--clients 8] [--seconds 10]

A catalog of ``--photos`` photos whose vectors (clustered random unit vectors) are filed
under the built-in demo model, so every request runs the real path: a real
``photosearch serve`` process, the token check, the demo model's text tower for the
words (a new phrase or a cached one, from a rotating list), the HNSW index, the catalog
for the hits' metadata and the JSON. Clients keep their connections open, as scripts do.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import clustered, scratch_dir

WORDS = ("red", "blue", "green", "yellow", "black", "white", "orange", "purple")
SHAPES = ("circle", "square", "triangle", "star", "cross")
TOKEN = "bench-token"


def build(home: Path, photos: int) -> None:
    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models
    from photosearch.core.settings import AppPaths
    from photosearch.core.store.catalog import Encoded

    engine = Engine.open(AppPaths.resolve(home))
    engine.use_model(models.DEMO_KEY)
    store = engine.vectors()
    catalog = engine.catalog
    folder = catalog.add_folder("/photos")
    rng = np.random.default_rng(photos)
    step = 50_000
    for start in range(0, photos, step):
        rows = [
            (folder.id, f"/photos/{i // 1000:04d}/{i:07d}.jpg", 1000, i, None)
            for i in range(start, min(photos, start + step))
        ]
        catalog.apply_scan(rows, [], [], [])
    ids = [pid for pid, _ in catalog.pending(store.model_id)]
    for start in range(0, len(ids), step):
        part = ids[start : start + step]
        vectors = clustered(len(part), rng, dim=store.dim)
        catalog.commit_batch(
            store.model_id,
            [Encoded(i, v, 1, 1, None) for i, v in zip(part, vectors, strict=True)],
            [],
        )
    engine.close()
    engine = Engine.open(AppPaths.resolve(home))  # the index catches up and is saved
    started = time.perf_counter()
    engine.vectors()
    engine.close()
    print(f"index of {photos:,} photos built in {time.perf_counter() - started:.0f} s")


def client(port: int, seconds: float, out: list[float], errors: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        phrase = f"a {rng.choice(WORDS)} {rng.choice(SHAPES)}"
        if rng.random() < 0.5:
            phrase += f" on a {rng.choice(WORDS)} background"
        started = time.perf_counter()
        connection.request(
            "GET",
            "/api/search?n=20&q=" + phrase.replace(" ", "+"),
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        answer = connection.getresponse()
        body = answer.read()
        out.append(time.perf_counter() - started)
        if answer.status != 200 or not isinstance(json.loads(body), list):
            errors.append(answer.status)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    home = scratch_dir("photosearch-api-")
    build(home, args.photos)
    port = 18000 + os.getpid() % 1000
    env = {**os.environ, "PHOTOSEARCH_HOME": str(home), "PHOTOSEARCH_API_TOKEN": TOKEN}
    server = subprocess.Popen(
        [sys.executable, "-m", "photosearch", "serve", "--port", str(port)], env=env
    )
    try:
        for _ in range(240):  # the server starts and opens its index
            try:
                warm: list[float] = []
                client(port, 0.5, warm, [], 0)
                break
            except OSError:
                time.sleep(0.5)
        latencies: list[float] = []
        errors: list[int] = []
        threads = [
            threading.Thread(target=client, args=(port, args.seconds, latencies, errors, n))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(30)
    ms = sorted(1000 * t for t in latencies)
    print(
        f"{args.photos:,} photos, {args.clients} clients, {args.seconds:.0f} s: "
        f"{len(ms) / args.seconds:.0f} requests/s, p50 {statistics.median(ms):.1f} ms, "
        f"p99 {ms[int(len(ms) * 0.99)]:.1f} ms, {len(errors)} errors"
    )


if __name__ == "__main__":
    main()
