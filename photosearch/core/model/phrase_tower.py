"""A standard CLIP text tower run in numpy, straight from the model's safetensors file.

Why: importing torch and open_clip takes 5–6 s, so a search from the command line, or
the app's first search while the model still loads, would wait that long for one
phrase. This runs the same transformer (causal attention, pooled at the end-of-text
token) in well under a second from a cold start. It serves only models whose config is
the plain CLIP text tower, and only once the torch encoder has checked, on this model's
own weights, that both give the same vectors (``Encoder.text_tower_cosine``).
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

from photosearch.core.atomic import write_text_atomically
from photosearch.core.model import models
from photosearch.core.model.tokenizer import ClipTokenizer

log = logging.getLogger(__name__)

MIN_COSINE = 0.9999
"""float32 in torch and in numpy differ by rounding only: ~1e-7 from a cosine of 1."""
PROBES = ("a photo of a dog on the beach at sunset", "Café ⛱ 42", "")
LAYER_NORM_EPS = 1e-5
SAFETENSORS_FLOATS = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}
PLAIN_TEXT_CFG = {
    "hf_tokenizer_name": None,
    "tokenizer_mode": None,
    "tokenizer_kwargs": None,
    "ls_init_value": None,
    "embed_cls": False,
    "no_causal_mask": False,
    "final_ln_after_pool": False,
    "pool_type": "argmax",
    "proj_bias": False,
    "proj_type": "linear",
    "output_tokens": False,
    "act_kwargs": None,
    "norm_kwargs": None,
    "block_type": None,
    "qk_norm": False,
    "scaled_cosine_attn": False,
    "scale_heads": False,
    "scale_attn_inner": False,
    "scale_attn": False,
    "scale_fc": False,
    "hf_model_name": None,
}
"""Text settings this tower understands, at the values it supports; others may vary."""
SIZE_KEYS = {"context_length", "vocab_size", "width", "heads", "layers", "mlp_ratio", "pad_id"}
PLAIN_MODEL_KEYS = {"embed_dim", "vision_cfg", "text_cfg", "quick_gelu", "init_logit_scale"}


def supports(directory: Path) -> bool:
    """Whether this model's text tower is the plain CLIP one, in a safetensors file."""
    weights = models.weights_file(directory)
    if weights is None or weights.suffix != ".safetensors":
        return False
    try:
        cfg = json.loads((directory / models.CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    model_cfg = cfg.get("model_cfg", {})
    text_cfg = model_cfg.get("text_cfg", {})
    if not set(model_cfg) <= PLAIN_MODEL_KEYS or model_cfg.get("custom_text"):
        return False
    return all(
        key in SIZE_KEYS or (key in PLAIN_TEXT_CFG and value == PLAIN_TEXT_CFG[key])
        for key, value in text_cfg.items()
    )


TOWER_VERSION = 1
"""Bump when this module's arithmetic changes: every recorded check is then redone."""


def _check_key(fingerprint: str) -> str:
    """What a check vouches for: these weights, this tower code and this open_clip.

    An upgrade of either side of the comparison makes the model check the tower again.
    """
    try:
        open_clip_version = importlib.metadata.version("open_clip_torch")
    except importlib.metadata.PackageNotFoundError:
        open_clip_version = "unknown"
    return f"{fingerprint}:tower{TOWER_VERSION}:open_clip{open_clip_version}"


def is_verified(record: Path, fingerprint: str) -> bool:
    """Whether the torch encoder has vouched for the tower on the weights ``fingerprint``."""
    try:
        return _check_key(fingerprint) in json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def record_check(record: Path, fingerprint: str, cosine: float) -> bool:
    """Keep a passed check (one line per set of weights); a failed one is only logged."""
    if cosine < MIN_COSINE:
        log.warning("numpy text tower differs from torch (cosine %.6f); not used", cosine)
        return False
    try:
        checks = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        checks = {}
    checks[_check_key(fingerprint)] = cosine
    try:
        write_text_atomically(record, json.dumps(checks))
    except OSError as exc:
        log.info("could not record the text tower check in %s: %s", record, exc)
    return True


class TextTower:
    """Phrases to unit vectors with the model's own text weights, in numpy."""

    def __init__(self, directory: Path) -> None:
        cfg = json.loads((directory / models.CONFIG_NAME).read_text(encoding="utf-8"))
        model_cfg = cfg["model_cfg"]
        text_cfg = model_cfg["text_cfg"]
        self.heads = int(text_cfg.get("heads", 8))
        self.quick_gelu = bool(model_cfg.get("quick_gelu", False))
        self.tokenizer = ClipTokenizer(int(text_cfg.get("context_length", 77)))
        weights = models.weights_file(directory)
        assert weights is not None
        self.w = read_safetensors(weights, lambda n: not n.startswith("visual."))
        self.layers = sum(1 for n in self.w if n.endswith(".attn.in_proj_weight"))
        self.dim = int(self.w["text_projection"].shape[1])

    def encode_text(self, text: str) -> np.ndarray:
        """The unit vector for one phrase."""
        ids = self.tokenizer(text)
        n = len(ids)
        w = self.w
        x = w["token_embedding.weight"][ids] + w["positional_embedding"][:n]
        causal = np.triu(np.full((n, n), -np.inf, dtype=np.float32), 1)
        for i in range(self.layers):
            p = f"transformer.resblocks.{i}."
            x = x + self._attention(_layer_norm(x, w, p + "ln_1"), p + "attn.", causal)
            h = _linear(_layer_norm(x, w, p + "ln_2"), w, p + "mlp.c_fc")
            x = x + _linear(self._activation(h), w, p + "mlp.c_proj")
        # the end-of-text token has the largest id; the transformer pools there
        pooled = _layer_norm(x, w, "ln_final")[int(np.argmax(ids))] @ w["text_projection"]
        return (pooled / np.linalg.norm(pooled)).astype(np.float32)

    def _attention(self, x: np.ndarray, prefix: str, causal: np.ndarray) -> np.ndarray:
        w = self.w
        n, width = x.shape
        qkv = x @ w[prefix + "in_proj_weight"].T + w[prefix + "in_proj_bias"]
        q, k, v = (
            part.reshape(n, self.heads, -1).transpose(1, 0, 2) for part in np.split(qkv, 3, 1)
        )
        scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(q.shape[-1])) + causal
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        out = (scores @ v).transpose(1, 0, 2).reshape(n, width)
        return _linear(out, w, prefix + "out_proj")

    def _activation(self, x: np.ndarray) -> np.ndarray:
        if self.quick_gelu:
            return x / (1 + np.exp(-1.702 * x))
        return 0.5 * x * (1 + _erf(x / np.float32(np.sqrt(2))))


def read_safetensors(path: Path, wanted: Callable[[str], bool]) -> dict[str, np.ndarray]:
    """The wanted tensors of a safetensors file as float32, mapped rather than read.

    The format is a length, a JSON header and raw little-endian data; read here because
    the ``safetensors`` package cannot hand numpy the bfloat16 that checkpoints may use.
    """
    with open(path, "rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or not wanted(name):
            continue
        begin, end = entry["data_offsets"]
        raw = data[begin:end]
        if entry["dtype"] == "BF16":
            values = (raw.view("<u2").astype(np.uint32) << 16).view(np.float32)
        elif entry["dtype"] in SAFETENSORS_FLOATS:
            values = raw.view(SAFETENSORS_FLOATS[entry["dtype"]]).astype(np.float32, copy=False)
        else:
            raise ValueError(f"{name} is stored as {entry['dtype']}, not a float")
        tensors[name] = values.reshape(entry["shape"])
    return tensors


def _linear(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def _layer_norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    scale = 1 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + LAYER_NORM_EPS)
    return centred * scale * w[name + ".weight"] + w[name + ".bias"]


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): numpy has none, and GELU needs it."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1 / (1 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1 - poly * np.exp(-a * a))
