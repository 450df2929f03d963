"""The faces pass's gate: is there a face in this photo at all? MediaPipe's full-range
BlazeFace (Apache-2.0; made into ONNX by ``tools/convert_face_detector.py``) answers
in a few milliseconds on a 192-pixel view, where dlib's HOG detector takes 70–160 ms on
the 1024-pixel one. Most photos hold no face: only those where the gate finds one are
decoded large and searched by dlib (whose boxes its landmark and descriptor models were
trained on), so what is found in them does not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

from photosearch.core import ort  # noqa: F401  (onnxruntime first, telemetry off)

DETECTOR = (
    Path(__file__).resolve().parents[2] / "assets" / "faces" / "face_detection_full_range.onnx"
)
INPUT_SIDE = 192
"""The network's input: the photo letterboxed into a 192-pixel square."""
GRID = 48
"""One anchor per cell of a 48 × 48 grid (stride 4), MediaPipe's full-range setting."""
MIN_SCORE = 0.3
"""A face is kept from this score. MediaPipe's own default is 0.6; the gate errs towards
looking, since a face it misses is never looked for, and a wrong one costs dlib a few
milliseconds: on faces of 60 pixels in 1024 it found 27 of 36 at 0.5, 33 at 0.3."""
OVERLAP = 0.3
"""Boxes overlapping more than this (intersection over union) are one face."""


class GateFace(NamedTuple):
    """A face the gate saw: left, top, right, bottom as fractions of the photo, and its
    score."""

    left: float
    top: float
    right: float
    bottom: float
    score: float


def available() -> bool:
    return DETECTOR.is_file()


def model_input(img: Image.Image) -> tuple[np.ndarray, tuple[float, float]]:
    """The photo letterboxed into the network's square, RGB in [-1, 1], NHWC; and the
    share of that square the photo covers across and down (to map boxes back)."""
    width, height = img.size
    scale = INPUT_SIDE / max(width, height)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    rgb = img if img.mode == "RGB" else img.convert("RGB")  # no full-size copy of RGB
    small = rgb.resize((w, h), Image.Resampling.BILINEAR)
    # black around the photo, as MediaPipe letterboxes (a partial face at an edge was
    # found only so)
    square = np.full((INPUT_SIDE, INPUT_SIDE, 3), -1.0, np.float32)
    top, left = (INPUT_SIDE - h) // 2, (INPUT_SIDE - w) // 2
    square[top : top + h, left : left + w] = np.asarray(small, np.float32) / 127.5 - 1.0
    return square[None], (w / INPUT_SIDE, h / INPUT_SIDE)


def _anchors() -> np.ndarray:
    cells = (np.arange(GRID, dtype=np.float32) + 0.5) / GRID
    y, x = np.meshgrid(cells, cells, indexing="ij")
    return np.stack([x.ravel(), y.ravel()], axis=1)


ANCHORS = _anchors()


def decode(
    boxes: np.ndarray, scores: np.ndarray, cover: tuple[float, float], min_score: float
) -> list[GateFace]:
    """The network's raw output as faces in the photo, the strongest first, overlapping
    boxes merged (greedy non-maximum suppression)."""
    logits = np.clip(scores.reshape(-1).astype(np.float64), -100.0, 100.0)
    score = 1.0 / (1.0 + np.exp(-logits))
    keep = np.flatnonzero(score >= min_score)
    if not keep.size:
        return []
    raw = boxes.reshape(-1, boxes.shape[-1])[keep, :4] / INPUT_SIDE
    centre = ANCHORS[keep] + raw[:, :2]
    half = raw[:, 2:4] / 2
    corners = np.concatenate([centre - half, centre + half], axis=1)
    order = np.argsort(-score[keep])
    faces: list[GateFace] = []
    chosen: list[np.ndarray] = []
    for i in order:
        box = corners[i]
        if any(overlap(box, other) > OVERLAP for other in chosen):
            continue
        chosen.append(box)
        face = _in_photo(box, cover, float(score[keep][i]))
        if face.right > face.left and face.bottom > face.top:  # not squashed at an edge
            faces.append(face)
    return faces


def overlap(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two boxes (left, top, right, bottom, …)."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _in_photo(box: np.ndarray, cover: tuple[float, float], score: float) -> GateFace:
    """From the letterboxed square back to fractions of the photo."""
    cw, ch = cover
    left, top = (box[0] - (1 - cw) / 2) / cw, (box[1] - (1 - ch) / 2) / ch
    right, bottom = (box[2] - (1 - cw) / 2) / cw, (box[3] - (1 - ch) / 2) / ch
    return GateFace(
        float(np.clip(left, 0, 1)),
        float(np.clip(top, 0, 1)),
        float(np.clip(right, 0, 1)),
        float(np.clip(bottom, 0, 1)),
        score,
    )


class FaceGate:
    """The network, loaded once; ``threads`` bounds its CPU use."""

    def __init__(self, threads: int = 1, detector: Path = DETECTOR) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(detector), options, providers=["CPUExecutionProvider"]
        )

    def faces(self, img: Image.Image, min_score: float = MIN_SCORE) -> list[GateFace]:
        """The faces in an upright image, as fractions of it, the strongest first."""
        x, cover = model_input(img)
        boxes, scores = self._session.run(["boxes", "scores"], {"image": x})
        return decode(boxes, scores, cover, min_score)
