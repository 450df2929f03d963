"""Where the model runs: an NVIDIA GPU (CUDA), an Apple GPU (MPS), or the CPU.

"auto" takes a GPU when torch can use one; the reason is kept for ``doctor`` and
``status``. On a GPU the model computes in float16 (its vectors match float32 to a cosine
of 0.999+, so one index serves both); int8 and bf16 are the CPU's levers.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

GPU_BATCH = 64
"""Photos per batch on a GPU (halved on out-of-memory); the CPU's comes from settings."""


@dataclass(frozen=True, slots=True)
class DeviceChoice:
    """The device a model will use, and why, in words for the person asking."""

    name: str  # "cpu", "cuda" or "mps"
    reason: str

    @property
    def gpu(self) -> bool:
        return self.name != "cpu"


def _cuda() -> bool:
    try:
        return bool(torch.cuda.is_available())
    except RuntimeError:  # a broken driver install can raise here
        return False


def _mps() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def _cuda_name() -> str:
    try:
        return str(torch.cuda.get_device_name(0))
    except RuntimeError:
        return "NVIDIA GPU"


def unavailable() -> dict[str, str]:
    """The devices this computer cannot run the model on, each with why, in words."""
    missing: dict[str, str] = {}
    if not _cuda():
        missing["cuda"] = (
            "this PyTorch build has no CUDA support"
            if torch.version.cuda is None
            else "no NVIDIA graphics card that PyTorch can use was found"
        )
    if not _mps():
        missing["mps"] = "only on a Mac with Apple graphics"
    return missing


def choose(setting: str) -> DeviceChoice:
    """The device for a setting: auto, cpu, cuda or mps (unknown settings count as auto)."""
    if setting == "cpu":
        return DeviceChoice("cpu", "chosen in the settings")
    if setting == "cuda":
        if _cuda():
            return DeviceChoice("cuda", f"{_cuda_name()}, chosen in the settings")
        return DeviceChoice("cpu", "CUDA was chosen, but no usable NVIDIA GPU was found")
    if setting == "mps":
        if _mps():
            return DeviceChoice("mps", "Apple GPU, chosen in the settings")
        return DeviceChoice("cpu", "the Apple GPU was chosen, but it is not available")
    if _cuda():
        return DeviceChoice("cuda", f"{_cuda_name()} found")
    if _mps():
        return DeviceChoice("mps", "Apple GPU found")
    if torch.version.cuda is None and not _mps():
        return DeviceChoice("cpu", "no GPU support in this PyTorch build")
    return DeviceChoice("cpu", "no usable GPU found")
