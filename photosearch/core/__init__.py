"""The engine: everything PhotoSearch does, with no user interface.

onnxruntime (which reads the words in photos) crashes the process with a segmentation
fault when it is imported after usearch's compiled module (usearch 2.26.6 with
onnxruntime 1.28 and 1.32, Linux x86-64: ``import usearch.index, onnxruntime`` dies,
the other order works). Every use of usearch is in this package, so loading onnxruntime
here, first, keeps the order right; it costs ~65 ms once, nothing when it is missing.
"""

import contextlib

with contextlib.suppress(ImportError):
    import onnxruntime  # noqa: F401
