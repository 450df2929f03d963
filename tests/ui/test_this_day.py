"""*On this day*: photos taken on today's date in earlier years, from the sidebar, newest
first under their years, each saying how long ago and where; other days and this year's
photos stay out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PIL import Image
from pytestqt.qtbot import QtBot

from photosearch.ui.results import SectionRole
from tests.photos import gps_exif, photo_like
from tests.ui.windows import open_window, wait_indexed

EXIF_IFD, DATE_TAKEN = 0x8769, 0x9003


def _taken(path: Path, when: date, seed: int, at: tuple[float, float] | None = None) -> Path:
    exif = gps_exif(*at) if at else Image.Exif()
    exif.get_ifd(EXIF_IFD)[DATE_TAKEN] = f"{when:%Y:%m:%d} 12:00:00"
    photo_like(160, 120, seed).save(path, quality=85, exif=exif)
    return path


def test_on_this_day_lists_this_date_in_earlier_years(qtbot: QtBot, tmp_path: Path) -> None:
    today = date.today()
    folder = tmp_path / "years"
    folder.mkdir()
    # leap years, so that the test holds on February 29th too
    lisbon = (38.7223, -9.1393)
    wanted = [
        _taken(folder / "day_2016.jpg", today.replace(year=2016), 2016),
        _taken(folder / "day_2020.jpg", today.replace(year=2020), 2020, at=lisbon),
    ]
    other = today.replace(year=2020, day=1 if today.day != 1 else 2)
    _taken(folder / "other_day.jpg", other, 1)
    _taken(folder / "this_year.jpg", today, 2)
    window = open_window(qtbot, tmp_path / "app", [folder])
    try:
        wait_indexed(qtbot, window, 4)
        sidebar = window.sidebar
        sidebar.setCurrentIndex(sidebar._find(lambda e: e.kind == "day"))
        qtbot.waitUntil(lambda: len(window.results.hits()) == 2, timeout=30_000)
        assert window.search.text() == f"day:{today:%m-%d} before:{today.year}"
        assert window.header.title.text() == "On this day"
        assert window.header.sort.currentData() == "date"  # newest first, as the Sort box says
        assert [h.path for h in window.results.hits()] == [str(p) for p in reversed(wanted)]
        model = window.results
        headers = [model.index(r).data(SectionRole) for r in range(model.rowCount())]
        assert len([h for h in headers if h is not None]) == 2  # one heading a year
        ago = [today.year - 2020, today.year - 2016]
        want = [f"{ago[0]} years ago · Lisbon", f"{ago[1]} years ago"]
        qtbot.waitUntil(
            lambda: (
                [
                    h.label
                    for r in range(model.rowCount())
                    if (h := model.index(r).data(SectionRole)) is not None
                ]
                == want
            ),
            timeout=10_000,
        )
    finally:
        window.close()
        window.bridge.shutdown()


def test_each_years_heading_names_its_towns_most_photographed_first() -> None:
    from datetime import datetime

    from photosearch.core.types import Hit, Photo, Place
    from photosearch.ui.moments import moment_titles

    def hit(n: int, year: int) -> Hit:
        taken = datetime(year, 6, 14, 12).timestamp()
        return Hit(Photo(n, f"/p/{n}.jpg", 1, 0, None, None, taken), None)

    hits = [hit(n, 2025) for n in range(4)] + [hit(n, 2020) for n in range(4, 7)]
    hits.append(hit(7, 2019))
    town = {"Lisbon": Place("Portugal", None, "Lisbon"), "Porto": Place("Portugal", None, "Porto")}
    places = {0: town["Porto"], 1: town["Lisbon"], 2: town["Lisbon"], 4: town["Lisbon"]}
    places |= {5: town["Porto"], 6: Place("Spain", None, "Vigo")}
    titles = moment_titles(hits, places, today=date(2026, 6, 14))
    assert titles == {
        "2025-06": "1 year ago · Lisbon and Porto",
        "2020-06": "6 years ago · Lisbon and 2 other places",
        "2019-06": "7 years ago",
    }
