"""Build the PhotoSearch desktop bundle with PyInstaller, then prove it runs.

    pip install -e '.[package,server]'
    python packaging/build.py [--dist dist] [--work build/pyinstaller] [--archive]
                              [--flavour cpu|cuda]

The bundle lands in ``dist/PhotoSearch/`` (``PhotoSearch.app`` on macOS). After building,
the frozen app runs ``--self-test`` (the bundled demo model indexes generated photos and
finds the right one, offline, in a throwaway folder); a failure fails the build.
``--archive`` (Linux) then packs the folder, with ``install.sh``, into the download:
``dist/PhotoSearch-VERSION-linux-ARCH-FLAVOUR.tar.zst``, with its ``.sha256``.

The flavour is the torch the environment holds: ``cpu`` (the default download: torch's
CPU wheels, without NVIDIA's ~3 GB of libraries) or ``cuda`` (PyPI's Linux torch).
Asked for one the environment does not hold, the build says so and how to get it, and
builds what it has, named as what it is.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent


def executable(dist: Path) -> Path:
    """The frozen app's executable inside ``dist``."""
    name = "photosearch.exe" if sys.platform == "win32" else "photosearch"
    return dist / "PhotoSearch" / name


def build(dist: Path, work: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(PACKAGING / "photosearch.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return executable(dist)


def self_test(exe: Path) -> subprocess.CompletedProcess[str]:
    """Run the frozen ``--self-test`` with a throwaway home, so no real profile is touched."""
    with tempfile.TemporaryDirectory(prefix="photosearch-bundle-") as home:
        env = {**os.environ, "PHOTOSEARCH_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
        return subprocess.run(
            [str(exe), "--self-test"], env=env, capture_output=True, text=True, timeout=600
        )


CPU_WHEELS = "https://download.pytorch.org/whl/cpu"


def torch_flavour() -> str:
    """``cpu`` or ``cuda``: which torch is installed, from its metadata (no import)."""
    version = importlib.metadata.version("torch")
    needs = importlib.metadata.requires("torch") or []
    cuda = "+cu" in version or any(r.lower().startswith("nvidia-") for r in needs)
    return "cuda" if cuda else "cpu"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    ap.add_argument("--archive", action="store_true", help="also pack the Linux .tar.zst")
    ap.add_argument(
        "--flavour", choices=("cpu", "cuda"), default="cpu", help="which torch to ship (cpu)"
    )
    args = ap.parse_args()
    flavour = torch_flavour()
    if flavour != args.flavour:
        print(
            f"flavour: {args.flavour} was asked for, but this environment holds torch's "
            f"{flavour} build, so this bundle is the {flavour} flavour. "
            + (
                f"For the CPU-only download, first: pip install torch torchvision "
                f"--index-url {CPU_WHEELS} (that index could not be reached here if the "
                "build machine has no access to it)."
                if args.flavour == "cpu"
                else "For the CUDA flavour, install torch from PyPI on Linux first."
            )
        )
    started = time.monotonic()
    exe = build(args.dist, args.work)
    built = time.monotonic()
    result = self_test(exe)
    print(result.stdout + result.stderr, end="")
    print(f"built in {built - started:.0f} s; frozen --self-test {time.monotonic() - built:.1f} s")
    print(f"bundle: {exe.parent} ({bundle_size(exe.parent) / 2**30:.2f} GiB on disk)")
    if result.returncode == 0 and args.archive:
        packed = archive(exe.parent, flavour)
        print(f"download: {packed} ({packed.stat().st_size / 2**30:.2f} GiB)")
    return result.returncode


def archive(folder: Path, flavour: str) -> Path:
    """The Linux download: the bundle folder with its install script, as a .tar.zst.

    Not an AppImage: that needs FUSE 2 on the user's machine (missing from recent Ubuntu
    and Fedora installs), and torch's 4 GB would be read through a squashfs mount at
    every start; an unpacked folder starts as fast as an installed one, and zstd is on
    every current distribution.
    """
    shutil.copy2(PACKAGING / "install.sh", folder / "install.sh")
    version = importlib.metadata.version("photosearch")
    name = f"PhotoSearch-{version}-linux-{platform.machine()}-{flavour}.tar.zst"
    target = folder.parent / name
    subprocess.run(
        ["tar", "--use-compress-program", "zstd -T0 -3", "-cf", str(target), folder.name],
        check=True,
        cwd=folder.parent,
    )
    digest = hashlib.sha256()
    with target.open("rb") as packed:
        for block in iter(lambda: packed.read(1 << 20), b""):
            digest.update(block)
    # published beside the download: `sha256sum -c` checks it
    target.with_name(target.name + ".sha256").write_text(
        f"{digest.hexdigest()}  {target.name}\n", encoding="utf-8"
    )
    return target


def bundle_size(folder: Path) -> int:
    """Bytes the bundle takes: symlinks not followed, hard-linked files counted once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for base, _, files in os.walk(folder):
        for name in files:
            st = os.lstat(os.path.join(base, name))
            if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


if __name__ == "__main__":
    sys.exit(main())
