"""*On this day*: photos taken on today's date in earlier years, from the sidebar, newest
first under their years; other days and this year's photos stay out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PIL import Image
from pytestqt.qtbot import QtBot

from photosearch.ui.results import SectionRole
from tests.photos import photo_like
from tests.ui.test_main_window import open_window, wait_indexed

EXIF_IFD, DATE_TAKEN = 0x8769, 0x9003


def _taken(path: Path, when: date, seed: int) -> Path:
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD)[DATE_TAKEN] = f"{when:%Y:%m:%d} 12:00:00"
    photo_like(160, 120, seed).save(path, quality=85, exif=exif)
    return path


def test_on_this_day_lists_this_date_in_earlier_years(qtbot: QtBot, tmp_path: Path) -> None:
    today = date.today()
    folder = tmp_path / "years"
    folder.mkdir()
    # leap years, so that the test holds on February 29th too
    wanted = [_taken(folder / f"day_{y}.jpg", today.replace(year=y), y) for y in (2016, 2020)]
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
        assert window.title.text() == "On this day"
        assert window.sort.currentData() == "date"  # newest first, as the Sort box says
        assert [h.path for h in window.results.hits()] == [str(p) for p in reversed(wanted)]
        model = window.results
        headers = [model.index(r).data(SectionRole) for r in range(model.rowCount())]
        years = [h.label.split()[-1] for h in headers if h is not None]
        assert years == ["2020", "2016"]  # one heading a year
    finally:
        window.close()
        window.bridge.shutdown()
