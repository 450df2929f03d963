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


def run(app: Path, home: Path, *args: str, answer: str = "", path: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}  # never yours
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"))
    if path is not None:
        env["PATH"] = path
    proc = subprocess.run(
        ["sh", str(app / "install.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        input=answer,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_install_and_uninstall_for_one_user(tmp_path: Path) -> None:
    app, home = bundle(tmp_path / "unpacked"), tmp_path / "home"
    said = run(app, home, path="/usr/bin:/bin")
    target = home / ".local" / "opt" / "PhotoSearch"
    installed = target / "photosearch"
    link = home / ".local" / "bin" / "photosearch"
    assert installed.is_file() and link.resolve() == installed
    assert not app.exists()  # moved, not copied: the download is not kept twice
    assert "asked: --install-desktop-entry" in said
    assert "is not on your PATH" in said and f"as {installed}" in said
    library = home / "share" / "PhotoSearch" / "catalog.sqlite3"
    library.parent.mkdir(parents=True)
    library.write_text("kept")
    said = run(target, home, "--uninstall")
    assert "asked: --uninstall-desktop-entry" in said and "--purge" in said
    assert not target.exists() and not link.exists() and not link.is_symlink()
    assert library.read_text() == "kept"
    run(SCRIPT.parent, home, "--uninstall", "--purge", answer="n\n")
    assert library.exists()  # asked, and the answer was no
    said = run(SCRIPT.parent, home, "--uninstall", "--purge", answer="y\n")
    assert not library.parent.exists() and "its data removed" in said


def test_the_installer_refuses_what_it_does_not_know(tmp_path: Path) -> None:
    app, home = bundle(tmp_path / "unpacked"), tmp_path / "home"
    for args in (["--help"], ["--purge", "--uninstall"]):
        proc = subprocess.run(
            ["sh", str(app / "install.sh"), *args],
            env={**os.environ, "HOME": str(home)},
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2 and "usage:" in proc.stderr
    assert app.is_dir()  # nothing was moved
    proc = subprocess.run(  # not beside an unpacked PhotoSearch (a source checkout)
        ["sh", str(SCRIPT)], env={**os.environ, "HOME": str(home)}, capture_output=True, text=True
    )
    assert proc.returncode == 1 and "is not one" in proc.stderr
    assert SCRIPT.is_file()


def test_another_photosearch_command_is_left_alone(tmp_path: Path) -> None:
    app, home = bundle(tmp_path / "unpacked"), tmp_path / "home"
    other = home / ".local" / "bin" / "photosearch"
    other.parent.mkdir(parents=True)
    other.write_text("#!/bin/sh\necho pip-installed\n")
    assert "was left alone" in run(app, home)
    run(home / ".local" / "opt" / "PhotoSearch", home, "--uninstall")
    assert other.read_text() == "#!/bin/sh\necho pip-installed\n"
