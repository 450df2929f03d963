"""Shared fixtures: real engines over real temp folders, with small real models."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.hub import Hub

if TYPE_CHECKING:
    from photosearch.core.app.engine import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own PHOTOSEARCH_HOME; nothing touches the real profile."""
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTOSEARCH_HOME", str(home))
    return home


def write_random_model(
    directory: Path,
    image_size: int = 64,
    embed_dim: int = 32,
    quick_gelu: bool = False,
    width: int = 64,
    layers: int = 2,
    patch_size: int | None = None,
) -> Path:
    """A small random-initialised OpenCLIP model directory (for plumbing, not meaning)."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    config = {
        "model_cfg": {
            "embed_dim": embed_dim,
            "vision_cfg": {
                "image_size": image_size,
                "layers": layers,
                "width": width,
                "head_width": 32,
                "patch_size": patch_size or image_size // 8,
            },
            "text_cfg": {
                "context_length": 16,
                "vocab_size": 49408,
                "width": 32,
                "heads": 2,
                "layers": 1,
            },
            "quick_gelu": quick_gelu,
        },
        "preprocess_cfg": {"size": image_size},
    }
    (directory / "open_clip_config.json").write_text(json.dumps(config))
    torch.manual_seed(0)
    model, _, _ = open_clip.create_model_and_transforms(f"local-dir:{directory}")
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        str(directory / "open_clip_model.safetensors"),
    )
    return directory


@pytest.fixture(scope="session")
def random_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_random_model(tmp_path_factory.mktemp("models") / "random-tiny")


@pytest.fixture
def engine(_isolated_home: Path) -> Iterator[object]:
    """An engine on a fresh home, using the bundled tiny trained model."""
    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models

    eng = Engine.open()
    eng.use_model(models.DEMO_KEY)
    eng.set_device("cpu", save=False)  # the same numbers on a machine with a GPU
    without_passes(eng)
    yield eng
    eng.close()


@pytest.fixture
def plumbing_engine(_isolated_home: Path, random_model: Path) -> Iterator[object]:
    """An engine using a random-initialised tiny model imported the way users import one."""
    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models

    eng = Engine.open()
    eng.use_model(models.import_model(random_model, eng.paths.models_dir))
    eng.set_device("cpu", save=False)  # batch sizes as set (a GPU picks its own)
    without_passes(eng)
    yield eng
    eng.close()


def without_passes(engine: Engine) -> None:
    """No words read in photos and no faces looked for: most tests are about indexing
    and search, and those two passes (tested on their own, with the fixtures that turn
    them on) cost most of a fixture's time."""
    engine.set_read_text(False)
    engine.set_find_faces(False)


def torch_free(statements: str) -> tuple[bool, str]:
    """Run ``statements`` in a fresh Python: whether torch stayed unimported, and stderr."""
    import subprocess
    import sys

    code = f"import sys\n{statements}\nprint('torch' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.split()[-1:] in (["False"], ["True"]), proc.stderr
    return proc.stdout.split()[-1] == "False", proc.stderr


def write_photos(
    folder: Path, count: int, start: int = 0, size: tuple[int, int] = (96, 72)
) -> list[Path]:
    from tests.photos import photo_like

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"img_{i:04d}.jpg"
        photo_like(*size, seed=i).save(path, quality=85)
        paths.append(path)
    return paths


def add_library(engine: Engine, folder: Path, count: int) -> list[Path]:
    """``count`` generated photos in ``folder``, added to the engine's folders (not scanned)."""
    paths = write_photos(folder, count)
    engine.library.add_folder(folder)
    return paths


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Hub]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    allow_downloads(monkeypatch)
    Hub.files, Hub.ranges, Hub.damaged = {}, [], set()
    yield Hub
    server.shutdown()
    Hub.files, Hub.ranges, Hub._sums = {}, [], {}  # a served model is hundreds of MB


def allow_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run with HF_HUB_OFFLINE=1; a test of a download turns it off for itself."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def user_trash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The user's trash (its ``files`` folder) in a temp dir: send2trash reads
    ``XDG_DATA_HOME`` once, at import, so its module's copies are pointed there too."""
    from send2trash import plat_other

    data = tmp_path / "xdg-data"
    monkeypatch.setenv("HOME", str(tmp_path))  # the home trash: on the photos' drive
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(data / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data / "Trash"))
    return data / "Trash" / "files"
