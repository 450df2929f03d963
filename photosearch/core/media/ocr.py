"""Reading the words in a photo (receipts, signs, screenshots) with PP-OCR, offline.

``rapidocr`` runs PaddleOCR's detection and recognition networks on onnxruntime; its
wheel carries the model files, and they are named here by path so the library never
reaches for its download code. Most photos hold no words, so each is first looked at
small, with the detector alone (the gate); only photos where it finds a line of text
are read at full size. Both run the detector quantised to int8 (made by
``tools/quantize_detector.py``): it finds what the float one finds in half its time.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

from photosearch.core import ort  # noqa: F401  (onnxruntime first, telemetry off)
from photosearch.core.media.images import open_image
from photosearch.core.media.metadata import MAX_TEXT

log = logging.getLogger(__name__)

GATE_SIDE = 320
"""Longest side the gate looks at. On 60 generated photos with words 3–11 % of the
photo's height (JPEG quality 55–90), the detector found every one at 480, 320 and even
224 pixels, and passed 1 ordinary photo in 40 at 480, none at 320; 320 costs 0.42× of
480 (81 against 190 ms a photo on a 2-core AMX Xeon, 2 threads; measured by
`benchmarks/bench_words.py --skip pass latency ranking`) and keeps a margin over 224 for
smaller print."""
READ_SIDE = 1600
"""Longest side words are read at (small print on a 12-MP receipt stays legible)."""
WHOLE = 0.5
"""Where the parts around the lines found would cover more than this share of the photo
(a receipt, a screenshot), the whole photo is read instead."""
MIN_CONFIDENCE = 0.6
"""Recognised lines below this confidence are noise (leaves read as letters)."""
LINE_ASPECT = 2.0
"""A detected box counts as a line of text only this many times longer than high: on
generated photos, every line of words was (2.8–9×) and the blobs and shapes that the
detector also boxes were not (0.8–1.4×)."""
MODELS = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
}
"""rapidocr's model files: the float detector (the one run is made from it) and the
recogniser."""
DETECTOR = Path(__file__).resolve().parents[2] / "assets" / "ocr" / "PP-OCRv6_det_small.int8.onnx"
"""The detector run: rapidocr's (above) in int8, per channel, calibrated on generated
photos at the gate's size. On `benchmarks/bench_words.py`'s sets it finds what the float
one finds (60/60 signs, 26 against 25 of 40 small print at the gate; 20/20 signs read
word for word) in 0.56 of its time at the gate and 0.51 when reading (2-core AMX Xeon)."""


def model_dir() -> Path | None:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def available() -> bool:
    """Whether this installation can read words in photos (the OCR part is installed)."""
    directory = model_dir()
    return (
        directory is not None
        and importlib.util.find_spec("onnxruntime") is not None
        and all((directory / name).is_file() for name in MODELS.values())
        and DETECTOR.is_file()
    )


def scaled_bgr(img: Image.Image, side: int) -> np.ndarray:
    """BGR pixels (what the networks take) with the longest side at most ``side``."""
    if max(img.size) > side:
        img = img.copy()
        img.thumbnail((side, side), Image.Resampling.BILINEAR)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


class TextReader:
    """PP-OCR with its model files named explicitly; ``threads`` bounds its CPU use."""

    def __init__(self, threads: int = 1, detector: Path = DETECTOR) -> None:
        """``detector``: the text detector's file (the float one, to compare, in tests)."""
        directory = model_dir()
        if not available() or directory is None:
            raise RuntimeError("reading words in photos is not part of this installation")
        from rapidocr import RapidOCR

        params: dict[str, object] = {
            "Det.model_path": str(detector),
            "Rec.model_path": str(directory / MODELS["Rec.model_path"]),
            "Global.log_level": "error",
            "Global.use_cls": False,  # upside-down text is rare; the classifier costs
            "Det.limit_type": "max",  # sizes are chosen here: never scaled up
            "Det.limit_side_len": READ_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": max(1, threads),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._ocr = RapidOCR(params=params)

    def text_lines(self, img: Image.Image) -> list[Box]:
        """The gate: the lines of text the detector finds in the photo seen small, as
        fractions of its width and height (so they fit any decode of the photo)."""
        small = scaled_bgr(img, GATE_SIDE)
        found = self._ocr(small, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(found, "boxes", None)
        lines = []
        for box in boxes if boxes is not None else ():
            corners = np.asarray(box, dtype=np.float32)
            width = float(np.linalg.norm(corners[1] - corners[0]))
            height = float(np.linalg.norm(corners[3] - corners[0]))
            if max(width, height) >= LINE_ASPECT * max(1.0, min(width, height)):
                (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
                h, w = small.shape[:2]
                lines.append(Box(x0 / w, y0 / h, x1 / w, y1 / h))
        return lines

    def has_text(self, img: Image.Image) -> bool:
        return bool(self.text_lines(img))

    def read_image(self, img: Image.Image) -> str | None:
        """The words in an upright RGB image, in reading order; None when there are none."""
        lines = self.text_lines(img)
        return self._read_around(img, lines) if lines else None

    def read(self, path: str) -> str | None:
        """The words in a photo file: ``lines_in`` it, then ``read_lines`` where the gate
        passes. Errors propagate as ``ImageError`` like every decode."""
        lines = self.lines_in(path)
        return self.read_lines(path, lines) if lines else None

    def lines_in(self, path: str) -> list[Box]:
        """The gate on a photo file, decoded small (JPEGs at a fraction of their size) but
        never below ``GATE_SIDE``, its measured size: decoded at half of it, a 1-MP photo
        was looked at 288 pixels long and a square one at 220, where small print is
        missed."""
        small, _, _, _ = open_image(path, min_side=GATE_SIDE)
        return self.text_lines(small)

    def read_lines(self, path: str, lines: list[Box]) -> str | None:
        """The words around ``lines`` (the gate's) in a photo file, decoded again at the
        reading size."""
        img, _, _, _ = open_image(path, min_side=READ_SIDE // 2)
        return self._read_around(img, lines)

    def _read_around(self, img: Image.Image, lines: list[Box]) -> str | None:
        """Read the parts of the photo around the lines the gate found (detection costs
        by the pixel: a sign in a tenth of a photo is read in about a tenth of the time),
        or the whole photo where those parts would cover most of it."""
        pixels = scaled_bgr(img, READ_SIDE)
        height, width = pixels.shape[:2]
        regions = around(lines, width, height)
        if sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in regions) > WHOLE * width * height:
            return self._lines(pixels)
        read = [self._lines(pixels[y0:y1, x0:x1]) for x0, y0, x1, y1 in regions]
        return " ".join(text for text in read if text)[: 4 * MAX_TEXT] or None

    def _lines(self, pixels: np.ndarray) -> str | None:
        found = self._ocr(pixels, use_det=True, use_cls=False, use_rec=True)
        lines = [
            text.strip()
            for text, score in zip(
                getattr(found, "txts", None) or (),
                getattr(found, "scores", None) or (),
                strict=False,
            )
            if score >= MIN_CONFIDENCE and text.strip()
        ]
        return " ".join(lines)[: 4 * MAX_TEXT] or None


class Box(NamedTuple):
    """A line of text as fractions of the photo's width and height."""

    x0: float
    y0: float
    x1: float
    y1: float


def around(lines: list[Box], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The parts of a ``width`` × ``height`` picture to read for ``lines``: each line
    with a margin of twice its height (at least a twentieth of the picture) all round,
    for the smaller words beside and below a sign's that the gate did not see; parts that
    touch are one. In reading order: top to bottom, then left to right."""
    margin = max(width, height) / 20
    parts = []
    for line in lines:
        pad = max(2 * (line.y1 - line.y0) * height, margin)
        parts.append(
            [
                max(0, int(line.x0 * width - pad)),
                max(0, int(line.y0 * height - pad)),
                min(width, int(line.x1 * width + pad) + 1),
                min(height, int(line.y1 * height + pad) + 1),
            ]
        )
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(parts):
            for b in parts[i + 1 :]:
                if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                    a[:] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                    parts.remove(b)
                    merged = True
                    break
            if merged:
                break
    return sorted(((x0, y0, x1, y1) for x0, y0, x1, y1 in parts), key=lambda p: (p[1], p[0]))
