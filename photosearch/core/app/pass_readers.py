"""The readers the passes after indexing look at photos with — face finders, the words
gate's OCR engines, the OCR engine that reads — made when first needed, kept for the next
pass, let go when their pass is turned off. How many, and on how many threads, follows
the cores and gentle mode as they are at each batch."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from PIL import Image

from photosearch.core.media import face_gate, faces, ocr
from photosearch.core.settings import Settings

log = logging.getLogger(__name__)

PASS_WORKERS = 4
"""The most photos a pass after indexing looks at together (each looker holds its models
and buffers: measured 40–45 MB more for each face finder or OCR engine after the first)."""


class PassReaders:
    def __init__(self, settings: Callable[[], Settings]) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        """Its own lock, not the engine's: loading models never holds up a search."""
        self._faces: list[faces.FaceReader] = []
        self._glance: face_gate.FaceGate | None = None
        self._gates: list[ocr.TextReader] = []
        self._gate_threads = 0
        self._reader: ocr.TextReader | None = None
        self._reader_threads = 0

    def workers(self) -> int:
        """Photos a pass looks at together: one a core (at most ``PASS_WORKERS``), one in
        gentle mode."""
        gentle = self._settings().gentle
        return 1 if gentle else max(1, min(os.cpu_count() or 1, PASS_WORKERS))

    def faces(self) -> list[faces.FaceReader]:
        """A face finder for each photo looked at together."""
        with self._lock:
            workers = self.workers()
            while len(self._faces) < workers:  # one descriptor network for all of them
                shared = self._faces[0].describer if self._faces else None
                self._faces.append(faces.FaceReader(shared))
            return self._faces[:workers]

    def face_gate(self, wanted: Callable[[], bool]) -> face_gate.FaceGate | None:
        """The faces gate indexing glances with (one network for every decoding thread:
        onnxruntime runs them side by side); None once faces are not ``wanted``, and
        never made again after they were turned off."""
        with self._lock:
            if not wanted():
                return None
            if self._glance is None:
                self._glance = face_gate.FaceGate()
            return self._glance

    def gates(self) -> list[ocr.TextReader]:
        """An OCR engine for each photo the words gate looks at together, each with its
        share of the cores (small pictures: a photo a core beats one photo on every core)."""
        with self._lock:
            workers = self.workers()
            gentle = self._settings().gentle
            threads = 1 if gentle else max(1, (os.cpu_count() or 1) // workers)
            if threads != self._gate_threads:
                self._gates, self._gate_threads = [], threads
            while len(self._gates) < workers:
                self._gates.append(ocr.TextReader(threads))
            return self._gates[:workers]

    def reader(self) -> ocr.TextReader:
        """The OCR engine that reads the photos the gate passed, on every core (one in
        gentle mode)."""
        with self._lock:
            threads = 1 if self._settings().gentle else (os.cpu_count() or 1)
            if self._reader is None or self._reader_threads != threads:
                self._reader, self._reader_threads = ocr.TextReader(threads), threads
            return self._reader

    def drop_faces(self) -> None:
        """Faces were turned off: the finders' memory goes back."""
        with self._lock:
            self._faces, self._glance = [], None

    def drop_words(self) -> None:
        """Words were turned off: the OCR engines' memory goes back."""
        with self._lock:
            self._gates, self._reader = [], None


class FacesGlance:
    """The faces gate looking at each photo as indexing decodes it, while faces are on
    (``core/index/indexer.Glance``)."""

    def __init__(self, readers: PassReaders, wanted: Callable[[], bool]) -> None:
        self._readers = readers
        self._wanted = wanted

    def look(self, img: Image.Image) -> bool | None:
        gate = self._readers.face_gate(self._wanted)
        if gate is None:
            return None
        try:
            return bool(gate.faces(img))
        except Exception:  # the faces pass looks at it later; indexing goes on
            log.warning("the faces gate failed on a photo", exc_info=True)
            return None

    def wanted(self) -> bool:
        return self._wanted()
