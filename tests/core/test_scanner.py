from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError
from tests.conftest import write_photos

_opened: list[str] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextmanager
def files_opened() -> Iterator[list[str]]:
    """Every file opened through Python while the block runs (via the audit hook)."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def test_unchanged_rescan_opens_no_photo(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "pics"
    write_photos(root, 30)
    plumbing_engine.library.add_folder(root)
    plumbing_engine.update()
    with files_opened() as opened:
        report = plumbing_engine.scan()
    assert report.unchanged == 30 and report.added == report.changed == report.removed == 0
    assert [p for p in opened if p.startswith(str(root))] == []


def test_the_audit_hook_does_see_opens(tmp_path: Path) -> None:
    """Guard for the test above: the hook really records photo opens."""
    (tmp_path / "x.jpg").write_bytes(b"x")
    with files_opened() as opened:
        (tmp_path / "x.jpg").read_bytes()
    assert str(tmp_path / "x.jpg") in opened


def test_renamed_folder_keeps_every_vector(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "pics"
    write_photos(root / "trip", 25)
    plumbing_engine.library.add_folder(root)
    plumbing_engine.update()
    encoder = plumbing_engine.encoder()
    before = encoder.images_encoded
    ids = {p.path: p for p in plumbing_engine.catalog.photos(list(range(1, 26))).values()}
    (root / "trip").rename(root / "Trip to Rome")
    scan, index = plumbing_engine.update()
    assert (scan.moved, scan.added, scan.removed) == (25, 0, 0)
    assert encoder.images_encoded == before  # nothing re-encoded
    assert index is not None and index.encoded == 0
    moved = plumbing_engine.catalog.photos([p.id for p in ids.values()])
    assert all("Trip to Rome" in p.path for p in moved.values())
    hits = (
        plumbing_engine.search("anything", limit=100).hits
        + plumbing_engine.search("anything", limit=100).weak
    )
    assert all(os.path.exists(h.path) for h in hits)


def test_moves_between_folders_and_deletes(plumbing_engine: Engine, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_photos(a, 4)
    b.mkdir()
    plumbing_engine.library.add_folder(a)
    plumbing_engine.library.add_folder(b)
    plumbing_engine.update()
    shutil.move(a / "img_0000.jpg", b / "renamed.jpg")
    (a / "img_0001.jpg").unlink()
    scan, _ = plumbing_engine.update()
    assert (scan.moved, scan.removed, scan.unchanged) == (1, 1, 2)
    assert plumbing_engine.catalog.photo_by_path(str(b / "renamed.jpg")) is not None
    assert len(plumbing_engine.vectors()) == 3


def test_changed_file_is_encoded_again(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "pics"
    paths = write_photos(root, 3)
    plumbing_engine.library.add_folder(root)
    plumbing_engine.update()
    before = plumbing_engine.encoder().images_encoded
    write_photos(root, 1, start=50)[0].replace(paths[0])
    scan, index = plumbing_engine.update()
    assert scan.changed == 1 and index is not None and index.encoded == 1
    assert plumbing_engine.encoder().images_encoded == before + 1


def test_links_hidden_files_and_loops(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "pics"
    write_photos(root, 2)
    (root / ".thumbnails").mkdir()
    write_photos(root / ".thumbnails", 2, start=10)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.jpg").symlink_to(root / "nope.jpg")
    os.symlink("b.jpg", root / "a.jpg")
    os.symlink("a.jpg", root / "b.jpg")
    plumbing_engine.library.add_folder(root)
    scan, _ = plumbing_engine.update()
    assert scan.added == 2
    assert {Path(p).name for p, _ in scan.skipped} == {"dangling.jpg", "a.jpg", "b.jpg"}


def test_missing_folder_is_refused(plumbing_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(PhotoSearchError, match="does not exist"):
        plumbing_engine.library.add_folder(tmp_path / "nowhere")


def test_nested_folder_is_refused(plumbing_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    plumbing_engine.library.add_folder(tmp_path / "a")
    with pytest.raises(PhotoSearchError, match="already included"):
        plumbing_engine.library.add_folder(tmp_path / "a" / "b")


def test_unplugged_folder_keeps_its_photos(plumbing_engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "usb"
    write_photos(root, 5)
    plumbing_engine.library.add_folder(root)
    plumbing_engine.update()
    hidden = tmp_path / "elsewhere"
    root.rename(hidden)
    scan, _ = plumbing_engine.update()
    assert scan.offline == [str(root)] and scan.removed == 0
    assert plumbing_engine.catalog.counts(plumbing_engine.vectors().model_id)["indexed"] == 5
    hits = plumbing_engine.search("x", limit=10)
    assert all(not h.photo.folder_online for h in hits.hits + hits.weak)
    hidden.rename(root)
    scan, index = plumbing_engine.update()
    assert scan.offline == [] and scan.unchanged == 5 and index is not None and index.encoded == 0
    assert all(f.online for f in plumbing_engine.library.folders())
