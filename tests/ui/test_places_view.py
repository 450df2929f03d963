"""Places in the window: the sidebar lists countries and towns, a click lists their
photos, the details pane says where a photo was taken, and the filter bar chooses one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.core.test_places import write_travels
from tests.ui.windows import open_window, wait_indexed


def test_the_sidebar_lists_places_and_a_click_shows_their_photos(
    qtbot: QtBot, tmp_path: Path
) -> None:
    taken = write_travels(tmp_path / "travels", per_city=1)
    window = open_window(qtbot, tmp_path / "app", [tmp_path / "travels"])
    sidebar = window.sidebar
    try:
        assert sidebar.isRowHidden(sidebar.places.row(), sidebar.rootIndex())  # none yet
        wait_indexed(qtbot, window, 10)
        qtbot.waitUntil(lambda: sidebar.places.rowCount() == 7, timeout=60_000)
        assert not sidebar.isRowHidden(sidebar.places.row(), sidebar.rootIndex())
        portugal = sidebar._find(lambda e: e.kind == "place" and e.path == 'place:"Portugal"')
        assert portugal is not None
        assert portugal.siblingAtColumn(1).data() == "1"
        sidebar.setCurrentIndex(portugal)
        lisbon = {taken["lisbon"][0].name}
        qtbot.waitUntil(
            lambda: {Path(h.path).name for h in window.results.hits()} == lisbon, timeout=30_000
        )
        assert window.search.text() == 'place:"Portugal"'
        assert window.header.title.text() == "Portugal"
        window.details.show_hit(window.results.hits()[0])
        qtbot.waitUntil(
            lambda: window.details.fields["Place"].text() == "Lisbon, Portugal",
            timeout=30_000,
        )
        assert window.details.fields["GPS"].text() == "38.72230° N, 9.13930° W"
        window.details.copy_gps.click()
        assert QGuiApplication.clipboard().text() == "38.72230° N, 9.13930° W"

        place = window.filter_bar.place  # the filter bar offers the same places
        assert place.isVisibleTo(window.filter_bar)
        assert place.currentData() == "Portugal"  # it shows the filter the sidebar wrote
        town = place.findText("Lisbon")
        assert place.itemData(town) == "Lisbon, Portugal"
        assert sidebar.current_entry() is not None  # Portugal, chosen
        window.search.setText("")
        place.setCurrentIndex(town)
        assert sidebar.current_entry() is None  # another search: Portugal is not shown
        assert window.search.text() == 'place:"Lisbon, Portugal"'
        qtbot.waitUntil(
            lambda: {Path(h.path).name for h in window.results.hits()} == lisbon, timeout=30_000
        )
        window.search.setText("place:lisbon")  # typed by hand, in any case
        window.filter_bar.sync(window.search.text())
        assert place.currentData() == "Lisbon, Portugal"
        window.filter_bar.sync("place:reykjavik")  # as the search reads it: no accents
        assert place.currentData() == "Reykjavík, Capital Region, Iceland"
        place.setCurrentIndex(0)
        assert window.search.text() == ""
    finally:
        window.close()
