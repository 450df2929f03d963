"""Real faces in versions (``tests/faces/``): the photos of the people tests."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from photosearch.synthetic import make_sample

FACES = Path(__file__).parent / "faces"
OBAMA = ("obama.jpg", "obama2.jpg", "obama3.jpg", "obama_partial_face.jpg")
BIDEN = ("biden.jpg",)


def versions(img: Image.Image) -> dict[str, Image.Image]:
    """The photo as it is, mirrored, smaller, darker, and cropped to its upper part."""
    w, h = img.size
    return {
        "": img,
        "_mirrored": ImageOps.mirror(img),
        "_small": img.resize((w * 2 // 3, h * 2 // 3)),
        "_dark": ImageEnhance.Brightness(img).enhance(0.55),
        "_cropped": img.crop((w // 10, 0, w - w // 10, h * 3 // 4)),
    }


def write_people(folder: Path, names: tuple[str, ...], kinds: tuple[str, ...] = ()) -> list[Path]:
    """Each photo named, in every version (or only the ``kinds`` asked for)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        stem = name.removesuffix(".jpg")
        for suffix, img in versions(Image.open(FACES / name).convert("RGB")).items():
            if kinds and suffix not in kinds:
                continue
            path = folder / f"{stem}{suffix}.jpg"
            img.save(path, quality=88)
            written.append(path)
    return written


def group_photo(seed: int, count: int, face_px: int) -> Image.Image:
    """A 1024 × 768 group photo: ``count`` real heads about ``face_px`` wide, side by
    side on a blurred photo-like scene."""
    rng = random.Random(seed)
    scene = make_sample(rng, size_range=(1024, 1024)).image.resize((1024, 768))
    scene = scene.filter(ImageFilter.GaussianBlur(3))
    names = (*OBAMA, *BIDEN)
    for n in range(count):
        img = Image.open(FACES / names[rng.randrange(len(names))]).convert("RGB")
        head = img.crop((0, 0, img.width, img.height * 2 // 3))
        scale = 2.2 * face_px / head.width
        head = head.resize((round(head.width * scale), round(head.height * scale)))
        top = rng.randint(0, max(0, 768 - head.height))
        scene.paste(head, (20 + n * (1000 // count), top))
    return scene
