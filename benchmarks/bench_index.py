"""Indexing throughput: the whole pipeline vs the encoder-only ceiling and decode-only.

    python benchmarks/bench_index.py [--count 160] [--arch ViT-B-32] [--precision auto]
                                     [--rounds 3] [--device auto|cpu|cuda|mps]

With ``--device cuda`` (or mps) it also runs the same machine's CPU path, samples the
GPU's utilisation while PhotoSearch indexes, checks the GPU's float16 vectors against
float32 on the CPU, and times a new text query through the GPU and the numpy tower.

The ceiling (pre-decoded tensors through the same model, precision, batch and threads) and
decode-only run in this process; PhotoSearch's own ``update()`` runs in a child process on
the same files, so its peak RSS is its own (one model) and its RSS can be sampled half-way
and at the end (it must not grow with the number of photos). The fp32 ceiling is measured
too, to show what the chosen precision buys. The child inherits the GOMP_SPINCOUNT that
importing ``photosearch`` sets, exactly as in the app.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch  # first: the ceilings run with torch's default OpenMP spin, which suits them

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Meter, current_rss_mb, photo_folder, scratch_dir, vit_b32_dir
from photosearch.core.app.engine import Engine
from photosearch.core.index.indexer import default_decode_threads
from photosearch.core.model import models
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.model_input import decode_for_model
from photosearch.core.model.phrase_tower import TextTower
from photosearch.core.settings import AppPaths
from photosearch.core.types import Progress


def warm_up(encoder: Encoder, batch: int) -> None:
    """First forward passes are slow (kernel selection, allocations): keep them out."""
    side = encoder.input_size
    for _ in range(2):
        encoder.encode_images(torch.zeros(batch, 3, side, side))


def encode_all(encoder: Encoder, decoded: list, batch: int) -> Meter:
    warm_up(encoder, batch)
    with Meter() as meter:
        for i in range(0, len(decoded), batch):
            encoder.encode_images(torch.stack([d.pixels for d in decoded[i : i + batch]]))
    return meter


def ours(
    folder: Path, model_dir: Path, batch: int, precision: str, device: str
) -> dict[str, float]:
    """PhotoSearch indexing the folder from scratch (run in a child process)."""
    paths = AppPaths.resolve(scratch_dir("bench-index-"))
    engine = Engine.open(paths)
    engine.use_model(models.import_model(model_dir, paths.models_dir))
    engine.settings.batch_size = batch
    engine.settings.precision = precision
    engine.settings.device = device
    engine.library.add_folder(folder)
    warm_up(engine.encoder(), engine.encoder().batch_size or batch)
    samples: dict[str, float] = {}

    def sample(p: Progress) -> None:
        if (
            p.phase == "index"
            and p.total
            and "rss_half_mb" not in samples
            and p.done >= p.total / 2
        ):
            samples["rss_half_mb"] = current_rss_mb()

    with Meter() as meter:
        engine.update(sample)
    samples["rss_end_mb"] = current_rss_mb()
    engine.close()
    return {"wall": meter.wall, "cpu": meter.cpu, "peak_rss_mb": meter.peak_rss_mb, **samples}


def child(folder: Path, model_dir: Path, batch: int, precision: str, device: str) -> dict:
    args = ["--ours", str(folder), str(model_dir), str(batch), precision, device]
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


class GpuSampler(threading.Thread):
    """nvidia-smi's utilisation every 0.2 s while PhotoSearch indexes."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        query = ["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"]
        while not self.done.wait(0.2):
            try:
                out = subprocess.run(query, capture_output=True, text=True, timeout=5).stdout
                self.samples.append(float(out.split()[0]))
            except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
                return


def run(
    folder: Path, model_dir: Path, batch: int, precision: str, device: str = "auto"
) -> dict[str, float | str]:
    files = sorted(str(p) for p in folder.glob("*.jpg"))
    encoder = Encoder("bench", model_dir, precision_setting=precision, device_setting=device)
    on_gpu = encoder.device.type != "cpu"
    sampler = GpuSampler()
    if encoder.device.type == "cuda":
        sampler.start()
    mine = child(folder, model_dir, batch, precision, device)
    sampler.done.set()
    n, cores = len(files), os.cpu_count() or 1
    decoders = cores if on_gpu else default_decode_threads()
    with Meter() as decode_only, ThreadPoolExecutor(decoders) as pool:
        decoded = list(
            pool.map(lambda p: decode_for_model(p, encoder.input_size, encoder.preprocess), files)
        )
    encode_only = encode_all(encoder, decoded, encoder.batch_size or batch)
    if on_gpu:
        extras = gpu_extras(encoder, model_dir, decoded, folder, batch, precision)
        extras["gpu_util_mean"] = statistics.mean(sampler.samples) if sampler.samples else -1.0
        extras["decode_bound_img_s"] = n / decode_only.wall
        extras["ours_vs_decode_bound"] = decode_only.wall / mine["wall"]
        extras["ours_vs_cpu_path"] = n / mine["wall"] / extras["cpu_path_img_s"]
    else:
        fp32 = encode_all(Encoder("fp32", model_dir, precision_setting="fp32"), decoded, batch)
        extras = {
            "fp32_ceiling_img_s": n / fp32.wall,
            "ours_vs_fp32_ceiling": fp32.wall / mine["wall"],
        }
    cpu_bound = (decode_only.cpu + encode_only.cpu) / cores
    return {
        "photos": n,
        "device": encoder.device.type,
        "precision": encoder.precision,
        "decode_only_img_s": n / decode_only.wall,
        "ceiling_img_s": n / encode_only.wall,
        "ours_img_s": n / mine["wall"],
        "ours_vs_ceiling": encode_only.wall / mine["wall"],
        **extras,
        "cpu_bound_img_s": n / cpu_bound,
        "ours_vs_cpu_bound": cpu_bound / mine["wall"],
        "decode_cpu_ms_per_img": 1000 * decode_only.cpu / n,
        "encode_cpu_ms_per_img": 1000 * encode_only.cpu / n,
        "ours_cpu_util": mine["cpu"] / mine["wall"] / cores,
        "ours_peak_rss_mb": mine["peak_rss_mb"],
        "ours_rss_half_mb": mine.get("rss_half_mb", float("nan")),
        "ours_rss_end_mb": mine["rss_end_mb"],
    }


def gpu_extras(
    gpu: Encoder, model_dir: Path, decoded: list, folder: Path, batch: int, precision: str
) -> dict[str, float]:
    """The same machine's CPU path, float16 vs float32 vectors, and a new text query."""
    cpu_run = child(folder, model_dir, batch, precision, "cpu")
    cpu = Encoder("cpu-fp32", model_dir, precision_setting="fp32", device_setting="cpu")
    sample = torch.stack([d.pixels for d in decoded[:64]])
    cosine = float(np.min(np.sum(gpu.encode_images(sample) * cpu.encode_images(sample), axis=1)))
    tower = TextTower(model_dir)
    phrases = [f"a photo of {i} red bicycles in the snow" for i in range(60)]
    gpu_ms, numpy_ms = [], []
    for phrase in phrases:
        started = time.perf_counter()
        gpu.encode_text(phrase)
        gpu_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        tower.encode_text(phrase)
        numpy_ms.append(1000 * (time.perf_counter() - started))
    return {
        "cpu_path_img_s": len(decoded) / cpu_run["wall"],
        "fp16_vs_fp32_min_cosine": cosine,
        "text_gpu_p50_ms": statistics.median(gpu_ms[10:]),
        "text_numpy_p50_ms": statistics.median(numpy_ms[10:]),
    }


def main() -> None:
    if sys.argv[1:2] == ["--ours"]:
        folder, model_dir, batch, precision, device = sys.argv[2:7]
        print(json.dumps(ours(Path(folder), Path(model_dir), int(batch), precision, device)))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=160)
    ap.add_argument("--arch", default="ViT-B-32")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--sizes", nargs="+", default=["1MP", "12MP"], choices=["1MP", "12MP"])
    ap.add_argument("--rounds", type=int, default=1, help="repeat; medians are printed too")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    args = ap.parse_args()
    model_dir = vit_b32_dir(args.arch)
    print(
        f"{args.arch}, batch {args.batch}, torch threads {torch.get_num_threads()}, "
        f"{os.cpu_count()} cores"
    )
    dimensions = {"1MP": (1152, 864), "12MP": (4000, 3000)}
    for label in args.sizes:
        folder = photo_folder(label, args.count, dimensions[label])
        rounds = [
            run(folder, model_dir, args.batch, args.precision, args.device)
            for _ in range(args.rounds)
        ]
        for number, result in enumerate(rounds, 1):
            print(f"{label} round {number}: {describe(result)}", flush=True)
        if len(rounds) > 1:
            print(f"{label} median of {len(rounds)}: {describe(medians(rounds))}")


def describe(result: dict[str, float | str]) -> str:
    return " ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
    )


def medians(rounds: list[dict[str, float | str]]) -> dict[str, float | str]:
    """Each number's median over the rounds (a ratio's median, not a ratio of medians)."""
    return {
        key: statistics.median(float(r[key]) for r in rounds)
        if isinstance(value, (int, float))
        else value
        for key, value in rounds[0].items()
    }


if __name__ == "__main__":
    main()
