"""Shared helpers for the benchmarks: generated photo folders and real-size models."""

from __future__ import annotations

import atexit
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from photosearch.core.store.catalog import Catalog, Encoded
from photosearch.core.store.vectors import IndexParams, VectorStore

CACHE = Path("/tmp/photosearch-bench")
ENGINE_CHILD = """
import json, sys, time
from pathlib import Path
from benchmarks.common import current_rss_mb, peak_rss_mb
from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.settings import AppPaths
home, folder, model = map(Path, sys.argv[1:4])
paths = AppPaths.resolve(home)
engine = Engine.open(paths)
engine.use_model(models.import_model(model, paths.models_dir))
engine.set_device("cpu", save=False)
"""
"""How a benchmark's child process starts (``HOME FOLDER MODEL`` on its command line):
``engine`` on a fresh home with the real-size model imported, on the CPU; the script
that follows measures, closes the engine and prints its JSON."""


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


def scratch_dir(prefix: str) -> Path:
    """A temporary folder removed when the benchmark exits: runs make model copies and
    100,000-file trees, which filled this machine's disk when they were left behind."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def current_rss_mb() -> float:
    """Resident memory of this process now (not its peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """This process's own peak resident memory. ``ru_maxrss`` is not it in a child: it
    keeps the parent's resident size from before the child's exec (a benchmark parent
    holding decoded photos and two models made children look 1.3 GB bigger)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        self.peak_rss_mb = peak_rss_mb()


DIM = 512


def clustered(n: int, rng: np.random.Generator, clusters: int = 200, dim: int = DIM) -> np.ndarray:
    """Unit vectors from a Gaussian mixture: CLIP embeddings are clustered, and uniform
    noise would make HNSW recall meaningless. Isotropic noise within each cluster makes
    this a hard case for an ANN index (real embeddings have far fewer dimensions of
    variation)."""
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    x = centres[rng.integers(clusters, size=n)] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def synthetic_catalog(n: int, index: bool = True) -> Path:
    """A saved catalog (+ vector index, unless ``index`` is False) of ``n`` photos, built
    once, then reused.

    Returns the directory holding ``catalog.sqlite3`` and ``vectors/``.
    """
    directory = CACHE / f"catalog-{n}"
    if (directory / "done").exists() or (not index and (directory / "catalog-done").exists()):
        return directory
    if not (directory / "catalog-done").exists():
        _write_catalog(directory, n)
    if index:
        catalog = Catalog(directory / "catalog.sqlite3")
        model = catalog.ensure_model("bench", "", DIM, "fp")
        t0 = time.perf_counter()
        store = VectorStore(directory / "vectors", catalog, model, DIM)
        store.open()
        store.save()
        print(f"  index build {n}: {time.perf_counter() - t0:.1f} s", flush=True)
        catalog.close()
        (directory / "done").write_text("")
    return directory


def _write_catalog(directory: Path, n: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("**/*"):
        if stale.is_file():
            stale.unlink()
    rng = np.random.default_rng(n)
    catalog = Catalog(directory / "catalog.sqlite3")
    folder = catalog.add_folder("/photos")
    step = 50_000
    for start in range(0, n, step):
        rows = [
            (folder.id, f"/photos/{i // 1000:04d}/{i:07d}.jpg", 1000, i, None)
            for i in range(start, min(n, start + step))
        ]
        catalog.apply_scan(rows, [], [], [])
    model = catalog.ensure_model("bench", "", DIM, "fp")
    ids = [pid for pid, _ in catalog.pending(model)]
    for start in range(0, n, step):
        vectors = clustered(len(ids[start : start + step]), rng)
        catalog.commit_batch(
            model,
            [
                Encoded(i, v, 1, 1, None)
                for i, v in zip(ids[start : start + step], vectors, strict=True)
            ],
            [],
        )
    catalog.close()
    (directory / "catalog-done").write_text("")


def open_catalog(directory: Path, params: IndexParams | None = None) -> tuple[Catalog, VectorStore]:
    """The catalog and the (saved) vector index of a :func:`synthetic_catalog`."""
    catalog = Catalog(directory / "catalog.sqlite3")
    model = catalog.ensure_model("bench", "", DIM, "fp")
    store = VectorStore(directory / "vectors", catalog, model, DIM, params)
    store.open()
    return catalog, store
