"""👍 and 👎 are marks, never query images: an album from a single 👍 holds only photos
like it, a reopened album gives its marks back as marks, and a 👎 keeps the search's
cut-off and the marked photo in sight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.search.feedback import marked_images, marks_of
from photosearch.core.settings import AppPaths
from photosearch.synthetic import write_library

TOTAL = 120


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One indexed library for the module (indexing it is most of the time)."""
    root = tmp_path_factory.mktemp("marks")
    write_library(root / "shapes", TOTAL, seed=21)
    engine = Engine.open(AppPaths.resolve(root / "home"))
    engine.use_model(models.DEMO_KEY)
    engine.set_device("cpu", save=False)
    engine.library.add_folder(root / "shapes")
    engine.update()
    yield engine
    engine.close()


def test_an_album_from_one_like_holds_only_photos_like_it(shapes: Engine) -> None:
    liked = next(h.path for h in shapes.search("a red circle", limit=5).hits)
    album = shapes.albums.save("Like this", "", tuple(marked_images({liked: 1})))
    assert "min:" in album.text  # learned from the mark, where the user sees it
    photos = shapes.albums.photos(album).hits
    assert liked in [h.path for h in photos]
    assert len(photos) < TOTAL // 4, len(photos)  # not the whole library
    assert sum("red" in Path(h.path).name for h in photos) >= len(photos) * 0.6
    reopened = shapes.albums.named("Like this")
    own, marks = marks_of(reopened.images)
    assert own == [] and marks == {liked: 1}  # a mark, never a "Photo:" chip


def test_a_dislike_keeps_the_cut_off_and_the_photo_in_sight(shapes: Engine) -> None:
    before = shapes.search("a red circle", limit=TOTAL).hits
    disliked = before[0].path
    after = shapes.search("a red circle", tuple(marked_images({disliked: -1})), limit=TOTAL)
    assert len(after.hits) <= len(before) + 2 < TOTAL // 2  # never "every photo matches"
    assert after.hits[-1].path == disliked  # last, in sight, to take the mark back
    assert [h.path for h in after.hits].count(disliked) == 1
