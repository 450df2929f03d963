"""The scan's ONNX graph — 4-bit codes times a query, then the best rows — written as bytes.

Why by hand: the graph is two nodes (onnxruntime's block-quantised ``MatMulNBits`` and
``TopK``), and the ``onnx`` package that would write it is 31 MB with its own native
library. ONNX files are protocol buffers; this writes the few fields the graph needs,
checked against the ``onnx`` package in ``tests/core/test_code_scan.py``.
Field numbers are those of ``onnx.proto3`` (ModelProto, GraphProto, NodeProto, ...).
"""

from __future__ import annotations

import numpy as np

FLOAT, UINT8, INT64 = 1, 2, 7
"""TensorProto.DataType values."""
_ATTRIBUTE_INT = 2


def _varint(value: int) -> bytes:
    """A base-128 varint; a negative int64 as its 64-bit two's complement (10 bytes)."""
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _number(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _field(field: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _value_info(name: str, elem_type: int, shape: tuple[int | str, ...]) -> bytes:
    dims = b"".join(_field(1, _field(2, d) if isinstance(d, str) else _number(1, d)) for d in shape)
    tensor_type = _number(1, elem_type) + _field(2, dims)
    return _field(1, name) + _field(2, _field(1, tensor_type))


def _tensor(name: str, array: np.ndarray, elem_type: int) -> bytes:
    dims = b"".join(_number(1, d) for d in array.shape)
    return dims + _number(2, elem_type) + _field(8, name) + _field(9, array.tobytes())


def _node(op: str, inputs: list[str], outputs: list[str], domain: str, **ints: int) -> bytes:
    attrs = b"".join(
        _field(5, _field(1, key) + _number(3, value) + _number(20, _ATTRIBUTE_INT))
        for key, value in ints.items()
    )
    names = b"".join(_field(1, i) for i in inputs) + b"".join(_field(2, o) for o in outputs)
    return names + _field(4, op) + attrs + (_field(7, domain) if domain else b"")


def scan_model(codes: np.ndarray, scales: np.ndarray, dim: int, block: int) -> bytes:
    """A model taking a query ``A`` (float, 1 × ``dim``) and a count ``k`` (int64, [1]),
    giving the ``k`` rows of ``codes`` whose dequantised dot product with it is largest:
    ``V`` (their approximate scores) and ``I`` (their row numbers), unordered.

    ``codes``: uint8 (rows × blocks × block/2), two 4-bit codes a byte, low nibble first,
    each worth (code − 8) × its block's scale; ``scales``: float32 (rows × blocks)."""
    rows = len(codes)
    matmul = _node(
        "MatMulNBits",
        ["A", "B", "S"],
        ["Y"],
        "com.microsoft",
        K=dim,
        N=rows,
        bits=4,
        block_size=block,
        accuracy_level=4,  # the query quantised to int8 too: integer dot-product kernels
    )
    top = _node("TopK", ["Y", "k"], ["V", "I"], "", axis=-1, largest=1, sorted=0)
    graph = (
        _field(1, matmul)
        + _field(1, top)
        + _field(2, "code-scan")
        + _field(5, _tensor("B", codes, UINT8))
        + _field(5, _tensor("S", scales, FLOAT))
        + _field(11, _value_info("A", FLOAT, (1, dim)))
        + _field(11, _value_info("k", INT64, (1,)))
        + _field(12, _value_info("V", FLOAT, (1, "count")))
        + _field(12, _value_info("I", INT64, (1, "count")))
    )
    opsets = _field(8, _field(1, "") + _number(2, 17)) + _field(
        8, _field(1, "com.microsoft") + _number(2, 1)
    )
    return _number(1, 8) + _field(2, "photosearch") + opsets + _field(7, graph)
