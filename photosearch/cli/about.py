"""What this installation is: the versions of its parts, and whether a window can open."""

from __future__ import annotations

import os
import sys

PARTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("torch",), "torch"),
    (("torchvision",), "torchvision"),
    (("open_clip_torch",), "open_clip"),
    (("PySide6", "PySide6-Essentials"), "PySide6"),
    (("usearch",), "usearch"),
    (("numpy",), "numpy"),
    (("pillow",), "PIL"),
    (("pillow-heif",), "pillow_heif"),
    (("av",), "av"),
    (("dlib-bin", "dlib"), "dlib"),
    (("rapidocr",), "rapidocr"),
    (("onnxruntime",), "onnxruntime"),
    (("opencv-python-headless", "opencv-python"), "cv2"),
    (("reverse_geocode",), "reverse_geocode"),
    (("scipy",), "scipy"),
    (("watchdog",), "watchdog"),
    (("psutil",), "psutil"),
    (("huggingface_hub",), "huggingface_hub"),
    (("platformdirs",), "platformdirs"),
    (("fastapi",), "fastapi"),
    (("uvicorn",), "uvicorn"),
)
"""(distributions that may carry it, module) of each part PhotoSearch is built from, for
``--version -v``; the bundle keeps their metadata (``packaging/photosearch.spec``), so
nothing is imported to tell a version."""


def versions() -> list[tuple[str, str]]:
    """Python and each part's version, from the installed metadata (a part that is not
    installed says so: the HTTP API's two are optional)."""
    import importlib.metadata
    import platform

    found = [("python", f"{platform.python_version()} ({platform.platform()})")]
    found.append(("frozen", "yes" if getattr(sys, "frozen", False) else "no"))
    for dists, _ in PARTS:
        version = "missing"
        for dist in dists:
            try:
                version = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
            break
        found.append((dists[0], version))
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
