from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from photosearch.core import models
from photosearch.core.encoder import Encoder
from photosearch.core.errors import DownloadCancelled, ModelError, ModelNotAvailableError
from photosearch.core.types import JobControl, Progress
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


def test_cancelled_download_resumes_where_it_stopped(hub: type[Hub], tmp_path: Path) -> None:
    payload = os.urandom(5 << 20)
    hub.files[f"/{REPO}/resolve/main/open_clip_model.safetensors"] = payload
    control = JobControl()

    def stop_midway(p: Progress) -> None:
        if p.done >= 2 << 20:
            control.stop.set()

    with pytest.raises(DownloadCancelled):
        models.download(KEY, tmp_path, stop_midway, control)
    assert not models.is_installed(KEY, tmp_path)
    target = models.download(KEY, tmp_path)
    assert hub.ranges and hub.ranges[0].startswith("bytes=") and hub.ranges[0] != "bytes=0-"
    assert (target / "open_clip_model.safetensors").read_bytes() == payload


def test_no_network_gives_instructions_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(ModelNotAvailableError, match="models import"):
        models.download(KEY, tmp_path)


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
