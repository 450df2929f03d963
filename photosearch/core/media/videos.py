"""Videos: what a clip says of itself, and its moments — frames worth encoding, with times.

Decoded with PyAV (its wheel carries FFmpeg). A clip is never decoded end to end: the
reader seeks to the keyframe before each candidate time (a few seconds apart; further
apart in a long film, so a clip costs at most ``MAX_CANDIDATES`` seeks) and keeps a
frame when the scene changed since the last one kept or ``EVERY_S`` went by; at most
``MAX_MOMENTS`` are kept, spread over the clip. A deadline bounds the wall time one
clip may take, whatever the file holds.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image

from photosearch.core.errors import FileGoneError, ImageError, os_reason
from photosearch.core.media.metadata import PhotoMeta

log = logging.getLogger(__name__)

MAX_MOMENTS = 32
"""Moments kept of one clip: a two-hour film costs as much as a few dozen photos."""
MAX_CANDIDATES = 120
"""Seeks made in one clip at most."""
CANDIDATE_STEP_S = 2.0
EVERY_S = 10.0
"""A moment at least this often, even when nothing changes."""
SCENE_CHANGE = 18.0
"""Mean difference (0–255) of two 32×32 grey frames that makes a new scene."""
FORWARD_FRAMES = 60
"""Frames decoded past a keyframe at most, to come near a candidate time."""
MAX_VIDEO_PIXELS = 8192 * 8192
DEADLINE_S = 60.0
"""Wall time one clip may take; what was found by then is kept."""
FRAME_DEADLINE_S = 10.0
"""Wall time one frame (a thumbnail, the viewer's still) may take."""


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """A clip's length and format."""

    duration: float
    width: int
    height: int
    codec: str


@dataclass(frozen=True, slots=True)
class Moment:
    """One frame of a clip, at ``at`` seconds."""

    at: float
    image: Image.Image


@dataclass(frozen=True, slots=True)
class Clip:
    info: VideoInfo
    meta: PhotoMeta
    moments: list[Moment]


_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


def _meta(tags: dict[str, str]) -> PhotoMeta:
    """Date taken and place from the container's tags (phones write both)."""
    taken_at = None
    created = tags.get("creation_time") or tags.get("com.apple.quicktime.creationdate")
    if created:
        try:
            taken_at = datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
        except ValueError:
            log.debug("unreadable creation time %r", created)
    latitude = longitude = None
    location = tags.get("location") or tags.get("com.apple.quicktime.location.ISO6709")
    if location and (found := _ISO6709.match(location.strip())):
        latitude, longitude = float(found.group(1)), float(found.group(2))
    camera = tags.get("com.apple.quicktime.model") or tags.get("model")
    return PhotoMeta(taken_at=taken_at, latitude=latitude, longitude=longitude, camera=camera)


def _open(path: str | Path):  # type: ignore[no-untyped-def]
    import av  # FFmpeg: only for the code that reads videos

    try:
        if os.path.getsize(path) == 0:
            raise ImageError("empty file (0 bytes)")
        return av.open(os.fspath(path), metadata_errors="ignore")
    except FileNotFoundError as exc:
        raise FileGoneError("file not found") from exc
    except av.error.FFmpegError as exc:
        raise ImageError(f"not a video PhotoSearch can read ({_reason(exc)})") from exc
    except OSError as exc:
        raise ImageError(f"cannot read the file: {os_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text)


def read_clip(
    path: str | Path,
    limit: int = MAX_MOMENTS,
    deadline_s: float = DEADLINE_S,
    min_side: int | None = None,
) -> Clip:
    """A clip's format, tags and moments (frames scaled down to ``min_side`` on their
    shorter side); a clip with no picture, too large, or with no frame that decodes is
    an ``ImageError`` saying why."""

    started = time.monotonic()
    with _open(path) as container:
        if not container.streams.video:
            raise ImageError("no video in this file (sound only?)")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > MAX_VIDEO_PIXELS:
            raise ImageError(f"video too large ({width}×{height})")
        info = VideoInfo(_duration(container, stream), width, height, stream.codec_context.name)
        tags = {**dict(container.metadata), **dict(stream.metadata)}
        size = _scaled(width, height, min_side)
        try:
            moments = _moments(container, stream, info.duration, started + deadline_s, size)
        except ImageError:
            raise
        except Exception as exc:  # PyAV failing otherwise on a hostile file: skipped, said why
            raise ImageError(f"this video cannot be decoded ({_reason(exc)})") from exc
        if not moments:
            raise ImageError("no frame of this video can be decoded (damaged or cut short?)")
        upright = moments[0].image.size
        if (upright[0] > upright[1]) != (width > height):  # shown turned (a phone's portrait)
            info = VideoInfo(info.duration, height, width, info.codec)
        if len(moments) > limit:
            picks = np.linspace(0, len(moments) - 1, limit).round().astype(int)
            moments = [moments[i] for i in sorted(set(picks.tolist()))]
        return Clip(info, _meta(tags), moments)


def _duration(container, stream) -> float:  # type: ignore[no-untyped-def]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return 0.0


def _frames_near(container, stream, target: float) -> Iterator:  # type: ignore[no-untyped-def]
    """Frames from the keyframe before ``target`` on."""
    if target > 0 and stream.time_base is not None:
        container.seek(int(target / stream.time_base), stream=stream, backward=True)
    yield from container.decode(stream)


def _frame_near(container, stream, target: float, enough: float, deadline: float):  # type: ignore[no-untyped-def]
    """The first frame at or after ``enough`` seconds, decoding on from the keyframe
    before ``target`` (at most ``FORWARD_FRAMES``, and not past the deadline); the last
    one decoded otherwise, or None."""
    frame = None
    for count, candidate in enumerate(_frames_near(container, stream, target)):
        frame = candidate
        at = candidate.time if candidate.time is not None else target
        if at >= enough or count >= FORWARD_FRAMES or time.monotonic() > deadline:
            break
    return frame


def _scaled(width: int, height: int, min_side: int | None) -> dict[str, int]:
    """FFmpeg's resize arguments that bring the shorter side down to ``min_side``."""
    if not min_side or min(width, height) <= min_side:
        return {}
    scale = min_side / min(width, height)
    return {"width": max(1, round(width * scale)), "height": max(1, round(height * scale))}


def _turn(container, stream) -> int:  # type: ignore[no-untyped-def]
    """How far a clip's frames are turned to be shown (degrees counter-clockwise; phones
    film portrait clips as landscape frames marked "turn 90°"). Read from the first frame:
    FFmpeg drops the mark from frames decoded after a seek."""
    for frame in container.decode(stream):
        turn = round(getattr(frame, "rotation", 0) or 0) % 360  # PyAV ≥ 14 reads the matrix
        container.seek(0, stream=stream, backward=True)
        return turn
    return 0


def _upright(frame, size: dict[str, int], turn: int) -> Image.Image:  # type: ignore[no-untyped-def]
    """A frame in RGB as it is shown."""
    image = frame.to_image(**size)
    return image.rotate(turn, expand=True) if turn else image


def _moments(  # type: ignore[no-untyped-def]
    container, stream, duration: float, deadline: float, size: dict[str, int]
) -> list[Moment]:
    import av

    step = max(CANDIDATE_STEP_S, duration / MAX_CANDIDATES) if duration > 0 else math.inf
    targets = [0.0] if not math.isfinite(step) else np.arange(0.0, duration, step).tolist()
    turn = _turn(container, stream)
    kept: list[Moment] = []
    last_small: np.ndarray | None = None
    last_at = -math.inf
    for target in targets:
        if time.monotonic() > deadline:
            log.info("a clip took too long to read; %d moments kept", len(kept))
            break
        try:
            frame = _frame_near(container, stream, target, target - step / 2, deadline)
        except av.error.FFmpegError as exc:  # damaged from here on: what was read stays
            log.info("decoding stopped at %.1f s (%s)", target, _reason(exc))
            break
        if frame is None:
            continue
        if frame.width * frame.height > MAX_VIDEO_PIXELS:
            raise ImageError(f"video too large ({frame.width}×{frame.height})")
        at = float(frame.time if frame.time is not None else target)
        if at <= last_at:  # the same keyframe as the candidate before
            continue
        small = frame.to_ndarray(format="gray", width=32, height=32).astype(np.float32)
        changed = last_small is None or float(np.abs(small - last_small).mean()) > SCENE_CHANGE
        if changed or at - kept[-1].at >= EVERY_S:
            kept.append(Moment(at, _upright(frame, size, turn)))
            last_small = small
        last_at = at
    return kept


def frame_at(path: str | Path, at: float, min_side: int | None = None) -> Image.Image:
    """The frame of a clip nearest ``at`` seconds (its keyframe and a few after), in RGB,
    scaled so that its shorter side is ``min_side`` when that is smaller."""
    import av

    with _open(path) as container:
        if not container.streams.video:
            raise ImageError("no video in this file (sound only?)")
        stream = container.streams.video[0]
        deadline = time.monotonic() + FRAME_DEADLINE_S
        try:
            turn = _turn(container, stream)
            chosen = _frame_near(container, stream, at, at - 0.02, deadline)
        except av.error.FFmpegError as exc:
            raise ImageError(f"this video cannot be decoded ({_reason(exc)})") from exc
        if chosen is None:
            raise ImageError("no frame of this video can be decoded (damaged or cut short?)")
        return _upright(chosen, _scaled(chosen.width, chosen.height, min_side), turn)


def video_info(path: str | Path) -> tuple[VideoInfo, PhotoMeta]:
    """A clip's format and tags, without decoding a frame."""
    with _open(path) as container:
        if not container.streams.video:
            raise ImageError("no video in this file (sound only?)")
        stream = container.streams.video[0]
        info = VideoInfo(
            _duration(container, stream),
            stream.codec_context.width,
            stream.codec_context.height,
            stream.codec_context.name,
        )
        return info, _meta({**dict(container.metadata), **dict(stream.metadata)})
