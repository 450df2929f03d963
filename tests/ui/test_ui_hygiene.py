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
    assert display_name(path) == "caf\\xe9.jpg"


def test_filter_only_hits_show_their_date() -> None:
    assert badge_text(_hit("/a.jpg", None)) == "2020-09-13"
    assert badge_text(_hit("/a.jpg", 0.4567)) == "0.46"


def test_thumbnails_in_memory_stay_within_their_budget(qtbot: QtBot, tmp_path: Path) -> None:
    photos = [str(p) for p in write_photos(tmp_path / "pics", 12, size=(300, 200))]
    cache = ThumbnailCache(tmp_path / "cache", budget=4 * 300 * 200 * 4)
    for path in photos:
        cache.get(path)
    qtbot.waitUntil(lambda: cache.pending() == 0, timeout=30_000)
    assert 0 < cache.bytes <= cache.budget
    kept = [p for p in photos if p in cache._pixmaps]
    assert kept == photos[-len(kept) :] and len(kept) < len(photos)  # the newest stayed
    assert cache.get(photos[0]) is None  # evicted: made again (from the disk cache)
    qtbot.waitUntil(lambda: cache.pending() == 0, timeout=30_000)
    assert photos[0] in cache._pixmaps


def test_gentle_mode_from_the_window_does_not_import_torch() -> None:
    from photosearch.config import AppPaths, Settings

    clean, errors = torch_free(
        "from photosearch.core.engine import Engine\nEngine.open().set_gentle(True)"
    )
    assert clean, errors
    assert Settings.load(AppPaths.resolve().settings_path).gentle


def test_settings_offer_a_button_not_a_command(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QPushButton

    from photosearch.config import AppPaths
    from photosearch.ui.app import create_window
    from photosearch.ui.settings_dialog import SettingsDialog

    window = create_window(AppPaths.resolve(tmp_path / "home"), watch=False)
    try:
        dialog = SettingsDialog(window.bridge, window)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert not any("photosearch " in text for text in texts), texts
        button = next(
            b for b in dialog.findChildren(QPushButton) if b.text() == "Download or import a model…"
        )
        with qtbot.waitSignal(dialog.get_model, timeout=2000):
            button.click()
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
    from photosearch.ui.main_window import progress_text

    indexing = Progress("index", 240, 323, rate=62.4, eta=1.2)
    expected = "Indexing 240 of 323 photos · 62 photos/s · about 1 s left"
    assert progress_text(indexing, False) == expected
    assert progress_text(indexing, True).endswith(" · paused")
    assert progress_text(Progress("scan", 1500), False) == (
        "Looking for new photos · 1,500 files checked"
    )
