"""The usearch HNSW index of one model's vectors — a derived cache of the catalog.

The index file carries the catalog generation it matches (in a small JSON sidecar).
On open a missing or corrupt file is rebuilt from the catalog's embeddings; a stale one
is caught up with what changed since its generation. A large library's rebuild (minutes
at a million photos) can run on a thread of its own: a scan of the catalog's vectors as
4-bit codes (seconds) answers meanwhile; a small one's answers exactly from the
embeddings table. Either way results never wait for the index.
From 20,000 photos a scan of every vector as 4-bit codes (``core/store/code_scan.py``) is
built in the background and answers instead of the graph where it measures faster: it is
exact where the graph misses near-ties, and at a million photos faster too.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from usearch.index import Index  # after onnxruntime: see core/ort.py

from photosearch.core.atomic import replacing, write_text_atomically
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.clips import clip_moments
from photosearch.core.store.code_scan import CodeScan
from photosearch.core.store.moment_keys import MOMENT_BIT, moment_keys, split_keys

log = logging.getLogger(__name__)


class _Stopped(Exception):
    """The store was let go of while its index was rebuilt in the background."""


@dataclass(frozen=True, slots=True)
class IndexParams:
    """HNSW settings, from a sweep on clustered 512-d vectors at 100k photos (recall@10 vs
    exact, search time): connectivity 16 gave 0.95 in 4 ms with a search beam of 1024,
    connectivity 32 gives 0.97 in 4.7 ms and 0.995 in 9 ms with a beam of 2048, for an
    18 % longer build. Queries from directions far from every photo are the hard case
    (benchmarks/bench_query.py); the wide beam keeps them above 0.95. The beam is a
    search-time setting: changing it never rebuilds the index.

    At a fixed beam recall falls as the index grows (1M photos, beam 2048: 0.94 for
    caption-like queries), so past ``large_index`` vectors the beam widens to
    ``expansion_search_large``: the recall it buys costs ~10 ms there, inside the budget.

    From ``scan_min`` photos up to ``scan_max_values`` (photos × dimensions: 1 GB of
    4-bit codes, ~4M photos of 512 dimensions) a scan of every code is tried against the
    graph and kept if faster; below ``scan_min`` the graph is a few milliseconds and exact
    at that size, and the scan not worth a thread."""

    connectivity: int = 32
    expansion_add: int = 128
    expansion_search: int = 2048
    expansion_search_large: int = 2560
    large_index: int = 500_000
    dtype: str = "f32"
    scan_min: int = 20_000
    scan_max_values: int = 2_000_000_000

    def beam(self, count: int) -> int:
        """The search beam for an index of ``count`` vectors."""
        return self.expansion_search_large if count > self.large_index else self.expansion_search


def _new_index(dim: int, params: IndexParams) -> Index:
    return Index(
        ndim=dim,
        metric="ip",
        dtype=params.dtype,
        connectivity=params.connectivity,
        expansion_add=params.expansion_add,
        expansion_search=params.expansion_search,
    )


class VectorStore:
    """usearch index for one model, kept in step with the catalog.

    Vectors are L2-normalised, so inner product is cosine similarity.
    """

    def __init__(
        self,
        directory: Path,
        catalog: Catalog,
        model_id: int,
        dim: int,
        params: IndexParams | None = None,
    ) -> None:
        self.catalog = catalog
        self.model_id = model_id
        self.dim = dim
        self.params = params or IndexParams()
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"model-{model_id}.usearch"
        self.meta_path = directory / f"model-{model_id}.json"
        self._lock = threading.RLock()
        self._index: Index | None = None
        self._generation = -1
        self.ready = threading.Event()
        self._scan: CodeScan | None = None
        self._interim: CodeScan | None = None
        """The catalog's vectors as codes, answering while the index is rebuilt."""
        self._closing = threading.Event()
        self._rebuilding: threading.Thread | None = None
        self._gone_meanwhile: list[int] = []
        """Ids removed while the index was rebuilt (its catalog read may predate them)."""
        self._scan_state = "untried"
        """untried → building → on (the scan answers) or off (the graph measured faster)."""
        self._scan_decided = threading.Condition(self._lock)
        self._changes = 0
        """Bumped by every add, remove and open: a scan built across a change is stale."""
        self._clips: dict[int, int] = {}
        """Clips with later moments in the index: how many (to drop them with the clip)."""

    # -- lifecycle ---------------------------------------------------------------------

    def open(self, wait: bool = True) -> None:
        """Load the saved index and catch it up, or rebuild it from the catalog. Without
        ``wait``, a rebuild of ``scan_min`` photos or more returns at once and goes on in
        the background (``ready`` says when), searched meanwhile by a scan of the catalog."""
        index, generation = self._load()
        if index is None:
            log.info("building vector index for model %d from the catalog", self.model_id)
            index, generation = _new_index(self.dim, self.params), -1
            if not wait and len(self.catalog.embedding_ids(self.model_id)) >= self.params.scan_min:
                self._rebuilding = threading.Thread(
                    target=self._rebuild, args=(index,), name="vector-index", daemon=True
                )
                self._rebuilding.start()
                return
        self._finish_open(index, generation)

    def _rebuild(self, index: Index) -> None:
        try:
            self._scan_catalog()
            self._finish_open(index, -1)
        except _Stopped:
            log.info("vector index rebuild stopped: the store was closed")
        except Exception:  # a thread of its own: nobody else would hear of it
            log.exception("the vector index could not be rebuilt; searches scan the catalog")
        finally:
            self.ready.set()  # the indexer goes on; doctor shows an index out of step

    def close(self, wait: float = 5.0) -> None:
        """Let go of the store: a rebuild in the background stops at its next chunk (the
        next open starts it again), waited for up to ``wait`` seconds."""
        self._closing.set()
        if self._rebuilding is not None:
            self._rebuilding.join(wait)

    def _scan_catalog(self, chunk: int = 20_000) -> None:
        """A code scan of the catalog's vectors, to answer until the graph is built."""
        scan: CodeScan | None = None
        started = time.perf_counter()
        try:
            for ids, vectors in self.catalog.iter_embeddings(self.model_id, self.dim, chunk=chunk):
                if self._closing.is_set():
                    raise _Stopped
                if scan is None:
                    scan = CodeScan(ids, vectors)
                else:
                    scan.load(ids, vectors)
            if scan is None:
                return
            scan.prepare()
        except _Stopped:
            raise
        except Exception as exc:  # onnxruntime's and SQLite's errors too: the graph answers later
            log.warning("no scan of the catalog while the index is built (%s)", exc)
            return
        log.info("catalog scanned as codes in %.1f s", time.perf_counter() - started)
        with self._lock:
            if self._index is None:
                self._interim = scan
                if self._gone_meanwhile:
                    self._drop_from_interim(self._gone_meanwhile)

    def _drop_from_interim(self, ids: list[int]) -> None:
        """Forget photos in the interim scan, with their clips' later moments."""
        assert self._interim is not None
        gone = np.asarray(ids, dtype=np.int64)
        keys = self._interim.ids()
        moments = keys[(keys & MOMENT_BIT) != 0]
        if len(moments):
            gone = np.concatenate([gone, moments[np.isin(split_keys(moments)[0], gone)]])
        self._interim.drop(gone)

    def _finish_open(self, index: Index, generation: int) -> None:
        self._catch_up(index, generation)
        with self._lock:
            self._index = index
            self._interim = None
            self._scan, self._scan_state = None, "untried"
            self._changes += 1
            self._clips = {}
            if len(index):
                self._note_clips(np.asarray(index.keys, dtype=np.int64))
            gone, self._gone_meanwhile = self._gone_meanwhile, []
            if gone:
                keys = np.concatenate([np.asarray(gone, dtype=np.int64), self._clip_keys(gone)])
                present = keys[np.asarray(index.contains(keys), dtype=bool).reshape(-1)]
                if len(present):
                    index.remove(present)
        self.ready.set()

    def _load(self) -> tuple[Index | None, int]:
        if not self.path.exists() or not self.meta_path.exists():
            return None, -1
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
            if meta.get("dim") != self.dim or meta.get("params") != list(self._param_key()):
                log.info("vector index parameters changed; rebuilding")
                return None, -1
            index = Index.restore(str(self.path))
            if index is None or index.ndim != self.dim or len(index) != meta.get("count"):
                raise ValueError("index file does not match its metadata")
            return index, int(meta["generation"])
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            log.warning(
                "vector index %s unusable (%s); rebuilding from the catalog", self.path, exc
            )
            return None, -1

    def _param_key(self) -> tuple[object, ...]:
        p = self.params
        return (p.connectivity, p.expansion_add, p.dtype)

    def _catch_up(self, index: Index, since: int) -> None:
        """Bring ``index`` to the catalog's state: drop deleted ids, add new or changed ones."""
        target_gen = self.catalog.generation()
        live = self.catalog.embedding_ids(self.model_id)
        if len(index):
            have = np.asarray(index.keys, dtype=np.int64)
            gone = np.setdiff1d(have, live, assume_unique=True)
            if len(gone):
                index.remove(gone)
        missing = np.setdiff1d(live, np.asarray(index.keys, dtype=np.int64)) if len(index) else live
        missing_set = set(missing.tolist())
        for ids, vectors in self.catalog.iter_embeddings(self.model_id, self.dim, since):
            if self._closing.is_set():
                raise _Stopped
            self._upsert(index, ids, vectors)
            missing_set.difference_update(ids.tolist())
        if missing_set:
            ids, vectors = self.catalog.vectors_for(self.model_id, self.dim, sorted(missing_set))
            self._upsert(index, ids, vectors)
        self._generation = target_gen

    @staticmethod
    def _upsert(index: Index, ids: np.ndarray, vectors: np.ndarray) -> None:
        if not len(ids):
            return
        present = np.asarray(index.contains(ids), dtype=bool).reshape(-1)
        if present.any():
            index.remove(ids[present])
        index.add(ids, vectors)

    def save(self) -> None:
        """Write the index atomically: temp file, fsync, rename; then its metadata."""
        with self._lock:
            if self._index is None:
                return
            with replacing(self.path) as tmp:  # a full disk keeps no half-written copy
                self._index.save(str(tmp))
            meta = {
                "generation": self._generation,
                "count": len(self._index),
                "dim": self.dim,
                "params": list(self._param_key()),
            }
            write_text_atomically(self.meta_path, json.dumps(meta))

    # -- mutation (indexer thread) -----------------------------------------------------

    def _note_clips(self, keys: np.ndarray) -> None:
        moment = (keys & MOMENT_BIT) != 0
        if moment.any():
            clips, idx = split_keys(keys[moment])
            for clip, i in zip(clips.tolist(), idx.tolist(), strict=True):
                self._clips[clip] = max(self._clips.get(clip, 0), i)

    def _clip_keys(self, photo_ids: Iterable[int]) -> np.ndarray:
        """The later moments' keys of these clips (forgotten here: the caller drops them)."""
        found = [
            moment_keys(np.full(n, clip), np.arange(1, n + 1))
            for clip in photo_ids
            if (n := self._clips.pop(clip, 0))
        ]
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray, generation: int) -> None:
        """Add or replace vectors (a clip encoded again loses its old moments first)."""
        with self._lock:
            if self._index is not None:
                stale = self._clip_keys(ids[(ids & MOMENT_BIT) == 0].tolist())
                if len(stale):
                    self._index.remove(stale)
                    if self._scan is not None:
                        self._scan.drop(stale)
                self._note_clips(ids)
                self._upsert(self._index, ids, vectors)
                self._generation = generation
                self._changes += 1
                if self._scan is not None:
                    self._scan.add(ids, vectors)
                    if len(self._index) * self.dim > self.params.scan_max_values:
                        self._scan, self._scan_state = None, "off"
            elif self._interim is not None:  # only after a failed rebuild: the indexer waits
                self._interim.add(ids, vectors)

    def remove(self, ids: list[int], generation: int) -> None:
        with self._lock:
            if self._index is not None and ids:
                keys = np.concatenate([np.asarray(ids, dtype=np.int64), self._clip_keys(ids)])
                self._index.remove(keys)
                self._generation = generation
                self._changes += 1
                if self._scan is not None:
                    self._scan.drop(keys)
            elif self._index is None and ids:
                self._gone_meanwhile.extend(ids)
                if self._interim is not None:
                    self._drop_from_interim(ids)

    @property
    def has_moments(self) -> bool:
        """Whether clips' later moments are among the keys (they crowd neighbours)."""
        with self._lock:
            return bool(self._clips)

    def __len__(self) -> int:
        with self._lock:
            return len(self._index) if self._index is not None else 0

    # -- search ------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine scores) from the code scan or the ANN index, or exactly
        from the catalog while the index is not ready."""
        with self._lock:
            index = self._index
            if index is not None and self.ready.is_set():
                if not len(index):
                    return np.empty(0, np.int64), np.empty(0, np.float32)
                if self._scan is not None:
                    return self._scan.search(query, min(k, len(index)), self._floats)
                if self._scan_state == "untried" and self._scan_fits(len(index)):
                    self._scan_state = "building"
                    threading.Thread(target=self._build_scan, name="code-scan", daemon=True).start()
                index.expansion_search = self.params.beam(len(index))
                matches = index.search(query.astype(np.float32), min(k, len(index)))
                return (
                    np.asarray(matches.keys, dtype=np.int64),
                    1.0 - np.asarray(matches.distances, dtype=np.float32),
                )
            if self._interim is not None:
                return self._interim.search(query, k, self._catalog_floats)
        return self.exact(query, k, None)

    def _scan_fits(self, count: int) -> bool:
        return self.params.scan_min <= count and count * self.dim <= self.params.scan_max_values

    def _catalog_floats(self, ids: np.ndarray) -> np.ndarray:
        """The catalog's vectors of ``ids``, in their order; NaN for any gone meanwhile."""
        found, vectors = self.catalog.vectors_for(self.model_id, self.dim, ids.tolist())
        out = np.full((len(ids), self.dim), np.nan, np.float32)
        if len(found):
            order = np.argsort(found)
            at = np.minimum(np.searchsorted(found, ids, sorter=order), len(found) - 1)
            hit = found[order[at]] == ids
            out[hit] = vectors[order[at[hit]]]
        return out

    def _floats(self, ids: np.ndarray) -> np.ndarray:
        assert self._index is not None
        return np.asarray(self._index.get(ids, dtype=np.float32)).reshape(len(ids), self.dim)

    def _build_scan(self, chunk: int = 20_000) -> None:
        """Make the code scan from the index, a chunk per turn of the lock (a search or a
        batch waits ~50 ms at most), and keep it if it searches faster than the graph.
        A change meanwhile makes it start over at a later search; it always ends decided
        ("on", "off") or "untried" again, and says so to :meth:`search_method`."""
        state = "untried"
        try:
            state = self._make_scan(chunk)
        except Exception as exc:  # onnxruntime's errors share no narrower base
            log.warning("no code scan of the vectors (%s); the graph answers", exc)
            state = "off"
        finally:
            with self._lock:
                if self._scan_state == "building":
                    self._scan_state = state
                self._scan_decided.notify_all()

    def _make_scan(self, chunk: int) -> str:
        with self._lock:
            index, changes = self._index, self._changes
            if index is None:
                return "untried"
            keys = np.asarray(index.keys, dtype=np.int64)
            scan = CodeScan(keys[:chunk], self._floats(keys[:chunk]))
        for start in range(chunk, len(keys), chunk):
            with self._lock:
                if self._index is not index or self._changes != changes:
                    return "untried"
                part = keys[start : start + chunk]
                scan.load(part, self._floats(part))
        scan.prepare()  # its sessions, outside the lock (~50 ms a segment)
        with self._lock:
            if self._index is not index or self._changes != changes:
                return "untried"
            graph_ms, scan_ms = self._race(scan)
            log.info("code scan %.1f ms vs graph %.1f ms per search", scan_ms, graph_ms)
            if scan_ms >= graph_ms:
                return "off"
            self._scan, self._scan_state = scan, "on"
            return "on"

    def search_method(self, wait: float = 0.0) -> str:
        """How a search is answered now: "code scan", "graph" or "catalog" (the index not
        ready yet); ``wait`` seconds for a scan being built to be raced first."""
        with self._lock:
            self._scan_decided.wait_for(lambda: self._scan_state != "building", wait)
            if self._index is None or not self.ready.is_set():
                return "code scan" if self._interim is not None else "catalog"
            return "code scan" if self._scan is not None else "graph"

    def _race(self, scan: CodeScan, rounds: int = 3) -> tuple[float, float]:
        """Best time per search of the graph and of ``scan``, on stored vectors bent a
        little (a query is never exactly a photo)."""
        assert self._index is not None
        rng = np.random.default_rng(0)
        keys = np.asarray(self._index.keys, dtype=np.int64)
        queries = self._floats(rng.choice(keys, size=min(5, len(keys)), replace=False))
        queries = queries + 0.05 * rng.normal(size=queries.shape).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        self._index.expansion_search = self.params.beam(len(self._index))
        best = [float("inf"), float("inf")]
        for _ in range(rounds):
            for which, run in enumerate(
                (lambda q: self._index.search(q, 50), lambda q: scan.search(q, 50, self._floats))  # type: ignore[union-attr]
            ):
                started = time.perf_counter()
                for query in queries:
                    run(query)
                best[which] = min(best[which], (time.perf_counter() - started) / len(queries))
        return best[0] * 1000, best[1] * 1000

    def search_many(
        self, queries: np.ndarray, k: int, beam: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosines) for each row of ``queries`` at once, on every core; rows
        shorter than k (a small index) are padded with id -1 and score -1. ``beam``: a
        narrower search than the recall-0.99 one, for neighbours that are very close."""
        with self._lock:
            index = self._index
            if index is not None and self.ready.is_set() and len(index):
                index.expansion_search = beam or self.params.beam(len(index))
                matches = index.search(queries.astype(np.float32), min(k, len(index)), threads=0)
                index.expansion_search = self.params.beam(len(index))
                keys = np.asarray(matches.keys, dtype=np.int64).reshape(len(queries), -1)
                scores = 1.0 - np.asarray(matches.distances, dtype=np.float32)
                scores = scores.reshape(len(queries), -1)
                # one query row gives a single Matches (its length), several BatchMatches
                found = getattr(matches, "counts", None)
                counts = np.asarray(len(matches) if found is None else found).reshape(-1, 1)
                missing = np.arange(keys.shape[1])[None, :] >= counts
                keys[missing], scores[missing] = -1, -1.0
                return keys, scores
        found = [self.exact(q, k, None) for q in queries]
        width = max((len(ids) for ids, _ in found), default=0)
        keys = np.full((len(queries), width), -1, np.int64)
        scores = np.full((len(queries), width), -1.0, np.float32)
        for row, (ids, values) in enumerate(found):
            keys[row, : len(ids)], scores[row, : len(ids)] = ids, values
        return keys, scores

    def exact(
        self, query: np.ndarray, k: int, ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k over all vectors, or over ``ids`` only (a filtered set)."""
        if ids is None:
            chunks = self.catalog.iter_embeddings(self.model_id, self.dim)
        else:
            chunks = iter(
                [
                    self.catalog.vectors_for(self.model_id, self.dim, ids.tolist()),
                    clip_moments(self.catalog, self.model_id, self.dim, ids.tolist()),
                ]
            )
        best_ids = np.empty(0, np.int64)
        best_scores = np.empty(0, np.float32)
        for chunk_ids, vectors in chunks:
            scores = vectors @ query.astype(np.float32)
            best_ids = np.concatenate([best_ids, chunk_ids])
            best_scores = np.concatenate([best_scores, scores])
            if len(best_ids) > k:
                top = np.argpartition(-best_scores, k)[:k]
                best_ids, best_scores = best_ids[top], best_scores[top]
        order = np.argsort(-best_scores, kind="stable")[:k]
        return best_ids[order], best_scores[order]
