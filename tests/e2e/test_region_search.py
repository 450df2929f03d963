"""Search by a region: the crop of a photo finds what is in that region, not the rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.settings import AppPaths
from photosearch.synthetic import write_library
from tests.conftest import without_passes
from tests.e2e.test_cli import run


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    folder = tmp_path_factory.mktemp("shapes")
    write_library(folder, 200, seed=31)
    engine = Engine.open(AppPaths.resolve(tmp_path_factory.mktemp("home")))
    engine.use_model(models.DEMO_KEY)
    engine.set_device("cpu", save=False)
    without_passes(engine)
    engine.library.add_folder(folder)
    engine.update()
    query = tmp_path_factory.mktemp("query") / "two-things.png"
    image = Image.new("RGB", (640, 320), (150, 150, 150))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 60, 260, 260), fill=(220, 30, 30))  # a red circle on the left
    draw.rectangle((400, 80, 560, 240), fill=(30, 60, 220))  # a blue square on the right
    image.save(query)
    yield engine, query
    engine.close()


def kinds(result: object, n: int) -> list[str]:
    return ["-".join(Path(h.path).stem.split("-")[1:]) for h in result.hits[:n]]  # type: ignore[attr-defined]


def test_a_region_finds_what_is_in_it(shapes: tuple[Engine, Path]) -> None:
    engine, query = shapes
    left = kinds(engine.similar(str(query), limit=5, crop=(0.0, 0.0, 0.5, 1.0)), 5)
    right = kinds(engine.similar(str(query), limit=5, crop=(0.5, 0.0, 0.5, 1.0)), 5)
    assert left[0] == "red-circle" and sum(k == "red-circle" for k in left) >= 3, left
    # the tiny demo model knows colours better than square-vs-cross at this size
    assert all(k.startswith("blue-") for k in right) and "red-circle" not in right, right


def test_the_command_line_takes_a_crop_in_fractions_or_pixels(
    shapes: tuple[Engine, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, query = shapes
    monkeypatch.setenv("PHOTOSEARCH_HOME", str(engine.paths.data_dir.parent))
    fractions = run("similar", str(query), "--crop", "0.5,0,0.5,1", "-n", "3", check=False)
    pixels = run("similar", str(query), "--crop", "320,0,320,320", "-n", "3", check=False)
    assert fractions.returncode == 0, fractions.stderr
    assert fractions.stdout == pixels.stdout and "-blue-" in fractions.stdout.split("\n")[0]
    outside = run("similar", str(query), "--crop", "0.6,0,0.5,1", check=False)
    assert outside.returncode == 1 and "outside the photo" in outside.stderr
