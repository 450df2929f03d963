"""Duplicates never cost a photo that is not a copy: the whole content proves a copy, a
file reached through several paths is one photo, and everything is checked again just
before it moves to the user_trash."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

from photosearch.core.app.engine import Engine
from photosearch.core.index.scanner import EDGE_BYTES, content_key


def scan_with_margins(path: Path, colour: str, shape: str) -> None:
    """An uncompressed scan: white margins top and bottom, a picture in the middle."""
    image = Image.new("RGB", (600, 600), "white")
    draw = ImageDraw.Draw(image)
    if shape == "circle":
        draw.ellipse((120, 120, 480, 480), fill=colour)
    else:
        draw.rectangle((60, 90, 540, 510), fill=colour)
    image.save(path)


def photo(path: Path, colour: str = "red") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (320, 240), "white")
    ImageDraw.Draw(image).ellipse((60, 40, 260, 200), fill=colour)
    image.save(path, quality=92)
    return path


def grouped(engine: Engine) -> list[set[str]]:
    return [{Path(p.path).name for p in g.photos} for g in engine.library.duplicates()]


def test_scans_with_the_same_size_and_edges_but_other_middles_are_never_grouped(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    scan_with_margins(folder / "scan-1.bmp", "red", "circle")
    scan_with_margins(folder / "scan-2.bmp", "navy", "square")
    a, b = folder / "scan-1.bmp", folder / "scan-2.bmp"
    assert a.stat().st_size == b.stat().st_size > 2 * EDGE_BYTES
    assert content_key(str(a), a.stat().st_size) == content_key(str(b), b.stat().st_size)
    shutil.copy2(a, folder / "scan-1-copy.bmp")  # a true copy: still grouped
    engine.library.add_folder(folder)
    engine.update()
    groups = engine.library.duplicates()
    assert [(g.kind, {Path(p.path).name for p in g.photos}) for g in groups] == [
        ("exact", {"scan-1.bmp", "scan-1-copy.bmp"})
    ]
    hashes = engine.catalog.whole_file_hashes(list(range(1, 10)))
    assert len(hashes) == 3  # hashed once, remembered with size and mtime
    assert len({digest for _, _, digest in hashes.values()}) == 2


def test_a_true_byte_copy_goes_to_the_trash(
    engine: Engine, tmp_path: Path, user_trash: Path
) -> None:
    folder = tmp_path / "photos"
    original = photo(folder / "a.jpg")
    copy = folder / "b.jpg"
    shutil.copy2(original, copy)
    engine.library.add_folder(folder)
    engine.update()
    plan = engine.library.trash_copies(engine.library.duplicates())
    assert [p.path for p in plan.move] == [str(copy)] and not plan.skipped
    assert not copy.exists() and [p.name for p in user_trash.iterdir()] == ["b.jpg"]
    assert original.exists()


def test_a_link_that_sorts_first_never_costs_the_real_file(
    engine: Engine, tmp_path: Path, user_trash: Path
) -> None:
    folder = tmp_path / "photos"
    real = photo(folder / "z-real.jpg")
    link = folder / "a-link.jpg"
    link.symlink_to(real)
    copy = folder / "m-copy.jpg"
    shutil.copy2(real, copy)
    engine.library.add_folder(folder)
    engine.update()
    listed = {Path(p.path).name for p in engine.catalog.photos(range(1, 10)).values()}
    assert listed == {"z-real.jpg", "m-copy.jpg"}  # the link is a second path, not a photo
    groups = engine.library.duplicates()
    assert [Path(g.photos[0].path).name for g in groups] == ["z-real.jpg"]  # links point here
    plan = engine.library.trash_copies(groups, [str(real), str(copy)])  # even when both are picked
    assert real.exists() and link.resolve() == real and Image.open(link).size == (320, 240)
    assert not copy.exists() and [p.name for p in user_trash.iterdir()] == ["m-copy.jpg"]
    assert (str(real), "the last copy of its group stays") in plan.skipped


def test_a_link_catalogued_before_is_never_kept_over_its_target(
    engine: Engine, tmp_path: Path, user_trash: Path
) -> None:
    """A catalog from before links were recognised lists the link as a photo: the group
    keeps the real file, and the real file never goes to the user_trash."""
    folder = tmp_path / "photos"
    real = photo(folder / "z-real.jpg")
    engine.library.add_folder(folder)
    engine.update()
    link = folder / "a-link.jpg"
    link.symlink_to(real)
    st = real.stat()
    folder_id = engine.catalog.folders()[0].id
    engine.catalog.apply_scan(
        [(folder_id, str(link), st.st_size, st.st_mtime_ns, None)], [], [], []
    )
    assert engine.library.duplicates() == []  # one file, reached twice: not a copy of itself
    engine.update()
    assert engine.catalog.photo_by_path(str(link)) is None  # the next scan forgets the link
    assert real.exists() and not user_trash.exists()


def test_hard_links_are_one_photo_and_never_trashed(
    engine: Engine, tmp_path: Path, user_trash: Path
) -> None:
    folder = tmp_path / "photos"
    first = photo(folder / "a.jpg")
    second = folder / "b.jpg"
    os.link(first, second)
    other = photo(tmp_path / "elsewhere" / "c.jpg", "blue")
    os.link(other, folder / "c.jpg")  # its other name lies outside the library
    shutil.copy2(other, folder / "d.jpg")  # and a real copy of it inside
    engine.library.add_folder(folder)
    engine.update()
    listed = {Path(p.path).name for p in engine.catalog.photos(range(1, 10)).values()}
    assert listed - {"a.jpg", "b.jpg"} == {"c.jpg", "d.jpg"}
    assert len(listed & {"a.jpg", "b.jpg"}) == 1  # two names of one file: listed once
    groups = engine.library.duplicates()
    assert grouped(engine) == [{"c.jpg", "d.jpg"}]
    plan = engine.library.trash_copies(groups, [str(folder / "c.jpg")])
    assert plan.move == [] and "hard link" in plan.skipped[0][1]
    assert (folder / "c.jpg").exists() and not user_trash.exists()


def test_a_keeper_gone_between_listing_and_trashing_stops_its_group(
    engine: Engine, tmp_path: Path, user_trash: Path
) -> None:
    folder = tmp_path / "photos"
    keeper = photo(folder / "a.jpg")
    shutil.copy2(keeper, folder / "b.jpg")
    other = photo(folder / "c.jpg", "green")
    shutil.copy2(other, folder / "d.jpg")
    engine.library.add_folder(folder)
    engine.update()
    groups = engine.library.duplicates()
    assert sorted(map(sorted, grouped(engine))) == [["a.jpg", "b.jpg"], ["c.jpg", "d.jpg"]]
    keeper.unlink()
    with open(folder / "d.jpg", "ab") as fh:  # changed after the list was made
        fh.write(b"\0")
    plan = engine.library.trash_copies(groups)
    assert plan.move == []
    assert sorted((Path(p).name, why) for p, why in plan.skipped) == [
        ("b.jpg", "the copy to keep is gone or changed since the list was made"),
        ("d.jpg", "changed since the list was made"),
    ]
    assert (folder / "b.jpg").exists() and (folder / "d.jpg").exists() and not user_trash.exists()
