"""The search language: ``beach + 2*sunset - people in:Holidays after:2021-06 type:jpg``.

Terms are joined by ``+`` and ``-`` (a ``-`` only counts as an operator at the start or
after a space, so ``t-shirt`` stays one word), carry an optional weight (``2*beach``), and
may be quoted. Filters are ``key:value`` words; values may be quoted (``in:"My Trips"``).
``in:`` with a full path means that folder and the folders below it (the sidebar writes
that); ``sort:date|oldest|name|relevance`` orders the results. ``text:``, ``name:``,
``camera:``, ``tag:`` and ``place:`` look for words in one place: read in the photo, its
file name, its camera and lens, its keywords, the town, region or country it was taken
in (``place:"New York"``); ``person:Anna`` photos with someone in them (``person:#7``
for someone not named yet; several ``person:`` all of them together).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field, replace

from photosearch.core.errors import QueryError
from photosearch.core.types import PHOTO_EXTENSIONS, VIDEO_EXTENSIONS, Crop, Filters, ImageQuery

WORD_FILTERS = ("text", "name", "camera", "tag", "place", "person")
"""Filters that look for words in one place of the photo (``store/fulltext.py``)."""
FILTER_KEYS = ("in", "after", "before", "on", "day", "type", "min", "sort", *WORD_FILTERS)
_FILTER = re.compile(rf'(?<!\S)({"|".join(FILTER_KEYS)}):(?:"([^"]*)"|(\S*))', re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*\*\s*(.*)$", re.DOTALL)
_TYPE_ALIASES = {
    "jpg": ("jpg", "jpeg", "jpe"),
    "jpeg": ("jpg", "jpeg", "jpe"),
    "tif": ("tif", "tiff"),
    "tiff": ("tif", "tiff"),
    "heic": ("heic", "heif"),
    "heif": ("heic", "heif"),
    **dict.fromkeys(("photo", "photos", "image", "images"), tuple(sorted(PHOTO_EXTENSIONS))),
    **dict.fromkeys(("video", "videos", "clip", "clips"), tuple(sorted(VIDEO_EXTENSIONS))),
}


@dataclass(frozen=True, slots=True)
class Term:
    """Words or an image, with a signed weight (negative: "less like this")."""

    weight: float
    text: str | None = None
    image: str | None = None
    crop: Crop | None = None
    """Only this region of ``image``."""
    mark: int = 0
    """+1 or −1 for an image marked 👍 or 👎 on a result; 0 for what the user asked."""
    at: float | None = None
    """Of a clip: the moment this many seconds in."""


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...] = ()
    filters: Filters = field(default_factory=Filters)

    def with_image(
        self,
        path: str,
        weight: float = 1.0,
        crop: Crop | None = None,
        mark: int = 0,
        at: float | None = None,
    ) -> Query:
        term = Term(weight, image=path, crop=crop, mark=mark, at=at)
        return replace(self, terms=(*self.terms, term))

    @property
    def has_negative(self) -> bool:
        """Whether the user asked for "less like" (a 👎 on a result is only a mark)."""
        return any(t.weight < 0 and not t.mark for t in self.terms)

    @property
    def marks(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.mark)


def parse_date(value: str, key: str) -> float:
    """Local-time epoch seconds of the start of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return time.mktime(time.strptime(value, fmt))
        except (ValueError, OverflowError):
            continue
    raise QueryError(f"Cannot read the date in {key}:{value} — use YYYY, YYYY-MM or YYYY-MM-DD.")


def date_span(value: str, key: str) -> tuple[float, float]:
    """The start of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and the start of the next one
    (local time): ``on:2023-06-14`` is that whole day."""
    start = parse_date(value, key)
    parts = time.localtime(start)
    year, month, day = parts.tm_year, parts.tm_mon, parts.tm_mday
    places = value.count("-")
    if places == 2:
        day += 1
    elif places == 1:
        month += 1
    else:
        year += 1
    try:
        return start, time.mktime((year, month, day, 0, 0, 0, 0, 0, -1))
    except (OverflowError, ValueError):  # past what this system's clock can count
        raise QueryError(f"{key}:{value} is a date this computer cannot count to.") from None


def _filters(found: list[tuple[str, str]]) -> Filters:
    folders: list[str] = []
    types: list[str] = []
    words: list[tuple[str, str]] = []
    after = before = min_score = None
    sort: str | None = None
    day: str | None = None
    for key, value in found:
        if not value:
            raise QueryError(f"The filter {key}: needs a value, e.g. {key}:{_EXAMPLES[key]}.")
        if key == "in":
            folders.append(value)
        elif key == "after":
            after = parse_date(value, key)
        elif key == "before":
            before = parse_date(value, key)
        elif key == "on":
            after, before = date_span(value, key)
        elif key == "day":
            day = _day(value)
        elif key == "type":
            for ext in value.lower().replace(";", ",").split(","):
                ext = ext.strip().lstrip(".")
                if ext:
                    types.extend(_TYPE_ALIASES.get(ext, (ext,)))
        elif key == "sort":
            sort = _sort(value)
        elif key in WORD_FILTERS:
            words.append((key, value))
        else:
            try:
                min_score = float(value)
            except ValueError:
                raise QueryError(f"min:{value} is not a number (try min:0.25).") from None
    return Filters(
        tuple(folders),
        after,
        before,
        tuple(dict.fromkeys(types)),
        min_score,
        sort,
        tuple(words),
        day,
    )


def _day(value: str) -> str:
    """``MM-DD`` checked (February 29th is a day too), as the catalog compares it."""
    try:
        moment = time.strptime(f"2000-{value.strip()}", "%Y-%m-%d")  # 2000: a leap year
    except ValueError:
        raise QueryError(
            f"day:{value} is not a day of the year — use MM-DD, e.g. day:12-25."
        ) from None
    return f"{moment.tm_mon:02d}-{moment.tm_mday:02d}"


SORTS = ("relevance", "date", "oldest", "name")
"""How results can be ordered; ``date`` is newest first."""


def _sort(value: str) -> str | None:
    aliases = {"newest": "date", "date-desc": "date", "date-asc": "oldest", "best": "relevance"}
    order = aliases.get(value.lower(), value.lower())
    if order not in SORTS:
        raise QueryError(f"sort:{value} is not an order — use sort:{', sort:'.join(SORTS)}.")
    return None if order == "relevance" else order


_EXAMPLES = {
    "in": "Holidays",
    "after": "2021-06",
    "before": "2022",
    "type": "jpg",
    "min": "0.25",
    "sort": "date",
    "text": '"total due"',
    "name": "IMG_2041",
    "camera": "fujifilm",
    "tag": "family",
    "place": '"New York"',
    "person": '"Anna Lee"',
    "on": "2023-06-14",
    "day": "12-25",
}


def _split_terms(text: str) -> list[tuple[int, str]]:
    """Split on top-level ``+``/``-`` operators, honouring quotes; returns (sign, chunk)."""
    chunks: list[tuple[int, str]] = []
    sign, buf, quoted = 1, [], False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif not quoted and (
            ch == "+" or (ch == "-" and (i == 0 or text[i - 1].isspace() or text[i - 1] in "+-"))
        ):
            chunks.append((sign, "".join(buf)))
            sign, buf = (1 if ch == "+" else -1), []
        else:
            buf.append(ch)
    if quoted:
        raise QueryError("A quote is not closed.")
    chunks.append((sign, "".join(buf)))
    return chunks


def filter_values(text: str, key: str) -> list[str]:
    """The values of every ``key:`` filter typed in ``text`` (quotes removed)."""
    return [
        m.group(2) if m.group(2) is not None else m.group(3)
        for m in _FILTER.finditer(text)
        if m.group(1).lower() == key
    ]


def filter_tokens(text: str) -> list[str]:
    """Every filter typed in ``text`` as written (``after:2021``, ``in:"My Trips"``)."""
    return [m.group(0) for m in _FILTER.finditer(text)]


def without_token(text: str, token: str) -> str:
    """``text`` with one filter, as :func:`filter_tokens` gave it, taken out."""
    start = text.find(token)
    if start < 0:
        return text
    return " ".join((text[:start] + text[start + len(token) :]).split())


def with_filter(text: str, key: str, value: str | None) -> str:
    """``text`` with its ``key:`` filters replaced by ``key:value`` (none when None)."""
    rest = " ".join(
        _FILTER.sub(lambda m: " " if m.group(1).lower() == key else m.group(0), text).split()
    )
    if not value:
        return rest
    quoted = f'"{value}"' if any(c.isspace() for c in value) else value
    return f"{rest} {key}:{quoted}".strip()


def parse(text: str) -> Query:
    """Parse what the user typed into terms and filters."""
    found = [
        (m.group(1).lower(), m.group(2) if m.group(2) is not None else m.group(3))
        for m in _FILTER.finditer(text)
    ]
    rest = _FILTER.sub(" ", text)
    terms: list[Term] = []
    for sign, chunk in _split_terms(rest):
        weight = 1.0
        m = _WEIGHT.match(chunk)
        if m:
            weight, chunk = float(m.group(1)), m.group(2)
        words = " ".join(chunk.replace('"', " ").split())
        if words:
            terms.append(Term(sign * weight, text=words))
        elif m:
            raise QueryError(f"The weight {m.group(1)}* has no words after it.")
    return Query(tuple(terms), _filters(found))


def compose(text: str, images: tuple[str | ImageQuery, ...] = ()) -> Query:
    """What was typed, parsed, plus the query images and marks (paths made absolute)."""
    query = parse(text)
    for image in images:
        wanted = image if isinstance(image, ImageQuery) else ImageQuery(image)
        query = query.with_image(
            os.path.abspath(wanted.path), wanted.weight, wanted.crop, wanted.mark, wanted.at
        )
    return query
