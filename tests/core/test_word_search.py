"""Words beside the picture: file names, folders and the photo's own metadata (EXIF, XMP,
Windows tags) found by plain words and by ``name:``/``camera:``/``tag:``, fused with the
model's ranking, and a full-text index that follows every move, change and delete."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from photosearch.core.app.engine import Engine
from photosearch.core.media.metadata import read_meta_file
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.fulltext import meta_missing
from photosearch.core.store.schema import MIGRATIONS
from photosearch.synthetic import write_library
from tests.photos import photo_like

XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmp:Rating="4"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt>
</dc:title><dc:subject><rdf:Bag>{keywords}</rdf:Bag></dc:subject></rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def xmp(title: str, keywords: list[str]) -> bytes:
    bag = "".join(f"<rdf:li>{k}</rdf:li>" for k in keywords)
    return XMP.format(title=title, keywords=bag).encode()


def described_photo(
    path: Path,
    seed: int,
    *,
    camera: tuple[str, str] | None = None,
    title: str | None = None,
    keywords: list[str] | None = None,
    windows_tags: str | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if camera:
        exif[0x010F], exif[0x0110] = camera
    if windows_tags:
        exif[0x9C9E] = windows_tags.encode("utf-16-le") + b"\x00\x00"
    extra = {"xmp": xmp(title or "", keywords or [])} if title or keywords else {}
    photo_like(200, 150, seed).save(path, quality=90, exif=exif, **extra)
    return path


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> tuple[Engine, Path]:
    root = tmp_path / "Pictures"
    write_library(root / "shapes", 40, seed=3)
    described_photo(
        root / "Lake" / "scan_0001.jpg",
        1,
        title="Grandmother at the lake",
        keywords=["family", "summer"],
    )
    described_photo(root / "misc" / "DSCF0042.jpg", 2, camera=("FUJIFILM", "X-T4"))
    described_photo(root / "misc" / "IMG_2041.jpg", 3, windows_tags="Birthday;cake")
    described_photo(root / "misc" / "HarbourStreet-3.jpg", 4)
    described_photo(root / "misc" / "phone.jpg", 5, camera=("Apple", "iPhone 12"))
    engine.library.add_folder(root)
    engine.update()
    return engine, root


def names(result: object, n: int = 3) -> list[str]:
    return [Path(h.path).name for h in result.hits[:n]]  # type: ignore[attr-defined]


def test_the_header_is_read_while_decoding(library: tuple[Engine, Path]) -> None:
    engine, root = library
    meta = read_meta_file(str(root / "Lake" / "scan_0001.jpg"))
    assert meta is not None and meta.title == "Grandmother at the lake"
    assert meta.keywords == ("family", "summer") and meta.rating == 4
    fuji = read_meta_file(str(root / "misc" / "DSCF0042.jpg"))
    assert fuji is not None and fuji.camera == "FUJIFILM X-T4"
    assert meta_missing(engine.catalog, 100) == []  # indexing stored it: no second pass
    details = engine.library.details(str(root / "Lake" / "scan_0001.jpg"))
    assert (details.title, details.keywords, details.rating) == (
        "Grandmother at the lake",
        "family, summer",
        "★★★★☆",
    )


def test_words_only_the_metadata_holds_bring_the_photo_first(
    library: tuple[Engine, Path],
) -> None:
    engine, _ = library
    assert names(engine.search("grandmother"), 1) == ["scan_0001.jpg"]
    first = engine.search("grandmother").hits
    assert first[0].words and not any(h.words for h in first[1:])  # the UI says why
    assert names(engine.search("a photo of the lake grandmother"), 1) == ["scan_0001.jpg"]
    assert names(engine.search("birthday cake"), 1) == ["IMG_2041.jpg"]  # Windows tags
    assert names(engine.search("harbour street"), 1) == ["HarbourStreet-3.jpg"]
    assert names(engine.search("DSCF0042"), 1) == ["DSCF0042.jpg"]  # as its name is written
    assert names(engine.search("fujifilm x-t4"), 1) == ["DSCF0042.jpg"]  # the camera


def test_filters_look_in_one_place(library: tuple[Engine, Path]) -> None:
    engine, _ = library
    assert names(engine.search("camera:fujifilm"), 5) == ["DSCF0042.jpg"]
    assert names(engine.search("camera:canon"), 5) == []
    for typed in ("camera:iphone", "camera:iPhone", 'camera:"i phone 12"'):
        assert names(engine.search(typed), 5) == ["phone.jpg"]
    assert names(engine.search("tag:family"), 5) == ["scan_0001.jpg"]
    assert names(engine.search("name:IMG_2041"), 5) == ["IMG_2041.jpg"]
    assert names(engine.search("name:img_20"), 5) == ["IMG_2041.jpg"]  # from a word's start
    assert names(engine.search("name:2041"), 5) == ["IMG_2041.jpg"]
    assert names(engine.search("tag:grandmother"), 5) == []  # a title is not a keyword
    for odd in ('text:"!!!"', "name:-", 'text:"a AND (b OR" NEAR', 'tag:"*"', "camera:x*y:z"):
        assert engine.search(odd).hits == []  # punctuation and FTS syntax are just text
    # with words, a filter narrows what the model ranks
    ranked = engine.search("a red circle camera:fujifilm")
    assert {Path(h.path).name for h in ranked.hits + ranked.weak} == {"DSCF0042.jpg"}


def test_a_pure_meaning_query_is_not_disturbed_by_stray_words(
    library: tuple[Engine, Path],
) -> None:
    engine, root = library
    (root / "misc" / "sunset-notes.jpg").write_bytes((root / "misc" / "IMG_2041.jpg").read_bytes())
    engine.update()
    assert all("red-circle" in name for name in names(engine.search("a red circle"), 2))
    # one of two words in a name is no match: "sunset" alone does not carry the photo…
    assert "sunset-notes.jpg" not in names(engine.search("sunset over water"), 50)
    # …while every meaningful word does
    shutil.copy(root / "misc" / "IMG_2041.jpg", root / "misc" / "Sunset_over_the_water.jpg")
    engine.update()
    assert names(engine.search("sunset over water"), 1) == ["Sunset_over_the_water.jpg"]


def fts_names(engine: Engine) -> set[str]:
    rows = engine.catalog.read().execute("SELECT name FROM photo_fts").fetchall()
    return {r[0] for r in rows}


def test_the_text_index_follows_moves_changes_and_deletes(
    library: tuple[Engine, Path],
) -> None:
    engine, root = library
    shutil.move(root / "misc" / "IMG_2041.jpg", root / "Lake" / "Party_2042.jpg")
    engine.update()
    assert names(engine.search("name:party"), 5) == ["Party_2042.jpg"]
    assert names(engine.search("name:IMG_2041"), 5) == []
    assert names(engine.search("birthday cake"), 1) == ["Party_2042.jpg"]  # kept on a move
    # a changed file is read again: its old caption is forgotten, the new one found
    described_photo(root / "Lake" / "scan_0001.jpg", 9, title="Uncle on a boat")
    engine.update()
    assert "scan_0001.jpg" not in names(engine.search("grandmother"), 50)
    assert names(engine.search("uncle boat"), 1) == ["scan_0001.jpg"]
    (root / "Lake" / "scan_0001.jpg").unlink()
    engine.update()
    assert "scan 0001" not in fts_names(engine)
    engine.library.remove_folder(root)
    assert fts_names(engine) == set()
    assert engine.catalog.read().execute("SELECT count(*) FROM photo_meta").fetchone()[0] == 0


def test_photos_indexed_before_metadata_was_kept_get_it_without_re_encoding(
    library: tuple[Engine, Path],
) -> None:
    engine, _ = library
    with engine.catalog.write() as db:
        db.execute("DELETE FROM photo_meta")  # what the move to schema 5 leaves
    assert "scan_0001.jpg" not in names(engine.search("grandmother"), 50)
    _, report = engine.update()
    assert report is not None and report.encoded == 0
    assert names(engine.search("grandmother"), 1) == ["scan_0001.jpg"]
    assert meta_missing(engine.catalog, 100) == []


def test_migration_from_schema_4_keeps_everything_and_indexes_names(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    old = Catalog(path, MIGRATIONS[:4])
    folder = old.add_folder(str(tmp_path / "Pictures"))
    with old.write() as db:  # the rows as schema 4 wrote them
        db.execute(
            "INSERT INTO photos(folder_id, path, ext, size, mtime_ns) VALUES (?, ?, 'jpg', 1, 1)",
            (folder.id, bytes(tmp_path / "Pictures" / "IMG_2041.jpg")),
        )
    old.close()
    new = Catalog(path)
    try:
        assert new.schema_version == len(MIGRATIONS)
        rows = new.read().execute("SELECT rowid, name, folders FROM photo_fts").fetchall()
        assert rows == [(1, "IMG 2041", "Pictures")]
        assert path.with_name("catalog.sqlite3.v4.bak").exists()
        assert (
            sqlite3.connect(path.with_name("catalog.sqlite3.v4.bak"))
            .execute("PRAGMA user_version")
            .fetchone()[0]
            == 4
        )
    finally:
        new.close()


def test_a_migration_that_fails_half_way_leaves_nothing_behind(tmp_path: Path) -> None:
    """Killed or failing after creating its tables, the move to schema 5 rolls back
    whole: the next start runs it again from the start and succeeds."""
    path = tmp_path / "catalog.sqlite3"
    Catalog(path, MIGRATIONS[:4]).close()

    def half_way(db: sqlite3.Connection) -> None:
        MIGRATIONS[4](db)
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        Catalog(path, (*MIGRATIONS[:4], half_way))
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 4
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'photo_meta'").fetchall() == []
    db.close()
    reopened = Catalog(path)
    assert reopened.schema_version == len(MIGRATIONS)
    reopened.close()


def test_broken_metadata_never_costs_the_photo(engine: Engine, tmp_path: Path) -> None:
    """A rating of 1e999, an unparsable XMP packet, a Windows tag of nonsense: the photo
    is indexed and searchable all the same, with what could be read."""
    root = tmp_path / "odd"
    root.mkdir()
    exif = Image.Exif()
    exif[0x9C9E] = b"\xff\xfe\x00"  # half a UTF-16 character
    exif[0x010F] = "Canon"
    overflow = xmp("Lake", ["family"]).replace(b'xmp:Rating="4"', b'xmp:Rating="1e999"')
    photo_like(120, 90, 1).save(root / "overflow.jpg", exif=exif, xmp=overflow)
    photo_like(120, 90, 2).save(root / "garbled.jpg", xmp=b"<x:xmpmeta><rdf:RDF><unclosed")
    engine.library.add_folder(root)
    _, report = engine.update()
    assert report is not None and report.encoded == 2 and not report.errors
    assert names(engine.search("tag:family"), 5) == ["overflow.jpg"]
    assert engine.library.details(str(root / "overflow.jpg")).rating is None
    assert engine.library.details(str(root / "garbled.jpg")).title is None
