"""The code scan (``core/store/code_scan.py``) against the int8 copy it replaced, at 100k
and 1M clustered 512-d vectors: build time, memory, search time and recall@10 per kind of
query, in one run.

    python benchmarks/bench_scan.py [--sizes 100000 1000000] [--queries 1000]
    python benchmarks/bench_scan.py --rebuild 1000000 [--wait-graph]

``--rebuild``: a catalog of that many photos whose vector index is lost (a fresh folder):
how soon ``VectorStore.open(wait=False)`` returns and the library is searchable (a scan of
the catalog's vectors, float32 re-ranking read from SQLite), its search time and recall
while the graph is built in the background, and (``--wait-graph``) the graph's build time.

"int8 copy" is the previous method: usearch's exhaustive int8 search for max(4k, k + 100)
candidates, re-ranked in float32. Both re-rank from an in-memory float32 matrix (the
store reads the same vectors from the usearch index). The graph's numbers at these sizes
are in benchmarks/README.md (``bench_query.py``); its 1M build takes ~8 minutes.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_query import text_like
from benchmarks.common import CACHE, DIM, clustered, synthetic_catalog
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.code_scan import CodeScan
from photosearch.core.store.vectors import VectorStore

K = 50
"""What a search in the app asks for."""


def vectors_of(n: int) -> np.ndarray:
    path = CACHE / f"scan-{n}.npy"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(n)
        np.save(
            path,
            np.concatenate([clustered(min(100_000, n), rng) for _ in range(-(-n // 100_000))])[:n],
        )
    return np.load(path)


def int8_search(
    codes: np.ndarray, scale: float, matrix: np.ndarray, query: np.ndarray, k: int
) -> np.ndarray:
    from usearch.index import MetricKind, search  # after onnxruntime: see core/ort.py

    over = max(4 * k, k + 100)
    q = np.clip(np.rint(query * scale), -127, 127).astype(np.int8)
    found = np.asarray(search(codes, q, over, MetricKind.IP, exact=True).keys, dtype=np.int64)
    scores = matrix[found] @ query
    return found[np.argsort(-scores, kind="stable")[:k]]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def query_kinds(matrix: np.ndarray, count: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    near = matrix[rng.integers(len(matrix), size=count)] + 0.02 * rng.normal(size=(count, DIM))
    near = (near / np.linalg.norm(near, axis=1, keepdims=True)).astype(np.float32)
    return {
        "near a photo": near,
        "caption-like": text_like(matrix, rng, count),
        "new direction": clustered(count, rng),
    }


def recall_and_time(
    matrix: np.ndarray, keys: np.ndarray, kinds: dict[str, np.ndarray], run: object
) -> str:
    """p50 / p90 of ``run(query)`` (top-K ids) and its recall@10 per kind of query."""
    recalls, times = [], []
    for kind, queries in kinds.items():
        hits = []
        for chunk in range(0, len(queries), 100):
            part = queries[chunk : chunk + 100]
            truth = keys[np.argpartition(-(matrix @ part.T), 10, axis=0)[:10].T]
            for q, true in zip(part, truth, strict=True):
                t0 = time.perf_counter()
                found = run(q)  # type: ignore[operator]
                times.append(time.perf_counter() - t0)
                hits.append(len(set(found[:10].tolist()) & set(true.tolist())) / 10)
        recalls.append(f"{np.mean(hits):.3f} ({kind})")
    p50, p90 = np.percentile(np.array(times) * 1000, [50, 90])
    return f"top-{K} p50 {p50:.1f} ms, p90 {p90:.1f} ms; recall@10 " + ", ".join(recalls)


def measure(n: int, count: int) -> None:
    matrix = vectors_of(n)
    kinds = query_kinds(matrix, count)

    before = rss_mb()
    started = time.perf_counter()
    scan = CodeScan(np.arange(min(n, 20_000)), matrix[:20_000])
    for start in range(20_000, n, 20_000):
        scan.load(np.arange(start, min(n, start + 20_000)), matrix[start : start + 20_000])
    floats = lambda ids: matrix[ids]  # noqa: E731
    scan.search(kinds["near a photo"][0], K, floats)  # makes the sessions
    scan_build = time.perf_counter() - started
    scan_mb = rss_mb() - before

    started = time.perf_counter()
    scale = 127.0 / (1.25 * float(np.abs(matrix).max()))
    codes = np.clip(np.rint(matrix * scale), -127, 127).astype(np.int8)
    int8_build = time.perf_counter() - started

    methods = {
        "code scan": lambda q: scan.search(q, K, floats)[0],
        "int8 copy": lambda q: int8_search(codes, scale, matrix, q, K),
    }
    print(
        f"n={n:,}: code scan built in {scan_build:.1f} s, +{scan_mb:.0f} MB resident; "
        f"int8 copy {int8_build:.1f} s, {codes.nbytes / 2**20:.0f} MB",
        flush=True,
    )
    for name, run in methods.items():
        print(f"  {name}: " + recall_and_time(matrix, np.arange(n), kinds, run), flush=True)


def rebuild(n: int, count: int, wait_graph: bool) -> None:
    directory = synthetic_catalog(n, index=False)
    catalog = Catalog(directory / "catalog.sqlite3")
    model = catalog.ensure_model("bench", "", DIM, "fp")
    folder = directory / "vectors-lost"
    for stale in folder.glob("*"):
        stale.unlink()
    before = rss_mb()
    started = time.perf_counter()
    store = VectorStore(folder, catalog, model, DIM)
    store.open(wait=False)
    opened = time.perf_counter() - started
    while store.search_method() == "catalog" and not store.ready.is_set():
        time.sleep(0.05)
    searchable = time.perf_counter() - started
    print(
        f"n={n:,}, index lost: open returned in {opened:.2f} s; searchable by "
        f"{store.search_method()} after {searchable:.1f} s, +{rss_mb() - before:.0f} MB resident",
        flush=True,
    )
    parts = list(catalog.iter_embeddings(model, DIM, chunk=50_000))
    keys = np.concatenate([p[0] for p in parts])
    matrix = np.concatenate([p[1] for p in parts])
    del parts
    kinds = query_kinds(matrix, count)
    run = lambda q: store.search(q, K)[0]  # noqa: E731
    print(f"  meanwhile ({store.search_method()}): " + recall_and_time(matrix, keys, kinds, run))
    if wait_graph:
        store.ready.wait()
        print(f"  graph built {time.perf_counter() - started:.0f} s after open", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=1000, help="per kind")
    ap.add_argument("--rebuild", type=int, help="photos in a catalog whose index is lost")
    ap.add_argument("--wait-graph", action="store_true")
    args = ap.parse_args()
    if args.rebuild:
        rebuild(args.rebuild, args.queries, args.wait_graph)
        return
    for n in args.sizes:
        measure(n, args.queries)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
