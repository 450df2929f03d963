"""The number format a model runs in: the fastest one this machine computes well.

Measured on a 2-core AVX2 CPU with ViT-B-32 (``benchmarks/README.md``): int8 dynamic
quantisation of every Linear layer — the attention projections included, see
:class:`SelfAttention` — encodes photos ~2× faster than fp32 (14.8 → 29 img/s) and
text 3× faster (32 → 10 ms) with an embedding cosine ≥ 0.998 to fp32, while bf16 without
native hardware support is ~10× *slower*. So "auto" takes bf16 only where the CPU really
has it and is faster with it, else int8 where torch ships a quantised engine, else fp32.
"""

from __future__ import annotations

import logging
import time
import warnings

import torch

from photosearch.core.settings import PRECISIONS

log = logging.getLogger(__name__)


def native_bf16() -> bool:
    """bf16 matrix products are supported here *and* clearly faster than fp32."""
    try:
        if not torch.ops.mkldnn._is_mkldnn_bf16_supported():
            return False
    except (AttributeError, RuntimeError):
        return False
    return _matmul_ms(torch.bfloat16) * 1.3 < _matmul_ms(torch.float32)


def _matmul_ms(dtype: torch.dtype) -> float:
    """Best of three products the size of one ViT-B MLP layer on a small batch."""
    a = torch.randn(200, 768, dtype=dtype)
    b = torch.randn(768, 3072, dtype=dtype)
    a @ b
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def int8_available() -> bool:
    return any(engine != "none" for engine in torch.backends.quantized.supported_engines)


def choose(requested: str) -> str:
    """The concrete precision for a setting (unknown settings count as "auto")."""
    if requested not in PRECISIONS:
        log.warning("unknown precision %r; choosing automatically", requested)
    elif requested != "auto":
        return requested
    if native_bf16():
        return "bf16"
    return "int8" if int8_available() else "fp32"


def quantize(tower: torch.nn.Module) -> bool:
    """int8 dynamic quantisation of one tower, in place; False when torch cannot do it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch announces the API's move to torchao
            _split_attention(tower)
            torch.ao.quantization.quantize_dynamic(
                tower, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
            )
    except (AttributeError, RuntimeError, ImportError) as exc:
        log.warning("int8 quantisation is not available here (%s); using fp32", exc)
        return False
    return True


class SelfAttention(torch.nn.Module):
    """``nn.MultiheadAttention`` used for self-attention, rebuilt from two ``Linear`` layers.

    Same numbers (tested), but dynamic int8 quantisation only reaches ``Linear`` layers:
    as ``nn.MultiheadAttention`` the attention projections — a third of a ViT's matrix
    products — stayed in fp32.
    """

    def __init__(self, attention: torch.nn.MultiheadAttention) -> None:
        super().__init__()
        dim = attention.embed_dim
        self.heads = attention.num_heads
        self.batch_first = attention.batch_first
        self.qkv = torch.nn.Linear(dim, 3 * dim, bias=attention.in_proj_bias is not None)
        self.qkv.weight = torch.nn.Parameter(attention.in_proj_weight.detach())
        if attention.in_proj_bias is not None:
            self.qkv.bias = torch.nn.Parameter(attention.in_proj_bias.detach())
        self.out_proj = torch.nn.Linear(dim, dim, bias=attention.out_proj.bias is not None)
        self.out_proj.weight = torch.nn.Parameter(attention.out_proj.weight.detach())
        if attention.out_proj.bias is not None:
            self.out_proj.bias = torch.nn.Parameter(attention.out_proj.bias.detach())

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        need_weights: bool = False,
        attn_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, None]:
        if key is not query or value is not query or need_weights:
            raise ValueError("SelfAttention only replaces self-attention without weights")
        x = query if self.batch_first else query.transpose(0, 1)
        batch, length, dim = x.shape
        qkv = self.qkv(x).reshape(batch, length, 3, self.heads, dim // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        out = self.out_proj(out.transpose(1, 2).reshape(batch, length, dim))
        return (out if self.batch_first else out.transpose(0, 1)), None


def _split_attention(tower: torch.nn.Module) -> None:
    """Swap the self-attention of open_clip's standard blocks for :class:`SelfAttention`."""
    from open_clip.transformer import ResidualAttentionBlock

    for block in tower.modules():
        attention = getattr(block, "attn", None)
        if (
            isinstance(block, ResidualAttentionBlock)
            and not hasattr(block, "ln_1_kv")
            and isinstance(attention, torch.nn.MultiheadAttention)
            and attention._qkv_same_embed_dim
            and attention.bias_k is None
        ):
            block.attn = SelfAttention(attention)
