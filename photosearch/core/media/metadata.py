"""What a photo's file says about it: date taken, camera, lens, place, title, caption,
keywords and rating, from EXIF, XMP and IPTC.

Read from the image already opened for decoding (the header is parsed anyway), so
indexing learns it without a second read; ``read_meta_file`` reads only the header, for
libraries indexed before the catalog kept it. Every text is capped: an EXIF block of
megabytes is a broken file, not a caption.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, IptcImagePlugin, UnidentifiedImageError

log = logging.getLogger(__name__)

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
_DATETIME_ORIGINAL, _DATETIME = 0x9003, 0x0132
_MAKE, _MODEL = 0x010F, 0x0110
_LENS_MAKE, _LENS_MODEL = 0xA433, 0xA434
_DESCRIPTION, _USER_COMMENT = 0x010E, 0x9286
_RATING = 0x4746
_XP_TITLE, _XP_COMMENT, _XP_KEYWORDS, _XP_SUBJECT = 0x9C9B, 0x9C9C, 0x9C9E, 0x9C9F
_IPTC_TITLE, _IPTC_KEYWORDS, _IPTC_CAPTION = (2, 5), (2, 25), (2, 120)
MAX_TEXT = 2000
"""Characters kept of any one text field."""
MAX_KEYWORDS = 100


@dataclass(frozen=True, slots=True)
class PhotoMeta:
    """A photo's own description of itself; every field is None when the file is silent."""

    taken_at: float | None = None
    camera: str | None = None
    lens: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    title: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    rating: int | None = None


def clean_text(value: object) -> str | None:
    """A header value as one line of text (bytes decoded, NULs and runs of spaces gone)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    return " ".join(value.replace("\x00", " ").split())[:MAX_TEXT] or None


def camera_name(make: str | None, model: str | None) -> str | None:
    """ "Canon EOS 5D", not "Canon Canon EOS 5D" (many models repeat their make)."""
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(p for p in (make, model) if p) or None


def _taken_at(exif: Image.Exif, sub: dict[int, object]) -> float | None:
    raw = sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        return time.mktime(time.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S"))
    except (ValueError, OverflowError):
        return None


def _user_comment(value: object) -> str | None:
    """EXIF UserComment: an 8-byte character-set prefix, then the text."""
    if not isinstance(value, bytes):
        return clean_text(value)
    code, body = value[:8], value[8:]
    if code.startswith(b"UNICODE"):
        for encoding in ("utf-16-be", "utf-16-le"):
            try:
                return clean_text(body.decode(encoding))
            except UnicodeDecodeError:
                continue
        return None
    return clean_text(body)


def _xp(value: object) -> str | None:
    """Windows Explorer's tags (XPTitle, XPKeywords…): UTF-16LE bytes or a tuple of them."""
    if isinstance(value, tuple):
        value = bytes(value)
    if isinstance(value, bytes):
        return clean_text(value.decode("utf-16-le", "replace"))
    return clean_text(value)


def _degrees(value: object, ref: object) -> float | None:
    try:
        d, m, s = (float(part) for part in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if clean_text(ref) in ("S", "W"):
        degrees = -degrees
    return round(degrees, 6) if abs(degrees) <= 180 else None


def _xmp_values(node: object, wanted: str) -> Iterator[str]:
    """Every text under an XMP property named ``wanted`` (any namespace, Alt/Bag/Seq)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == wanted:
                yield from _leaves(value)
            else:
                yield from _xmp_values(value, wanted)
    elif isinstance(node, list):
        for item in node:
            yield from _xmp_values(item, wanted)


def _leaves(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in ("lang", "about", "parseType"):
                yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item)


def _iptc(img: Image.Image) -> dict[tuple[int, int], object]:
    try:
        return IptcImagePlugin.getiptcinfo(img) or {}  # type: ignore[arg-type, return-value]
    except (OSError, SyntaxError, ValueError, IndexError, TypeError):
        return {}


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def read_meta(img: Image.Image, exif: Image.Exif | None = None) -> PhotoMeta:
    """The metadata of an opened image (its header only: nothing is decoded). A broken
    tag never costs the photo: what cannot be read is left out (the date when it alone
    can be read)."""
    exif = exif if exif is not None else img.getexif()
    try:
        return _read_meta(img, exif)
    except Exception:  # any malformed header value, from any library
        log.info("unreadable metadata in %s", getattr(img, "filename", "?"), exc_info=True)
    try:
        return PhotoMeta(taken_at=_taken_at(exif, exif.get_ifd(EXIF_IFD)))
    except Exception:
        return PhotoMeta()


def _read_meta(img: Image.Image, exif: Image.Exif) -> PhotoMeta:
    sub = exif.get_ifd(EXIF_IFD)
    gps = exif.get_ifd(GPS_IFD)
    try:
        xmp = img.getxmp() if img.info.get("xmp") or "XML:com.adobe.xmp" in img.info else {}
    except Exception:
        log.info("unreadable XMP in %s", getattr(img, "filename", "?"), exc_info=True)
        xmp = {}
    iptc = _iptc(img)
    xmp_title = _first(*(clean_text(v) for v in _xmp_values(xmp, "title")))
    xmp_description = _first(*(clean_text(v) for v in _xmp_values(xmp, "description")))
    keywords = [
        *(_xmp_values(xmp, "subject")),
        *(_xmp_values(xmp, "hierarchicalSubject")),
        *(v for v in _as_list(iptc.get(_IPTC_KEYWORDS)) if v is not None),
        *((_xp(exif.get(_XP_KEYWORDS)) or "").split(";")),
    ]
    rating_text = _first(*(clean_text(v) for v in _xmp_values(xmp, "Rating")))
    rating = exif.get(_RATING)
    try:
        rating = int(float(rating_text)) if rating_text else rating
    except (ValueError, OverflowError):  # "abc", "1e999", "inf"
        rating = None
    return PhotoMeta(
        taken_at=_taken_at(exif, sub),
        camera=camera_name(clean_text(exif.get(_MAKE)), clean_text(exif.get(_MODEL))),
        lens=camera_name(clean_text(sub.get(_LENS_MAKE)), clean_text(sub.get(_LENS_MODEL))),
        latitude=_degrees(gps.get(2), gps.get(1)),
        longitude=_degrees(gps.get(4), gps.get(3)),
        title=_first(xmp_title, clean_text(iptc.get(_IPTC_TITLE)), _xp(exif.get(_XP_TITLE))),
        description=_first(
            xmp_description,
            clean_text(iptc.get(_IPTC_CAPTION)),
            clean_text(exif.get(_DESCRIPTION)),
            _user_comment(sub.get(_USER_COMMENT)),
            _xp(exif.get(_XP_COMMENT)) or _xp(exif.get(_XP_SUBJECT)),
        ),
        keywords=tuple(dict.fromkeys(k for word in keywords if (k := clean_text(word))))[
            :MAX_KEYWORDS
        ],
        rating=rating if isinstance(rating, int) and -1 <= rating <= 5 else None,
    )


def read_meta_file(path: str) -> PhotoMeta | None:
    """The metadata of a photo file, reading its header only: empty when the file is
    not a readable image, None when the file cannot be reached (gone, or its drive
    away), so that it is tried again later."""
    try:
        with Image.open(path) as img:
            return read_meta(img)
    except (UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        log.info("no metadata in %s", path, exc_info=True)
        return PhotoMeta()
    except OSError as exc:
        if exc.errno is None:  # Pillow's own "broken data" errors
            return PhotoMeta()
        log.info("cannot read %s now: %s", path, exc)
        return None
