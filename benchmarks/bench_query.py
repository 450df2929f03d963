"""Search latency and ANN recall on a synthetic catalog of clustered CLIP-like vectors.

    python benchmarks/bench_query.py [--sizes 10000 100000]

Vectors come from a Gaussian mixture (CLIP embeddings are clustered; uniform noise would
make HNSW recall meaningless). Measures the search path (vector search + metadata) and the
text tower separately, and recall@10 of the ANN index against exact search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import vit_b32_dir
from photosearch.core.catalog import Catalog, Encoded
from photosearch.core.encoder import Encoder
from photosearch.core.query import parse
from photosearch.core.search import Searcher
from photosearch.core.vectors import VectorStore

DIM = 512


def clustered(n: int, rng: np.random.Generator, clusters: int = 200) -> np.ndarray:
    centres = rng.normal(size=(clusters, DIM)).astype(np.float32)
    x = centres[rng.integers(clusters, size=n)] + 0.6 * rng.normal(size=(n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def build(n: int, directory: Path) -> tuple[Catalog, VectorStore, np.ndarray]:
    rng = np.random.default_rng(n)
    catalog = Catalog(directory / "catalog.sqlite3")
    folder = catalog.add_folder("/photos")
    catalog.apply_scan(
        [(folder.id, f"/photos/{i:07d}.jpg", 1000, i, None) for i in range(n)], [], [], []
    )
    model = catalog.ensure_model("bench", "", DIM, "fp")
    ids = [pid for pid, _ in catalog.pending(model)]
    vectors = clustered(n, rng)
    for start in range(0, n, 10_000):
        catalog.commit_batch(
            model,
            [
                Encoded(i, v, 1, 1, None)
                for i, v in zip(
                    ids[start : start + 10_000], vectors[start : start + 10_000], strict=True
                )
            ],
            [],
        )
    t0 = time.perf_counter()
    store = VectorStore(directory / "vectors", catalog, model, DIM)
    store.open()
    print(f"  index build {n}: {time.perf_counter() - t0:.1f} s")
    return catalog, store, clustered(200, rng)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = ap.parse_args()
    encoder = Encoder("bench", vit_b32_dir())
    text_ms = []
    for i in range(30):
        t0 = time.perf_counter()
        encoder.encode_text(f"a photo of a dog number {i} on the beach")
        text_ms.append((time.perf_counter() - t0) * 1000)
    print(
        f"text tower ViT-B-32 (uncached): p50 {statistics.median(text_ms):.1f} ms, "
        f"p90 {pct(text_ms, 90):.1f} ms"
    )
    for n in args.sizes:
        catalog, store, queries = build(n, Path(tempfile.mkdtemp()))
        searcher = Searcher(catalog, store, lambda: encoder, None)
        latencies, recalls = [], []
        for q in queries:
            t0 = time.perf_counter()
            parse("a dog on the beach")
            ids, _ = store.search(q, 50)
            catalog.photos(ids.tolist())
            latencies.append((time.perf_counter() - t0) * 1000)
            exact, _ = store.exact(q, 10, None) if n <= 20_000 else _exact_numpy(store, q)
            recalls.append(len(set(ids[:10].tolist()) & set(exact.tolist())) / 10)
        filtered = []
        for q in queries[:50]:
            t0 = time.perf_counter()
            searcher._candidates(q, parse("in:photos type:jpg").filters, 50)
            filtered.append((time.perf_counter() - t0) * 1000)
        print(
            f"n={n}: search+metadata p50 {pct(latencies, 50):.2f} ms "
            f"p90 {pct(latencies, 90):.2f} ms "
            f"p99 {pct(latencies, 99):.2f} ms; with filters p50 {pct(filtered, 50):.1f} ms; "
            f"recall@10 {np.mean(recalls):.3f}; end-to-end text query p50 ≈ "
            f"{statistics.median(text_ms) + pct(latencies, 50):.1f} ms"
        )
        catalog.close()


_MATRIX: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _exact_numpy(store: VectorStore, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if id(store) not in _MATRIX:
        chunks = list(store.catalog.iter_embeddings(store.model_id, store.dim))
        _MATRIX[id(store)] = (
            np.concatenate([c[0] for c in chunks]),
            np.concatenate([c[1] for c in chunks]),
        )
    ids, m = _MATRIX[id(store)]
    top = np.argsort(-(m @ q))[:10]
    return ids[top], top


if __name__ == "__main__":
    main()
