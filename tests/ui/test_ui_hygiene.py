"""Small promises of the window: escaped names, dialogs that go away, bounded memory."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from photosearch.core.types import Hit, Photo
from photosearch.ui.results import ThumbnailCache, badge_text, display_name
from tests.conftest import torch_free, write_photos


def _hit(path: str, score: float | None = 0.5) -> Hit:
    return Hit(Photo(1, path, 1234, 1_600_000_000 * 10**9, 96, 72, None), score)


def test_names_that_are_not_utf8_are_readable() -> None:
    path = "/photos/caf\udce9.jpg"  # the byte 0xE9 as Python carries it
    assert display_name(path) == "caf\ufffd.jpg"  # as a file manager shows it


def test_filter_only_hits_show_their_date() -> None:
    assert badge_text(_hit("/a.jpg", None)) == "2020-09-13"
    assert badge_text(_hit("/a.jpg", 0.4567)) == "0.46"
    # under a month's header, the day alone: shorter, it fits on a narrow photo too
    assert badge_text(_hit("/a.jpg", None), under_month=True) == "Sep 13"
    assert badge_text(_hit("/a.jpg", 0.4567), under_month=True) == "0.46"


def test_thumbnails_in_memory_stay_within_their_budget(qtbot: QtBot, tmp_path: Path) -> None:
    photos = [str(p) for p in write_photos(tmp_path / "pics", 12, size=(300, 200))]
    cache = ThumbnailCache(tmp_path / "cache", budget=4 * 300 * 200 * 4)
    for path in photos:
        cache.get(path)
    qtbot.waitUntil(lambda: cache.pending() == 0, timeout=30_000)
    assert 0 < cache.bytes <= cache.budget
    kept = [p for p in photos if (p, None) in cache._pixmaps]
    assert kept == photos[-len(kept) :] and len(kept) < len(photos)  # the newest stayed
    assert cache.get(photos[0]) is None  # evicted: made again (from the disk cache)
    qtbot.waitUntil(lambda: cache.pending() == 0, timeout=30_000)
    assert (photos[0], None) in cache._pixmaps


def test_gentle_mode_from_the_window_does_not_import_torch() -> None:
    from photosearch.core.settings import AppPaths, Settings

    clean, errors = torch_free(
        "from photosearch.core.app.engine import Engine\nEngine.open().set_gentle(True)"
    )
    assert clean, errors
    assert Settings.load(AppPaths.resolve().settings_path).gentle


def test_settings_manage_models_with_buttons_not_commands(
    qtbot: QtBot, tmp_path: Path, random_model: Path
) -> None:
    from PySide6.QtWidgets import QPushButton

    from photosearch.core.model import models
    from photosearch.core.settings import DEFAULT_MODEL, AppPaths
    from photosearch.ui.app import create_window
    from photosearch.ui.settings_dialog import SettingsDialog

    window = create_window(AppPaths.resolve(tmp_path / "home"), watch=False)
    try:
        qtbot.waitUntil(lambda: window.library.model_state == "missing", timeout=30_000)
        dialog = SettingsDialog(window.bridge, window, "models")
        page = dialog.models
        assert dialog.tabs.currentWidget() is page
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        texts += [
            page.table.item(r, c).text() for r in range(page.table.rowCount()) for c in range(5)
        ]
        assert not any("photosearch " in text for text in texts), texts
        keys = page.model_keys()
        assert keys[0] == DEFAULT_MODEL and keys[-1] == models.DEMO_KEY
        row = keys.index(DEFAULT_MODEL)
        assert (
            page.table.item(row, 1).text() == "605 MB"
            and page.table.item(row, 2).text() == "66.6 %"
        )
        assert page.table.item(row, 5).text() == "In use"  # chosen, though not downloaded yet
        assert page.table.item(row, 3).text() == "—"  # not measured yet
        page.select(models.DEMO_KEY)
        assert (
            page.use.isEnabled() and not page.delete.isEnabled() and not page.download.isEnabled()
        )
        page.select("ViT-B-16/dfn2b")
        assert page.download.isEnabled() and not page.use.isEnabled()
        buttons = [b.text() for b in page.findChildren(QPushButton)]
        assert "Import a model file or folder…" in buttons
        window.bridge.request_import_model.emit(str(random_model))
        qtbot.waitUntil(lambda: window.library.model_state == "ready", timeout=60_000)
        imported = window.bridge.model_key
        page.refresh()
        assert page.table.item(page.model_keys().index(imported), 5).text() == "In use"
        page.select(models.DEMO_KEY)
        with qtbot.waitSignal(window.bridge.model_state, timeout=30_000):
            page.use.click()
        qtbot.waitUntil(lambda: window.bridge.model_key == models.DEMO_KEY, timeout=30_000)
        page.refresh()
        page.select(imported)
        assert page.delete.isEnabled()
        window.bridge.run(lambda engine: engine.delete_model(imported), lambda _: page.refresh())
        qtbot.waitUntil(lambda: imported not in page.model_keys(), timeout=10_000)
        dialog.reject()
    finally:
        window.close()
        window.bridge.shutdown()


def test_no_display_is_said_in_words(tmp_path: Path) -> None:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "photosearch"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("No display found: PhotoSearch needs a graphical session")
    assert "photosearch --help" in proc.stderr and "Aborted" not in proc.stderr


def test_progress_reads_as_a_sentence() -> None:
    from photosearch.core.types import Progress
    from photosearch.ui.wording import progress_text

    indexing = Progress("index", 240, 323, rate=62.4, eta=1.2)
    expected = "Indexing 240 of 323 photos · 62 photos/s · about 1 s left"
    assert progress_text(indexing, False) == expected
    assert progress_text(indexing, True) == "Indexing 240 of 323 photos · paused"  # no stale ETA
    assert progress_text(Progress("scan", 1500), False) == (
        "Looking for new photos · 1,500 files checked"
    )
