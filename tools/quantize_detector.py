"""Make the text detector words in photos are found with: PP-OCRv6's (from rapidocr's
wheel, Apache-2.0) quantised to int8, calibrated on generated photos at the gate's size.

    pip install onnx && python tools/quantize_detector.py

Writes ``photosearch/assets/ocr/PP-OCRv6_det_small.int8.onnx``. Run it again when
rapidocr's detector changes; ``benchmarks/bench_words.py`` then compares the two (what
each finds, and its speed). ``onnx`` is needed here only, never by the app.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from photosearch.core.media.ocr import DETECTOR, GATE_SIDE, MODELS, model_dir, scaled_bgr  # noqa: E402
from photosearch.synthetic import make_sample, text_photo  # noqa: E402

# Measured on an AMX Xeon, small print found by the gate (of 30) and signs read word for
# word (of 8): float 19 and 8/8; this (u8 × s8, full range) 20 and 8/8; s8 × s8 18 and
# 7/8 at float's speed; u8 × s8 with reduce_range 17 and 7/8. CPUs without VNNI may
# saturate full-range u8 × s8 products: to be measured on one before choosing again.
OPSET = 17
"""Per-channel int8 needs DequantizeLinear's ``axis`` (opset 13+); the detector ships at 11."""


def _tensor(image: object) -> np.ndarray:
    """What rapidocr's detector takes: BGR scaled to the gate's side, padded to /32."""
    pixels = scaled_bgr(image, GATE_SIDE).astype(np.float32)  # type: ignore[arg-type]
    h, w = pixels.shape[:2]
    padded = np.zeros(((h + 31) // 32 * 32, (w + 31) // 32 * 32, 3), np.float32)
    padded[:h, :w] = pixels
    return ((padded / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]


def main() -> None:
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    source = model_dir()
    assert source is not None, "rapidocr is not installed"
    images = [text_photo(900 + i)[0] for i in range(24)]
    images += [make_sample(random.Random(i), size_range=(860, 1152)).image for i in range(24)]

    class Photos(CalibrationDataReader):
        def __init__(self) -> None:
            self.left = iter([{"x": _tensor(image)} for image in images])

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.left, None)

    here = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)  # the quantiser leaves its working files where it runs
        upgraded = Path(scratch) / "det.onnx"
        model = onnx.load(str(source / MODELS["Det.model_path"]))
        onnx.save(version_converter.convert_version(model, OPSET), str(upgraded))
        DETECTOR.parent.mkdir(parents=True, exist_ok=True)
        quantize_static(
            str(upgraded),
            str(DETECTOR),
            Photos(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        os.chdir(here)
    print(f"{DETECTOR} ({DETECTOR.stat().st_size / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
