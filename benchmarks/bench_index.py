"""Indexing throughput: the whole pipeline vs the encoder-only ceiling and decode-only.

    python benchmarks/bench_index.py [--count 160] [--arch ViT-B-32]

All three run in this one process on the same files, model, batch size and threads.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Meter, photo_folder, vit_b32_dir
from photosearch.config import AppPaths
from photosearch.core import models
from photosearch.core.encoder import Encoder
from photosearch.core.engine import Engine
from photosearch.core.images import decode_for_model
from photosearch.core.indexer import default_decode_threads


def warm_up(encoder: Encoder, batch: int) -> None:
    """First forward passes are slow (kernel selection, allocations): keep them out."""
    side = encoder.input_size
    for _ in range(2):
        encoder.encode_images(torch.zeros(batch, 3, side, side))


def run(folder: Path, model_dir: Path, batch: int) -> dict[str, float]:
    files = sorted(str(p) for p in folder.glob("*.jpg"))
    encoder = Encoder("bench", model_dir)
    warm_up(encoder, batch)
    threads = default_decode_threads()

    with Meter() as decode_only, ThreadPoolExecutor(threads) as pool:
        decoded = list(
            pool.map(lambda p: decode_for_model(p, encoder.input_size, encoder.preprocess), files)
        )
    with Meter() as encode_only:
        for i in range(0, len(decoded), batch):
            encoder.encode_images(torch.stack([d.pixels for d in decoded[i : i + batch]]))
    del decoded

    home = Path(tempfile.mkdtemp())
    paths = AppPaths.resolve(home)
    engine = Engine.open(paths)
    engine.use_model(models.import_model(model_dir, paths.models_dir))
    engine.settings.batch_size = batch
    engine.add_folder(folder)
    warm_up(engine.encoder(), batch)
    with Meter() as ours:
        engine.update()
    engine.close()
    n = len(files)
    return {
        "photos": n,
        "decode_only_img_s": n / decode_only.wall,
        "encode_only_img_s": n / encode_only.wall,
        "ours_img_s": n / ours.wall,
        "ours_vs_ceiling": encode_only.wall / ours.wall,
        "ours_vs_cpu_bound": ((decode_only.cpu + encode_only.cpu) / (os.cpu_count() or 1))
        / ours.wall,
        "cpu_bound_img_s": n / ((decode_only.cpu + encode_only.cpu) / (os.cpu_count() or 1)),
        "decode_cpu_s_per_img": decode_only.cpu / n,
        "encode_wall_s_per_img": encode_only.wall / n,
        "ours_cpu_util": ours.cpu / ours.wall / (os.cpu_count() or 1),
        "peak_rss_mb": ours.peak_rss_mb,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=160)
    ap.add_argument("--arch", default="ViT-B-32")
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    model_dir = vit_b32_dir(args.arch)
    print(
        f"{args.arch}, batch {args.batch}, torch threads {torch.get_num_threads()}, "
        f"{os.cpu_count()} cores"
    )
    for label, size in (("1MP", (1152, 864)), ("12MP", (4000, 3000))):
        result = run(photo_folder(label, args.count, size), model_dir, args.batch)
        print(
            label,
            " ".join(
                f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
            ),
        )


if __name__ == "__main__":
    main()
