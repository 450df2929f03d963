"""dlib's ResNet face descriptor, run by torch from dlib's own model file.

dlib's descriptor (a 29-layer ResNet on a 150-pixel face chip, 99.38 % on LFW) is what
groups faces into people; dlib's wheel runs it without BLAS, ~100 ms a face on a core,
most of the faces pass's time. Here the same network, read from the same CC0 model
file (``dlib_face_recognition_resnet_model_v1.dat``), runs on torch's kernels: the same
128 numbers (checked against dlib in the tests) in a fraction of the time. dlib still
finds the face and cuts the chip.

The file is dlib's serialisation, read in order: from the input layer to the last, each
convolution's filters and biases, each affine (batch-norm) layer's scale and shift, the
pools' sizes and the final fully connected layer, tensors as little-endian float32.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHIP = 150
"""The side of the face chip the network takes (dlib's ``get_face_chip``, padding 0.25)."""

_NAMES = (b"con_4", b"affine_", b"fc_2", b"relu_", b"max_pool_2", b"avg_pool_2", b"add_prev_")
_LAYER = re.compile(b"|".join(re.escape(b"\x01" + bytes([len(n)]) + n) for n in _NAMES))
"""A layer's name as dlib writes it: its length first (so no float data passes for one)."""
SHAPE = {"convolution": 29, "relu": 29, "add": 14, "pool": 6, "matrix": 1}
"""The layers dlib's face descriptor network holds: any other file is refused."""


class ModelFileError(ValueError):
    """The model file is not the network this module reads."""


@dataclass(frozen=True, slots=True)
class _Conv:
    weight: np.ndarray  # out, in, kh, kw
    bias: np.ndarray
    stride: int
    padding: int


@dataclass(frozen=True, slots=True)
class _Pool:
    kind: str  # "max" or "avg"
    size: int  # 0: the whole picture
    stride: int


class _Reader:
    """dlib's serialisation: integers as a length byte then little-endian bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def integer(self) -> int:
        control = self.data[self.at]
        size = control & 0x0F
        value = int.from_bytes(self.data[self.at + 1 : self.at + 1 + size], "little")
        self.at += 1 + size
        return -value if control & 0x80 else value

    def tensor(self) -> np.ndarray:
        if self.integer() != 2:  # its format's version: 2 holds plain float32s
            raise ModelFileError("a tensor in an unknown format")
        count = int(np.prod([self.integer() for _ in range(4)]))
        values = np.frombuffer(self.data, "<f4", count, self.at).astype(np.float32)
        self.at += 4 * count
        return values


def read_layers(path: Path) -> tuple[list[object], tuple[float, float, float]]:
    """The network's layers in order (convolutions with their affine layers folded in,
    pools, ``"relu"`` and ``"add"`` marks, the final matrix) and the input's mean colour;
    ``ModelFileError`` for a file that does not hold dlib's face descriptor network."""
    try:
        layers, mean = _read(path.read_bytes(), path.name)
    except (IndexError, ValueError) as exc:  # truncated, or numbers that do not add up
        raise ModelFileError(f"{path.name} is damaged: {exc}") from exc
    kinds = Counter(
        "convolution"
        if isinstance(layer, _Conv)
        else "pool"
        if isinstance(layer, _Pool)
        else "matrix"
        if isinstance(layer, np.ndarray)
        else str(layer)
        for layer in layers
    )
    last = layers[-1] if layers else None
    if kinds != Counter(SHAPE) or not isinstance(last, np.ndarray) or last.shape != (256, 128):
        raise ModelFileError(f"{path.name} is not dlib's face descriptor network")
    return layers, mean


def _read(data: bytes, name: str) -> tuple[list[object], tuple[float, float, float]]:
    means = re.search(rb"input_rgb_image_sized", data)
    if means is None:
        raise ModelFileError(f"{name} holds no dlib image network")
    reader = _Reader(data)
    reader.at = means.end()
    mean = []
    for _ in range(3):  # dlib's floats: a mantissa and a power of two
        mantissa = reader.integer()
        mean.append(mantissa * 2.0 ** reader.integer())
    layers: list[object] = []
    at = reader.at
    while (found := _LAYER.search(data, at)) is not None:
        name = found.group(0)[2:]
        reader.at = found.end()
        if name == b"con_4":
            params = reader.tensor()
            filters, kh, kw, stride, _, padding, _ = (reader.integer() for _ in range(7))
            inputs, rest = divmod(params.size - filters, max(1, filters * kh * kw))
            if filters < 1 or inputs < 1 or rest:
                raise ModelFileError("a convolution whose sizes do not add up")
            weight = params[: filters * inputs * kh * kw].reshape(filters, inputs, kh, kw)
            layers.append(_Conv(weight, params[filters * inputs * kh * kw :], stride, padding))
        elif name == b"affine_":
            params = reader.tensor()
            conv = layers[-1]
            if not isinstance(conv, _Conv):
                raise ModelFileError("an affine layer follows something else than a convolution")
            if params.size != 2 * conv.bias.size:
                raise ModelFileError("an affine layer that does not fit its convolution")
            gamma, beta = np.split(params, 2)
            layers[-1] = _Conv(
                conv.weight * gamma[:, None, None, None],
                conv.bias * gamma + beta,
                conv.stride,
                conv.padding,
            )
        elif name in (b"max_pool_2", b"avg_pool_2"):
            size, _, stride, _, _, _ = (reader.integer() for _ in range(6))
            layers.append(_Pool("max" if name == b"max_pool_2" else "avg", size, stride))
        elif name == b"relu_":
            layers.append("relu")
        elif name == b"add_prev_":
            layers.append("add")
        else:  # fc_2: outputs, inputs, then the matrix (inputs × outputs)
            outputs, inputs = reader.integer(), reader.integer()
            layers.append(reader.tensor()[: inputs * outputs].reshape(inputs, outputs))
        at = reader.at
    return layers, (mean[0], mean[1], mean[2])


def program(layers: list[object]) -> list[tuple[object, ...]]:
    """The layers as steps to run, the residual wiring made explicit: each block keeps
    its input (``keep``); the blocks that halve the picture average-pool that input
    (``pool_kept``); ``add`` sums the block's output and its (pooled) input."""
    steps: list[tuple[object, ...]] = []
    keep_next = False
    after_add = False
    for layer in layers:
        if isinstance(layer, _Conv):
            if keep_next:
                steps.append(("keep",))
                keep_next = False
            steps.append(("conv", layer))
        elif isinstance(layer, _Pool):
            if layer.kind == "max":
                steps.append(("max_pool", layer.size, layer.stride))
                keep_next = True
            elif layer.size == 0:
                steps.append(("mean",))
            else:
                steps.append(("pool_kept", layer.size, layer.stride))
        elif isinstance(layer, np.ndarray):
            steps.append(("matrix", layer))
        elif layer == "add":
            steps.append(("add",))
            after_add = True
            continue
        elif layer == "relu":
            steps.append(("relu",))
            keep_next = keep_next or after_add
        after_add = False
    return steps


class FaceDescriber:
    """The network in torch; ``describe`` takes face chips and gives their descriptors."""

    def __init__(self, path: Path) -> None:
        import torch

        self._torch = torch
        layers, mean = read_layers(path)
        self._mean = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
        self._steps: list[tuple[object, ...]] = []
        for step in program(layers):
            if step[0] == "conv":
                conv = step[1]
                assert isinstance(conv, _Conv)
                weights = (torch.from_numpy(conv.weight), torch.from_numpy(conv.bias))
                self._steps.append(("conv", *weights, conv.stride, conv.padding))
            elif step[0] == "matrix":
                self._steps.append(("matrix", torch.from_numpy(step[1])))  # type: ignore[arg-type]
            else:
                self._steps.append(step)

    def describe(self, chips: np.ndarray) -> np.ndarray:
        """128 numbers for each 150 × 150 RGB chip (``n × 150 × 150 × 3``, uint8)."""
        torch = self._torch
        functional = torch.nn.functional
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(chips)).permute(0, 3, 1, 2).float()
            x = (x - self._mean) / 256.0
            kept = shortcut = x
            for step in self._steps:
                kind = step[0]
                if kind == "conv":
                    x = functional.conv2d(x, step[1], step[2], step[3], step[4])
                elif kind == "relu":
                    x = functional.relu(x)
                elif kind == "keep":
                    kept = shortcut = x
                elif kind == "max_pool":
                    x = functional.max_pool2d(x, step[1], step[2])
                elif kind == "pool_kept":
                    shortcut = functional.avg_pool2d(kept, step[1], step[2])
                elif kind == "add":
                    x = _padded_sum(torch, x, shortcut)
                elif kind == "mean":
                    x = x.mean(dim=(2, 3))
                else:
                    x = x @ step[1]
            return x.numpy().astype(np.float32)


def _padded_sum(torch: object, a: object, b: object) -> object:
    """dlib's ``add_prev``: tensors of different sizes add as if padded with zeros (the
    block that halves the picture can come out a pixel smaller than its pooled input,
    and with more channels)."""
    shape = [max(x, y) for x, y in zip(a.shape, b.shape, strict=True)]  # type: ignore[attr-defined]
    out = a.new_zeros(shape)  # type: ignore[attr-defined]
    out[: a.shape[0], : a.shape[1], : a.shape[2], : a.shape[3]] += a  # type: ignore[attr-defined]
    out[: b.shape[0], : b.shape[1], : b.shape[2], : b.shape[3]] += b  # type: ignore[attr-defined]
    return out
