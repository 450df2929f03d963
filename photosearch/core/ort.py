"""onnxruntime, loaded once, first, and with its telemetry off.

onnxruntime (which reads the words in photos) crashes the process with a segmentation
fault when it is imported after usearch's compiled module (usearch 2.26.6 with
onnxruntime 1.28 and 1.32, Linux x86-64: ``import usearch.index, onnxruntime`` dies,
the other order works). ``core/store`` (every use of usearch) and ``core/media/ocr``
import this module first; it costs ~65 ms once, nothing when onnxruntime is missing.

onnxruntime's official builds also collect telemetry on Linux and macOS since 2026 (a
device id written under ``~/.cache/Microsoft``, a "ProcessInfo" event uploaded at start,
microsoft/onnxruntime#27379). PhotoSearch promises that nothing leaves the computer, so the
opt-out is set before the import, which is when onnxruntime reads it, and its runtime
switch is turned off too.
"""

import contextlib
import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["ORT_TELEMETRY_DISABLED"] = "1"  # the name later releases read as well

with contextlib.suppress(ImportError):
    import onnxruntime

    with contextlib.suppress(AttributeError):
        onnxruntime.disable_telemetry_events()
