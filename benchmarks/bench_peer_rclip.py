"""PhotoSearch vs rclip on the same folder, the same architecture and the same weights.

    pip install -e '.[bench]'       # onnx, to export the model for rclip
    python benchmarks/bench_peer_rclip.py [--count 300] [--rounds 3]

rclip (the newest release pip installs, in its own venv under /tmp/photosearch-bench) runs
ViT-B-32-256 through onnxruntime. Its model files cannot be downloaded here, so our
random-initialised ViT-B-32-256 is exported to the ONNX files rclip reads
(``$RCLIP_DATADIR/ViT-B-32-256-datacomp_s34b_b86k/{visual,textual}.onnx``, input
``input``), with open_clip's tokenizer vocabulary: both tools compute with identical
weights. Each tool indexes a fresh copy of its data twice, on the big folder and on a
small one, as a fresh process; img/s = (photos difference) / (time difference), which
cancels process start and model load. Rounds run both tools back to back and the ratio is
the median over rounds (this machine's speed drifts by 25 % between minutes). Search
latency is a fresh ``search`` process each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch  # before usearch (imported by benchmarks.common): else ONNX tracing stalls

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import CACHE, photo_folder, vit_b32_dir

ARCH = "ViT-B-32-256"
RCLIP_VENV = CACHE / "rclip-venv"
RCLIP_MODELS = CACHE / "rclip-models"
RCLIP_SUBDIR = "ViT-B-32-256-datacomp_s34b_b86k"
QUERY = "a dog on the beach at sunset"


def rclip_installed() -> Path:
    exe = RCLIP_VENV / "bin" / "rclip"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(RCLIP_VENV)], check=True)
        subprocess.run([str(RCLIP_VENV / "bin" / "pip"), "install", "-q", "rclip"], check=True)
    return exe


def rclip_version() -> str:
    out = subprocess.run(
        [str(RCLIP_VENV / "bin" / "pip"), "show", "rclip"], capture_output=True, text=True
    )
    return next(
        (line.split()[1] for line in out.stdout.splitlines() if line.startswith("Version")), "?"
    )


def export_for_rclip(model_dir: Path) -> Path:
    """Our ViT-B-32-256 weights as the ONNX files and vocabulary rclip loads."""
    import open_clip

    target = RCLIP_MODELS / RCLIP_SUBDIR
    if (target / "textual.onnx").exists():
        return RCLIP_MODELS
    target.mkdir(parents=True, exist_ok=True)
    model, _, _ = open_clip.create_model_and_transforms(f"local-dir:{model_dir}")
    model.eval()

    class Text(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.model.encode_text(tokens)

    axes = {"input": {0: "n"}, "output": {0: "n"}}
    side = model.visual.image_size[0]
    for name, module, example in (
        ("visual", model.visual, torch.zeros(1, 3, side, side)),
        ("textual", Text(), torch.zeros(1, 77, dtype=torch.long)),
    ):
        torch.onnx.export(
            module,
            (example,),
            str(target / f"{name}.onnx.tmp"),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes=axes,
            dynamo=False,
            opset_version=17,
        )
        (target / f"{name}.onnx.tmp").rename(target / f"{name}.onnx")
    vocab = Path(open_clip.__file__).parent / "bpe_simple_vocab_16e6.txt.gz"
    (RCLIP_MODELS / "tokenizer").mkdir(exist_ok=True)
    shutil.copy(vocab, RCLIP_MODELS / "tokenizer" / vocab.name)
    return RCLIP_MODELS


def fresh_rclip_home(run: str) -> Path:
    home = CACHE / "rclip-runs" / run
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / RCLIP_SUBDIR).symlink_to(RCLIP_MODELS / RCLIP_SUBDIR)
    (home / "tokenizer").symlink_to(RCLIP_MODELS / "tokenizer")
    return home


def fresh_photosearch_home(run: str, template: Path, precision: str, passes: bool = True) -> Path:
    """A data folder with the template's model; ``passes``: words and faces are looked for
    after indexing (else the model's pass, which is what rclip does, and the metadata and
    places, which cost little)."""
    home = CACHE / "photosearch-runs" / run
    shutil.rmtree(home, ignore_errors=True)
    (home / "data").mkdir(parents=True)
    (home / "models").symlink_to(template / "models")
    settings = json.loads((template / "data" / "settings.json").read_text())
    settings["precision"] = precision
    settings["read_text"] = settings["find_faces"] = passes
    (home / "data" / "settings.json").write_text(json.dumps(settings))
    return home


def photosearch_template(model_dir: Path) -> Path:
    template = CACHE / "photosearch-template"
    if not (template / "data" / "settings.json").exists():
        run_photosearch(template, "models", "import", str(model_dir))
    return template


def run_photosearch(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PHOTOSEARCH_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "photosearch", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )


def run_rclip(home: Path, folder: Path, *args: str) -> None:
    env = {**os.environ, "RCLIP_DATADIR": str(home), "HF_HUB_OFFLINE": "1"}
    subprocess.run(
        [str(RCLIP_VENV / "bin" / "rclip"), "-f", "-t", "10", *args, QUERY],
        env=env,
        cwd=folder,
        capture_output=True,
        check=True,
    )


def wall(action: object) -> float:
    t0 = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3, help="rclip and ours, back to back")
    args = ap.parse_args()
    rclip_installed()
    model_dir = vit_b32_dir(ARCH)
    export_for_rclip(model_dir)
    big = photo_folder("1MP", args.count, (1152, 864))
    small = photo_folder("1MP", args.small, (1152, 864))
    template = photosearch_template(model_dir)
    print(f"rclip {rclip_version()} (onnxruntime, fp32 ONNX) vs PhotoSearch, {ARCH}, 1-MP JPEGs")

    def rclip_index(folder: Path) -> float:
        home = fresh_rclip_home(folder.name)
        return wall(lambda: run_rclip(home, folder))

    def ours_index(folder: Path, precision: str, passes: bool = True) -> float:
        run = f"{precision}-{'all' if passes else 'meaning'}-{folder.name}"
        home = fresh_photosearch_home(run, template, precision, passes)
        return wall(lambda: run_photosearch(home, "index", str(folder)))

    photos = args.count - args.small
    ratios: dict[str, list[float]] = {"meaning": [], "all": []}
    for round_ in range(1, args.rounds + 1):
        # Both tools in every round, back to back: this VM's speed drifts between minutes.
        rclip_rate = photos / (rclip_index(big) - rclip_index(small))
        rates = {
            kind: photos
            / (ours_index(big, "auto", kind == "all") - ours_index(small, "auto", kind == "all"))
            for kind in ratios
        }
        for kind, rate in rates.items():
            ratios[kind].append(rate / rclip_rate)
        print(
            f"round {round_}: rclip {rclip_rate:.1f} img/s; PhotoSearch (auto) searchable by "
            f"meaning {rates['meaning']:.1f} img/s = {ratios['meaning'][-1]:.2f}x rclip, "
            f"everything done (words, faces, places) {rates['all']:.1f} img/s = "
            f"{ratios['all'][-1]:.2f}x rclip",
            flush=True,
        )
    fp32 = photos / (ours_index(big, "fp32", False) - ours_index(small, "fp32", False))
    print(
        f"PhotoSearch (auto) vs rclip, median of {args.rounds} rounds: searchable by meaning "
        f"{statistics.median(ratios['meaning']):.2f}x, everything done "
        f"{statistics.median(ratios['all']):.2f}x; PhotoSearch (fp32, meaning) {fp32:.1f} "
        f"img/s = {fp32 / rclip_rate:.2f}x the last round's rclip"
    )
    rclip_home = fresh_rclip_home("search")
    run_rclip(rclip_home, big)
    rclip_search = [wall(lambda: run_rclip(rclip_home, big, "-n")) for _ in range(3)]
    home = fresh_photosearch_home("auto-search", template, "auto")
    run_photosearch(home, "index", str(big))
    search = [wall(lambda: run_photosearch(home, "search", QUERY)) for _ in range(3)]
    print(
        f"search in a fresh process, median of 3: rclip {statistics.median(rclip_search):.2f} s, "
        f"PhotoSearch {statistics.median(search):.2f} s"
    )


if __name__ == "__main__":
    main()
