"""The text path: measured once per model and machine, remembered, and never less exact."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from photosearch.core.app.engine import Engine
from photosearch.core.model import phrase_speed
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.phrase_speed import Trial


def test_the_fastest_exact_enough_path_wins() -> None:
    trials = {
        "fp32": Trial(20.0, 1.0),
        "int8": Trial(5.0, 0.998),
        "bf16": Trial(9.0, 0.9999),
        "broken": Trial(1.0, 0.9),
    }
    assert phrase_speed.fastest(trials) == "int8"
    assert phrase_speed.fastest({"broken": Trial(1.0, 0.9)}) is None


def test_every_path_is_timed_and_the_chosen_one_matches_fp32(random_model: Path) -> None:
    exact = Encoder("fp32", random_model, precision_setting="fp32")
    measured = Encoder("auto", random_model, precision_setting="auto", measure_text=True)
    assert {"numpy", "fp32"} <= set(measured.text_trials)
    assert measured.text_precision == phrase_speed.fastest(measured.text_trials)
    for trial in measured.text_trials.values():
        assert trial.ms > 0 and trial.cosine >= phrase_speed.MIN_COSINE
    for phrase in ("a red circle", "Café ⛱ 42", "a phrase nobody measured with"):
        assert float(measured.encode_text(phrase) @ exact.encode_text(phrase)) >= 0.995


def test_each_path_gives_fp32_vectors_when_chosen(random_model: Path) -> None:
    exact = Encoder("fp32", random_model, precision_setting="fp32")
    measured = Encoder("auto", random_model, precision_setting="auto", measure_text=True)
    for name in measured.text_trials:
        forced = Encoder(name, random_model, precision_setting="auto", text_path=name)
        assert forced.text_precision == name
        vector = forced.encode_text("a dog on the beach")
        assert vector.dtype == np.float32
        assert float(vector @ exact.encode_text("a dog on the beach")) >= 0.995


def test_a_chosen_precision_is_the_texts_too(random_model: Path) -> None:
    encoder = Encoder("fp32", random_model, precision_setting="fp32", measure_text=True)
    assert encoder.text_precision == "fp32"
    assert set(encoder.text_trials) == set()
    assert encoder.text_tower_cosine is not None


def test_the_engine_measures_once_and_remembers(engine: Engine) -> None:
    record = engine.paths.cache_dir / "text-paths.json"
    assert not record.exists()
    first = engine.encoder()
    assert first.text_trials
    entries = json.loads(record.read_text())
    (entry,) = entries.values()
    assert entry["fastest"] == first.text_precision
    assert set(entry["ms"]) == set(first.text_trials)
    engine.close()
    again = Engine.open(engine.paths, exclusive=False)
    try:
        second = again.encoder()
        assert second.text_trials == {}
        assert second.text_precision == first.text_precision
        doctor = {c.name: c.detail for c in again.doctor()}
        assert f"text {first.text_precision}" in doctor["model precision"]
    finally:
        again.close()


def test_a_broken_record_means_measuring_again(tmp_path: Path) -> None:
    record = tmp_path / "text-paths.json"
    record.write_text("[1, 2")
    assert phrase_speed.remembered(record, "key") is None
    phrase_speed.remember(record, "key", {"int8": Trial(3.0, 0.999), "fp32": Trial(9.0, 1.0)})
    assert phrase_speed.remembered(record, "key") == "int8"
    assert phrase_speed.remembered(record, "other machine") is None


def test_the_paths_take_turns_so_a_busy_moment_hurts_them_alike() -> None:
    """Timed one after the other, a path that ran while the machine was busy lost for
    good (the choice is remembered); taking turns phrase by phrase, every path meets the
    same moments."""
    order: list[str] = []
    vector = np.ones(4, dtype=np.float32) / 2

    def path(name: str) -> Callable[[str], np.ndarray]:
        def encode(_: str) -> np.ndarray:
            order.append(name)
            return vector

        return encode

    reference = dict.fromkeys(phrase_speed.PHRASES, vector)
    trials = phrase_speed.measure({"a": path("a"), "b": path("b")}, reference)
    assert set(trials) == {"a", "b"} and all(t.cosine == 1.0 for t in trials.values())
    timed = order[2 * len(phrase_speed.PHRASES) :]  # after each path's warm-up
    assert timed[:4] == ["a", "b", "a", "b"]
    assert len(timed) == 2 * phrase_speed.REPEATS * len(phrase_speed.PHRASES)
