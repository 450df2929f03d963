from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.store.vectors import IndexParams, VectorStore
from tests.conftest import add_library, write_photos


def reopen(engine: Engine) -> Engine:
    engine.close()
    fresh = Engine.open(engine.paths)
    return fresh


def top(engine: Engine, text: str = "a photo") -> list[tuple[str, float]]:
    """The top hits and scores, the phrase encoded by the loaded model every time (a fresh
    engine would use the numpy text tower, whose float32 vector differs from int8's)."""
    engine.encoder()
    result = engine.search(text, limit=15)
    return [(h.path, round(h.score, 5)) for h in result.hits + result.weak]


def test_rebuild_after_deleting_the_index_gives_identical_results(
    plumbing_engine: Engine, tmp_path: Path
) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 40)
    plumbing_engine.update()
    before = top(plumbing_engine)
    store = plumbing_engine.vectors()
    path = store.path
    engine = reopen(plumbing_engine)
    path.unlink()
    assert top(engine) == before
    store = engine.vectors()
    assert store.ready.wait(60)
    assert len(store) == 40
    engine.close()
    assert path.exists()


def test_corrupt_index_file_is_rebuilt(plumbing_engine: Engine, tmp_path: Path) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 20)
    plumbing_engine.update()
    before = top(plumbing_engine)
    path = plumbing_engine.vectors().path
    engine = reopen(plumbing_engine)
    path.write_bytes(b"\0garbage" * 100)
    assert top(engine) == before
    assert len(engine.vectors()) == 20
    engine.close()


def test_stale_index_catches_up_with_the_catalog(plumbing_engine: Engine, tmp_path: Path) -> None:
    """An index saved before later commits (as after kill -9) is caught up, not trusted."""
    root = tmp_path / "pics"
    add_library(plumbing_engine, root, 10)
    plumbing_engine.update()
    store = plumbing_engine.vectors()
    saved = store.path.read_bytes(), store.meta_path.read_text()
    write_photos(root, 5, start=100)
    (root / "img_0000.jpg").unlink()
    plumbing_engine.update()
    engine = reopen(plumbing_engine)
    store.path.write_bytes(saved[0])
    store.meta_path.write_text(saved[1])
    assert json.loads(saved[1])["count"] == 10
    fresh = engine.vectors()
    assert len(fresh) == 14
    ids, _ = fresh.search(np.ones(fresh.dim, np.float32) / np.sqrt(fresh.dim), 100)
    assert sorted(ids.tolist()) == sorted(engine.catalog.embedding_ids(fresh.model_id).tolist())
    engine.close()


def test_exact_and_ann_agree_on_small_sets(plumbing_engine: Engine, tmp_path: Path) -> None:
    add_library(plumbing_engine, tmp_path / "pics", 60)
    plumbing_engine.update()
    store = plumbing_engine.vectors()
    q = plumbing_engine.encoder().encode_text("hello")
    ann_ids, ann_scores = store.search(q, 10)
    ex_ids, ex_scores = store.exact(q, 10, None)
    assert ann_ids.tolist() == ex_ids.tolist()
    np.testing.assert_allclose(ann_scores, ex_scores, atol=1e-5)


def test_a_new_search_beam_reuses_the_saved_index(
    plumbing_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """expansion_search is a search-time setting: the saved graph stays valid."""
    add_library(plumbing_engine, tmp_path / "pics", 12)
    plumbing_engine.update()
    store = plumbing_engine.vectors()
    engine = reopen(plumbing_engine)
    wider = VectorStore(
        store.path.parent,
        engine.catalog,
        store.model_id,
        store.dim,
        IndexParams(expansion_search=store.params.expansion_search * 2),
    )
    with caplog.at_level(logging.INFO, logger="photosearch.core.store.vectors"):
        caplog.clear()  # only what opening the wider store logs (the first index was built)
        wider.open()
    assert "rebuild" not in caplog.text and "building" not in caplog.text
    assert len(wider) == 12
    query = np.ones(store.dim, dtype=np.float32) / np.sqrt(store.dim)
    assert len(wider.search(query, 5)[0]) == 5
    assert wider._index is not None
    assert wider._index.expansion_search == store.params.expansion_search * 2
    engine.close()


def test_the_beam_widens_for_a_large_index(plumbing_engine: Engine, tmp_path: Path) -> None:
    """Recall at a fixed beam falls as the index grows; past ``large_index`` vectors
    searches use the wider beam, on the same saved graph."""
    add_library(plumbing_engine, tmp_path / "pics", 12)
    plumbing_engine.update()
    store = plumbing_engine.vectors()
    query = np.ones(store.dim, dtype=np.float32) / np.sqrt(store.dim)
    exact_ids, _ = store.exact(query, 5, None)
    for large_index, beam in ((100, store.params.expansion_search), (10, 4096)):
        params = IndexParams(expansion_search_large=4096, large_index=large_index)
        sized = VectorStore(
            store.path.parent, plumbing_engine.catalog, store.model_id, store.dim, params
        )
        sized.open()
        ids, _ = sized.search(query, 5)
        assert sized._index is not None and sized._index.expansion_search == beam
        assert ids.tolist() == exact_ids.tolist()
