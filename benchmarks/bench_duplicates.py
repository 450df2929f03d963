"""Duplicate search over the 100,000-photo synthetic catalog.

    python benchmarks/bench_duplicates.py [--photos 100000]

Times ``find_duplicates`` end to end (exact groups from the content keys, every photo's
nearest neighbours from the HNSW index in batches on every core, then the hash check of
the candidate pairs) and reports how many candidate pairs the vectors proposed. The
catalog's photos are not on disk, so no pair can be confirmed by its pixels here: the
time is the vector part, which is what grows with the library (the hash check only
decodes photos the vectors put forward, a few per real duplicate).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import open_catalog, synthetic_catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    from photosearch.core.curate import duplicates

    catalog, store = open_catalog(synthetic_catalog(args.photos))
    pairs: list[int] = []
    original = duplicates._candidate_pairs

    def counted(*a: object, **k: object) -> list[tuple[int, int]]:
        found = original(*a, **k)  # type: ignore[arg-type]
        pairs.append(len(found))
        return found

    duplicates._candidate_pairs = counted  # type: ignore[assignment]
    started = time.perf_counter()
    groups = duplicates.find_duplicates(catalog, store, threshold=args.threshold)
    seconds = time.perf_counter() - started
    print(
        f"{args.photos:,} photos: duplicate search {seconds:.1f} s "
        f"({pairs[0]:,} candidate pairs at cosine ≥ {args.threshold}, {len(groups)} groups)"
    )
    catalog.close()


if __name__ == "__main__":
    main()
