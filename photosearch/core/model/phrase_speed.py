"""The fastest way to turn one typed phrase into a vector on this machine, measured once.

Why: the number format that encodes batches of photos fastest is not the fastest for one
short phrase. On a 2-core AMD EPYC with avx512_bf16, bf16 wins for photos, yet a new query
takes 6.0 ms in int8 against 13.2 in bf16 (numpy fp32 18.1, torch fp32 24.4); on an Intel
Xeon with AMX the bf16 text path took ~30 of a 45 ms search. So a model's first load on a
machine times every text path it can take and the engine remembers the winner per weights,
CPU, torch version and thread count (``text-paths.json`` in the cache folder).
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photosearch.core.atomic import write_text_atomically

log = logging.getLogger(__name__)

PHRASES = (
    "a photo of a dog on the beach at sunset",
    "receipt",
    "Café ⛱ 42, the old harbour in the snow at night",
)
"""Short and long phrases: the paths' costs grow differently with length."""
REPEATS = 4
MIN_COSINE = 0.995
"""To the float32 vector. int8 measures ≥ 0.998 (``benchmarks/README.md``); a path below
this would move search results, so it is never chosen however fast."""
RECORD_VERSION = 1


@dataclass(frozen=True)
class Trial:
    """One text path on this machine: its median time per phrase and its worst cosine."""

    ms: float
    cosine: float


def measure(
    paths: Mapping[str, Callable[[str], np.ndarray]], reference: Mapping[str, np.ndarray]
) -> dict[str, Trial]:
    """Time each path on :data:`PHRASES` after a warm-up, and compare it to ``reference``.

    The paths take turns, phrase by phrase, rather than one after the other: this machine's
    speed drifts from one second to the next (another program, indexing starting), and a
    choice remembered for good must not go to the path that happened to run while the
    others waited (timed one after the other while a test suite ran beside it, the numpy
    path was chosen here over int8, twice as fast at rest)."""
    usable: dict[str, Callable[[str], np.ndarray]] = {}
    for name, encode in paths.items():
        try:
            for phrase in PHRASES:
                encode(phrase)
        except (RuntimeError, ValueError) as exc:  # a format this machine cannot run
            log.warning("text path %s failed (%s); not used", name, exc)
            continue
        usable[name] = encode
    times: dict[str, list[float]] = {name: [] for name in usable}
    worst = dict.fromkeys(usable, 1.0)
    for _ in range(REPEATS):
        for phrase in PHRASES:
            for name, encode in list(usable.items()):
                started = time.perf_counter()
                try:
                    vector = encode(phrase)
                except (RuntimeError, ValueError) as exc:  # failed once warm: not used
                    log.warning("text path %s failed (%s); not used", name, exc)
                    del usable[name]
                    continue
                times[name].append((time.perf_counter() - started) * 1000)
                worst[name] = min(worst[name], float(vector @ reference[phrase]))
    return {name: Trial(statistics.median(times[name]), worst[name]) for name in usable}


def fastest(trials: Mapping[str, Trial]) -> str | None:
    """The quickest path whose vectors match float32's; None when none was measured."""
    good = {name: t.ms for name, t in trials.items() if t.cosine >= MIN_COSINE}
    return min(good, key=good.__getitem__) if good else None


def machine_key(fingerprint: str, threads: int) -> str:
    """What a measurement holds for: these weights, this CPU, this torch, these threads."""
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "unknown"
    return f"v{RECORD_VERSION}:{fingerprint}:{cpu_name()}:torch{torch_version}:{threads}"


def cpu_name() -> str:
    """The processor's model name (Linux names it in /proc/cpuinfo; others in platform)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def remembered(record: Path, key: str) -> str | None:
    """The path measured fastest for ``key`` before, if any."""
    try:
        entry = json.loads(record.read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return entry.get("fastest") if isinstance(entry, dict) else None


def remember(record: Path, key: str, trials: Mapping[str, Trial]) -> None:
    """Keep the winner (and every time, for ``doctor`` and bug reports); never fails."""
    choice = fastest(trials)
    if choice is None:
        return
    try:
        entries = json.loads(record.read_text(encoding="utf-8"))
        if not isinstance(entries, dict):
            entries = {}
    except (OSError, ValueError):
        entries = {}
    entries[key] = {
        "fastest": choice,
        "ms": {name: round(t.ms, 2) for name, t in trials.items()},
        "cosine": {name: round(t.cosine, 6) for name, t in trials.items()},
    }
    try:
        write_text_atomically(record, json.dumps(entries, indent=1))
    except OSError as exc:
        log.info("could not record the text paths in %s: %s", record, exc)
