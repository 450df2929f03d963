"""Indexing videos against photos: a one-minute 1080p clip through the real pipeline, and
the same number of seconds' worth of 1080p photos, with a real-size model.

    python benchmarks/bench_videos.py [--seconds 60] [--photos 24] [--arch ViT-B-32]

The clip (H.264, 30 fps, a keyframe a second as phones write them, a new scene every
5 s) is made once and kept in /tmp. Each library is indexed by a fresh child process (its
own peak RSS): the clip alone, then ``--photos`` 1080p JPEGs. Prints the clip's moments,
seconds of video indexed per second, moments per second beside the photo path's images
per second, and each run's peak memory; a ratio in one run, as machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import CACHE, ENGINE_CHILD, photo_folder, scratch_dir, vit_b32_dir
from photosearch.synthetic import write_clip
from tests.photos import photo_like

CHILD = (
    ENGINE_CHILD
    + """
engine.encoder()
engine.library.add_folder(folder)
started = time.perf_counter()
_, report = engine.update()
wall = time.perf_counter() - started
moments = engine.catalog.read().execute("SELECT count(*) FROM video_moments").fetchone()[0]
engine.close()
print(json.dumps({"wall": wall, "encoded": report.encoded, "moments": moments,
              "peak_mb": peak_rss_mb()}))
"""
)


def one_minute_clip(seconds: int) -> Path:
    path = CACHE / f"clip-{seconds}s-1080p.mp4"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        scenes = [(photo_like(1920, 1080, seed=i), 5.0) for i in range(seconds // 5)]
        write_clip(path.with_suffix(".part.mp4"), scenes, fps=30, gop=30).rename(path)
    return path


def index(folder: Path, model: Path) -> dict[str, float]:
    home = scratch_dir("bench-videos-")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(folder), str(model)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--photos", type=int, default=24)
    ap.add_argument("--arch", default="ViT-B-32")
    args = ap.parse_args()
    model = vit_b32_dir(args.arch)
    started = time.perf_counter()
    clip = one_minute_clip(args.seconds)
    print(
        f"clip: {clip} ({clip.stat().st_size / 2**20:.1f} MB, made/reused in "
        f"{time.perf_counter() - started:.0f} s); CPU: {cpu_name()}"
    )
    folder = scratch_dir("bench-videos-clip-")
    shutil.copy(clip, folder / clip.name)
    video = index(folder, model)
    photos = index(photo_folder("video-bench", args.photos, (1920, 1080)), model)
    moments_s = video["moments"] / video["wall"]
    photos_s = photos["encoded"] / photos["wall"]
    print(
        f"clip: {video['moments']} moments of {args.seconds} s in {video['wall']:.1f} s — "
        f"{args.seconds / video['wall']:.1f} s of video per second, {moments_s:.2f} moments/s; "
        f"peak {video['peak_mb']:.0f} MB"
    )
    print(
        f"photos: {photos['encoded']} 1080p JPEGs in {photos['wall']:.1f} s — "
        f"{photos_s:.2f} images/s; peak {photos['peak_mb']:.0f} MB"
    )
    print(f"a moment costs {photos_s / moments_s:.2f}× a 1080p photo")


if __name__ == "__main__":
    main()
