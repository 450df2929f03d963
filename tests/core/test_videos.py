"""Videos: clips are indexed as moments, found once at their best moment, filtered by
type, dated and placed from their own tags, and broken clips are skipped with a reason."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.errors import ImageError
from photosearch.core.jsontext import hit_dict
from photosearch.core.media import videos
from photosearch.core.media.images import thumbnail
from photosearch.core.media.videos import MAX_CANDIDATES, frame_at, read_clip
from photosearch.synthetic import shape_scene, write_clip, write_library
from tests.clips import truncate, write_sound_only

LISBON = {"creation_time": "2019-06-01T12:00:00Z", "location": "+38.7223-009.1393/"}


def _library(root: Path) -> Path:
    """Shape photos, and clips: the red circle only in the second half of one."""
    write_library(root / "photos", 40, seed=3)
    blue, red = shape_scene("blue", "square", 1), shape_scene("red", "circle", 3)
    write_clip(root / "clips" / "late.mp4", [(blue, 6.0), (red, 6.0)])
    write_clip(root / "clips" / "green.webm", [(shape_scene("green", "triangle", 2), 5.0)])
    write_clip(root / "clips" / "trip.mov", [(shape_scene("yellow", "star", 5), 5.0)], tags=LISBON)
    return root


@pytest.fixture
def indexed(engine: Engine, tmp_path: Path) -> tuple[Engine, Path]:
    root = _library(tmp_path / "library")
    engine.library.add_folder(root)
    engine.update()
    return engine, root


def _names(hits: list) -> list[str]:
    return [Path(h.path).name for h in hits]


def test_a_clip_is_found_once_at_the_moment_that_matches(indexed: tuple[Engine, Path]) -> None:
    engine, _ = indexed
    hits = engine.search("a red circle", limit=50).hits
    clips = [h for h in hits if h.photo.is_video]
    assert _names(clips) == ["late.mp4"]  # once, however many of its moments match
    late = clips[0]
    assert late.photo.duration == pytest.approx(12.0, abs=0.2)
    assert 6.0 <= late.at < 12.0  # the second half, where the circle is
    as_json = hit_dict(late)
    assert as_json["media"] == "video" and as_json["at"] == late.at
    photo = next(h for h in hits if not h.photo.is_video)
    assert hit_dict(photo)["media"] == "photo" and "at" not in hit_dict(photo)
    first = engine.search("a blue square type:video", limit=5).hits[0]
    assert _names([first]) == ["late.mp4"] and first.at is not None and first.at < 6.0


def test_type_filters_keep_photos_or_videos(indexed: tuple[Engine, Path]) -> None:
    engine, _ = indexed
    only_videos = engine.search("type:video", limit=50).hits
    assert sorted(_names(only_videos)) == ["green.webm", "late.mp4", "trip.mov"]
    only_photos = engine.search("a green triangle type:photo", limit=50).hits
    assert only_photos and not any(h.photo.is_video for h in only_photos)
    webm = engine.search("a green triangle type:webm", limit=5).hits
    assert _names(webm) == ["green.webm"]


def test_a_clip_is_dated_and_placed_by_its_own_tags(indexed: tuple[Engine, Path]) -> None:
    engine, _ = indexed
    trip = engine.search("on:2019-06-01", limit=5).hits
    assert _names(trip) == ["trip.mov"]
    assert _names(engine.search("place:Lisbon", limit=5).hits) == ["trip.mov"]


def test_broken_clips_are_skipped_with_a_reason(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    good = write_clip(folder / "good.mp4", [(shape_scene("red", "circle", 3), 4.0)])
    shutil.copy(good, folder / "cut.mp4")
    truncate(folder / "cut.mp4")
    write_sound_only(folder / "voice.mp4")
    (folder / "notes.mov").write_text("not a video\n")
    (folder / "empty.webm").write_bytes(b"")
    engine.library.add_folder(folder)
    engine.update()
    skipped = dict((Path(p).name, why) for p, why in engine.library.skipped_files())
    assert set(skipped) == {"cut.mp4", "voice.mp4", "notes.mov", "empty.webm"}
    assert "no video" in skipped["voice.mp4"] and "empty" in skipped["empty.webm"]
    assert all("Errno" not in why for why in skipped.values())
    assert _names(engine.search("a red circle", limit=5).hits) == ["good.mp4"]


def test_moved_clips_keep_their_moments_and_deleted_ones_leave_the_index(
    indexed: tuple[Engine, Path],
) -> None:
    engine, root = indexed
    encoded = engine.encoder().images_encoded
    keys = len(engine.vectors())
    os.rename(root / "clips" / "late.mp4", root / "photos" / "renamed.mp4")
    engine.update()
    assert engine.encoder().images_encoded == encoded  # nothing encoded again
    hit = engine.search("a red circle type:video", limit=5).hits[0]
    assert _names([hit]) == ["renamed.mp4"] and hit.at is not None and hit.at >= 6.0
    moments = len(read_clip(root / "photos" / "renamed.mp4").moments)
    assert moments >= 2
    os.remove(root / "photos" / "renamed.mp4")
    engine.update()
    assert len(engine.vectors()) == keys - moments  # every moment left with the clip
    assert "renamed.mp4" not in _names(engine.search("a red circle", limit=50).hits)


def test_a_changed_clip_is_encoded_again_and_loses_its_old_moments(
    indexed: tuple[Engine, Path],
) -> None:
    engine, root = indexed
    keys = len(engine.vectors())
    clip = root / "clips" / "late.mp4"
    before = len(read_clip(clip).moments)
    assert len(engine.library.moments_of(str(clip))) == before
    write_clip(clip, [(shape_scene("blue", "square", 1), 4.0)])  # one scene now
    engine.scan()
    assert engine.library.moments_of(str(clip)) == []  # the old footage is gone before it is read
    engine.update()
    assert len(engine.vectors()) == keys - before + len(read_clip(clip).moments)
    late = next(h for h in engine.search("a blue square type:video", limit=5).hits)
    assert _names([late]) == ["late.mp4"] and late.photo.duration == pytest.approx(4.0, abs=0.2)
    assert [c.ok for c in engine.doctor() if c.name == "vector index"] == [True]
    clip.write_bytes(b"not a video any more")  # and when it no longer reads at all
    engine.update()
    assert engine.library.moments_of(str(clip)) == [] and len(engine.vectors()) == keys - before
    assert "late.mp4" not in _names(engine.search("a blue square", limit=50).hits)


def test_a_long_recording_costs_a_bounded_number_of_seeks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenes = [
        (shape_scene(c, "circle", i, (64, 48)), 40.0) for i, c in enumerate(["red", "blue"] * 8)
    ]
    clip = write_clip(tmp_path / "long.mp4", scenes, fps=2, gop=2)  # 10 minutes 40
    seeks: list[float] = []
    near = videos._frames_near
    monkeypatch.setattr(videos, "_frames_near", lambda c, s, t: (seeks.append(t), near(c, s, t))[1])
    found = read_clip(clip)
    assert len(seeks) <= MAX_CANDIDATES
    assert 16 <= len(found.moments) <= videos.MAX_MOMENTS  # every scene change, and no more
    times = [m.at for m in found.moments]
    assert times == sorted(times) and times[-1] > 600
    with pytest.raises(ImageError, match="no video"):
        read_clip(write_sound_only(tmp_path / "memo.m4v"))


def test_a_thumbnail_shows_the_moment_asked_for(tmp_path: Path) -> None:
    clip = write_clip(
        tmp_path / "two.mp4",
        [(shape_scene("blue", "square", 1), 3.0), (shape_scene("red", "circle", 3), 3.0)],
    )
    first = frame_at(clip, 0.0)
    later = frame_at(clip, 4.0)
    assert first.size == later.size == (320, 240)
    assert first.tobytes() != later.tobytes()
    small = thumbnail(str(clip), 64, tmp_path / "cache", at=4.0)
    other = thumbnail(str(clip), 64, tmp_path / "cache", at=0.0)
    assert small.read_bytes() != other.read_bytes()


def test_a_live_photo_is_one_item_the_still_with_its_clip(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    red = shape_scene("red", "circle", 3)
    red.save(folder.mkdir() or folder / "IMG_0042.JPG", quality=90)
    write_clip(folder / "IMG_0042.MOV", [(red, 3.0)])  # the moment around the still
    write_clip(folder / "IMG_0043.MOV", [(red, 3.0)])  # a clip of its own
    red.save(folder / "IMG_0044.JPG", quality=90)
    write_clip(folder / "IMG_0044.MOV", [(red, 12.0)])  # too long to be a Live Photo
    engine.library.add_folder(folder)
    engine.update()
    hits = engine.search("a red circle", limit=50).hits
    assert sorted(_names(hits)) == ["IMG_0042.JPG", "IMG_0043.MOV", "IMG_0044.JPG", "IMG_0044.MOV"]
    live = next(h for h in hits if h.path.endswith("IMG_0042.JPG"))
    assert live.motion is not None and live.motion.path == str(folder / "IMG_0042.MOV")
    assert (
        hit_dict(live)["live"] == str(folder / "IMG_0042.MOV")
        and hit_dict(live)["media"] == "photo"
    )
    assert all(h.motion is None for h in hits if h is not live)
    listed = engine.search(f"in:{folder}", limit=50).hits  # a listing pairs them too
    assert sorted(_names(listed)) == sorted(_names(hits))
    pages = [engine.search(f"in:{folder} sort:name", limit=2, offset=o).hits for o in (0, 2)]
    assert [len(p) for p in pages] == [2, 2]  # pages keep their length
    assert sorted(_names(pages[0] + pages[1])) == sorted(_names(hits))
    clips = _names(engine.search("a red circle type:video", limit=50).hits)
    assert sorted(clips) == ["IMG_0042.MOV", "IMG_0043.MOV", "IMG_0044.MOV"]  # each file
    alike = _names(engine.similar(str(folder / "IMG_0042.MOV"), limit=10).hits)
    assert "IMG_0042.JPG" not in alike and "IMG_0042.MOV" not in alike  # not itself


def test_similar_from_a_clip_starts_at_the_moment_asked_for(indexed: tuple[Engine, Path]) -> None:
    engine, root = indexed
    clip = str(root / "clips" / "late.mp4")  # a blue square, then a red circle from 6 s

    def colour(hits: list) -> str:  # of the most similar photo (the demo model sees colour first)
        return Path(next(h for h in hits if not h.photo.is_video).path).stem.split("-")[1]

    assert colour(engine.similar(clip, limit=10).hits) == "blue"  # its start
    assert colour(engine.similar(clip, limit=10, at=8.0).hits) == "red"
    assert colour(engine.similar(clip, limit=10, at=1.0).hits) == "blue"


def test_a_portrait_clip_is_turned_upright(tmp_path: Path) -> None:
    stored = np.zeros((48, 96, 3), np.uint8)
    stored[:8, :, 0] = 255  # a red band along the top of the stored (landscape) frames
    path = tmp_path / "portrait.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 96, 48, "yuv420p"
        stream.set_display_rotation(90)  # shown turned a quarter counter-clockwise
        for i in range(20):
            frame = av.VideoFrame.from_ndarray(stored, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    clip = read_clip(path)
    assert (clip.info.width, clip.info.height) == (48, 96)  # as it is shown
    for image in (clip.moments[0].image, frame_at(path, 0.5)):
        pixels = np.asarray(image)
        assert image.size == (48, 96)
        assert pixels[:, :4, 0].mean() > 200 and pixels[:, -8:, 0].mean() < 60  # top → left
