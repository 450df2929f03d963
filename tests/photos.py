"""Generated test photos: photo-like images, EXIF rotations and a zoo of broken files."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

ORIENTATION = 0x0112
# For each EXIF orientation, the transpose that turns the upright image into stored pixels.
STORE_AS = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def photo_like(width: int, height: int, seed: int) -> Image.Image:
    """Smooth gradients, blobs and sensor-like noise: closer to a photo than flat shapes."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.zeros((height, width, 3), np.float32)
    for c in range(3):
        a, b = rng.uniform(-1, 1, 2)
        img[..., c] = 128 + 60 * np.sin(a * x / width * 6 + b * y / height * 6 + rng.uniform(0, 6))
    for _ in range(6):
        cx, cy, r = (
            rng.uniform(0, width),
            rng.uniform(0, height),
            rng.uniform(0.05, 0.3) * min(width, height),
        )
        mask = ((x - cx) ** 2 + (y - cy) ** 2) < r**2
        img[mask] = rng.uniform(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def save_rotated(upright: Image.Image, path: Path, orientation: int, **save_args: object) -> None:
    """Store ``upright`` turned, with the EXIF tag that tells viewers to turn it back."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    stored = upright.transpose(STORE_AS[orientation]) if orientation in STORE_AS else upright
    stored.save(path, exif=exif, **save_args)


def huge_png_header(path: Path, width: int = 20_000, height: int = 20_000) -> None:
    """A valid PNG whose header claims ``width``×``height`` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def write_bad_inputs(folder: Path) -> dict[str, bool]:
    """Write the awkward files of the bad-input list; value: whether it should index fine."""
    folder.mkdir(parents=True, exist_ok=True)
    ok = photo_like(320, 240, 1)
    expected: dict[str, bool] = {}

    (folder / "zero.jpg").write_bytes(b"")
    expected["zero.jpg"] = False
    full = folder / "full.jpg"
    ok.save(full, quality=90)
    (folder / "truncated.jpg").write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    full.unlink()
    expected["truncated.jpg"] = False
    (folder / "notes.jpg").write_text("this is a text file, not a photo\n")
    expected["notes.jpg"] = False
    huge_png_header(folder / "bomb.png")
    expected["bomb.png"] = False
    ok.convert("CMYK").save(folder / "cmyk.jpg")
    expected["cmyk.jpg"] = True
    deep = (np.asarray(ok.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    Image.fromarray(deep).save(folder / "deep16.png")
    expected["deep16.png"] = True
    pal = ok.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal.save(folder / "palette.png", transparency=0)
    expected["palette.png"] = True
    frames = [photo_like(120, 90, s) for s in (2, 3, 4)]
    frames[0].save(
        folder / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0
    )
    expected["anim.gif"] = True
    save_rotated(ok, folder / "rotated.jpg", 6, quality=92)
    expected["rotated.jpg"] = True
    ok.save(folder / "with spaces and emoji 🌅.webp")
    expected["with spaces and emoji 🌅.webp"] = True
    bad_name = os.fsdecode(b"latin1 caf\xe9.png")
    ok.save(os.path.join(os.fsencode(folder), os.fsencode(bad_name)), "PNG")
    expected[bad_name] = True
    ok.save(folder / "plain.tiff")
    expected["plain.tiff"] = True
    ok.save(folder / "plain.bmp")
    expected["plain.bmp"] = True
    (folder / "broken-link.jpg").symlink_to(folder / "does-not-exist.jpg")
    os.symlink("loop-b.jpg", folder / "loop-a.jpg")
    os.symlink("loop-a.jpg", folder / "loop-b.jpg")
    return expected


def gps_exif(latitude: float, longitude: float) -> Image.Exif:
    """EXIF with GPS coordinates as a phone writes them (degrees, minutes, seconds)."""

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees, minutes = int(value), int(abs(value) % 1 * 60)
        return float(degrees), float(minutes), round((value * 60 % 1) * 60, 4)

    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("N" if latitude >= 0 else "S"), dms(latitude)
    gps[3], gps[4] = ("E" if longitude >= 0 else "W"), dms(longitude)
    return exif
