"""Search latency and ANN recall on saved synthetic catalogs of clustered CLIP-like vectors.

    python benchmarks/bench_query.py [--sizes 10000 100000 1000000]

Catalogs (SQLite + saved usearch index) are built once under /tmp/photosearch-bench and
reused. A text query is timed end to end through the real ``Searcher``: parse, encode a
never-seen phrase with ViT-B-32 (at the precision the app picks), vector search, metadata.
Also: an image query by an indexed photo, filtered queries, and recall@10 vs exact.
The text query is timed twice in the same run: with the text tower in the photos' number
format (before) and in the path measured fastest for one phrase (``core/model/phrase_speed.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DIM, clustered, open_catalog, synthetic_catalog, vit_b32_dir
from photosearch.core.model.encoder import Encoder
from photosearch.core.search.query import parse
from photosearch.core.search.searcher import Searcher
from photosearch.core.store.vectors import IndexParams, VectorStore

QUERIES = 200
RECALL_QUERIES = 1000
"""Per kind: recall@10 this close to 0.95 needs more than 200 queries to be told apart."""
EPSILON = 0.01
"""ann-benchmarks' ε-recall: a hit counts when its distance (1 - cosine) is within 1 % of
the true 10th's. A query near no photo has near-tied answers; this tells a swap among
near-ties from a miss."""


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def timed(fn: object, items: list) -> list[float]:
    out = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)  # type: ignore[operator]
        out.append((time.perf_counter() - t0) * 1000)
    return out


def summary(name: str, ms: list[float]) -> str:
    return f"{name} p50 {pct(ms, 50):.1f} / p90 {pct(ms, 90):.1f} / p99 {pct(ms, 99):.1f} ms"


def text_like(matrix: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """Queries shaped like CLIP text embeddings: CLIP puts text and images in two cones
    apart (the "modality gap"), so a caption's vector has cosine ~0.3 with its photo and
    the same offset as every other caption. Each query leans toward one photo (0.35), the
    shared gap direction (0.85) and noise of its own (0.4)."""
    gap = rng.normal(size=DIM)
    gap /= np.linalg.norm(gap)
    noise = rng.normal(size=(count, DIM))
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    toward = matrix[rng.integers(len(matrix), size=count)]
    queries = 0.35 * toward + 0.85 * gap + 0.4 * noise
    return (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)


def recall_of(store: VectorStore, kinds: tuple, matrix: np.ndarray, keys: np.ndarray) -> dict:
    """Per kind of query: mean recall@10, its 95 % interval, and ε-recall@10."""
    recall = {}
    for name, queries in kinds:
        hits, close = [], []
        for start in range(0, len(queries), 100):
            chunk = queries[start : start + 100]
            scores = matrix @ chunk.T
            truth = np.argpartition(-scores, 10, axis=0)[:10].T
            for column, (q, true_rows) in enumerate(zip(chunk, truth, strict=True)):
                ids, found = store.search(q, 10)
                hits.append(len(set(ids.tolist()) & set(keys[true_rows].tolist())) / 10)
                tenth = 1.0 - scores[true_rows, column].min()
                close.append(float(np.mean(1.0 - found <= (1.0 + EPSILON) * tenth)))
        recall[name] = (
            float(np.mean(hits)),
            1.96 * float(np.std(hits)) / len(hits) ** 0.5,
            float(np.mean(close)),
        )
    return recall


def measure(n: int, encoder: Encoder, before: Encoder) -> None:
    """Before (the HNSW graph, text in the photos' format) and after (the search method
    and text path this machine measures fastest), in one run on one catalog."""
    directory = synthetic_catalog(n)
    catalog, store = open_catalog(directory)
    _, graph = open_catalog(directory, IndexParams(scan_min=sys.maxsize))
    rng = np.random.default_rng(7)
    far = clustered(RECALL_QUERIES, rng)
    vectors = far[:QUERIES]
    store.search(vectors[0], 1)  # starts the code scan where it may pay
    method = store.search_method(wait=600)
    searcher = Searcher(catalog, store, lambda: encoder, None)
    old = Searcher(catalog, graph, lambda: before, None)

    matrix = np.concatenate([c[1] for c in catalog.iter_embeddings(store.model_id, store.dim)])
    keys = np.concatenate([c[0] for c in catalog.iter_embeddings(store.model_id, store.dim)])
    near = matrix[rng.integers(n, size=RECALL_QUERIES)]
    near = near + 0.02 * rng.normal(size=(RECALL_QUERIES, DIM))
    near = (near / np.linalg.norm(near, axis=1, keepdims=True)).astype(np.float32)
    kinds = (
        ("near a photo", near),
        ("text-like", text_like(matrix, rng, RECALL_QUERIES)),
        ("new direction", far),
    )
    recalls = {"graph": recall_of(graph, kinds, matrix, keys)}
    if method != "graph":
        recalls[method] = recall_of(store, kinds, matrix, keys)
    del matrix

    texts = [f"a photo of dog {i} on the beach, library of {n}" for i in range(QUERIES)]
    text_ms = timed(lambda t: searcher.search(parse(t), 50), texts)
    before_ms = timed(lambda t: old.search(parse(t + " again"), 50), texts)
    search_ms = timed(lambda q: catalog.photos(store.search(q, 50)[0].tolist()), vectors)
    graph_ms = timed(lambda q: catalog.photos(graph.search(q, 50)[0].tolist()), vectors)
    paths = [f"/photos/{i // 1000:04d}/{i:07d}.jpg" for i in rng.integers(n, size=50)]
    image_ms = timed(lambda p: searcher.search(parse("").with_image(p), 50), paths)
    folder_ms = timed(lambda t: searcher.search(parse(f"{t} in:0001"), 50), texts[:30])
    broad_ms = timed(lambda t: searcher.search(parse(f"{t} type:jpg"), 50), texts[:30])
    for name, recall in recalls.items():
        print(
            f"n={n} {name}: recall@10 over {RECALL_QUERIES} queries each "
            + ", ".join(f"{m:.3f} ± {ci:.3f} ({k})" for k, (m, ci, _) in recall.items())
        )
        print(
            f"  ε-recall@10 (ε={EPSILON}) "
            + ", ".join(f"{e:.3f} ({k})" for k, (_, _, e) in recall.items())
        )
    print("  " + summary(f"text query, before: graph, text {before.text_precision}", before_ms))
    print("  " + summary(f"text query, after: {method}, text {encoder.text_precision}", text_ms))
    print("  " + summary("vector search + metadata, graph", graph_ms))
    print("  " + summary(f"vector search + metadata, {method}", search_ms))
    print("  " + summary("image query (indexed photo)", image_ms))
    print("  " + summary("text + in:folder (1,000 photos)", folder_ms))
    print("  " + summary("text + type:jpg (every photo)", broad_ms))
    catalog.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--precision", default="auto")
    args = ap.parse_args()
    before = Encoder("before", vit_b32_dir(), precision_setting=args.precision)
    encoder = Encoder("bench", vit_b32_dir(), precision_setting=args.precision, measure_text=True)
    before.encode_text("warm up")
    encoder.encode_text("warm up")
    trials = ", ".join(
        f"{k} {t.ms:.1f} ms (cos {t.cosine:.4f})" for k, t in encoder.text_trials.items()
    )
    print(f"ViT-B-32, photos in {encoder.precision}; one phrase: {trials or 'not measured'}")
    for n in args.sizes:
        measure(n, encoder, before)


if __name__ == "__main__":
    main()
