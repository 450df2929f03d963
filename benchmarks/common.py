"""Shared helpers for the benchmarks: generated photo folders and real-size models."""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

import numpy as np
from PIL import Image

CACHE = Path("/tmp/photosearch-bench")


def photo_folder(name: str, count: int, size: tuple[int, int]) -> Path:
    """A folder of ``count`` photo-like JPEGs (made once, then reused between runs)."""
    folder = CACHE / f"{name}-{count}-{size[0]}x{size[1]}"
    if folder.is_dir() and len(list(folder.glob("*.jpg"))) == count:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    for i in range(count):
        a, b, c = rng.uniform(0.5, 6, 3)
        img = np.stack(
            [
                128 + 100 * np.sin(a * x / w + i),
                128 + 100 * np.cos(b * y / h),
                128 + 60 * np.sin(c * (x + y) / w),
            ],
            -1,
        )
        img += rng.normal(0, 8, img.shape)
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(
            folder / f"p{i:05d}.jpg", quality=90
        )
    return folder


def vit_b32_dir(arch: str = "ViT-B-32") -> Path:
    """A random-initialised real-size OpenCLIP model directory (same compute as trained)."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    directory = CACHE / f"model-{arch}"
    if (directory / "open_clip_model.safetensors").exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    cfg = open_clip.get_model_config(arch)
    (directory / "open_clip_config.json").write_text(
        json.dumps({"model_cfg": cfg, "preprocess_cfg": {}})
    )
    torch.manual_seed(0)
    model = open_clip.create_model(arch)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        str(directory / "open_clip_model.safetensors"),
    )
    return directory


def current_rss_mb() -> float:
    """Resident memory of this process now (not its peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Meter:
    """Wall time, CPU utilisation and peak RSS of a block."""

    def __enter__(self) -> Meter:
        self.t0 = time.perf_counter()
        self.r0 = resource.getrusage(resource.RUSAGE_SELF)
        return self

    def __exit__(self, *_: object) -> None:
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        self.wall = time.perf_counter() - self.t0
        self.cpu = (r1.ru_utime - self.r0.ru_utime) + (r1.ru_stime - self.r0.ru_stime)
        self.peak_rss_mb = r1.ru_maxrss / 1024
