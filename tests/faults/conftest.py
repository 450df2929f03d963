"""Fixtures of the fault-injection tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def imported_model(random_model: Path, _isolated_home: Path) -> None:
    """The tiny random model imported and active, as ``photosearch models import`` does."""
    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models

    engine = Engine.open()
    try:
        engine.use_model(models.import_model(random_model, engine.paths.models_dir))
        engine.set_device("cpu")
    finally:
        engine.close()
