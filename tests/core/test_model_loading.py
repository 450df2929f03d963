"""Loading the model off the engine's lock: what happens around a load that takes long."""

from __future__ import annotations

import threading

import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.model import encoder as encoder_module
from photosearch.core.model import models


def hold_loads(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make every model load wait for ``release``; ``started`` is set when one begins."""
    started, release = threading.Event(), threading.Event()
    load = encoder_module.Encoder.__init__

    def held(self: object, *args: object, **kwargs: object) -> None:
        started.set()
        assert release.wait(60)
        load(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(encoder_module.Encoder, "__init__", held)
    return started, release


def test_a_model_switch_during_a_load_loads_the_new_model(
    plumbing_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = plumbing_engine
    started, release = hold_loads(monkeypatch)
    loaded: list[str] = []
    loader = threading.Thread(target=lambda: loaded.append(engine.encoder().key))
    loader.start()
    assert started.wait(30)
    engine.use_model(models.DEMO_KEY)  # does not wait for the load in flight
    release.set()
    loader.join(60)
    assert loaded == [models.DEMO_KEY]
    assert engine.encoder().key == models.DEMO_KEY


def test_the_engine_answers_while_the_model_loads(
    plumbing_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = plumbing_engine
    engine.vectors()
    started, release = hold_loads(monkeypatch)
    loader = threading.Thread(target=engine.encoder)
    loader.start()
    try:
        assert started.wait(30)
        status = threading.Thread(target=engine.status)
        status.start()
        status.join(10)
        assert not status.is_alive(), "status() waited for the model load"
    finally:
        release.set()
        loader.join(60)
