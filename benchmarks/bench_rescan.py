"""Rescans: an unchanged tree (stat only, nothing opened) and a renamed folder (no re-encoding).

python benchmarks/bench_rescan.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import scratch_dir
from photosearch.core.index.scanner import scan
from photosearch.core.store.catalog import Catalog, Encoded

OPENED: list[str] = []


def audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".jpg"):
        OPENED.append(args[0])


def tree(root: Path, n: int) -> None:
    for i in range(n):
        d = root / f"album{i // 500:04d}"
        if i % 500 == 0:
            d.mkdir(parents=True)
        (d / f"img{i:07d}.jpg").write_bytes(i.to_bytes(8, "little") * 4)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = ap.parse_args()
    sys.addaudithook(audit)
    for n in args.sizes:
        base = scratch_dir("bench-rescan-")
        root = base / "photos"
        tree(root / "2024", n)
        catalog = Catalog(base / "catalog.sqlite3")
        catalog.add_folder(str(root))
        t0 = time.perf_counter()
        first = scan(catalog)
        t_first = time.perf_counter() - t0
        model = catalog.ensure_model("bench", "", 8, "fp")
        ids = [pid for pid, _ in catalog.pending(model)]
        vec = np.ones(8, np.float32) / np.sqrt(8)
        catalog.commit_batch(model, [Encoded(i, vec, 1, 1, None) for i in ids], [])
        OPENED.clear()
        t0 = time.perf_counter()
        again = scan(catalog)
        t_again = time.perf_counter() - t0
        opened = len(OPENED)
        os.rename(root / "2024", root / "2024 Summer trip")
        moved_n = n
        t0 = time.perf_counter()
        renamed = scan(catalog)
        t_rename = time.perf_counter() - t0
        still = len(catalog.embedding_ids(model))
        print(
            f"n={n}: first scan {t_first:.2f} s ({first.added} added); unchanged rescan "
            f"{t_again:.2f} s ({again.unchanged} unchanged, {opened} files opened); rename of "
            f"{moved_n} files {t_rename:.2f} s ({renamed.moved} moved, {renamed.removed} removed, "
            f"{renamed.added} new, vectors kept {still}/{n}, encoder calls 0: nothing pending = "
            f"{len(catalog.pending(model)) == 0})"
        )
        catalog.close()


if __name__ == "__main__":
    main()
