"""Build the PhotoSearch desktop bundle with PyInstaller, then prove it runs.

    pip install -e '.[package]'
    python packaging/build.py [--dist dist] [--work build/pyinstaller]

The bundle lands in ``dist/PhotoSearch/`` (``PhotoSearch.app`` on macOS). After building,
the frozen app runs ``--self-test`` (the bundled demo model indexes generated photos and
finds the right one, offline, in a throwaway folder); a failure fails the build.
"""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
import tempfile
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = ap.parse_args()
    exe = build(args.dist, args.work)
    result = self_test(exe)
    print(result.stdout + result.stderr, end="")
    print(f"bundle: {exe.parent} ({bundle_size(exe.parent) / 2**30:.2f} GiB on disk)")
    return result.returncode


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
