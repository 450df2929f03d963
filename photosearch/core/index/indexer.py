"""The indexing pipeline: pending photos → decode thread pool → encode batches → commit.

The decoder pool (Pillow releases the GIL) decodes the next batch while torch encodes
this one, as long as decoding is cheap beside encoding: it then fills the moments torch's
threads wait on each other. When decoding costs more than half as much CPU as encoding
(large photos), the two take turns instead — the pool decodes with every core right after
each encode, while the files of the batch after are read ahead from disk — because torch
splits each layer evenly over its threads and waits for the last, so a decoder preempting
one of them stalls all of them (``benchmarks/bench_index.py``: 12-MP photos 12.3 → 14.6
img/s). Each batch is one transaction, so an interruption at any point loses at most the
batch in flight, and the next run resumes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

import numpy as np
import torch
from PIL import Image

from photosearch.core.errors import FileGoneError, ImageError
from photosearch.core.index.scanner import Scope
from photosearch.core.media.images import read_ahead
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.model_input import (
    Decoded,
    DecodedClip,
    decode_clip_for_model,
    decode_for_model,
)
from photosearch.core.store.catalog import Catalog, Encoded, EncodedClip
from photosearch.core.store.moment_keys import moment_keys
from photosearch.core.store.people import faces_looked_at
from photosearch.core.store.vectors import VectorStore
from photosearch.core.types import (
    IndexReport,
    JobControl,
    ProgressCallback,
    ProgressMeter,
    is_video_name,
    no_progress,
)

log = logging.getLogger(__name__)

SAVE_INTERVAL_S = 60.0
GPU_READ_AHEAD = 4
"""Batches decoded ahead of a GPU (a CPU encoder has one beside it)."""
TURN_TAKING_RATIO = 0.5
"""Decoding that costs more CPU per photo than this share of encoding's time per photo
waits for its turn instead of running beside the encoder."""


@dataclass
class PipelineCosts:
    """What decoding (CPU seconds) and encoding (wall seconds) cost per photo in this run."""

    decode_cpu: float = 0.0
    decoded: int = 0
    encode_wall: float = 0.0
    encoded: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_decode(self, seconds: float) -> None:
        with self._lock:
            self.decode_cpu += seconds
            self.decoded += 1

    def add_encode(self, seconds: float, photos: int) -> None:
        self.encode_wall += seconds
        self.encoded += photos

    def take_turns(self) -> bool:
        """True once decoding has proved too heavy to run beside the encoder."""
        if not self.decoded or not self.encoded:
            return False
        per_decode = self.decode_cpu / self.decoded
        return per_decode > TURN_TAKING_RATIO * self.encode_wall / self.encoded


def default_decode_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class Glance(Protocol):
    """A look at each photo as it is decoded for the model (the faces gate)."""

    def look(self, img: Image.Image) -> bool | None:
        """Whether it shows a face (None: not looked at: turned off, or it failed)."""
        ...

    def wanted(self) -> bool:
        """Whether what it sees is still to be kept (faces may be turned off meanwhile)."""
        ...


class Indexer:
    """Encodes every photo the catalog lists as pending for the encoder's model."""

    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorStore,
        encoder: Encoder,
        batch_size: int = 16,
        decode_threads: int = 0,
        glance: Glance | None = None,
    ) -> None:
        """``glance``: the faces gate, looking at each photo as it is decoded for the
        model; photos it sees no face in are marked looked at, so the faces pass never
        decodes them again."""
        self.glance = glance
        self.catalog = catalog
        self.vectors = vectors
        self.encoder = encoder
        self.batch_size = max(1, batch_size)
        self.decode_threads = decode_threads or default_decode_threads()
        self.costs = PipelineCosts()

    def _decode(self, path: str, look: bool) -> Decoded | DecodedClip | ImageError:
        started = time.thread_time()
        size, preprocess = self.encoder.input_size, self.encoder.preprocess
        try:
            if is_video_name(path):
                return decode_clip_for_model(path, size, preprocess)
            glance = self.glance.look if look and self.glance is not None else None
            return decode_for_model(path, size, preprocess, glance=glance)
        except ImageError as exc:
            return exc
        finally:
            self.costs.add_decode(time.thread_time() - started)

    def run(
        self,
        progress: ProgressCallback = no_progress,
        control: JobControl | None = None,
        between_batches: Callable[[], Scope | None] | None = None,
    ) -> IndexReport:
        """Encode the pending photos; ``between_batches`` may name a part to do next."""
        control = control or JobControl()
        report = IndexReport()
        self.costs = PipelineCosts()
        start = time.monotonic()
        pending = self.catalog.pending(self.vectors.model_id)
        meter = ProgressMeter("index", len(pending), progress)
        meter.report()
        self.vectors.ready.wait()
        last_save = time.monotonic()
        known = {photo_id for photo_id, _ in pending}
        on_gpu = self.encoder.device.type != "cpu"
        # batches decoded ahead: one beside the CPU's encoder; on a GPU, enough to keep
        # every decoder busy while the GPU and the commits take their turn
        depth = GPU_READ_AHEAD if on_gpu else 1
        with ThreadPoolExecutor(self.decode_threads, thread_name_prefix="decode") as pool:
            items: Iterator[tuple[int, str]] = iter(pending)
            ahead: deque[list[tuple[int, str, Future[Decoded | DecodedClip | ImageError]]]] = (
                deque()
            )
            batch = self._decode_batch(pool, list(islice(items, self._batch_size())))
            while batch:
                if not control.checkpoint():
                    report.stopped = True
                    for waiting in (batch, *ahead):
                        for _, _, future in waiting:
                            future.cancel()
                    break
                turns = not on_gpu and self.costs.take_turns()
                upcoming: list[tuple[int, str]] = []
                if turns:
                    if not ahead:
                        upcoming = list(islice(items, self._batch_size()))
                        pool.submit(read_ahead, [path for _, path in upcoming])
                else:
                    while len(ahead) < depth:
                        more = list(islice(items, self._batch_size()))
                        if not more:
                            break
                        ahead.append(self._decode_batch(pool, more))
                encoded, failed = self._encode(batch, report)
                if upcoming:
                    ahead.append(self._decode_batch(pool, upcoming))
                done = len(batch)
                gen = self.catalog.commit_batch(self.vectors.model_id, encoded, failed)
                if encoded:
                    self.vectors.add(*index_rows(encoded), gen)
                meter.advance(done, errors=len(failed))
                batch = ahead.popleft() if ahead else []
                scope = between_batches() if between_batches is not None else None
                if scope is not None:
                    in_flight = {pid for waiting in (batch, *ahead) for pid, _, _ in waiting}
                    items = self._scope_first(scope, known, in_flight, meter)
                if not batch:
                    batch = self._decode_batch(pool, list(islice(items, self._batch_size())))
                if time.monotonic() - last_save > SAVE_INTERVAL_S:
                    self.vectors.save()
                    last_save = time.monotonic()
        self.vectors.save()
        report.seconds = time.monotonic() - start
        return report

    def _scope_first(
        self, scope: Scope, known: set[int], in_flight: set[int], meter: ProgressMeter
    ) -> Iterator[tuple[int, str]]:
        """What is left to encode (re-read: the rescan may have added, changed or removed
        photos), the photos in ``scope`` — where the user just put them — first."""
        fresh = [p for p in self.catalog.pending(self.vectors.model_id) if p[0] not in in_flight]
        added = [photo_id for photo_id, _ in fresh if photo_id not in known]
        known.update(added)
        if meter.total is not None:
            meter.total += len(added)
        first = [p for p in fresh if scope.covers(p[1])]
        chosen = {photo_id for photo_id, _ in first}
        return iter(first + [p for p in fresh if p[0] not in chosen])

    def _batch_size(self) -> int:
        """The settings' batch on the CPU; the GPU's own (halved after running out of memory)."""
        return self.encoder.batch_size or self.batch_size

    def _decode_batch(
        self, pool: ThreadPoolExecutor, items: list[tuple[int, str]]
    ) -> list[tuple[int, str, Future[Decoded | DecodedClip | ImageError]]]:
        looked = (
            faces_looked_at(self.catalog, [photo_id for photo_id, _ in items])
            if self.glance is not None
            else set()
        )
        return [
            (photo_id, path, pool.submit(self._decode, path, photo_id not in looked))
            for photo_id, path in items
        ]

    def _encode(
        self,
        batch: list[tuple[int, str, Future[Decoded | DecodedClip | ImageError]]],
        report: IndexReport,
    ) -> tuple[list[Encoded], list[tuple[int, str]]]:
        good: list[tuple[int, Decoded | DecodedClip]] = []
        failed: list[tuple[int, str]] = []
        for photo_id, path, future in batch:
            result = future.result()
            if isinstance(result, FileGoneError):
                log.info("%s disappeared before it was read; forgetting it", path)
                self.catalog.remove_photo(photo_id)
                self.vectors.remove([photo_id], self.catalog.generation())
                report.gone += 1
            elif isinstance(result, ImageError):
                log.warning("skipped %s: %s", path, result)
                failed.append((photo_id, str(result)))
                report.errors.append((path, str(result)))
            else:
                good.append((photo_id, result))
        if not good:
            return [], failed
        started = time.perf_counter()
        rows = torch.cat(
            [d.pixels if isinstance(d, DecodedClip) else d.pixels[None] for _, d in good]
        )
        step = self._batch_size()
        vectors = np.concatenate(
            [self.encoder.encode_images(rows[i : i + step]) for i in range(0, len(rows), step)]
        )
        self.costs.add_encode(time.perf_counter() - started, len(good))
        report.encoded += len(good)
        # faces turned off (or every face datum deleted) while the batch was decoded:
        # what the gate saw is not kept
        faces_wanted = self.glance is not None and self.glance.wanted()
        encoded: list[Encoded] = []
        start = 0
        for pid, d in good:
            clip = None
            if isinstance(d, DecodedClip):
                own = vectors[start : start + len(d.times)]
                clip = EncodedClip(d.duration, d.codec, d.times, own)
            seen = d.glanced if isinstance(d, Decoded) and faces_wanted else None
            no_face = seen.stamp if seen is not None and not seen.face else None
            encoded.append(Encoded(pid, vectors[start], d.width, d.height, d.meta, clip, no_face))
            start += len(d.times) if isinstance(d, DecodedClip) else 1
        return encoded, failed


def index_rows(encoded: list[Encoded]) -> tuple[np.ndarray, np.ndarray]:
    """Keys and vectors for the vector index: each photo, and each moment of a clip."""
    keys = [np.array([e.photo_id for e in encoded], dtype=np.int64)]
    vectors = [np.stack([e.vector for e in encoded])]
    for e in encoded:
        if e.clip is not None and len(e.clip.times) > 1:
            later = np.arange(1, len(e.clip.times), dtype=np.int64)
            keys.append(moment_keys(np.full(len(later), e.photo_id), later))
            vectors.append(e.clip.vectors[1:])
    return np.concatenate(keys), np.concatenate(vectors)
