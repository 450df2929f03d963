"""*On this day*: its filter, and each year's header in words ("3 years ago · Lisbon")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from photosearch.core.types import Hit, Place
from photosearch.ui.results import month_key


def this_day_filter(today: date | None = None) -> str:
    """``day:12-03 before:2026``: today's date in the years before this one."""
    today = today or date.today()
    return f"day:{today:%m-%d} before:{today.year}"


def moment_titles(
    hits: Sequence[Hit], places: Mapping[int, Place], today: date | None = None
) -> dict[str, str]:
    """Each year's header (keyed like the month headers): how long ago, and the towns
    most of its photos were taken in — "3 years ago · Lisbon and Sintra"."""
    today = today or date.today()
    towns: dict[str, Counter[str]] = {}
    for hit in hits:
        found = towns.setdefault(month_key(hit), Counter())
        place = places.get(hit.photo.id)
        if place is not None:
            found[place.city or place.country] += 1
    titles = {}
    for key, found in towns.items():
        years = today.year - int(key[:4])
        when = "1 year ago" if years == 1 else f"{years} years ago" if years > 1 else key[:4]
        names = [name for name, _ in found.most_common()]
        if len(names) > 2:
            others = len(names) - 1
            where = f"{names[0]} and {others} other place{'s' if others != 1 else ''}"
        else:
            where = " and ".join(names)
        titles[key] = f"{when} · {where}" if where else when
    return titles
