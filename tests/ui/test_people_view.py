"""People in the window: the sidebar lists them with their faces, a click lists their
photos under their name, and naming, making two one (with Undo), hiding and deleting
every face datum act at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from photosearch.ui.settings_dialog import SettingsDialog
from tests.people import BIDEN, OBAMA, write_people
from tests.ui.windows import open_window, wait_indexed


def test_people_in_the_sidebar_named_merged_and_forgotten(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    biden = write_people(tmp_path / "lib", BIDEN)
    obama = write_people(tmp_path / "lib", OBAMA[:2])
    window = open_window(qtbot, tmp_path / "app", [tmp_path / "lib"])
    sidebar = window.sidebar
    try:
        wait_indexed(qtbot, window, len(biden) + len(obama))
        qtbot.waitUntil(lambda: len(sidebar.shown_people()) == 2, timeout=120_000)
        assert not sidebar.isRowHidden(sidebar.people.row(), sidebar.rootIndex())
        rows = [sidebar.people.child(r) for r in range(2)]
        assert [r.text() for r in rows] == ["Add a name", "Add a name"]
        qtbot.waitUntil(lambda: all(not r.icon().isNull() for r in rows), timeout=30_000)
        small = sidebar.shown_people()[1]
        assert small.photos == len(biden)
        # Chosen: their photos, newest first, under "Not named yet".
        sidebar.setCurrentIndex(rows[1].index())
        names = {p.name for p in biden}
        qtbot.waitUntil(
            lambda: {Path(h.path).name for h in window.results.hits()} == names, timeout=30_000
        )
        assert window.search.text() == f"person:#{small.id}"
        assert window.header.title.text() == "Not named yet"
        # Named: the sidebar, the search and the title say the name.
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Joe Biden", True))
        sidebar.name_person.emit(small)
        qtbot.waitUntil(lambda: window.search.text() == 'person:"Joe Biden"', timeout=30_000)
        qtbot.waitUntil(lambda: "Joe Biden" in [p.name for p in sidebar.shown_people()])
        qtbot.waitUntil(lambda: window.header.title.text() == "Joe Biden", timeout=30_000)
        window.details.show_hit(window.results.hits()[0])
        qtbot.waitUntil(
            lambda: window.details.fields["People"].text() == "Joe Biden", timeout=30_000
        )
        # Dragged onto the other: one person, until Undo.
        big, named = sorted(sidebar.shown_people(), key=lambda p: -p.photos)
        sidebar.merge_people.emit(named, big)
        qtbot.waitUntil(lambda: len(sidebar.shown_people()) == 1, timeout=30_000)
        assert window.undo.offering
        window.undo.button.click()
        qtbot.waitUntil(lambda: len(sidebar.shown_people()) == 2, timeout=30_000)
        # Every face datum deleted from Settings: the group goes.
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        dialog = SettingsDialog(window.bridge, window)
        dialog.forget_faces.click()
        assert not dialog.find_faces.isChecked()
        dialog.reject()
        qtbot.waitUntil(
            lambda: sidebar.isRowHidden(sidebar.people.row(), sidebar.rootIndex()),
            timeout=30_000,
        )
        assert not window.bridge.settings.find_faces
    finally:
        window.close()


def test_the_viewer_outlines_faces_and_takes_a_wrong_one_back(qtbot: QtBot, tmp_path: Path) -> None:
    photos = write_people(tmp_path / "lib", BIDEN)
    window = open_window(qtbot, tmp_path / "app", [tmp_path / "lib"])
    sidebar = window.sidebar
    try:
        wait_indexed(qtbot, window, len(photos))
        qtbot.waitUntil(lambda: len(sidebar.shown_people()) == 1, timeout=120_000)
        person = sidebar.shown_people()[0]
        window.show_filter(f"person:#{person.id}")
        qtbot.waitUntil(lambda: len(window.results.hits()) == len(photos), timeout=30_000)
        window.view.select_path(window.results.hits()[0].path)
        window.show_viewer()
        canvas = window.viewer.canvas
        qtbot.waitUntil(lambda: len(canvas.faces) == 1 and canvas.pixmap is not None)
        face = canvas.faces[0]
        assert face.person_id == person.id
        canvas.hovering = True
        canvas.repaint()  # outlined while the pointer is over the photo
        rect = canvas.face_rect(face)
        assert canvas.rect().contains(rect.toRect()) and rect.width() > 20
        assert canvas.face_at(rect.center()) == face
        actions = [a.text() for a in window.viewer.menu_for(face).actions()]
        assert actions == ["All photos of this person", "Not this person"]
        # "Not this person": the face leaves them, the viewer says so at once.
        window.viewer.menu_for(face).actions()[1].trigger()
        qtbot.waitUntil(lambda: canvas.faces and canvas.faces[0].person_id is None)
        qtbot.waitUntil(lambda: sidebar.shown_people()[0].photos == len(photos) - 1)
        # A click on a face lists that person's photos.
        other = next(h for h in window.viewer.hits if h.path != face.path)
        window.viewer.show_row(window.viewer.hits.index(other))
        qtbot.waitUntil(lambda: len(canvas.faces) == 1 and canvas.faces[0].path == other.path)
        canvas.face_clicked.emit(canvas.faces[0])
        qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.viewer)
        qtbot.waitUntil(lambda: window.header.title.text() == "Not named yet", timeout=30_000)
    finally:
        window.close()
