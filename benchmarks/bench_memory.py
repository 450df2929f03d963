"""Memory while indexing many 12-megapixel JPEGs: peak RSS and its slope.

    python benchmarks/bench_memory.py [--photos 2000]

Runs ``photosearch index`` (ViT-B-32, the precision the app picks, words in photos on) in
a fresh process on a fresh home and samples its resident memory twice a second beside
the number of photos committed. A leak shows as a slope: MB per 1,000 photos, fitted
over the second half of the encoding (the first half includes warming up). The photos are
40 distinct 12-MP JPEGs, each copied with its own JPEG comment (a distinct file for the
catalog, the same decoding work), so the folder is made in seconds.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import CACHE, photo_folder, vit_b32_dir

DISTINCT = 40


def twelve_megapixel_folder(count: int) -> Path:
    folder = CACHE / f"12mp-copies-{count}"
    if folder.is_dir() and len(list(folder.glob("*.jpg"))) == count:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    originals = sorted(photo_folder("12mp", DISTINCT, (4000, 3000)).glob("*.jpg"))
    sources = [path.read_bytes() for path in originals]
    for i in range(count):
        data = sources[i % DISTINCT]
        comment = f"copy {i}".encode()
        segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
        (folder / f"p{i:05d}.jpg").write_bytes(data[:2] + segment + data[2:])
    return folder


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def committed(catalog: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=1)
        try:
            return int(db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=2000)
    args = ap.parse_args()
    folder = twelve_megapixel_folder(args.photos)
    home = Path(tempfile.mkdtemp(prefix="photosearch-memory-"))
    env = {**os.environ, "PHOTOSEARCH_HOME": str(home)}
    command = [sys.executable, "-m", "photosearch"]
    subprocess.run(
        [*command, "models", "import", str(vit_b32_dir())], env=env, check=True, capture_output=True
    )
    catalog = home / "data" / "catalog.sqlite3"
    started = time.monotonic()
    proc = subprocess.Popen(
        [*command, "index", "-q", str(folder)], env=env, stderr=subprocess.DEVNULL
    )
    samples: list[tuple[float, float, int]] = []
    while proc.poll() is None:
        rss = rss_mb(proc.pid)
        if rss is not None:
            samples.append((time.monotonic() - started, rss, committed(catalog)))
        time.sleep(0.5)
    assert proc.returncode == 0, proc.returncode
    total = time.monotonic() - started
    encoding = [(t, r, n) for t, r, n in samples if 0 < n < args.photos]
    late = [(r, n) for _, r, n in encoding if n >= args.photos / 2]
    slope = (
        float(np.polyfit([n for _, n in late], [r for r, _ in late], 1)[0]) * 1000
        if len(late) > 2
        else float("nan")
    )
    peak_encode = max((r for _, r, _ in encoding), default=float("nan"))
    peak = max(r for _, r, _ in samples)
    print(
        f"{args.photos} 12-MP JPEGs indexed in {total:.0f} s (words pass included); "
        f"peak RSS {peak:.0f} MB (while encoding {peak_encode:.0f} MB); "
        f"slope over the second half of encoding {slope:+.1f} MB per 1,000 photos"
    )
    for share in (0.25, 0.5, 0.75, 1.0):
        at = next((r for _, r, n in samples if n >= share * args.photos), None)
        if at is not None:
            print(f"  RSS when {share:.0%} were committed: {at:.0f} MB")


if __name__ == "__main__":
    main()
