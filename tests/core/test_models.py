from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from photosearch.core.errors import DownloadCancelled, ModelError, ModelNotAvailableError
from photosearch.core.model import models
from photosearch.core.model.encoder import Encoder
from photosearch.core.types import JobControl, Progress
from tests.conftest import allow_downloads, torch_free
from tests.hub import Hub

KEY = "ViT-B-32/laion2b_s34b_b79k"
REPO = "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"


def test_download_installs_a_model_directory_with_progress(hub: type[Hub], tmp_path: Path) -> None:
    payload = os.urandom(3 << 20)
    hub.files[f"/{REPO}/resolve/main/open_clip_pytorch_model.bin"] = (
        payload  # no safetensors: falls back
    )
    seen: list[Progress] = []
    target = models.download(KEY, tmp_path, seen.append)
    assert (target / "open_clip_pytorch_model.bin").read_bytes() == payload
    config = json.loads((target / models.CONFIG_NAME).read_text())
    assert config["model_cfg"]["embed_dim"] == 512 and config["preprocess_cfg"]["size"] == 224
    assert seen[-1].done == seen[-1].total == len(payload)
    assert models.is_installed(KEY, tmp_path) and KEY in models.installed_keys(tmp_path)


def test_cancelled_download_stops_and_can_be_retried(hub: type[Hub], tmp_path: Path) -> None:
    """huggingface_hub resumes a transfer whose connection dropped; after a cancel it starts
    over (it writes to a temp file of the process's own since version 1)."""
    payload = os.urandom(32 << 20)  # huggingface_hub reports every 10 MB
    hub.files[f"/{REPO}/resolve/main/open_clip_model.safetensors"] = payload
    control = JobControl()

    def stop_midway(p: Progress) -> None:
        if p.done >= 8 << 20:
            control.stop.set()

    with pytest.raises(DownloadCancelled):
        models.download(KEY, tmp_path, stop_midway, control)
    assert not models.is_installed(KEY, tmp_path)
    assert not list(tmp_path.rglob("*.incomplete"))  # nothing half-written left behind
    assert not list(tmp_path.glob(".*.partial"))  # nor its folder
    target = models.download(KEY, tmp_path)
    assert (target / "open_clip_model.safetensors").read_bytes() == payload


def test_no_network_gives_instructions_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    allow_downloads(monkeypatch)
    with pytest.raises(ModelNotAvailableError, match="No internet connection") as info:
        models.download(KEY, tmp_path)
    assert "models import" in str(info.value) and "Errno" not in str(info.value)
    assert not list(tmp_path.glob(".*.partial"))  # nothing fetched: no folder left


def test_offline_mode_is_honoured(hub: type[Hub], tmp_path: Path) -> None:
    from huggingface_hub import constants

    hub.files[f"/{REPO}/resolve/main/open_clip_model.safetensors"] = b"x" * 1000
    constants.HF_HUB_OFFLINE = True  # the hub fixture puts it back
    with pytest.raises(ModelNotAvailableError, match="HF_HUB_OFFLINE"):
        models.download(KEY, tmp_path)
    assert not hub.ranges and not models.is_installed(KEY, tmp_path)


def test_the_apps_own_offline_guard_does_not_stop_a_download(
    hub: type[Hub], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle turns HF_HUB_OFFLINE on while a model is present; asking for another
    model must still download it."""
    from huggingface_hub import constants

    hub.files[f"/{REPO}/resolve/main/open_clip_model.safetensors"] = b"x" * 1000
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv(models.APP_OFFLINE_ENV, "1")
    assert models.download(KEY, tmp_path).is_dir()


def test_a_damaged_download_is_refused(hub: type[Hub], tmp_path: Path) -> None:
    path = f"/{REPO}/resolve/main/open_clip_model.safetensors"
    hub.files[path] = os.urandom(1 << 20)
    hub.damaged.add(path)
    with pytest.raises(ModelError, match="damaged"):
        models.download(KEY, tmp_path)
    assert not models.is_installed(KEY, tmp_path)
    hub.damaged.clear()
    assert models.download(KEY, tmp_path).is_dir()


def test_the_multilingual_model_brings_its_tokenizer(hub: type[Hub], tmp_path: Path) -> None:
    spec = models.spec_for("xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k")
    assert spec is not None
    hub.files[f"/{models.hub_repo(spec)}/resolve/main/open_clip_model.safetensors"] = b"w" * 4096
    served = {name: os.urandom(512) for name in models.TOKENIZER_FILES[:3]}
    for name, body in served.items():
        hub.files[f"/{spec.hf_tokenizer}/resolve/main/{name}"] = body
    target = models.download(spec.key, tmp_path)
    local = target / models.TOKENIZER_DIR
    assert {p.name for p in local.iterdir() if p.suffix != ".sha256"} == set(served)
    assert all((local / name).read_bytes() == body for name, body in served.items())
    text_cfg = json.loads((target / models.CONFIG_NAME).read_text())["model_cfg"]["text_cfg"]
    assert text_cfg["hf_tokenizer_name"] == text_cfg["hf_model_name"] == str(local)
    assert not (target / ".cache").exists()


def test_missing_model_message_names_the_file_and_commands(tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailableError) as info:
        models.require(KEY, tmp_path)
    text = str(info.value)
    assert f"photosearch models download {KEY}" in text
    assert f"{REPO}/resolve/main/open_clip_model.safetensors" in text
    assert f"--arch {KEY}" in text


def test_import_directory_loads_through_local_dir(random_model: Path, tmp_path: Path) -> None:
    key = models.import_model(random_model, tmp_path)
    assert key == "local:random-tiny" and key in models.installed_keys(tmp_path)
    encoder = Encoder(key, models.require(key, tmp_path))
    assert encoder.dim == models.embedding_dim(models.require(key, tmp_path)) == 32
    assert abs(float((encoder.encode_text("hi") ** 2).sum()) - 1.0) < 1e-5


def test_import_rejects_incomplete_input(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="open_clip model directory"):
        models.import_model(tmp_path / "empty", tmp_path / "models")
    (tmp_path / "w.safetensors").write_bytes(b"x")
    with pytest.raises(ModelError, match="--arch"):
        models.import_model(tmp_path / "w.safetensors", tmp_path / "models")
    with pytest.raises(ModelError, match="Unknown architecture"):
        models.import_model(tmp_path / "w.safetensors", tmp_path / "models", arch="NoSuchNet")


def test_weights_that_do_not_fit_the_config_are_refused(random_model: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    config = json.loads((random_model / models.CONFIG_NAME).read_text())
    config["model_cfg"]["embed_dim"] = 48
    (broken / models.CONFIG_NAME).write_text(json.dumps(config))
    (broken / "open_clip_model.safetensors").write_bytes(
        (random_model / "open_clip_model.safetensors").read_bytes()
    )
    with pytest.raises(ModelError, match="could not be loaded"):
        Encoder("local:broken", broken)


def test_fingerprint_changes_with_the_weights(tmp_path: Path) -> None:
    w = tmp_path / "w.bin"
    w.write_bytes(b"a" * 1000)
    first = models.fingerprint(w)
    assert models.fingerprint(w) == first
    w.write_bytes(b"b" * 1000)
    os.utime(w, ns=(1, 1))
    assert models.fingerprint(w) != first


def test_no_internet_is_known_at_once_and_proxies_are_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    spec = models.spec_for(models.REGISTRY[0].key)
    assert spec is not None
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ModelNotAvailableError, match="No internet connection"):
        models._check_reachable(f"http://127.0.0.1:{port}", spec)
    assert time.monotonic() - started < 5
    with socket.socket() as proxy:  # behind a proxy, the proxy is what must answer
        proxy.bind(("127.0.0.1", 0))
        proxy.listen()
        monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{proxy.getsockname()[1]}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        models._check_reachable("https://hub.invalid", spec)


def test_a_missing_model_is_known_from_its_files_at_once(_isolated_home: Path) -> None:
    """A first start with no model on disk says so without importing torch or open_clip
    (the welcome page comes with the window, not ten seconds later)."""
    clean, errors = torch_free(
        "from photosearch.core.app.engine import Engine\n"
        "from photosearch.core.errors import ModelNotAvailableError\n"
        "engine = Engine.open()\n"
        "try:\n"
        "    engine.vectors()\n"
        "except ModelNotAvailableError as exc:\n"
        "    assert 'not on this computer yet' in exc.reason, exc.reason\n"
        "else:\n"
        "    raise SystemExit('a model was found')"
    )
    assert clean, errors


def test_a_model_this_copy_cannot_run_is_not_offered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.util
    import sys

    multilingual = next(s for s in models.REGISTRY if s.hf_tokenizer)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "transformers" else real(name, *a),
    )
    assert "pip install transformers" in (models.cannot_run(multilingual) or "")
    assert models.offered(multilingual)  # a pip install can add it
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert not models.offered(multilingual)
    why = models.cannot_run(multilingual) or ""
    assert "does not include" in why and "pip" not in why  # a download has no pip
    with pytest.raises(ModelError, match="cannot run here"):
        models.download(multilingual.key, tmp_path)
    assert models.cannot_run(models.REGISTRY[0]) is None
