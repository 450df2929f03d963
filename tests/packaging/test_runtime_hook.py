"""The frozen app's runtime hook, run as PyInstaller runs it: first, in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from photosearch.core.model import models
from photosearch.core.settings import AppPaths

HOOK = Path(__file__).resolve().parents[2] / "packaging" / "rthook_offline.py"
SHOW = (
    "import os, runpy, sys; runpy.run_path(sys.argv[1]); "
    "print(os.environ.get('HF_HUB_OFFLINE', '-') + os.environ.get(sys.argv[2], '-'))"
)


def offline_flag(home: Path) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", models.APP_OFFLINE_ENV)
    }
    env["PHOTOSEARCH_HOME"] = str(home)
    command = [sys.executable, "-c", SHOW, str(HOOK), models.APP_OFFLINE_ENV]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_offline_once_the_active_model_is_on_disk(tmp_path: Path) -> None:
    home = tmp_path / "home"
    paths = AppPaths.resolve(home)
    paths.data_dir.mkdir(parents=True)
    paths.settings_path.write_text(json.dumps({"model": "ViT-B-32/laion2b_s34b_b79k"}))
    assert offline_flag(home) == "--"  # nothing on disk yet: the first-run download may run
    directory = models.model_dir("ViT-B-32/laion2b_s34b_b79k", paths.models_dir)
    directory.mkdir(parents=True)
    (directory / "open_clip_config.json").write_text("{}")
    assert offline_flag(home) == "--"  # a half-finished download is not a model
    (directory / "open_clip_model.safetensors").write_bytes(b"weights")
    assert offline_flag(home) == "11"  # offline, and marked as the app's own doing


def test_a_broken_settings_file_does_not_stop_the_app(tmp_path: Path) -> None:
    home = tmp_path / "home"
    paths = AppPaths.resolve(home)
    paths.data_dir.mkdir(parents=True)
    paths.settings_path.write_text("{not json")
    assert offline_flag(home) == "--"
