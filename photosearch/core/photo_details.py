"""What the details pane shows about one photo beyond the catalog: camera, lens, exposure.

Read from the file's EXIF header on demand (Pillow parses it without decoding pixels),
so opening the pane costs one small read, never a decode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image, UnidentifiedImageError

from photosearch.core.photo_meta import EXIF_IFD, read_meta

log = logging.getLogger(__name__)

_EXPOSURE, _F_NUMBER, _ISO, _FOCAL = 0x829A, 0x829D, 0x8827, 0x920A


@dataclass(frozen=True, slots=True)
class PhotoDetails:
    """EXIF facts a person recognises; each is None when the file does not say."""

    format: str | None = None
    camera: str | None = None
    lens: str | None = None
    exposure: str | None = None
    """``1/250 s · f/2.8 · ISO 200 · 35 mm``."""


def read_details(path: str) -> PhotoDetails:
    """The photo's camera, lens and exposure; an unreadable file gives empty details."""
    try:
        with Image.open(path) as img:  # lazy: the header, never the pixels
            exif = img.getexif()
            meta = read_meta(img, exif)
            return PhotoDetails(
                format=img.format,
                camera=meta.camera,
                lens=meta.lens,
                exposure=_exposure(exif.get_ifd(EXIF_IFD)),
            )
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        log.info("no details for %s", path, exc_info=True)
        return PhotoDetails()


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number > 0 else None


def _exposure(sub: dict[int, object]) -> str | None:
    parts = []
    seconds = _number(sub.get(_EXPOSURE))
    if seconds:
        fraction = Fraction(seconds).limit_denominator(10)
        shown = f"1/{round(1 / seconds)}" if seconds < 1 else str(fraction)
        parts.append(f"{shown} s")
    f_number = _number(sub.get(_F_NUMBER))
    if f_number:
        parts.append(f"f/{f_number:g}")
    iso = sub.get(_ISO)
    if isinstance(iso, tuple):
        iso = iso[0] if iso else None
    if isinstance(iso, int) and iso > 0:
        parts.append(f"ISO {iso}")
    focal = _number(sub.get(_FOCAL))
    if focal:
        parts.append(f"{focal:g} mm")
    return " · ".join(parts) or None
