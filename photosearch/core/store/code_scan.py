"""Every vector as 4-bit codes, scanned in full by onnxruntime, then re-ranked in float32.

Why: HNSW misses photos at a million (recall@10 0.79 for queries near no photo, 0.955 for
caption-like ones at a 30 ms beam) and takes minutes to build. Reading every vector is
exact but 2 GB in float32 and ~100 ms in int8 with usearch's kernels. At 4 bits a vector
is 256 bytes, and onnxruntime's block-quantised matmul (``MatMulNBits``, integer
dot-product kernels, written for language models' weights) reads 1M of them in ~15 ms on
2 cores; its estimate correlates 0.993 with the cosine, so the best few hundred rows
already hold the exact top 10 (``benchmarks/bench_query.py``: recall@10 1.000 for every
query kind at 1M). Every returned score is the float32 cosine.

Rows live in segments of ``SEGMENT`` rows, each with its own onnxruntime session, scanned
in parallel. Rows added since a segment's session was made ("fresh") are scanned exactly
from their float32 vectors until there are ``FRESH_MAX`` of them; removed rows are masked,
and a segment with many is compacted. So indexing a batch never rebuilds a million rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from photosearch.core.ort import onnxruntime as ort
from photosearch.core.store.scan_graph import scan_model

SEGMENT = 65_536
"""Rows a session scans (16 MB of codes at 512 dimensions; ~50 ms to make its session;
onnxruntime holds ~2.5× the codes, with its packed copy)."""
FRESH_MAX = 4_096
"""Rows scanned exactly beside a segment's session before it is made again."""
STEP = 0.34
"""A 4-bit step, in root-mean-square components of its block: 16 levels from -2.7 to +2.4
of them (rounded down), near the spacing that loses least on bell-shaped values."""
THREADS = max(1, min(4, os.cpu_count() or 1))
"""Scans run side by side, one core a segment: memory, not arithmetic, bounds them."""


_POOL = ThreadPoolExecutor(THREADS, thread_name_prefix="code-scan")
"""One pool for every scan of the process (its threads start at the first search)."""


def _none_needed(ids: np.ndarray) -> np.ndarray:
    raise RuntimeError("a scan only loaded needs no float32 vectors to make its sessions")


def _block(dim: int) -> int:
    """The widest power-of-two block (≤ 128) dividing ``dim``; 16 always does after padding."""
    return next(b for b in (128, 64, 32, 16) if dim % b == 0)


class _Segment:
    """Up to SEGMENT rows: their ids, which are alive, and the session over them.

    Rows ``[0, scanned)`` are in the session (their codes live only there); later rows
    keep their codes in ``waiting``, and the last of them, added one batch at a time,
    also their float32 vectors in ``fresh``, to be scanned exactly until a session
    covers them."""

    def __init__(self) -> None:
        self.ids = np.empty(0, np.int64)
        self.alive = np.empty(0, bool)
        self.session: ort.InferenceSession | None = None
        self.scanned = 0
        self.waiting: list[np.ndarray] = []
        self.fresh: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.ids)

    def fresh_rows(self) -> int:
        return sum(len(v) for v in self.fresh)

    def append(self, ids: np.ndarray, codes: np.ndarray, vectors: np.ndarray | None) -> None:
        self.ids = np.concatenate([self.ids, ids])
        self.alive = np.concatenate([self.alive, np.ones(len(ids), bool)])
        self.waiting.append(codes)
        if vectors is not None:
            self.fresh.append(vectors)
        else:
            self.fresh = []  # rows without vectors wait for a session; so do these

    def dead(self) -> int:
        return int(len(self.alive) - np.count_nonzero(self.alive))

    def drop(self, ids: np.ndarray) -> None:
        self.alive &= ~np.isin(self.ids, ids)

    def stale(self) -> bool:
        """Whether the session should be made again: rows wait for it without vectors,
        too many are fresh, or a quarter are dead."""
        fresh = self.fresh_rows()
        return self.scanned < len(self) - fresh or fresh > FRESH_MAX or self.dead() * 4 > len(self)


class CodeScan:
    """Every vector of an index as 4-bit codes, kept in step with it.

    Same contract as the graph: :meth:`add` replaces a vector by id, :meth:`drop` forgets
    ids, :meth:`search` answers the top-k re-ranked by float32 cosine (from ``floats``);
    its few hundred candidates measured to hold the exact top 10 at a million.
    """

    def __init__(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """A scan of ``vectors``; its block scales are set by them (more come with :meth:`load`)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        self.dim = vectors.shape[1]
        self._width = -(-self.dim // 16) * 16  # codes and queries padded with zeros
        self._block = _block(self._width)
        blocks = self._pad(vectors).reshape(len(vectors), -1, self._block)
        if len(vectors):
            rms = np.sqrt(np.mean(np.square(blocks), axis=(0, 2)))
        else:  # a unit vector's components, spread evenly
            rms = np.full(self._width // self._block, 1.0 / np.sqrt(self._width))
        self._step = np.maximum(STEP * rms, 1e-6).astype(np.float32)
        self._segments: list[_Segment] = []
        self.load(ids, vectors)

    def _pad(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if self._width == self.dim:
            return vectors
        return np.pad(vectors, ((0, 0), (0, self._width - self.dim)))

    def quantize(self, vectors: np.ndarray) -> np.ndarray:
        """4-bit codes, two a byte (low nibble first), as ``MatMulNBits`` reads them."""
        blocks = self._pad(vectors).reshape(len(vectors), -1, self._block)
        levels = np.clip(np.floor(blocks / self._step[None, :, None]) + 8, 0, 15).astype(np.uint8)
        return levels[..., 0::2] | (levels[..., 1::2] << 4)

    def load(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """More vectors of ids not in the scan yet (building it chunk by chunk: no float32
        copy is kept, so the whole index is never held twice)."""
        self._append(ids, vectors, keep=False)

    def _append(self, ids: np.ndarray, vectors: np.ndarray, keep: bool) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        codes = self.quantize(vectors)
        start = 0
        while start < len(ids):
            if not self._segments or len(self._segments[-1]) >= SEGMENT:
                self._segments.append(_Segment())
            segment = self._segments[-1]
            end = start + min(len(ids) - start, SEGMENT - len(segment))
            segment.append(ids[start:end], codes[start:end], vectors[start:end] if keep else None)
            start = end

    def __len__(self) -> int:
        return sum(len(s) - s.dead() for s in self._segments)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add (or replace) vectors by id."""
        ids = np.asarray(ids, dtype=np.int64)
        self.drop(ids)
        self._append(ids, vectors, keep=True)

    def drop(self, ids: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        for segment in self._segments:
            segment.drop(ids)

    def ids(self) -> np.ndarray:
        """Every live id."""
        return np.concatenate([s.ids[s.alive] for s in self._segments] or [np.empty(0, np.int64)])

    def prepare(self) -> None:
        """Make every segment's session now, not at the first search (a scan only loaded
        has no codes in a session yet, so no float32 vector is needed)."""
        for segment in self._segments:
            self._settle(segment, _none_needed)

    def _settle(self, segment: _Segment, floats: Callable[[np.ndarray], np.ndarray]) -> None:
        """Make a stale segment's session again over its live rows; the codes already in
        the old one are made again from their float32 vectors (so they are never held
        twice: onnxruntime keeps its own packed copy)."""
        if not segment.stale():
            return
        rows = np.flatnonzero(segment.alive[: segment.scanned])
        parts = []
        if len(rows):
            vectors = floats(segment.ids[rows])
            gone = np.isnan(vectors).any(axis=1)  # forgotten by ``floats`` meanwhile
            segment.alive[rows[gone]] = False
            parts.append(self.quantize(vectors[~gone]))
        if segment.waiting:
            parts.append(np.concatenate(segment.waiting)[segment.alive[segment.scanned :]])
        segment.ids = segment.ids[segment.alive]
        segment.alive = np.ones(len(segment.ids), bool)
        segment.waiting, segment.fresh, segment.session = [], [], None
        segment.scanned = len(segment.ids)
        if not segment.scanned:
            return
        codes = np.concatenate(parts)
        scales = np.broadcast_to(self._step, (len(codes), len(self._step)))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = scan_model(codes, np.ascontiguousarray(scales), self._width, self._block)
        try:
            segment.session = ort.InferenceSession(
                model, options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's errors share no narrower base
            raise RuntimeError(f"onnxruntime cannot scan the codes: {exc}") from exc

    def _candidates(
        self, segment: _Segment, query: np.ndarray, padded: np.ndarray, over: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ids, approximate scores) of the segment's best scanned rows, and the ids of its
        best fresh rows (exactly scored, so they skip the approximate merge)."""
        ids, scores = np.empty(0, np.int64), np.empty(0, np.float32)
        if segment.scanned:
            count = min(segment.scanned, over + segment.dead())
            assert segment.session is not None
            values, rows = segment.session.run(
                ["V", "I"], {"A": padded, "k": np.array([count], np.int64)}
            )
            rows = rows[0]
            live = segment.alive[rows]
            ids, scores = segment.ids[rows[live]], values[0][live]
        fresh_ids = np.empty(0, np.int64)
        if segment.fresh:
            vectors = np.concatenate(segment.fresh)
            exact = vectors @ query
            alive = segment.alive[len(segment) - len(vectors) :]
            exact[~alive] = -np.inf
            best = np.argsort(-exact, kind="stable")[: min(over, int(alive.sum()))]
            fresh_ids = segment.ids[len(segment) - len(vectors) :][best]
        return ids, scores, fresh_ids

    def search(
        self, query: np.ndarray, k: int, floats: Callable[[np.ndarray], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, float32 cosines): the codes pick the best ``max(4k, k + 200)`` rows,
        ``floats`` gives their float32 vectors for the exact ranking."""
        if k <= 0 or not len(self):
            return np.empty(0, np.int64), np.empty(0, np.float32)
        over = max(4 * k, k + 200)
        for segment in self._segments:
            self._settle(segment, floats)
        self._segments = [s for s in self._segments if len(s)]
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        padded = self._pad(query[None, :])
        found = list(_POOL.map(lambda s: self._candidates(s, query, padded, over), self._segments))
        ids = np.concatenate([f[0] for f in found])
        approx = np.concatenate([f[1] for f in found])
        if len(ids) > over:
            best = np.argpartition(-approx, over)[:over]
            ids = ids[best]
        candidates = np.concatenate([ids, *(f[2] for f in found)])
        scores = floats(candidates) @ query
        known = ~np.isnan(scores)  # a vector gone from ``floats`` since (a photo forgotten)
        candidates, scores = candidates[known], scores[known]
        order = np.argsort(-scores, kind="stable")[:k]
        return candidates[order], scores[order].astype(np.float32)
