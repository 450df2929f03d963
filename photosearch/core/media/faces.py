"""Finding faces in a photo and describing each by 128 numbers, offline, with dlib.

dlib's frontal face detector (HOG: no model file, fast on a CPU), its 5-point landmark
model and its ResNet face descriptor (99.38 % on LFW) — the model files are CC0 and
come with the ``face_recognition_models`` package, so nothing is downloaded, ever.
(The package's 68-point model was trained on data with non-commercial terms: it is
never loaded, and the bundle leaves it out.) Two faces of one person lie closer than
about 0.6 apart; ``core/index/people.py`` groups them with stricter bounds.

Most photos hold no face, and HOG on a 1024-pixel photo costs 70–160 ms: each photo is
first looked at small by the gate (``face_gate``, a few milliseconds), and searched by
dlib only where the gate sees a face. dlib cuts each face's chip; its descriptor network
runs on torch (``face_describer``: the same numbers, ten times faster than dlib's own).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photosearch.core.media import face_gate
from photosearch.core.media.face_describer import CHIP, FaceDescriber
from photosearch.core.media.images import open_image

DETECT_SIDE = 1024
"""Longest side faces are looked for at. The detector finds faces from about 80 pixels:
at 1024, a face of 8 % of the photo's side (a group of a dozen people)."""
MIN_FACE = 40
"""Faces smaller than this (pixels at ``DETECT_SIDE``) are too blurred to tell people apart."""
CONTEXT = 0.6
"""HOG looks around each face the gate saw, this share of the face's size on every side."""
MIN_CONTEXT = 48
"""…and at least this many pixels: HOG scans an 80-pixel window with a border of its own,
and lost faces of 60–80 pixels in tighter crops."""
HOG_FACE = 160
"""Faces larger than this (pixels) are scaled down to it for HOG, which finds faces from
about 80 pixels and costs in proportion to the pixels it scans."""
HOG_REACH = 96
"""Faces the gate saw smaller than this are scaled up to it: HOG finds faces from about
80 pixels (in 24 photo-like scenes with one portrait each, as is, darker or cropped, 20
faces were found, 18 without this, 12 by HOG on the whole photo)."""
AGREE = -0.5
"""HOG's threshold moved down around a face the gate saw: where both detectors agree, a
face HOG alone would just miss counts (HOG's score depends on where its 8-pixel cells
fall; a 72-pixel face found in the whole photo was lost in a crop of it)."""
SAME_FACE = 0.4
"""Two boxes overlapping at least this much (intersection over union) are one face: HOG's
box and the gate's around it, or the boxes found around two of the gate's faces."""
VECTOR_DIM = 128
_DESCRIBER = "dlib_face_recognition_resnet_model_v1.dat"
_LANDMARKS = "shape_predictor_5_face_landmarks.dat"
MODEL_FILES = (_DESCRIBER, _LANDMARKS)
"""The only model files used (and bundled)."""


@dataclass(frozen=True, slots=True)
class FoundFace:
    """A face: where it is (fractions of the upright photo: left, top, right, bottom)
    and its descriptor."""

    box: tuple[float, float, float, float]
    vector: np.ndarray


def model_dir() -> Path | None:
    """Where the face models are: beside the installed package, or in the bundle."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "models"
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "face_recognition_models" / "models" if bundle else None


def available() -> bool:
    """Whether this installation can find faces (dlib and its model files are there)."""
    directory = model_dir()
    return (
        directory is not None
        and importlib.util.find_spec("dlib") is not None
        and all((directory / name).is_file() for name in MODEL_FILES)
        and importlib.util.find_spec("onnxruntime") is not None
        and face_gate.available()
    )


class FaceReader:
    """The gate, dlib's detector and landmarks, and the descriptor network, loaded once."""

    def __init__(self, describer: FaceDescriber | None = None) -> None:
        """``describer``: the descriptor network, shared by the finders of a pass (it
        keeps no state; 22 MB of weights each otherwise)."""
        import dlib  # loaded only where faces are looked for

        directory = model_dir()
        if directory is None:
            raise FileNotFoundError("the face models are not installed")
        self._detect: Any = dlib.get_frontal_face_detector()
        self._landmarks: Any = dlib.shape_predictor(str(directory / _LANDMARKS))
        self._chip: Any = dlib.get_face_chip
        self.describer = describer or FaceDescriber(directory / _DESCRIBER)
        self._rectangle: Any = dlib.rectangle
        self._gate = face_gate.FaceGate()

    def read(self, path: str) -> list[FoundFace]:
        """The faces in a photo file (JPEGs decoded at a fraction of their size); errors
        propagate as ``ImageError`` like every decode. Decoded once, at the size dlib
        needs, for the gate too: the photos this pass looks at are mostly those where
        the gate, glancing while indexing, saw a face, and a JPEG's decode costs nearly
        as much at an eighth of its size as at a quarter."""
        img, _, _, _ = open_image(path, min_side=DETECT_SIDE // 2)
        return self.read_image(img)

    def read_image(self, img: Image.Image) -> list[FoundFace]:
        """The faces in an upright RGB image, largest first."""
        seen = self._gate.faces(img)
        return self._search(img, seen) if seen else []

    def _search(self, img: Image.Image, seen: list[face_gate.GateFace]) -> list[FoundFace]:
        """dlib's faces around those the gate saw, at ``DETECT_SIDE``: boxes, landmarks
        and descriptors."""
        if max(img.size) > DETECT_SIDE:
            img = img.copy()
            img.thumbnail((DETECT_SIDE, DETECT_SIDE), Image.Resampling.BILINEAR)
        pixels = np.ascontiguousarray(np.asarray(img.convert("RGB")))
        height, width = pixels.shape[:2]
        boxes = [b for b in self._boxes(pixels, seen) if min(b[2] - b[0], b[3] - b[1]) >= MIN_FACE]
        if not boxes:
            return []
        chips = [
            self._chip(
                pixels, self._landmarks(pixels, self._rectangle(*box)), size=CHIP, padding=0.25
            )
            for box in boxes
        ]
        vectors = self.describer.describe(np.stack(chips))
        found = [
            FoundFace((left / width, top / height, right / width, bottom / height), vector)
            for (left, top, right, bottom), vector in zip(boxes, vectors, strict=True)
        ]
        return sorted(found, key=lambda f: (f.box[0] - f.box[2]) * (f.box[3] - f.box[1]))

    def _boxes(
        self, pixels: np.ndarray, seen: list[face_gate.GateFace]
    ) -> list[tuple[int, int, int, int]]:
        """HOG's boxes (in ``pixels``), searched for only around each face the gate saw,
        with the face scaled down to ``HOG_FACE`` pixels where it is larger: a few
        milliseconds each, where the whole photo took 70–160."""
        height, width = pixels.shape[:2]
        boxes: list[tuple[int, int, int, int]] = []
        for face in seen:
            side = max((face.right - face.left) * width, (face.bottom - face.top) * height)
            if side < MIN_FACE * 0.75:  # what HOG would find in it is below MIN_FACE
                continue
            margin = max(CONTEXT * side, MIN_CONTEXT)
            x0, y0 = (
                max(0, int(face.left * width - margin)),
                max(0, int(face.top * height - margin)),
            )
            x1 = min(width, int(face.right * width + margin))
            y1 = min(height, int(face.bottom * height + margin))
            # large faces scaled down to HOG_FACE, those below HOG's reach up to HOG_REACH
            scale = min(HOG_FACE / max(side, 1.0), max(1.0, HOG_REACH / max(side, 1.0)))
            crop = Image.fromarray(pixels[y0:y1, x0:x1])
            if scale != 1.0:
                crop = crop.resize(
                    (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                    Image.Resampling.BILINEAR,
                )
            rects, _, _ = self._detect.run(np.asarray(crop), 0, AGREE)
            gate_box = (
                round(face.left * width),
                round(face.top * height),
                round(face.right * width),
                round(face.bottom * height),
            )
            found = [
                (
                    max(0, x0 + round(rect.left() / scale)),
                    max(0, y0 + round(rect.top() / scale)),
                    min(width, x0 + round(rect.right() / scale)),
                    min(height, y0 + round(rect.bottom() / scale)),
                )
                for rect in rects
            ]
            # the gate's face itself, not a neighbour in the same crop (found in its own)
            best = max(found, key=lambda box: face_gate.overlap(box, gate_box), default=None)
            if (
                best is not None
                and face_gate.overlap(best, gate_box) >= SAME_FACE
                and all(face_gate.overlap(best, other) < SAME_FACE for other in boxes)
            ):
                boxes.append(best)
        return boxes
