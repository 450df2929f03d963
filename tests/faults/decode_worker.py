"""Decode every file named on stdin the way indexing does; one JSON line per file.

Run in its own process (with a memory limit) by ``test_fuzzed_files.py``: a file that
crashes the interpreter or hangs shows as this process dying or going silent, and the
last line written names the file before it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback

from photosearch.core.errors import ImageError
from photosearch.core.media.images import open_image


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    bugs = 0
    for line in sys.stdin:
        path = line.rstrip("\n")
        before = peak_mb()
        started = time.perf_counter()
        try:
            open_image(path, min_side=224, with_meta=True)
            outcome = "read"
        except ImageError as exc:
            outcome = f"skipped: {exc}"
        except Exception:  # anything else is a bug: the indexer would not expect it
            outcome = "BUG " + traceback.format_exc(limit=3)
            bugs += 1
        record = {
            "path": path,
            "seconds": time.perf_counter() - started,
            "peak_mb": peak_mb(),
            "grew_mb": peak_mb() - before,
            "outcome": outcome,
        }
        print(json.dumps(record), flush=True)
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
