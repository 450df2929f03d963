"""Duplicates: every resized, recompressed, cropped, rotated or byte-for-byte copy is
grouped with its original, and different photos of the same kind of scene never are."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from PIL import Image

from photosearch.core.app.engine import Engine
from photosearch.core.curate.duplicates import hash_distance, keep_first, signature
from photosearch.synthetic import make_sample
from tests.photos import save_rotated

SCENES = [("red", "circle"), ("red", "circle"), ("red", "circle"), ("blue", "square"),
          ("green", "star"), ("yellow", "triangle")]  # fmt: skip
"""Three different red-circle photos: the same kind of scene, never duplicates."""


def write_originals_and_copies(folder: Path) -> dict[str, list[str]]:
    """Originals (800 × 600 or so) and, per original, four altered copies in another folder."""
    rng = random.Random(4)
    originals, copies = folder / "originals", folder / "copies"
    originals.mkdir(parents=True)
    copies.mkdir()
    families: dict[str, list[str]] = {}
    for n, (colour, shape) in enumerate(SCENES):
        image = make_sample(rng, size_range=(560, 640), colour=colour, shape=shape).image
        original = originals / f"{n}-{colour}-{shape}.jpg"
        image.save(original, quality=92)
        w, h = image.size
        inset = (w // 40, h // 40, w - w // 40, h - h // 40)  # 5 % cropped in all
        made = {
            "half.jpg": (image.resize((w // 2, h // 2)), {"quality": 90}),
            "q55.jpg": (image, {"quality": 55}),
            "crop.png": (image.crop(inset), {}),
        }
        family = [str(original)]
        for kind, (copy, options) in made.items():
            path = copies / f"{n}-{kind}"
            copy.save(path, **options)
            family.append(str(path))
        rotated = copies / f"{n}-rotated.jpg"
        save_rotated(image, rotated, 6, quality=90)
        family.append(str(rotated))
        families[str(original)] = family
    return families


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> tuple[Engine, dict[str, list[str]]]:
    families = write_originals_and_copies(tmp_path / "photos")
    first = next(iter(families))
    twin = tmp_path / "photos" / "backup" / Path(first).name
    twin.parent.mkdir()
    shutil.copy2(first, twin)  # the same bytes elsewhere: an exact copy
    families[first].append(str(twin))
    engine.library.add_folder(tmp_path / "photos")
    engine.update()
    return engine, families


def test_every_copy_is_grouped_with_its_original_and_nothing_else(
    library: tuple[Engine, dict[str, list[str]]],
) -> None:
    engine, families = library
    groups = engine.library.duplicates()
    family_of = {path: original for original, paths in families.items() for path in paths}
    for group in groups:
        assert len({family_of[p.path] for p in group.photos}) == 1, [p.path for p in group.photos]
    grouped = {p.path for g in groups for p in g.photos}
    missed = sorted(p for p in family_of if p not in grouped)
    assert not missed, missed
    by_original = {family_of[g.photos[0].path]: g for g in groups}
    assert len(by_original) == len(families)  # one group per original
    for original, group in by_original.items():
        # the full-size camera JPEG is kept first (or its byte-for-byte twin)
        assert Path(group.photos[0].path).name == Path(original).name
        assert group.kind == "near"


def test_exact_copies_alone_are_an_exact_group(
    library: tuple[Engine, dict[str, list[str]]],
) -> None:
    engine, families = library
    first = next(iter(families))
    groups = engine.library.duplicates(f'in:"{Path(first).parent}" in:backup')
    assert [(g.kind, len(g.photos)) for g in groups] == [("exact", 2)]
    assert engine.library.duplicates("in:copies after:2100") == []


def test_the_hash_tells_copies_from_another_photo_of_the_same_scene(tmp_path: Path) -> None:
    rng = random.Random(9)
    a = make_sample(rng, size_range=(400, 400), colour="red", shape="circle").image
    b = make_sample(rng, size_range=(400, 400), colour="red", shape="circle").image
    a.save(tmp_path / "a.jpg", quality=90)
    a.resize((200, 200)).save(tmp_path / "a-small.jpg", quality=55)
    b.save(tmp_path / "b.jpg", quality=90)
    sa, ss, sb = (signature(str(tmp_path / n)) for n in ("a.jpg", "a-small.jpg", "b.jpg"))
    assert sa.same_picture(ss) and not sa.same_picture(sb)
    assert hash_distance(sa.bits, ss.bits) < hash_distance(sa.bits, sb.bits)


def test_the_keeper_has_the_most_pixels_then_the_camera_format_then_the_oldest() -> None:
    from photosearch.core.types import Photo

    small = Photo(1, "/a/small.jpg", 100, 5, 400, 300, None)
    png = Photo(2, "/a/big.png", 900, 5, 800, 600, None)
    jpg_new = Photo(3, "/a/big.jpg", 900, 9 * 10**9, 800, 600, None)
    jpg_old = Photo(4, "/b/big.jpg", 500, 1 * 10**9, 800, 600, None)
    assert [p.id for p in keep_first([small, png, jpg_new, jpg_old])] == [4, 3, 2, 1]


def test_trash_moves_files_to_the_trash_and_the_catalog_follows(
    library: tuple[Engine, dict[str, list[str]]], user_trash: Path
) -> None:
    engine, _ = library
    group = engine.library.duplicates()[0]
    victims = [p.path for p in group.photos[1:]]
    plan = engine.library.trash_copies([group])
    assert [p.path for p in plan.move] == victims and not plan.skipped
    assert not any(Path(p).exists() for p in victims)
    kept = list(user_trash.iterdir())
    assert sorted(p.name for p in kept) == sorted(Path(p).name for p in victims)
    assert all(engine.catalog.photo_by_path(p) is None for p in victims)
    assert group.photos[0].path not in {
        p.path for g in engine.library.duplicates() for p in g.photos
    }
    assert Image.open(group.photos[0].path).size  # the keeper is untouched
