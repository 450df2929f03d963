"""The search's own state, without a window: photos searched by, marks, the folder a
search stays in, and what the engine is asked."""

from __future__ import annotations

import os

from photosearch.core.types import ImageQuery, SavedSearch
from photosearch.ui.search_session import SearchSession, filters_only


def test_photos_searched_by_keep_their_region_and_moment_and_leave_together() -> None:
    session = SearchSession()
    assert session.add_image("/p/a.jpg") and not session.add_image("/p/a.jpg")
    session.crops["/p/a.jpg"] = (0.1, 0.2, 0.5, 0.5)
    assert session.add_image("/p/clip.mp4")
    session.moments["/p/clip.mp4"] = 12.5
    queries = session.image_queries()
    assert [(q.path, q.crop, q.at) for q in queries] == [
        ("/p/a.jpg", (0.1, 0.2, 0.5, 0.5), None),
        ("/p/clip.mp4", None, 12.5),
    ]
    session.remove_image("/p/a.jpg")
    assert session.images == ["/p/clip.mp4"] and session.crops == {}
    session.mark(["/p/x.jpg"], 1)
    session.clear_images()
    assert (session.images, session.moments, session.marks) == ([], {}, {})


def test_marks_steer_a_search_and_a_second_mark_takes_one_back() -> None:
    session = SearchSession()
    assert not session.can_mark("")  # nothing to steer yet
    assert session.can_mark("beach")
    session.mark(["/p/a.jpg", "/p/b.jpg"], 1)
    session.mark(["/p/c.jpg"], -1)
    session.mark(["/p/a.jpg"], 1)  # the same mark again: taken back
    assert session.marks == {"/p/b.jpg": 1, "/p/c.jpg": -1}
    assert session.can_mark("")  # marks alone are a search
    assert session.mark_badges() == {"/p/b.jpg": "▲ more", "/p/c.jpg": "▼ less"}
    weights = {q.path: (q.mark, q.weight) for q in session.image_queries()}
    assert weights["/p/b.jpg"][0] == 1 and weights["/p/b.jpg"][1] > 0
    assert weights["/p/c.jpg"][0] == -1 and weights["/p/c.jpg"][1] < 0


def test_a_folder_listing_and_a_search_inside_it() -> None:
    session = SearchSession()
    assert not session.asks("")
    folder = os.path.join(os.sep, "photos", "Trips 2019")
    session.browse(folder)
    assert session.asks("") and session.lists("")
    assert not session.lists("beach") and session.lists("after:2019 type:jpg")
    assert session.full_text("beach", "date") == f'beach in:"{folder}" sort:date'
    assert session.full_text("beach sort:name", "date") == f'beach sort:name in:"{folder}"'
    assert session.to_keep("beach")[0] == f'beach in:"{folder}"'
    assert session.inside(os.path.join(os.sep, "photos")) and session.inside(folder)
    assert not session.inside(os.path.join(os.sep, "photos", "Trips"))  # a name's prefix
    session.add_image("/p/a.jpg")
    assert not session.lists("")  # a photo searched by ranks by likeness
    session.everywhere()
    assert session.scope is None and not session.browsing


def test_an_album_brings_its_photos_marks_and_what_was_new() -> None:
    session = SearchSession()
    session.browse("/photos")
    session.add_image("/p/old.jpg")
    images = (
        ImageQuery("/p/a.jpg", (0.0, 0.0, 0.5, 0.5)),
        ImageQuery("/p/liked.jpg", weight=1.0, mark=1),
    )
    album = SavedSearch(3, "Beach", "beach", images)
    assert session.open_album(album) == ["/p/a.jpg"]
    assert session.scope is None and session.marks == {"/p/liked.jpg": 1}
    assert session.crops == {"/p/a.jpg": (0.0, 0.0, 0.5, 0.5)}
    assert session.new_since(3) is None
    session.album_seen = (3, 120)
    assert session.new_since(3) == 120 and session.new_since(4) is None


def test_filters_alone_are_a_listing() -> None:
    assert filters_only('place:"Lisbon, Portugal"') and filters_only("day:12-03 before:2026")
    assert not filters_only("") and not filters_only("dog after:2020")
    assert not filters_only('a "broken')  # unparseable: a search, which says why
