"""The code scan: exact top-k with float32 scores, kept in step through adds and removals."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from photosearch.core.store import code_scan
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.code_scan import CodeScan
from photosearch.core.store.scan_graph import scan_model
from photosearch.core.store.vectors import IndexParams, VectorStore
from tests.conftest import add_library

DIM = 64


def unit(rng: np.random.Generator, count: int) -> np.ndarray:
    v = rng.normal(size=(count, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def exact_top(live: dict[int, np.ndarray], query: np.ndarray, k: int) -> list[int]:
    ids = np.array(sorted(live), dtype=np.int64)
    scores = np.stack([live[i] for i in ids]) @ query
    return ids[np.argsort(-scores, kind="stable")[:k]].tolist()


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Segments and fresh rows a few dozen long, so a few hundred vectors go through
    every state: sessions made again, segments filled and compacted. Counts sessions."""
    monkeypatch.setattr(code_scan, "SEGMENT", 96)
    monkeypatch.setattr(code_scan, "FRESH_MAX", 16)
    seen = {"sessions": 0}
    make = code_scan.scan_model

    def counted_make(*args: object) -> bytes:
        seen["sessions"] += 1
        return make(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(code_scan, "scan_model", counted_make)
    return seen


def test_random_adds_replacements_and_removals_keep_the_copy_exact(
    small_segments: dict[str, int],
) -> None:
    rng = np.random.default_rng(11)
    first = unit(rng, 500)
    live = {i: first[i] for i in range(500)}
    copy = CodeScan(np.arange(500), first)
    next_id = 500
    for step in range(60):
        action = step % 3
        if action == 0:  # new photos
            vectors = unit(rng, 7)
            ids = np.arange(next_id, next_id + 7)
            next_id += 7
        elif action == 1:  # re-encoded photos: same ids, new vectors
            ids = rng.choice(sorted(live), size=5, replace=False)
            vectors = unit(rng, 5)
        else:  # removed photos, some of them only just added
            gone = rng.choice(sorted(live)[:200], size=12, replace=False)
            copy.drop(gone)
            for i in gone.tolist():
                del live[i]
            ids = None
        if ids is not None:
            copy.add(ids, vectors)
            live.update(zip(ids.tolist(), vectors, strict=True))
        if step % 4 == 3:
            query = unit(rng, 1)[0]
            found, scores = copy.search(query, 10, lambda i: np.stack([live[x] for x in i]))
            assert found.tolist() == exact_top(live, query, 10)
            np.testing.assert_allclose(
                scores, np.stack([live[i] for i in found]) @ query, atol=1e-6
            )
    assert len(copy) == len(live)
    assert small_segments["sessions"] > 8


def test_a_small_copy_and_an_empty_one() -> None:
    rng = np.random.default_rng(3)
    vectors = unit(rng, 3)
    copy = CodeScan(np.array([7, 8, 9]), vectors)
    found, _ = copy.search(vectors[1], 50, lambda i: vectors[np.asarray(i) - 7])
    assert found.tolist()[0] == 8 and sorted(found.tolist()) == [7, 8, 9]
    copy.drop(np.array([7, 8, 9]))
    assert len(copy.search(vectors[0], 5, lambda i: vectors)[0]) == 0


@pytest.mark.parametrize("copy_wins", [True, False])
def test_the_store_keeps_the_faster_method_and_stays_exact(
    plumbing_engine: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    copy_wins: bool,
) -> None:
    """The race decides (faked here: two timings on a tiny set say nothing); either way
    results are the catalog's exact ones, through later additions and removals too."""
    engine = plumbing_engine
    add_library(engine, tmp_path / "pics", 30)  # type: ignore[arg-type]
    engine.update()  # type: ignore[attr-defined]
    built = engine.vectors()  # type: ignore[attr-defined]
    catalog: Catalog = engine.catalog  # type: ignore[attr-defined]
    monkeypatch.setattr(VectorStore, "_race", lambda self, copy: (2.0, 1.0 if copy_wins else 3.0))
    store = VectorStore(
        built.path.parent, catalog, built.model_id, built.dim, IndexParams(scan_min=0)
    )
    store.open()
    query = engine.encoder().encode_text("a red circle")  # type: ignore[attr-defined]
    assert store.search(query, 5)[0].tolist() == store.exact(query, 5, None)[0].tolist()
    assert store.search_method(wait=30) == ("code scan" if copy_wins else "graph")
    ids, vectors = catalog.vectors_for(built.model_id, built.dim, [1, 2, 3])
    store.remove([1, 2], catalog.generation())
    moved = -vectors[2:]
    store.add(ids[2:], moved, catalog.generation())
    found, scores = store.search(-query, 30)
    assert 1 not in found.tolist() and 2 not in found.tolist() and len(found) == 28
    np.testing.assert_allclose(np.sort(scores)[::-1], scores, atol=1e-6)
    position = found.tolist().index(3)
    assert scores[position] == pytest.approx(float(moved[0] @ -query), abs=1e-5)


def test_a_library_too_large_for_a_copy_keeps_the_graph(
    plumbing_engine: object, tmp_path: Path
) -> None:
    engine = plumbing_engine
    add_library(engine, tmp_path / "pics", 12)  # type: ignore[arg-type]
    engine.update()  # type: ignore[attr-defined]
    built = engine.vectors()  # type: ignore[attr-defined]
    store = VectorStore(
        built.path.parent,
        engine.catalog,  # type: ignore[attr-defined]
        built.model_id,
        built.dim,
        IndexParams(scan_min=0, scan_max_values=11 * built.dim),
    )
    store.open()
    store.search(np.ones(built.dim, np.float32) / np.sqrt(built.dim), 3)
    assert store.search_method(wait=5) == "graph"


@pytest.mark.parametrize("dim", [64, 100, 512])
def test_the_codes_pick_the_exact_top_ten_among_clustered_vectors(dim: int) -> None:
    """What the scan is for: the exact top 10 of queries near no photo, from a few
    hundred 4-bit candidates, at any width (100 is padded to 112, in blocks of 16)."""
    rng = np.random.default_rng(dim)
    centres = rng.normal(size=(20, dim))
    vectors = centres[rng.integers(20, size=5000)] + 0.6 * rng.normal(size=(5000, dim))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    scan = CodeScan(np.arange(5000) + 1000, vectors)
    for query in unit_of(rng, 20, dim):
        found, scores = scan.search(query, 10, lambda i: vectors[np.asarray(i) - 1000])
        truth = np.argsort(-(vectors @ query), kind="stable")[:10] + 1000
        assert found.tolist() == truth.tolist()
        np.testing.assert_allclose(scores, vectors[found - 1000] @ query, atol=1e-6)


def unit_of(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    v = rng.normal(size=(count, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_the_hand_written_graph_is_a_valid_onnx_model() -> None:
    """``scan_graph`` writes the protocol buffer by hand; the onnx package reads it back."""
    onnx = pytest.importorskip("onnx")
    codes = np.arange(3 * 4 * 8, dtype=np.uint8).reshape(3, 4, 8)
    scales = np.full((3, 4), 0.5, np.float32)
    model = onnx.load_from_string(scan_model(codes, scales, 64, 16))
    onnx.checker.check_model(model)
    graph = model.graph
    assert [n.op_type for n in graph.node] == ["MatMulNBits", "TopK"]
    attrs = {a.name: a.i for a in graph.node[0].attribute}
    assert attrs == {"K": 64, "N": 3, "bits": 4, "block_size": 16, "accuracy_level": 4}
    stored = {t.name: onnx.numpy_helper.to_array(t) for t in graph.initializer}
    np.testing.assert_array_equal(stored["B"], codes)
    np.testing.assert_array_equal(stored["S"], scales)
    assert [i.name for i in graph.input] == ["A", "k"]
    assert [o.name for o in graph.output] == ["V", "I"]


@pytest.fixture
def lost_index(
    plumbing_engine: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[VectorStore, threading.Event, object]:
    """A library of 30 photos whose index file is gone, opened as the app opens it, its
    graph's catch-up held until the event is set: (store, event, engine)."""
    engine = plumbing_engine
    add_library(engine, tmp_path / "pics", 30)  # type: ignore[arg-type]
    engine.update()  # type: ignore[attr-defined]
    built = engine.vectors()  # type: ignore[attr-defined]
    built.path.unlink()
    building = threading.Event()
    catch_up = VectorStore._catch_up

    def held_catch_up(self: VectorStore, index: object, since: int) -> None:
        assert building.wait(30)
        catch_up(self, index, since)  # type: ignore[arg-type]

    monkeypatch.setattr(VectorStore, "_catch_up", held_catch_up)
    store = VectorStore(
        built.path.parent,
        engine.catalog,  # type: ignore[attr-defined]
        built.model_id,
        built.dim,
        IndexParams(scan_min=10),
    )
    store.open(wait=False)
    return store, building, engine


def test_a_lost_index_is_rebuilt_in_the_background_and_searched_meanwhile(
    lost_index: tuple[VectorStore, threading.Event, object],
) -> None:
    """The index file gone (a large library: minutes to rebuild): ``open(wait=False)``
    returns at once, a scan of the catalog answers exactly meanwhile, a photo forgotten
    meanwhile stays forgotten once the graph is there."""
    store, building, engine = lost_index
    assert not store.ready.is_set()
    query = engine.encoder().encode_text("a red circle")  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while store.search_method() != "code scan" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.search_method() == "code scan"
    exact_ids, exact_scores = store.exact(query, 8, None)
    found, scores = store.search(query, 8)
    assert found.tolist() == exact_ids.tolist()
    np.testing.assert_allclose(scores, exact_scores, atol=1e-6)
    first = int(found[0])
    store.remove([first], store.catalog.generation())
    assert first not in store.search(query, 8)[0].tolist()
    building.set()
    assert store.ready.wait(30)
    assert store.search_method() in ("graph", "code scan")
    assert first not in store.search(query, 30)[0].tolist() and len(store) == 29


def test_closing_the_store_stops_its_rebuild(
    lost_index: tuple[VectorStore, threading.Event, object],
) -> None:
    """A store let go of (another model chosen, the app quitting) stops rebuilding at its
    next chunk, and says it is ready so that nothing waits on it for ever."""
    store, building, _ = lost_index
    store.close(wait=0)
    building.set()
    assert store.ready.wait(30)
    assert len(store) == 0 and not store.path.exists()


@pytest.mark.usefixtures("small_segments")
def test_vectors_gone_from_the_source_are_never_answered() -> None:
    """Re-made sessions read float32 vectors back; one gone meanwhile (NaN) is dropped,
    never coded as garbage that could rank high."""
    rng = np.random.default_rng(5)
    vectors = unit(rng, 200)
    gone = {3, 50, 150}

    def floats(ids: np.ndarray) -> np.ndarray:
        out = vectors[np.asarray(ids)].copy()
        out[np.isin(ids, list(gone))] = np.nan
        return out

    scan = CodeScan(np.arange(200), vectors)
    scan.search(vectors[0], 5, floats)
    scan.drop(np.arange(1, 200, 3))  # a third of every segment: each is made again
    for query in unit(rng, 10):
        found, scores = scan.search(query, 50, floats)
        assert not gone & set(found.tolist()) and np.isfinite(scores).all()
    assert len(scan) == 200 - 67 - len(gone)
