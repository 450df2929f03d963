"""Running the model in int8 or bf16: same meaning as fp32, chosen only where it pays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from photosearch.core import memory
from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError
from photosearch.core.model import models, precision
from photosearch.core.model.encoder import Encoder
from photosearch.synthetic import COLOURS, SHAPES, evaluation_set, score


def _vectors(encoder: Encoder, samples: list) -> tuple[np.ndarray, dict]:
    pixels = torch.stack([encoder.preprocess(s.image) for s in samples])
    texts = {(c, s): encoder.encode_text(f"a {c} {s}") for c in COLOURS for s in SHAPES}
    return encoder.encode_images(pixels), texts


@pytest.mark.parametrize("reduced", ["int8", "bf16"])
def test_reduced_precision_keeps_the_meaning(reduced: str) -> None:
    directory = models.demo_model_dir()
    samples = evaluation_set(seed=77, per_pair=8)
    exact = Encoder(models.DEMO_KEY, directory, precision_setting="fp32")
    fast = Encoder(models.DEMO_KEY, directory, precision_setting=reduced)
    assert (exact.precision, fast.precision) == ("fp32", reduced)
    exact_images, exact_texts = _vectors(exact, samples)
    fast_images, fast_texts = _vectors(fast, samples)
    assert fast_images.dtype == np.float32
    assert float((exact_images * fast_images).sum(1).min()) > 0.99
    assert min(float(exact_texts[k] @ fast_texts[k]) for k in exact_texts) > 0.99
    keys = [s.key for s in samples]
    baseline = score(exact_images, keys, exact_texts)
    result = score(fast_images, keys, fast_texts)
    assert result.text_p1_seen >= baseline.text_p1_seen - 0.05, (result, baseline)
    assert result.text_p5_seen >= baseline.text_p5_seen - 0.05, (result, baseline)
    assert result.image_p5 >= baseline.image_p5 - 0.05, (result, baseline)


def test_auto_takes_bf16_only_where_the_cpu_is_faster_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    assert precision.choose("auto") == "bf16"
    monkeypatch.setattr(precision, "native_bf16", lambda: False)
    assert precision.choose("auto") == ("int8" if precision.int8_available() else "fp32")
    assert precision.choose("fp32") == "fp32"
    assert precision.choose("no such thing") == precision.choose("auto")


@pytest.mark.parametrize(
    ("supported", "bf16_ms", "fp32_ms", "expected"),
    [
        (True, 1.0, 2.0, True),  # AMX-class: bf16 clearly faster
        (True, 1.9, 2.0, False),  # supported but barely faster: not worth it
        (True, 4.0, 2.0, False),  # emulated bf16 (AMD EPYC here): slower
        (False, 1.0, 2.0, False),  # no native bf16 at all
    ],
)
def test_native_bf16_needs_support_and_a_clear_win(
    monkeypatch: pytest.MonkeyPatch, supported: bool, bf16_ms: float, fp32_ms: float, expected: bool
) -> None:
    """The rule behind "auto", fed the two measurements it takes, on any CPU."""
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: supported)
    times = {torch.bfloat16: bf16_ms, torch.float32: fp32_ms}
    monkeypatch.setattr(precision, "_matmul_ms", lambda dtype: times[dtype])
    assert precision.native_bf16() is expected


def test_matmul_measurement_is_real() -> None:
    """The timings the rule reads come from real products of the right dtype."""
    for dtype in (torch.float32, torch.bfloat16):
        ms = precision._matmul_ms(dtype)
        assert 0.0 < ms < 10_000.0


def test_engine_switches_precision_and_remembers_it(engine: Engine) -> None:
    assert engine.encoder().precision == precision.choose(engine.settings.precision)
    engine.set_precision("fp32")
    assert engine.encoder().precision == "fp32"
    reopened = type(engine.settings).load(engine.paths.settings_path)
    assert reopened.precision == "fp32"
    with pytest.raises(PhotoSearchError, match="Unknown precision"):
        engine.set_precision("fp8")


def test_allocator_tuning_applies_on_glibc_and_memory_is_released() -> None:
    import platform

    expected = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert memory.tune_allocator() is expected
    memory.release_free_memory()


def test_split_attention_computes_the_same_as_multihead_attention(random_model: Path) -> None:
    import open_clip

    model, _, _ = open_clip.create_model_and_transforms(f"local-dir:{random_model}")
    model.eval()
    pixels = torch.randn(3, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    tokens = open_clip.get_tokenizer(f"local-dir:{random_model}")(["a dog", "a red circle"])
    with torch.inference_mode():
        before = model.encode_image(pixels), model.encode_text(tokens)
        precision._split_attention(model.visual)
        precision._split_attention(model.transformer)
        after = model.encode_image(pixels), model.encode_text(tokens)
    assert any(isinstance(m, precision.SelfAttention) for m in model.modules())
    assert not any(isinstance(m, torch.nn.MultiheadAttention) for m in model.modules())
    for b, a in zip(before, after, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_openmp_spin_is_short_unless_the_user_chose(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = "import os, photosearch; print(os.environ['GOMP_SPINCOUNT'])"
    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "1000"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "GOMP_SPINCOUNT": "7"},
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "7"
