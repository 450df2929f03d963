"""What the window says when it has nothing else to show, case by case, without a window:
the status bar between jobs and the empty page's next step."""

from __future__ import annotations

from dataclasses import replace

from photosearch.core.model import models
from photosearch.ui.library_state import LibraryFacts, next_step, state_text

READY = LibraryFacts(
    model_state="ready",
    model_message="ViT-B-32/laion2b_s34b_b79k",
    storage_problem=None,
    folders=2,
    photos=1234,
    videos=1,
    indexing=False,
    asking=False,
)


def test_the_status_bar_says_the_library_and_the_model_as_they_are() -> None:
    assert state_text(READY) == (
        "Up to date — 1,233 photos and 1 video · model ViT-B-32/laion2b_s34b_b79k"
    )
    demo = replace(READY, model_message=models.DEMO_KEY)
    assert "it only knows coloured shapes" in state_text(demo)
    assert "searching by words works already" in state_text(replace(READY, model_state="text"))
    assert state_text(replace(READY, model_state="missing")).startswith("No model yet")
    full = replace(READY, storage_problem="the disk is full")
    assert state_text(full) == "Indexing waits: the disk is full — searching still works"


def test_the_empty_page_offers_the_one_step_that_helps() -> None:
    steps = {
        "model": replace(READY, model_state="missing"),
        "folders": replace(READY, folders=0),
        "browse": READY,
    }
    for action, facts in steps.items():
        step = next_step(facts)
        assert step is not None and step.action == action and step.button
    no_photos = next_step(replace(READY, photos=0, videos=0))
    assert no_photos is not None and no_photos.action == "folders"
    assert "No photos found yet" in no_photos.text
    indexing = next_step(replace(READY, indexing=True))
    assert indexing is not None and indexing.action is None and "Indexing" in indexing.text
    broken = next_step(replace(READY, model_state="error", model_message="<bad> file"))
    assert broken is not None and "&lt;bad&gt; file" in broken.text  # shown, never as markup
    assert next_step(replace(READY, asking=True)) is None  # the search's results will show


def test_the_library_state_takes_the_engines_counts_and_says_when_a_search_can_run() -> None:
    from photosearch.ui.library_state import LibraryState

    state = LibraryState()
    assert not state.can_search(by_photos=False)  # the model is still loading
    state.model_state = "text"
    assert state.can_search(by_photos=False) and not state.can_search(by_photos=True)
    state.model_state = "ready"
    assert state.can_search(by_photos=True)
    state.take_counts({"photos": 1240, "errors": 6, "videos": 3, "answering": "old-model"})
    assert (state.photos, state.videos) == (1234, 3)
    assert state.stand_in_note("new-model") == " · searches use old-model until new-model is done"
    assert state.stand_in_note("old-model") == ""
    facts = state.facts(indexing=True, asking=False)
    assert (facts.photos, facts.folders, facts.indexing) == (1234, 0, True)
    from photosearch.core.types import Folder

    state.folders = [
        Folder(1, "/a", True, True, False, unreadable=(("/a/locked", "permission denied"),)),
        Folder(2, "/b", True, True, False),
    ]
    assert state.unreadable() == {"/a/locked"}
    assert state.facts(indexing=False, asking=True).folders == 2
