"""Thousands of broken photos — bit flips, truncations, huge declared sizes, odd EXIF
orientations, EXIF blocks of megabytes — decoded as indexing decodes them: never a crash,
never more than a second or a few hundred megabytes for one file, only ``ImageError``.
"""

from __future__ import annotations

import io
import json
import random
import resource
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

import photosearch.core.media.images  # noqa: F401  (registers the HEIF opener, as the app does)
from tests.photos import photo_like

pytestmark = pytest.mark.faults

WORKER = Path(__file__).with_name("decode_worker.py")
MUTANTS_PER_KIND = 100
SECONDS_PER_FILE = 2.0
GROWTH_PER_FILE_MB = 400
MEMORY_LIMIT = 3 << 30
FORMATS = {
    "jpg": "JPEG",
    "png": "PNG",
    "webp": "WEBP",
    "gif": "GIF",
    "tif": "TIFF",
    "heic": "HEIF",
    "bmp": "BMP",
}
REGRESSIONS: list[tuple[str, int]] = []
"""(mutation, seed) pairs that once found a bug, replayed every run (none so far)."""


def base(fmt: str, orientation: int = 6, exif_bytes: int = 0) -> bytes:
    img = photo_like(96, 64, seed=len(fmt))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Canon"
    if exif_bytes:  # ImageDescription, megabytes long (a JPEG segment holds 64 KB at most)
        exif[0x010E] = "x" * (min(exif_bytes, 60_000) if fmt == "JPEG" else exif_bytes)
    out = io.BytesIO()
    if fmt == "GIF":
        frames = [img.convert("P"), photo_like(96, 64, seed=9).convert("P")]
        frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=50)
    elif fmt == "BMP":
        img.save(out, fmt)
    else:
        img.save(out, fmt, exif=exif.tobytes())
    data = out.getvalue()
    if fmt == "JPEG" and exif_bytes:  # then as many more EXIF segments as it takes
        segment = b"\xff\xe1" + struct.pack(">H", 65_000) + b"Exif\0\0" + b"\0" * 64_992
        data = data[:2] + segment * (exif_bytes // 65_000) + data[2:]
    return data


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        # half the flips land in the header, where the parsers make their decisions
        at = rng.randrange(min(len(out), 2048)) if rng.random() < 0.5 else rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def huge_size(data: bytes, rng: random.Random) -> bytes:
    """The declared width and height made enormous, checksums kept right."""
    side = rng.choice([65535, 40000, 1 << 20, 0x7FFFFFFF, 0])
    out = bytearray(data)
    if data.startswith(b"\x89PNG"):
        out[16:24] = struct.pack(">II", side, side)
        out[29:33] = struct.pack(">I", zlib.crc32(bytes(out[12:29])))
    elif data.startswith(b"\xff\xd8"):
        at = data.find(b"\xff\xc0")
        if at > 0:
            out[at + 5 : at + 9] = struct.pack(">HH", side & 0xFFFF, side & 0xFFFF)
    elif data.startswith(b"GIF"):
        out[6:10] = struct.pack("<HH", side & 0xFFFF, side & 0xFFFF)
    elif data.startswith(b"BM"):
        out[18:26] = struct.pack("<ii", side & 0x7FFFFFFF, side & 0x7FFFFFFF)
    else:  # TIFF, WebP, HEIF: the size fields are deeper; overwrite likely spots
        for at in rng.sample(range(8, min(len(out) - 4, 256)), 4):
            out[at : at + 4] = struct.pack("<I", side & 0xFFFFFFFF)
    return bytes(out)


def garbage_tail(data: bytes, rng: random.Random) -> bytes:
    return data + rng.randbytes(rng.randint(1, 1 << 16))


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip_bits,
    "truncate": truncate,
    "huge": huge_size,
    "tail": garbage_tail,
}


def write_mutants(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for ext, fmt in FORMATS.items():
        if fmt == "HEIF" and ".heic" not in Image.registered_extensions():
            continue
        originals = [base(fmt)]
        if fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
            originals += [base(fmt, orientation=o) for o in (0, 9, 255, 65535)]
            originals.append(base(fmt, exif_bytes=3 << 20))
        for i, data in enumerate(originals):
            path = folder / f"{ext}-original-{i}.{ext}"
            path.write_bytes(data)
            paths.append(path)
        cases = [(name, seed) for name in MUTATIONS for seed in range(MUTANTS_PER_KIND)]
        for name, seed in [*cases, *REGRESSIONS]:
            rng = random.Random(f"{ext}-{name}-{seed}")
            data = MUTATIONS[name](rng.choice(originals), rng)
            path = folder / f"{ext}-{name}-{seed}.{ext}"
            path.write_bytes(data)
            paths.append(path)
    return paths


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_broken_photos_are_skipped_quickly_and_never_crash(tmp_path: Path) -> None:
    paths = write_mutants(tmp_path / "mutants")
    assert len(paths) >= 2500
    proc = subprocess.run(
        [sys.executable, str(WORKER)],
        input="".join(f"{p}\n" for p in paths),
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=limit_memory,
    )
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    if len(records) < len(paths):  # the worker died or hung on the next file
        culprit = paths[len(records)]
        pytest.fail(f"decoding {culprit.name} ended the process: {proc.stderr[-2000:]}")
    bugs = [r for r in records if r["outcome"].startswith("BUG")]
    assert not bugs, "\n".join(f"{Path(r['path']).name}: {r['outcome']}" for r in bugs[:5])
    assert proc.returncode == 0, proc.stderr[-2000:]
    slow = [r for r in records if r["seconds"] > SECONDS_PER_FILE]
    assert not slow, [(Path(r["path"]).name, round(r["seconds"], 2)) for r in slow]
    greedy = [r for r in records if r["grew_mb"] > GROWTH_PER_FILE_MB]
    assert not greedy, [(Path(r["path"]).name, round(r["grew_mb"])) for r in greedy]
    skipped = sum(r["outcome"].startswith("skipped") for r in records)
    originals = [r for r in records if "-original-" in r["path"]]
    assert all(r["outcome"] == "read" for r in originals), originals
    print(
        f"decoded {len(records)} files: {len(records) - skipped} read, {skipped} skipped, "
        f"slowest {max(r['seconds'] for r in records) * 1000:.0f} ms, "
        f"peak {max(r['peak_mb'] for r in records):.0f} MB"
    )
