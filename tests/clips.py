"""Generated test clips beyond the ones ``photosearch.synthetic`` makes: a clip with sound,
sound alone, and a clip cut short."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def add_silence(out: av.container.OutputContainer, seconds: float) -> None:
    """``seconds`` of silent AAC in ``out``."""
    stream = out.add_stream("aac", rate=22050)
    for start in range(0, int(seconds * stream.rate), 1024):
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate, frame.pts = stream.rate, start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def write_sound_only(path: Path, seconds: float = 2.0) -> Path:
    """An .mp4 holding only sound (a voice memo saved as a video)."""
    with av.open(str(path), "w") as out:
        add_silence(out, seconds)
    return path


def truncate(path: Path, keep: float = 0.4) -> Path:
    """The clip cut short, as a copy that stopped half-way leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
