"""Finding faces in a photo and describing each by 128 numbers, offline, with dlib.

dlib's frontal face detector (HOG: no model file, fast on a CPU), its 5-point landmark
model and its ResNet face descriptor (99.38 % on LFW) — the model files are CC0 and
come with the ``face_recognition_models`` package, so nothing is downloaded, ever.
(The package's 68-point model was trained on data with non-commercial terms: it is
never loaded, and the bundle leaves it out.) Two faces of one person lie closer than
about 0.6 apart; ``core/index/people.py`` groups them with stricter bounds.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photosearch.core.media.images import open_image

DETECT_SIDE = 1024
"""Longest side faces are looked for at. The detector finds faces from about 80 pixels:
at 1024, a face of 8 % of the photo's side (a group of a dozen people)."""
MIN_FACE = 40
"""Faces smaller than this (pixels at ``DETECT_SIDE``) are too blurred to tell people apart."""
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
    )


class FaceReader:
    """The three dlib parts, loaded once (about 30 MB of memory)."""

    def __init__(self) -> None:
        import dlib  # loaded only where faces are looked for

        directory = model_dir()
        if directory is None:
            raise FileNotFoundError("the face models are not installed")
        self._detect: Any = dlib.get_frontal_face_detector()
        self._landmarks: Any = dlib.shape_predictor(str(directory / _LANDMARKS))
        self._describe: Any = dlib.face_recognition_model_v1(str(directory / _DESCRIBER))
        self._rectangle: Any = dlib.rectangle

    def read(self, path: str) -> list[FoundFace]:
        """The faces in a photo file (JPEGs decoded at a fraction of their size); errors
        propagate as ``ImageError`` like every decode."""
        img, _, _, _ = open_image(path, min_side=DETECT_SIDE // 2)
        return self.read_image(img)

    def read_image(self, img: Image.Image) -> list[FoundFace]:
        """The faces in an upright RGB image, largest first."""
        if max(img.size) > DETECT_SIDE:
            img = img.copy()
            img.thumbnail((DETECT_SIDE, DETECT_SIDE), Image.Resampling.BILINEAR)
        pixels = np.ascontiguousarray(np.asarray(img.convert("RGB")))
        height, width = pixels.shape[:2]
        found = []
        for rect in self._detect(pixels, 0):
            left, top = max(0, rect.left()), max(0, rect.top())
            right, bottom = min(width, rect.right()), min(height, rect.bottom())
            if min(right - left, bottom - top) < MIN_FACE:
                continue
            shape = self._landmarks(pixels, self._rectangle(left, top, right, bottom))
            vector = np.asarray(self._describe.compute_face_descriptor(pixels, shape))
            box = (left / width, top / height, right / width, bottom / height)
            found.append(FoundFace(box, vector.astype(np.float32)))
        return sorted(found, key=lambda f: (f.box[0] - f.box[2]) * (f.box[3] - f.box[1]))
