"""The window must not wait for torch: only the model-facing code imports it."""

from __future__ import annotations

import subprocess
import sys


def test_the_app_and_cli_modules_load_without_torch() -> None:
    code = (
        "import sys, photosearch.cli, photosearch.ui.app, photosearch.core.app.service;"
        "print([m for m in ('torch', 'open_clip', 'torchvision') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
