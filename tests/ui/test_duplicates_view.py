"""The sidebar's Duplicates: groups under headers, the keeper marked, the rest to the trash
after one question, and the view and catalog follow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from photosearch.ui import safety
from photosearch.ui.results import BadgeRole, Section, SectionRole
from photosearch.ui.safety import ConfirmPhotos
from tests.core.test_duplicates import write_originals_and_copies
from tests.ui.windows import open_window, wait_indexed


def test_duplicates_view_keeps_the_originals_and_trashes_the_copies(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_trash: Path
) -> None:
    families = write_originals_and_copies(tmp_path / "photos")
    win = open_window(qtbot, tmp_path / "app", [tmp_path / "photos"])
    try:
        wait_indexed(qtbot, win, 5 * len(families))
        win.sidebar._select(lambda e: e.kind == "duplicates")
        qtbot.waitUntil(lambda: bool(win.duplicates.groups), timeout=30_000)
        model = win.results
        rows = [model.index(r) for r in range(model.rowCount())]
        headers = [i.data(SectionRole) for i in rows if isinstance(i.data(SectionRole), Section)]
        assert [h.text for h in headers] == ["Near-duplicates · 5 photos"] * len(families)
        keepers = [i.data(Qt.ItemDataRole.UserRole + 1).path for i in rows if i.data(BadgeRole)]
        assert sorted(keepers) == sorted(families)
        assert win.header.title.text() == "Duplicates" and win.header.trash_button.isVisible()
        assert (
            win.header.summary.text()
            == f"{len(families)} groups · {4 * len(families)} photos besides the ones to keep"
        )
        asked: list[ConfirmPhotos] = []

        def answer(dialog: ConfirmPhotos) -> int:
            asked.append(dialog)
            default = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
            assert default.text() == "Cancel"  # Enter never moves anything
            return ConfirmPhotos.DialogCode.Accepted

        monkeypatch.setattr(ConfirmPhotos, "exec", answer)
        # the notice waits longer than the search for the rest, however busy the machine
        monkeypatch.setattr(safety, "UNDO_SECONDS", 600)
        win.duplicates.trash()
        copies = [p for f in families.values() for p in f[1:]]
        assert len(asked) == 1 and asked[0].photos.count() == len(copies)  # shown, each one
        qtbot.waitUntil(lambda: "No duplicates" in win.message.text(), timeout=30_000)
        assert all(os.path.exists(p) for p in families)
        assert not any(os.path.exists(p) for p in copies)
        assert win.undo.offering and len(list(user_trash.iterdir())) == len(copies)
        win.undo.button.click()  # Undo: every copy back where it was
        qtbot.waitUntil(lambda: all(os.path.exists(p) for p in copies), timeout=10_000)
        assert list(user_trash.iterdir()) == []
        # found again by the rescan, the copies are back in the view (never "No duplicates")
        qtbot.waitUntil(lambda: len(win.duplicates.groups or []) == len(families), timeout=60_000)
        win.search.setText("a red circle")
        win.run_search()  # typing leaves the duplicates view
        qtbot.waitUntil(lambda: win.last_result is not None, timeout=15_000)
        assert win.duplicates.groups is None and not win.header.trash_button.isVisible()
    finally:
        win.close()
        win.bridge.shutdown()
