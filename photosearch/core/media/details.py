"""What the details pane shows about one photo beyond the catalog: camera, lens, exposure.

Read from the file's EXIF header on demand (Pillow parses it without decoding pixels),
so opening the pane costs one small read, never a decode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image, UnidentifiedImageError

from photosearch.core.errors import ImageError
from photosearch.core.media.metadata import EXIF_IFD, read_meta
from photosearch.core.media.videos import video_info
from photosearch.core.types import is_video_name

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
    title: str | None = None
    caption: str | None = None
    keywords: str | None = None
    rating: str | None = None
    """``★★★★☆``."""
    coordinates: str | None = None
    """``48.85840° N, 2.29450° E``."""
    place: str | None = None
    """``Paris, Île-de-France, France``: the town the coordinates are in (from the catalog)."""
    words: str | None = None
    """The words read in the photo (kept in the catalog, not in the file)."""
    people: str | None = None
    """Who is in it: ``Anna, Joe Biden and 1 face not named yet`` (from the catalog)."""


def read_details(path: str) -> PhotoDetails:
    """What the photo's header says: camera, exposure, title, keywords… (of a video: its
    format, camera and place); an unreadable file gives empty details."""
    if is_video_name(path):
        try:
            info, meta = video_info(path)
        except ImageError:
            log.info("no details for %s", path, exc_info=True)
            return PhotoDetails()
        return PhotoDetails(
            format=f"{info.codec.upper()} video",
            camera=meta.camera,
            coordinates=_coordinates(meta.latitude, meta.longitude),
        )
    try:
        with Image.open(path) as img:  # lazy: the header, never the pixels
            exif = img.getexif()
            meta = read_meta(img, exif)
            return PhotoDetails(
                format=img.format,
                camera=meta.camera,
                lens=meta.lens,
                exposure=_exposure(exif.get_ifd(EXIF_IFD)),
                title=meta.title,
                caption=meta.description,
                keywords=", ".join(meta.keywords) or None,
                rating=_stars(meta.rating),
                coordinates=_coordinates(meta.latitude, meta.longitude),
            )
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        log.info("no details for %s", path, exc_info=True)
        return PhotoDetails()


def _stars(rating: int | None) -> str | None:
    """``★★★★☆``; −1 is how photo managers mark a photo rejected."""
    if rating is None or rating == 0:
        return None
    return "rejected" if rating < 0 else "★" * rating + "☆" * (5 - rating)


def _coordinates(latitude: float | None, longitude: float | None) -> str | None:
    if latitude is None or longitude is None:
        return None
    north, east = "N" if latitude >= 0 else "S", "E" if longitude >= 0 else "W"
    return f"{abs(latitude):.5f}° {north}, {abs(longitude):.5f}° {east}"


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
