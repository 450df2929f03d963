"""Places: GPS coordinates become a town, region and country, offline, and words of the
photo (``Lisbon``), a filter (``place:"New York"``) and a list (``photosearch places``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from photosearch.core.app.engine import Engine
from photosearch.core.media.places import gazetteer, usable
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.fulltext import places_pending, store_places
from photosearch.core.store.schema import MIGRATIONS
from photosearch.core.types import Place
from tests.photos import gps_exif, photo_like

CITIES = {
    "lisbon": (38.7223, -9.1393, "Portugal", "Lisbon"),
    "new_york": (40.7580, -73.9855, "United States", "New York"),
    "sydney": (-33.8688, 151.2093, "Australia", "Sydney"),
    "rio": (-22.9068, -43.1729, "Brazil", "Rio de Janeiro"),
    "reykjavik": (64.1466, -21.9426, "Iceland", "Reykjavík"),
    "tokyo": (35.6762, 139.6503, "Japan", "Tokyo"),
    "belfast": (54.5973, -5.9301, "United Kingdom", "Belfast"),  # in Northern Ireland
}


def write_travels(folder: Path, per_city: int = 2) -> dict[str, list[Path]]:
    """Photos taken in six cities on four continents, both hemispheres, plus photos with
    no GPS, with (0, 0) and with a broken GPS tag."""
    folder.mkdir(parents=True, exist_ok=True)
    taken: dict[str, list[Path]] = {}
    seed = 0
    for city, (lat, lon, _, _) in CITIES.items():
        for _ in range(per_city):
            seed += 1
            path = folder / f"trip_{seed:03d}.jpg"
            photo_like(160, 120, seed).save(path, quality=85, exif=gps_exif(lat, lon))
            taken.setdefault(city, []).append(path)
    photo_like(160, 120, 90).save(folder / "no_gps.jpg", quality=85)
    photo_like(160, 120, 91).save(folder / "zero.jpg", quality=85, exif=gps_exif(0.0, 0.0))
    broken = Image.Exif()
    broken.get_ifd(0x8825)[2] = (1.0, 2.0)  # two parts where three belong
    photo_like(160, 120, 92).save(folder / "broken_gps.jpg", quality=85, exif=broken)
    return taken


def names(engine: Engine, query: str) -> set[str]:
    return {Path(h.path).name for h in engine.search(query, limit=100).hits}


def test_coordinates_mean_the_right_town_or_none() -> None:
    towns = gazetteer()
    assert towns is not None and len(towns) > 100_000
    points = [(lat, lon) for lat, lon, _, _ in CITIES.values()]
    found = towns.places(points)
    for (_, _, country, city), place in zip(CITIES.values(), found, strict=True):
        assert place is not None and place.country == country
        assert city in (place.city, place.region), place
    # Missing, (0, 0), out of range, mid-ocean: no place rather than a wrong one.
    nowhere = [(None, None), (0.0, 0.0), (91.0, 0.0), (10.0, 200.0), (45.0, -30.0), (-60.0, -130.0)]
    assert towns.places(nowhere) == [None] * len(nowhere)
    assert not usable(float("nan"), 3.0)
    # A border on a river: Windsor (Canada) faces Detroit (United States), 1 km apart.
    windsor, detroit = towns.places([(42.30, -83.05), (42.33, -83.04)])
    assert windsor == Place("Canada", "Ontario", "Windsor")
    assert detroit is not None and detroit.country == "United States"
    # West of the date line, and on it: Fiji's Lau islands (Tubou) lie at 178.8° W;
    # the same point written as +180 and -180 is one place.
    lakeba = towns.places([(-18.24, -178.80)])[0]
    assert lakeba is not None and lakeba.country == "Fiji"
    assert towns.places([(-18.2, 180.0)]) == towns.places([(-18.2, -180.0)])


def test_places_are_words_filters_and_a_list(engine: Engine, tmp_path: Path) -> None:
    taken = write_travels(tmp_path / "travels")
    engine.library.add_folder(tmp_path / "travels")
    engine.update()
    lisbon = {p.name for p in taken["lisbon"]}
    assert names(engine, "Lisbon") >= lisbon
    assert names(engine, "place:Portugal") == lisbon
    assert names(engine, 'place:"New York"') == {p.name for p in taken["new_york"]}
    assert names(engine, "place:Iceland") == {p.name for p in taken["reykjavik"]}
    assert names(engine, "place:Brazil after:2000") == {p.name for p in taken["rio"]}
    assert names(engine, "place:Atlantis") == set()
    assert names(engine, "place:Ireland") == set()  # Belfast is in Northern Ireland
    assert names(engine, 'place:"northern ireland"') == {p.name for p in taken["belfast"]}
    assert names(engine, "place:reykjavik") == {p.name for p in taken["reykjavik"]}
    assert names(engine, 'place:"Lisbon, Portugal"') == lisbon  # as the details pane says
    assert names(engine, 'place:"Lisbon, Spain"') == set()
    details = engine.library.details(str(taken["lisbon"][0]))
    assert details.place == "Lisbon, Portugal"
    assert details.coordinates == "38.72230° N, 9.13930° W"
    assert engine.library.details(str(tmp_path / "travels" / "no_gps.jpg")).place is None
    counted = {(p.country, n) for p, n in engine.library.places()}
    assert counted == {(country, 2) for _, _, country, _ in CITIES.values()}
    rows = engine.catalog.read().execute(
        """SELECT p.path, m.latitude, m.country FROM photos p
           JOIN photo_meta m ON m.photo_id = p.id WHERE m.country IS NULL"""
    )
    unplaced = {Path(r[0].decode()).name for r in rows}
    assert unplaced == {"no_gps.jpg", "zero.jpg", "broken_gps.jpg"}


def test_a_moved_photo_keeps_its_place(engine: Engine, tmp_path: Path) -> None:
    taken = write_travels(tmp_path / "travels", per_city=1)
    engine.library.add_folder(tmp_path / "travels")
    engine.update()
    (tmp_path / "travels" / "Japan").mkdir()
    moved = taken["tokyo"][0].rename(tmp_path / "travels" / "Japan" / "renamed.jpg")
    scan, indexed = engine.update()
    assert scan.moved == 1 and indexed is not None and indexed.encoded == 0
    assert names(engine, "place:Japan") == {moved.name}


def test_a_library_from_before_gets_its_places_without_encoding(
    engine: Engine, tmp_path: Path
) -> None:
    """Indexed photos whose places were never looked up (as after the migration) get
    them from the pass after indexing, and nothing is encoded again."""
    write_travels(tmp_path / "travels", per_city=1)
    engine.library.add_folder(tmp_path / "travels")
    engine.update()
    with engine.catalog.write() as db:
        db.execute("UPDATE photo_meta SET country = NULL, region = NULL, city = NULL")
        db.execute("UPDATE photo_meta SET place_done = 0")
    assert engine.library.places() == []
    _, indexed = engine.update()
    assert indexed is not None and indexed.encoded == 0
    assert len(engine.library.places()) == len(CITIES)


def test_the_migration_from_schema_6_keeps_every_word_and_adds_places(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    old = Catalog(path, MIGRATIONS[:6])
    folder = old.add_folder(str(tmp_path / "Pictures"))
    with old.write() as db:  # the rows as schema 6 wrote them
        db.execute(
            "INSERT INTO photos(folder_id, path, ext, size, mtime_ns) VALUES (?, ?, 'jpg', 1, 1)",
            (folder.id, bytes(tmp_path / "Pictures" / "IMG_2041.jpg")),
        )
        db.execute(
            """INSERT INTO photo_meta(photo_id, camera, latitude, longitude, keywords, ocr,
               ocr_done) VALUES (1, 'FUJIFILM X-T4', 38.7223, -9.1393, 'tram', 'ELECTRICO', 1)"""
        )
    old.close()
    new = Catalog(path)
    try:
        assert new.schema_version == len(MIGRATIONS)
        fts = "SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?"
        for match in ("name : 2041", "camera : fujifilm", "tags : tram", "ocr : electrico"):
            assert new.read().execute(fts, (match,)).fetchall() == [(1,)], match
        pending = places_pending(new, 10)
        assert pending == [(1, (38.7223, -9.1393))]
        towns = gazetteer()
        assert towns is not None
        store_places(new, [(1, pending[0][1], towns.places([pending[0][1]])[0])])
        assert new.read().execute(fts, ("place : lisbon",)).fetchall() == [(1,)]
        assert places_pending(new, 10) == []
    finally:
        new.close()


def test_places_on_the_command_line(engine: Engine, tmp_path: Path) -> None:
    write_travels(tmp_path / "travels", per_city=1)
    engine.library.add_folder(tmp_path / "travels")
    engine.update()
    engine.close()
    proc = subprocess.run(
        [sys.executable, "-m", "photosearch", "places", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)["places"]
    assert {p["country"] for p in found} == {c for _, _, c, _ in CITIES.values()}
    assert all(p["photos"] == 1 and p["city"] for p in found)


@pytest.mark.parametrize("text", ["place:Lisbon", 'place:"Rio de Janeiro"'])
def test_place_is_a_filter_of_the_query_language(text: str) -> None:
    from photosearch.core.search.query import parse

    query = parse(text)
    assert query.filters.words and query.filters.words[0][0] == "place"
