"""What this installation is: the versions of its parts, and whether a window can open."""

from __future__ import annotations

import os
import sys

PARTS = (
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("open_clip_torch", "open_clip"),
    ("PySide6", "PySide6"),
    ("usearch", "usearch"),
    ("numpy", "numpy"),
    ("pillow", "PIL"),
    ("pillow-heif", "pillow_heif"),
    ("av", "av"),
    ("dlib-bin", "dlib"),
    ("watchdog", "watchdog"),
    ("huggingface_hub", "huggingface_hub"),
    ("platformdirs", "platformdirs"),
)
"""(distribution, module) of what PhotoSearch is built from, for ``--version -v``."""


def versions() -> list[tuple[str, str]]:
    """Python and each part's version: from its metadata, else (in a bundle that dropped
    the metadata) from the module itself."""
    import importlib
    import importlib.metadata
    import platform

    found = [("python", f"{platform.python_version()} ({platform.platform()})")]
    found.append(("frozen", "yes" if getattr(sys, "frozen", False) else "no"))
    for dist, module in PARTS:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            try:
                version = str(getattr(importlib.import_module(module), "__version__", "?"))
            except ImportError:
                version = "missing"
        found.append((dist, version))
    found.append(("video playback", _playback()))
    found.append(("face models", _face_models()))
    return found


def _playback() -> str:
    """Whether clips can play in the window: Qt Multimedia and the libraries it loads."""
    try:
        import PySide6.QtMultimedia
        import PySide6.QtMultimediaWidgets  # noqa: F401  (the viewer's video surface)
    except ImportError as exc:
        return f"no, clips show as stills ({exc})"
    return "Qt Multimedia"


def _face_models() -> str:
    """Whether faces can be found: dlib and the two model files it reads."""
    from photosearch.core.media import faces

    return "installed" if faces.available() else "missing: people are not found"


def has_display() -> bool:
    """Whether a window can open (Linux and the BSDs need X11 or Wayland; Qt aborts else)."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
