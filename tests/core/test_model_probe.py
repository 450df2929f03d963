"""Imported weights of unknown origin are checked: a model that ranks simple pictures no
better than chance is named so, in words, instead of silently making searches noise."""

from __future__ import annotations

from pathlib import Path

from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.probe import check_ranking
from photosearch.core.settings import AppPaths
from tests.e2e.test_cli import run


def test_a_trained_model_ranks_the_probes(_isolated_home: Path) -> None:
    result = check_ranking(Encoder(models.DEMO_KEY, models.demo_model_dir()))
    assert result.right >= 7 and result.warning is None


def test_random_weights_are_said_to_rank_like_chance(
    _isolated_home: Path, random_model: Path
) -> None:
    with Engine.open(AppPaths.resolve()) as engine:
        checked = engine.import_model(random_model)
        assert engine.model_key == "local:random-tiny"
    assert checked.like_chance and checked.warning is not None
    assert "no better than chance" in checked.warning
    said = run("models", "import", str(random_model))
    assert "warning: This model ranks simple test pictures no better than chance" in said.stderr
