"""Keeping glibc's allocator from returning a forward pass's memory to the kernel each time.

A forward pass allocates and frees activations of several MB to tens of MB. With glibc's
default thresholds they are mapped and unmapped on every batch, and the page faults cost
15–20 % of the CPU as kernel time (``benchmarks/bench_index.py``: fp32 ViT-B-32 14.0 →
18.5 img/s, kernel time 1.0 → 0.0 s per 64 images). Raising the thresholds keeps that
memory in the process while it is encoding; :func:`release_free_memory` hands it back
once indexing goes idle, so an idle app stays small. Elsewhere than glibc, nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform
from functools import cache

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 128 << 20
MMAP_THRESHOLD = 32 << 20  # glibc's largest allowed value on 64-bit


@cache
def _glibc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name or "libc.so.6")
    except OSError:
        return None


@cache
def tune_allocator() -> bool:
    """Raise glibc's trim and mmap thresholds once per process; True when applied."""
    libc = _glibc()
    if libc is None:
        return False
    done = bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    )
    log.debug("allocator thresholds raised: %s", done)
    return done


def release_free_memory() -> None:
    """Give the memory freed since the last batch back to the kernel."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
