"""Videos in the window: the grid shows the matching moment with ▶ and the length, the
viewer plays the clip from that moment with its moments on the seek bar, and the details
pane says how long it is and where it matched."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from photosearch.core.media.videos import frame_at
from photosearch.synthetic import shape_scene, write_clip, write_library
from photosearch.ui import clip_player
from photosearch.ui.results import HitRole
from tests.ui.windows import open_window, wait_indexed


def test_a_clip_plays_from_its_best_moment(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / "library"
    write_library(library / "photos", 20, seed=4)
    blue, red = shape_scene("blue", "square", 1), shape_scene("red", "circle", 3)
    write_clip(library / "clips" / "late.mp4", [(blue, 6.0), (red, 24.0)])
    win = open_window(qtbot, tmp_path / "app", [library])
    try:
        wait_indexed(qtbot, win, 21)
        qtbot.waitUntil(lambda: "20 photos and 1 video" in win.status.label.text(), timeout=30_000)
        win.search.setText("a red circle type:video")
        win.run_search()
        qtbot.waitUntil(lambda: win.results.rowCount() == 1, timeout=30_000)
        index = win.results.index(0)
        hit = index.data(HitRole)
        assert hit.photo.is_video and hit.at is not None and hit.at >= 6.0
        # the grid's picture is the moment that matched: red, not the clip's blue start
        thumbs = win.thumbs
        qtbot.waitUntil(
            lambda: None not in (thumbs.get(hit.path, hit.at), thumbs.get(hit.path, 0.0)),
            timeout=30_000,
        )
        shown, start = thumbs.get(hit.path, hit.at), thumbs.get(hit.path, 0.0)
        assert not shown.isNull() and shown.toImage() != start.toImage()
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        assert re.search(r"video, 0:30 long, best match at 0:(0[6-9]|[12]\d)", tip), tip
        win.view.setCurrentIndex(index)
        win.show_viewer()
        viewer = win.viewer
        if not clip_player.available():  # no sound library: the moment as a still, Open plays
            qtbot.waitUntil(lambda: viewer.canvas.pixmap is not None, timeout=30_000)
            assert not viewer.canvas.pixmap.isNull() and "Open plays it" in viewer.title.text()
            return
        player = viewer.player
        assert player is not None and viewer.stage.currentWidget() is player
        assert not viewer.region_button.isVisible()  # photo tools step aside
        qtbot.waitUntil(lambda: player.player.position() >= 6000, timeout=30_000)
        qtbot.waitUntil(lambda: len(player.bar.moments) >= 2, timeout=30_000)
        assert player.bar.maximum() == pytest.approx(30_000, abs=300)
        assert player.play_button.text() == "Pause"
        qtbot.keyClick(player, Qt.Key.Key_Space)  # Space pauses, as in players
        qtbot.waitUntil(lambda: player.play_button.text() == "Play", timeout=10_000)
        paused_at = player.player.position()
        qtbot.wait(500)
        assert player.player.position() == paused_at
        player.seek(1.0)
        qtbot.waitUntil(lambda: player.player.position() < 3000, timeout=10_000)
        if not win.details.isVisible():
            win.toggle_details()
        win.details.show_hit(hit)
        qtbot.waitUntil(lambda: win.details.fields["Type"].text() == "H264 video", timeout=10_000)
        assert win.details.fields["Length"].text().startswith("0:30 · best match at")
        qtbot.keyClick(player, Qt.Key.Key_Escape)
        assert win.stack.currentWidget() is win.view
        qtbot.waitUntil(lambda: player.player.source().isEmpty(), timeout=10_000)
        win.find_similar(hit.path)  # "Find similar" on the clip: by the moment shown
        assert [q.at for q in win.session.image_queries()] == [hit.at]
    finally:
        win.close()
        win.bridge.shutdown()


def test_a_live_photo_plays_its_moment_then_shows_the_still(qtbot: QtBot, tmp_path: Path) -> None:
    phone = tmp_path / "phone"
    phone.mkdir()
    red = shape_scene("red", "circle", 3)
    red.save(phone / "IMG_0042.JPG", quality=90)
    write_clip(phone / "IMG_0042.MOV", [(red, 2.0)])
    win = open_window(qtbot, tmp_path / "app", [phone])
    try:
        wait_indexed(qtbot, win, 2)
        win.search.setText("a red circle")
        win.run_search()
        qtbot.waitUntil(lambda: win.results.rowCount() == 1, timeout=30_000)  # one item
        hit = win.results.index(0).data(HitRole)
        assert hit.path.endswith("IMG_0042.JPG") and hit.motion is not None
        win.view.setCurrentIndex(win.results.index(0))
        win.show_viewer()
        viewer = win.viewer
        qtbot.waitUntil(lambda: viewer.canvas.pixmap is not None, timeout=30_000)
        if not clip_player.available():
            assert not viewer.live_button.isVisible()
            return
        assert viewer.live_button.isVisible() and viewer.region_button.isVisible()
        viewer.live_button.click()
        assert viewer.stage.currentWidget() is viewer.player
        assert not viewer.region_button.isVisible()  # it acts on the still
        qtbot.waitUntil(lambda: viewer.stage.currentWidget() is viewer.canvas, timeout=30_000)
        assert not viewer.canvas.pixmap.isNull()  # the still again, once the moment played
        assert viewer.region_button.isVisible()
    finally:
        win.close()
        win.bridge.shutdown()


def test_without_qt_multimedia_a_clip_shows_its_moment_as_a_still(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clip_player, "available", lambda: False)  # no sound library here
    clips = tmp_path / "clips"
    blue, red = shape_scene("blue", "square", 1), shape_scene("red", "circle", 3)
    write_clip(clips / "late.mp4", [(blue, 4.0), (red, 4.0)])
    win = open_window(qtbot, tmp_path / "app", [clips])
    try:
        wait_indexed(qtbot, win, 1)
        win.search.setText("a red circle")
        win.run_search()
        qtbot.waitUntil(lambda: win.results.rowCount() == 1, timeout=30_000)
        win.view.setCurrentIndex(win.results.index(0))
        win.show_viewer()
        viewer = win.viewer
        qtbot.waitUntil(lambda: viewer.canvas.pixmap is not None, timeout=30_000)
        viewer.canvas.pixmap.save(str(tmp_path / "shown.png"))
        shown = np.asarray(Image.open(tmp_path / "shown.png").convert("RGB"), np.float32)
        hit = win.results.index(0).data(HitRole)
        moment, start = (
            np.asarray(frame_at(clips / "late.mp4", t), np.float32) for t in (hit.at, 0.0)
        )
        # the moment that matched (the red circle), not the clip's blue start
        assert np.abs(shown - moment).mean() < np.abs(shown - start).mean() / 4
        assert "Open plays it" in viewer.title.text() and viewer.player is None
        assert not viewer.region_button.isVisible()  # regions are of photos
    finally:
        win.close()
        win.bridge.shutdown()
