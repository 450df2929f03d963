"""packaging/install.sh, the Linux download's installer, on a stand-in bundle."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "install.sh"


def bundle(folder: Path) -> Path:
    """An unpacked download whose program only says what it was asked."""
    app = folder / "PhotoSearch"
    app.mkdir(parents=True)
    shutil.copy2(SCRIPT, app / "install.sh")
    program = app / "photosearch"
    program.write_text('#!/bin/sh\necho "asked: $*"\n')
    program.chmod(0o755)
    return app


def run(app: Path, home: Path, *args: str) -> str:
    env = {**os.environ, "HOME": str(home)}
    proc = subprocess.run(
        ["sh", str(app / "install.sh"), *args], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_install_and_uninstall_for_one_user(tmp_path: Path) -> None:
    app, home = bundle(tmp_path / "unpacked"), tmp_path / "home"
    said = run(app, home)
    installed = home / ".local" / "opt" / "PhotoSearch" / "photosearch"
    link = home / ".local" / "bin" / "photosearch"
    assert installed.is_file() and link.resolve() == installed
    assert "asked: --install-desktop-entry" in said
    said = run(app, home, "--uninstall")
    assert "asked: --uninstall-desktop-entry" in said
    assert not installed.parent.exists() and not link.exists() and not link.is_symlink()


def test_another_photosearch_command_is_left_alone(tmp_path: Path) -> None:
    app, home = bundle(tmp_path / "unpacked"), tmp_path / "home"
    other = home / ".local" / "bin" / "photosearch"
    other.parent.mkdir(parents=True)
    other.write_text("#!/bin/sh\necho pip-installed\n")
    assert "was left alone" in run(app, home)
    run(app, home, "--uninstall")
    assert other.read_text() == "#!/bin/sh\necho pip-installed\n"
