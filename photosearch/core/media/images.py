"""Reading photos safely and fast: EXIF orientation, JPEG draft decoding, odd pixel modes.

Photos are only ever opened for reading. Anything wrong with a file becomes an
``ImageError`` with a reason a person can act on; indexing records it and moves on.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import stat
import time
import warnings
from pathlib import Path

import numpy as np
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from photosearch.core.atomic import replacing
from photosearch.core.errors import FileGoneError, ImageError, os_reason
from photosearch.core.media.metadata import PhotoMeta, read_meta
from photosearch.core.media.thumbnail_cache import TOUCH_AFTER_S
from photosearch.core.media.videos import frame_at
from photosearch.core.types import PHOTO_EXTENSIONS, is_video_name

log = logging.getLogger(__name__)

pillow_heif.register_heif_opener()
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_PIXELS = 2 * Image.MAX_IMAGE_PIXELS
"""Pillow's own decompression-bomb limit (~179 megapixels): bigger files are skipped."""
READ_AHEAD_CHUNK = 1 << 20

_ORIENTATION = 0x0112


def _too_large(pixels: int | None) -> str:
    limit = f"limit {MAX_PIXELS / 1e6:.0f}"
    if pixels is None:
        return f"image too large ({limit} megapixels)"
    return f"image too large ({pixels / 1e6:.0f} megapixels, {limit})"


def is_supported(name: str) -> bool:
    return os.path.splitext(name)[1].lower().lstrip(".") in PHOTO_EXTENSIONS


def is_media(name: str) -> bool:
    """A file the library holds: a photo or a video."""
    return is_supported(name) or is_video_name(name)


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB for any mode: 16-bit and float scaled down, transparency flattened onto white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode != "F" else max(float(arr.max()), 1.0)
        if img.mode == "I" and arr.max() <= 255:
            top = 255.0
        img = Image.fromarray(np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if (img.mode == "P" and "transparency" in img.info) or img.mode in ("RGBA", "LA", "PA", "RGBa"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")


def read_ahead(paths: list[str]) -> None:
    """Ask the OS to read these files into its cache, so decoding them later never waits
    on the disk. Linux and the BSDs start the reads in the background; elsewhere the files
    are read once (a copy costs well under a millisecond per photo). Errors are left for
    the decoder, which reports them."""
    for path in paths:
        try:
            with open(path, "rb", buffering=0) as fh:
                if hasattr(os, "posix_fadvise"):
                    os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
                else:
                    while fh.read(READ_AHEAD_CHUNK):
                        pass
        except OSError:
            continue


def upright_size(path: str | Path) -> tuple[int, int]:
    """Width and height of the photo as shown (EXIF rotation applied), without decoding."""
    try:
        with Image.open(path) as img:
            width, height = img.size
            if img.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8):
                width, height = height, width
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise ImageError(f"cannot read {path}: {exc}") from exc
    return width, height


def open_image(
    path: str | Path, min_side: int | None = None, with_meta: bool = False
) -> tuple[Image.Image, int, int, PhotoMeta]:
    """Open a photo upright in RGB; JPEGs are decoded at the smallest scale >= ``min_side``.

    Returns the image, the photo's full upright width and height, and — ``with_meta``,
    for indexing — what its header says of it (date taken, camera, caption…); thumbnails,
    the viewer and OCR skip that parsing and get an empty ``PhotoMeta``.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise FileGoneError("file not found") from exc
    except OSError as exc:
        raise ImageError(f"cannot read the file: {os_reason(exc)}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise ImageError("this is a folder, not an image")
    size = st.st_size
    if size == 0:
        raise ImageError("empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise ImageError(f"file too large ({size / 2**20:.0f} MB; limit {MAX_FILE_BYTES >> 20} MB)")
    try:
        with Image.open(path) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ImageError(_too_large(width * height))
            exif = img.getexif()
            orientation = exif.get(_ORIENTATION, 1)
            meta = read_meta(img, exif) if with_meta else PhotoMeta()
            if min_side and img.format == "JPEG":
                scale = min_side / min(width, height)
                img.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            img.seek(0)
            img.load()
            upright = ImageOps.exif_transpose(img)
            rgb = _to_rgb(upright)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses before reading the size out to us; its message holds the count
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise ImageError(_too_large(int(found.group(1)) if found else None)) from exc
    except UnidentifiedImageError as exc:
        raise ImageError("not an image, or an unsupported format") from exc
    except FileNotFoundError as exc:
        raise FileGoneError("file not found") from exc
    except PermissionError as exc:
        raise ImageError("permission denied") from exc
    except OSError as exc:
        if exc.errno is not None:
            raise ImageError(f"cannot read the file: {os_reason(exc)}") from exc
        raise ImageError(f"damaged or truncated image ({exc})") from exc
    except (SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"damaged or truncated image ({exc})") from exc
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return rgb, width, height, meta


def thumbnail(path: str, size: int, cache_dir: Path, at: float | None = None) -> Path:
    """A cached JPEG thumbnail (longest side ``size``), made once per file version; of a
    video, its frame at ``at`` seconds (else its first)."""
    stat = os.stat(path)
    moment = f"|{at:.1f}" if at is not None else ""
    key = hashlib.sha1(
        os.fsencode(path) + f"|{stat.st_size}|{stat.st_mtime_ns}|{size}{moment}".encode()
    ).hexdigest()
    target = cache_dir / key[:2] / f"{key}.jpg"
    try:
        made = os.stat(target).st_mtime
    except FileNotFoundError:
        pass
    else:
        if time.time() - made > TOUCH_AFTER_S:  # used again: the cache prunes it last
            with contextlib.suppress(OSError):
                os.utime(target)
        return target
    if is_video_name(path):
        img = frame_at(path, at or 0.0, min_side=size)
    else:
        img, _, _, _ = open_image(path, min_side=size)
    img.thumbnail((size, size), Image.Resampling.LANCZOS)
    with replacing(target) as tmp:  # a name of its own: two threads may make the same one
        img.save(tmp, "JPEG", quality=85)
    return target
