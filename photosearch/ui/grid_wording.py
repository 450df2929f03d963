"""What the results header says the grid shows, and what the grid says when a search or a
listing comes back: worked out from the sidebar's choice, the search field's words, the
search session and the result, so these rules are tested without a window."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from photosearch.core.search.query import filter_values
from photosearch.core.search.searcher import SearchResult
from photosearch.core.types import Hit, Person
from photosearch.core.wording import count
from photosearch.ui.moments import this_day_filter
from photosearch.ui.search_session import SearchSession
from photosearch.ui.sidebar import Entry
from photosearch.ui.wording import shown

SEARCH_LIMIT = 500
"""Best matches per search, and photos per page of a listing (more come on scrolling)."""


@dataclass(frozen=True, slots=True)
class GridAsk:
    """What the grid was asked to show: the sidebar's choice, the words typed, the search
    session (scope, photos searched by) and whether duplicates are shown."""

    entry: Entry | None
    text: str
    session: SearchSession
    duplicates: bool = False

    def this_day(self) -> bool:
        """*On this day* (chosen in the sidebar, its filter as it wrote it)."""
        return (
            self.entry is not None and self.entry.kind == "day" and self.text == this_day_filter()
        )

    def place(self) -> str | None:
        """The place listed (chosen in the sidebar, its filter as it wrote it):
        "Portugal", "Lisbon, Portugal"."""
        if self.entry is None or self.entry.kind != "place" or self.text != self.entry.path:
            return None
        return filter_values(self.entry.path, "place")[0]

    def person(self) -> Person | None:
        """Whom the grid lists (chosen in the sidebar, their filter as it wrote it)."""
        if self.entry is None or self.entry.person is None or self.text != self.entry.path:
            return None
        return self.entry.person

    def searching(self) -> bool:
        """Words typed or photos searched by: a search, not a listing."""
        return bool(self.text or self.session.images)

    def title(self) -> str:
        """The folder, the album, the person, the place or the search."""
        scope = self.session.scope
        if self.entry is not None and self.entry.saved is not None:
            title = self.entry.saved.name
        elif scope:
            title = shown(os.path.basename(scope.rstrip(os.sep)) or scope)
        elif self.session.browsing:
            title = "All photos"
        elif self.duplicates:
            title = "Duplicates"
        elif self.this_day():
            title = "On this day"
        elif (person := self.person()) is not None:
            title = person.name or "Not named yet"
        elif (place := self.place()) is not None:
            title = place
        elif self.searching():
            title = "Search results"
        else:
            title = ""
        return f"Search in {title}" if scope and self.searching() else title


def found_summary(result: SearchResult, seconds: float) -> str:
    """The header's count for a result with photos: "1,204 photos · 0.08 s" for a listing,
    "500 best matches · 0.12 s" for a search cut at its limit."""
    hits = result.hits
    if result.browse:
        complete = len(hits) < SEARCH_LIMIT
        total = sum(result.months.values()) if result.months else len(hits)
        more = "" if result.months or complete else "+"
        return f"{count(total, 'photo')}{more} · {seconds:.2f} s"
    best = "best " if len(hits) >= SEARCH_LIMIT else ""
    return f"{count(len(hits), best + 'match', best + 'matches')} · {seconds:.2f} s"


def nothing_found(result: SearchResult, ask: GridAsk) -> tuple[str, str]:
    """For a result without photos: what the empty grid says (rich text; empty where weak
    matches are shown instead) and the header's summary."""
    if result.browse:
        if ask.this_day():
            today = date.today()
            return (
                f"<h3>Nothing from {today:%B} {today.day} yet</h3><p>Photos taken on this "
                "date in earlier years appear here, each year under its own heading.</p>",
                "No photos",
            )
        if ask.text:
            return "<h3>No photos match these filters</h3><p>Try a wider range.</p>", "No photos"
        return "<h3>No photos here yet</h3><p>They appear as they are indexed.</p>", "No photos"
    if result.weak:
        return "", "No good match — these are the closest weak matches"
    return "<h3>No good match</h3><p>Try other words, or fewer filters.</p>", "No good match"


def badges(result: SearchResult, seen: int | None, marks: dict[str, str]) -> dict[str, str]:
    """The word on each photo that says why it is there: found by its words though the
    model alone would not show it, new in an album since it was last opened, or marked."""
    return (
        {h.path: "words" for h in result.hits if h.words and _below(h, result.cutoff)}
        | {h.path: "new" for h in result.hits if seen is not None and h.photo.id > seen}
        | marks
    )


def _below(hit: Hit, cutoff: float | None) -> bool:
    return cutoff is not None and (hit.score is None or hit.score < cutoff)
