"""What the results header and an empty grid say, worked out without a window."""

from __future__ import annotations

import os

from photosearch.core.search.searcher import SearchResult
from photosearch.core.types import Hit, Person, Photo, SavedSearch
from photosearch.ui.grid_wording import SEARCH_LIMIT, GridAsk, badges, found_summary, nothing_found
from photosearch.ui.moments import this_day_filter
from photosearch.ui.search_session import SearchSession
from photosearch.ui.sidebar import Entry


def hit(n: int, score: float | None = 0.3, words: bool = False) -> Hit:
    return Hit(Photo(n, f"/p/{n}.jpg", 1, 0, None, None, None), score, words)


def test_the_title_names_what_the_sidebar_chose_while_its_filter_is_the_search() -> None:
    session = SearchSession()
    anna = Person(7, "Anna", 3, 2)
    assert GridAsk(None, "", session).title() == ""
    assert GridAsk(None, "dog", session).title() == "Search results"
    assert GridAsk(None, "", session, duplicates=True).title() == "Duplicates"
    day = Entry("day")
    assert GridAsk(day, this_day_filter(), session).title() == "On this day"
    assert GridAsk(day, this_day_filter() + " dog", session).title() == "Search results"
    person = Entry("person", "person:#7", person=anna)
    assert GridAsk(person, "person:#7", session).title() == "Anna"
    unnamed = Entry("person", "person:#8", person=Person(8, None, 3, 3))
    assert GridAsk(unnamed, "person:#8", session).title() == "Not named yet"
    place = Entry("place", 'place:"Lisbon, Portugal"')
    assert GridAsk(place, 'place:"Lisbon, Portugal"', session).title() == "Lisbon, Portugal"
    assert GridAsk(place, 'place:"Lisbon, Portugal" tram', session).place() is None
    album = Entry("saved", saved=SavedSearch(3, "Beach days", "beach"))
    assert GridAsk(album, "beach", session).title() == "Beach days"


def test_a_folder_titles_its_listing_and_the_searches_inside_it() -> None:
    session = SearchSession()
    session.browse(os.path.join(os.sep, "photos", "Holidays"))
    assert GridAsk(None, "", session).title() == "Holidays"
    session.scope = os.path.join(os.sep, "photos", "Holidays")
    assert GridAsk(None, "beach", session).title() == "Search in Holidays"
    session.browse(None)
    assert GridAsk(None, "", session).title() == "All photos"


def test_the_summary_counts_a_listing_in_all_and_a_search_cut_at_its_limit() -> None:
    listing = SearchResult([hit(n, None) for n in range(3)], [], None, browse=True)
    assert found_summary(listing, 0.08) == "3 photos · 0.08 s"
    by_month = SearchResult([hit(1, None)], [], None, browse=True, months={"2024-05": 1200})
    assert found_summary(by_month, 0.1) == "1,200 photos · 0.10 s"
    page = SearchResult([hit(n, None) for n in range(SEARCH_LIMIT)], [], None, browse=True)
    assert found_summary(page, 0.1).startswith(f"{SEARCH_LIMIT} photos+")
    search = SearchResult([hit(n) for n in range(SEARCH_LIMIT)], [], 0.2)
    assert found_summary(search, 0.12) == f"{SEARCH_LIMIT} best matches · 0.12 s"
    assert found_summary(SearchResult([hit(1)], [], 0.2), 0.1) == "1 match · 0.10 s"


def test_an_empty_result_says_why_and_weak_matches_are_shown_instead() -> None:
    session = SearchSession()
    empty_listing = SearchResult([], [], None, browse=True)
    message, summary = nothing_found(
        empty_listing, GridAsk(Entry("day"), this_day_filter(), session)
    )
    assert "Nothing from" in message and summary == "No photos"
    message, _ = nothing_found(empty_listing, GridAsk(None, "after:2030", session))
    assert "No photos match these filters" in message
    message, _ = nothing_found(empty_listing, GridAsk(None, "", session))
    assert "No photos here yet" in message
    weak = SearchResult([], [hit(1, 0.1)], 0.2)
    assert nothing_found(weak, GridAsk(None, "dog", session)) == (
        "",
        "No good match — these are the closest weak matches",
    )
    message, summary = nothing_found(SearchResult([], [], 0.2), GridAsk(None, "dog", session))
    assert "No good match" in message and summary == "No good match"


def test_badges_say_why_a_photo_is_there() -> None:
    result = SearchResult([hit(1, 0.1, words=True), hit(2, 0.3, words=True), hit(9)], [], 0.2)
    marks = {"/p/9.jpg": "▲ more"}
    assert badges(result, seen=5, marks=marks) == {
        "/p/1.jpg": "words",  # below the cut-off: the model alone would not show it
        "/p/9.jpg": "▲ more",  # new since the album was opened, but the mark says more
    }
    assert badges(result, seen=None, marks={}) == {"/p/1.jpg": "words"}
