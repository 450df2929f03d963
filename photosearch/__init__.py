"""PhotoSearch: search your own photo library by meaning, offline."""

import os

__version__ = "0.1.0"

# torch's OpenMP threads spin for a while at every barrier before they sleep. While
# indexing, decoder threads share the cores with them and the spinning steals their time:
# a short spin made 1-MP indexing 20.5 -> 24.3 photos/s on 2 cores
# (benchmarks/bench_index.py). libgomp reads this once, when torch loads, which in
# PhotoSearch is always after this package; a value the user set is kept.
os.environ.setdefault("GOMP_SPINCOUNT", "1000")
