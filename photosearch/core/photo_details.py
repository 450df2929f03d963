"""What the details pane shows about one photo beyond the catalog: camera, lens, exposure.

Read from the file's EXIF header on demand (Pillow parses it without decoding pixels),
so opening the pane costs one small read, never a decode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image, UnidentifiedImageError

from photosearch.core.images import EXIF_IFD

log = logging.getLogger(__name__)

_MAKE, _MODEL = 0x010F, 0x0110
_EXPOSURE, _F_NUMBER, _ISO, _FOCAL = 0x829A, 0x829D, 0x8827, 0x920A
_LENS_MAKE, _LENS_MODEL = 0xA433, 0xA434


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
            sub = exif.get_ifd(EXIF_IFD)
            return PhotoDetails(
                format=img.format,
                camera=_camera(_text(exif.get(_MAKE)), _text(exif.get(_MODEL))),
                lens=_camera(_text(sub.get(_LENS_MAKE)), _text(sub.get(_LENS_MODEL))),
                exposure=_exposure(sub),
            )
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        log.info("no details for %s", path, exc_info=True)
        return PhotoDetails()


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    return " ".join(value.strip("\x00 ").split()) or None


def _camera(make: str | None, model: str | None) -> str | None:
    """ "Canon EOS 5D", not "Canon Canon EOS 5D" (many models repeat their make)."""
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(p for p in (make, model) if p) or None


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
