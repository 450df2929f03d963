"""Device choice, float16 fidelity and falling back to the CPU, tested on the CPU.

There is no GPU here: float16 runs on the CPU through the same code the GPU uses, and a
GPU failure is a real one (CUDA calls on a machine with no NVIDIA driver).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from photosearch.core.app.engine import Engine
from photosearch.core.model import devices, models
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.model_input import decode_for_model
from photosearch.synthetic import write_library


@pytest.mark.parametrize(
    ("setting", "cuda", "mps", "expected", "words"),
    [
        ("auto", True, False, "cuda", "found"),
        ("auto", False, True, "mps", "Apple GPU found"),
        ("auto", False, False, "cpu", ""),
        ("cuda", False, False, "cpu", "no usable NVIDIA GPU"),
        ("mps", False, False, "cpu", "not available"),
        ("cpu", True, True, "cpu", "chosen in the settings"),
        ("cuda", True, False, "cuda", "chosen in the settings"),
    ],
)
def test_the_device_and_its_reason(
    monkeypatch: pytest.MonkeyPatch, setting: str, cuda: bool, mps: bool, expected: str, words: str
) -> None:
    monkeypatch.setattr(devices, "_cuda", lambda: cuda)
    monkeypatch.setattr(devices, "_mps", lambda: mps)
    monkeypatch.setattr(devices, "_cuda_name", lambda: "NVIDIA H200")
    choice = devices.choose(setting)
    assert choice.name == expected and words in choice.reason
    assert choice.gpu == (expected != "cpu")


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("shapes")
    write_library(folder, 24, seed=3)
    return sorted(str(p) for p in folder.glob("*.jpg"))


def _encode(encoder: Encoder, files: list[str]) -> np.ndarray:
    pixels = torch.stack(
        [decode_for_model(f, encoder.input_size, encoder.preprocess).pixels for f in files]
    )
    return encoder.encode_images(pixels)


def test_float16_vectors_match_float32(shapes: list[str]) -> None:
    """What a GPU computes (float16) and the CPU's float32 share one index."""
    directory = models.demo_model_dir()
    exact = Encoder("fp32", directory, precision_setting="fp32", device_setting="cpu")
    half = Encoder("fp16", directory, precision_setting="fp32", device_setting="cpu")
    half._use_half(torch.device("cpu"))
    assert half.precision == "fp16"
    a, b = _encode(exact, shapes), _encode(half, shapes)
    cosines = np.sum(a * b, axis=1)
    assert cosines.min() >= 0.999, cosines.min()
    for phrase in ("a red circle", "two blue squares"):
        assert float(exact.encode_text(phrase) @ half.encode_text(phrase)) >= 0.999


def test_a_failing_gpu_falls_back_to_the_cpu(shapes: list[str]) -> None:
    directory = models.demo_model_dir()
    reference = _encode(
        Encoder("ref", directory, precision_setting="fp32", device_setting="cpu"), shapes
    )
    encoder = Encoder("gpu", directory, precision_setting="fp32", device_setting="cpu")
    encoder.device = torch.device("cuda")  # as if the model were on a GPU that now fails
    encoder.device_choice = devices.DeviceChoice("cuda", "test GPU found")
    vectors = _encode(encoder, shapes)  # CUDA calls fail here for real: no driver
    assert encoder.device.type == "cpu" and encoder.fallback and "GPU failed" in encoder.fallback
    assert np.sum(vectors * reference, axis=1).min() >= 0.999
    assert encoder.images_encoded == len(shapes)


def test_out_of_memory_halves_the_batch(shapes: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """GPU memory cannot run out here: the allocator's error is raised for big batches."""
    directory = models.demo_model_dir()
    encoder = Encoder("oom", directory, precision_setting="fp32", device_setting="cpu")
    cpu = Encoder("cpu", directory, precision_setting="fp32", device_setting="cpu")
    sizes: list[int] = []

    def small_batches_only(pixels: torch.Tensor) -> np.ndarray:
        sizes.append(len(pixels))
        if len(pixels) > 6:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return cpu.encode_images(pixels)  # what the GPU would have computed

    monkeypatch.setattr(encoder, "_encode_images", small_batches_only)
    encoder.device = torch.device("cuda")
    vectors = _encode(encoder, shapes)
    assert vectors.shape[0] == len(shapes) and encoder.fallback is None
    n = len(shapes)
    assert sizes[:3] == [n, n // 2, n // 4] and all(s <= 6 for s in sizes[2:] if s != n // 2)
    assert encoder.batch_size == n // 4  # later batches start small
    assert np.sum(vectors * _encode(cpu, shapes), axis=1).min() >= 0.9999


def test_doctor_and_status_name_the_device(engine: Engine) -> None:
    assert engine.status().device == "not loaded yet (setting: cpu)"  # the fixture's
    checks = {c.name: c for c in engine.doctor()}
    assert checks["device"].ok and checks["device"].detail.startswith("cpu (chosen in the settings")
    assert engine.status().device == checks["device"].detail


def test_unknown_device_is_refused(engine: Engine) -> None:
    from photosearch.core.errors import PhotoSearchError

    with pytest.raises(PhotoSearchError, match="Unknown device"):
        engine.set_device("tpu")


def test_gpu_vectors_search_the_cpu_index(engine: Engine, tmp_path: Path) -> None:
    """A library indexed in float16 is searched correctly by the float32 model."""
    folder = tmp_path / "lib"
    write_library(folder, 30, seed=8)
    engine.library.add_folder(folder)
    engine.set_precision("fp32")  # a GPU's model is never quantised (a CPU's may be, to int8)
    engine.encoder()._use_half(torch.device("cpu"))  # index as a GPU would
    engine.update()
    engine.set_precision("fp32")  # then search with a float32 model
    exact = engine.encoder()
    assert exact.precision == "fp32"
    store = engine.vectors()
    ids, stored = engine.catalog.vectors_for(store.model_id, store.dim, list(range(1, 31)))
    photos = engine.catalog.photos(ids.tolist())
    fresh = _encode(exact, [photos[i].path for i in ids.tolist()])
    assert np.sum(stored * fresh, axis=1).min() >= 0.999
    best = engine.search("a red circle", limit=1).hits[0]
    assert "red-circle" in Path(best.path).name
