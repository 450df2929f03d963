"""Generated photos of coloured shapes, with captions: the demo library and the tiny model's
training and test data. Deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from photosearch.core.types import Cutoff

COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 35),
    "green": (40, 170, 60),
    "blue": (35, 70, 220),
    "yellow": (245, 215, 40),
    "orange": (245, 135, 25),
    "purple": (135, 50, 175),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
}
SHAPES = ("circle", "square", "triangle", "star", "cross")
PLURALS = {"cross": "crosses"}
SYNONYMS = {"circle": ("circle", "disc"), "cross": ("cross", "plus sign")}
NUMBERS = {1: "one", 2: "two", 3: "three"}
HELD_OUT = frozenset(
    {("purple", "star"), ("orange", "circle"), ("white", "triangle"), ("green", "cross")}
)
"""Colour–shape pairs never shown in training, to test that the model composes words."""


@dataclass(frozen=True, slots=True)
class Sample:
    image: Image.Image
    caption: str
    colour: str
    shape: str
    count: int
    background: str | None  # a colour name when the background is one plain named colour

    @property
    def key(self) -> tuple[str, str]:
        return (self.colour, self.shape)


def _polygon(shape: str, cx: float, cy: float, r: float, angle: float) -> list[tuple[float, float]]:
    if shape == "square":
        pts = [
            (math.cos(a), math.sin(a)) for a in (math.pi / 4 + i * math.pi / 2 for i in range(4))
        ]
    elif shape == "triangle":
        pts = [
            (math.cos(a), math.sin(a))
            for a in (-math.pi / 2 + i * 2 * math.pi / 3 for i in range(3))
        ]
    elif shape == "star":
        pts = [
            (
                (1.0 if i % 2 == 0 else 0.45) * math.cos(a),
                (1.0 if i % 2 == 0 else 0.45) * math.sin(a),
            )
            for i, a in enumerate(-math.pi / 2 + k * math.pi / 5 for k in range(10))
        ]
    elif shape == "cross":
        w = 0.33
        pts = [
            (-w, -1),
            (w, -1),
            (w, -w),
            (1, -w),
            (1, w),
            (w, w),
            (w, 1),
            (-w, 1),
            (-w, w),
            (-1, w),
            (-1, -w),
            (-w, -w),
        ]
    else:
        raise ValueError(shape)
    ca, sa = math.cos(angle), math.sin(angle)
    return [(cx + r * (x * ca - y * sa), cy + r * (x * sa + y * ca)) for x, y in pts]


def _jitter(
    rgb: tuple[int, int, int], rng: random.Random, amount: int = 18
) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)  # type: ignore[return-value]


def _background(
    size: tuple[int, int], exclude: str, rng: random.Random
) -> tuple[Image.Image, str | None]:
    w, h = size
    kind = rng.choice(("plain", "gradient", "noise", "colour"))
    neutral = [(200, 200, 195), (120, 125, 130), (225, 215, 190), (70, 90, 80), (170, 200, 220)]
    if kind == "colour":
        name = rng.choice([c for c in COLOURS if c != exclude])
        return Image.new("RGB", size, _jitter(COLOURS[name], rng, 10)), name
    if kind == "plain":
        return Image.new("RGB", size, _jitter(rng.choice(neutral), rng)), None
    if kind == "gradient":
        a = np.array(_jitter(rng.choice(neutral), rng), dtype=np.float32)
        b = np.array(_jitter(rng.choice(neutral), rng), dtype=np.float32)
        t = np.linspace(0, 1, h if rng.random() < 0.5 else w, dtype=np.float32)[:, None]
        line = a * (1 - t) + b * t
        grid = (
            np.repeat(line[:, None, :], w, 1)
            if len(line) == h
            else np.repeat(line[None, :, :], h, 0)
        )
        return Image.fromarray(grid.astype(np.uint8), "RGB"), None
    base = np.array(_jitter(rng.choice(neutral), rng), dtype=np.float32)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 28, (h // 4 + 1, w // 4 + 1, 3))
    tex = Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8), "RGB").resize(
        size, Image.Resampling.BILINEAR
    )
    return tex, None


def caption_for(
    colour: str, shape: str, count: int, background: str | None, rng: random.Random
) -> str:
    noun = rng.choice(SYNONYMS.get(shape, (shape,)))
    if count == 1:
        text = rng.choice(
            (
                f"a {colour} {noun}",
                f"a photo of a {colour} {noun}",
                f"one {colour} {noun}",
                f"{colour} {noun}",
                f"a picture of a {colour} {noun}",
                f"a {noun} that is {colour}",
            )
        )
    else:
        plural = PLURALS.get(noun, noun + ("es" if noun.endswith("s") else "s"))
        text = rng.choice(
            (
                f"{NUMBERS[count]} {colour} {plural}",
                f"a photo of {NUMBERS[count]} {colour} {plural}",
                f"{colour} {plural}",
            )
        )
    if background and rng.random() < 0.7:
        text += f" on a {background} background"
    return text


def make_sample(
    rng: random.Random,
    allowed: frozenset[tuple[str, str]] | None = None,
    size_range: tuple[int, int] = (64, 160),
    colour: str | None = None,
    shape: str | None = None,
) -> Sample:
    """One image: 1–3 shapes of one colour and kind on a varied background, and its caption."""
    while True:
        c = colour or rng.choice(list(COLOURS))
        s = shape or rng.choice(SHAPES)
        if allowed is None or (c, s) in allowed:
            break
    side = rng.randint(*size_range)
    w = side if rng.random() < 0.6 else int(side * rng.uniform(1.0, 1.5))
    size = (w, side) if rng.random() < 0.5 else (side, w)
    image, bg = _background(size, c, rng)
    draw = ImageDraw.Draw(image)
    count = rng.choices((1, 2, 3), weights=(0.6, 0.25, 0.15))[0]
    inner = min(size)
    ox, oy = (size[0] - inner) / 2, (size[1] - inner) / 2
    fill = _jitter(COLOURS[c], rng)
    for _ in range(count):
        r = inner * rng.uniform(0.12, 0.3) / (1 if count == 1 else 1.5)
        cx = ox + rng.uniform(r, inner - r)
        cy = oy + rng.uniform(r, inner - r)
        if s == "circle":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
        else:
            draw.polygon(_polygon(s, cx, cy, r, rng.uniform(-0.5, 0.5)), fill=fill)
    if rng.random() < 0.2:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    return Sample(image, caption_for(c, s, count, bg, rng), c, s, count, bg)


def training_pairs(held_out: frozenset[tuple[str, str]] = HELD_OUT) -> frozenset[tuple[str, str]]:
    return frozenset((c, s) for c in COLOURS for s in SHAPES) - held_out


def write_library(
    folder: Path, count: int, seed: int = 7, size_range: tuple[int, int] = (160, 480)
) -> list[Sample]:
    """Write ``count`` shape photos as JPEG/PNG files named after what they show."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    samples = []
    for i in range(count):
        sample = make_sample(rng, size_range=size_range)
        ext = "png" if i % 5 == 4 else "jpg"
        name = f"{i:04d}-{sample.colour}-{sample.shape}.{ext}"
        sample.image.save(folder / name, quality=90) if ext == "jpg" else sample.image.save(
            folder / name
        )
        samples.append(sample)
    return samples


def evaluation_set(seed: int, per_pair: int) -> list[Sample]:
    """A balanced set over every colour–shape pair (held-out pairs included)."""
    rng = random.Random(seed)
    return [
        make_sample(rng, colour=c, shape=s)
        for c in COLOURS
        for s in SHAPES
        for _ in range(per_pair)
    ]


@dataclass(frozen=True, slots=True)
class Scores:
    text_p1_seen: float
    text_p5_seen: float
    text_p1_unseen: float
    text_p5_unseen: float
    image_p5: float


def score(
    image_vectors: np.ndarray,
    keys: list[tuple[str, str]],
    text_vector: dict[tuple[str, str], np.ndarray],
) -> Scores:
    """Text→image precision@1/@5 per colour–shape prompt, and image→image precision@5."""
    labels = np.array([f"{c} {s}" for c, s in keys])
    seen: list[tuple[float, float]] = []
    unseen: list[tuple[float, float]] = []
    for pair, vec in text_vector.items():
        order = np.argsort(-(image_vectors @ vec))[:5]
        hits = labels[order] == f"{pair[0]} {pair[1]}"
        (unseen if pair in HELD_OUT else seen).append((float(hits[0]), float(hits.mean())))
    sims = image_vectors @ image_vectors.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1)[:, :5]
    image_p5 = float((labels[top] == labels[:, None]).mean())

    def mean(rows: list[tuple[float, float]], i: int) -> float:
        return float(np.mean([r[i] for r in rows])) if rows else float("nan")

    return Scores(mean(seen, 0), mean(seen, 1), mean(unseen, 0), mean(unseen, 1), image_p5)


def shown_quality(
    image_vectors: np.ndarray,
    keys: list[tuple[str, str]],
    text_vector: dict[tuple[str, str], np.ndarray],
    cutoff: Cutoff,
) -> tuple[float, float, float]:
    """(precision, recall, F1) of "shown as a good match" under ``cutoff``, summed over
    every colour–shape prompt: what a person sees above the line, right or wrong."""
    right = shown = both = 0
    labels = np.array([f"{c} {s}" for c, s in keys])
    for pair, vec in text_vector.items():
        scores = image_vectors @ vec
        chosen = scores >= cutoff.for_best(float(scores.max()))
        relevant = labels == f"{pair[0]} {pair[1]}"
        right += int(relevant.sum())
        shown += int(chosen.sum())
        both += int((chosen & relevant).sum())
    precision, recall = both / max(1, shown), both / max(1, right)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


FONT_FILES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansCondensed-Oblique.ttf",
)
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/Library/Fonts")
SIGN_WORDS = (
    "INVOICE", "TOTAL", "RECEIPT", "Harbour", "Street", "Station", "Bakery", "Museum",
    "EXIT", "Market", "Garden", "Hotel", "Pharmacy", "Library", "Coffee", "Parking",
)  # fmt: skip


def _font(face: Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(face), size) if face else ImageFont.load_default(size)


def text_photo(
    seed: int, size: tuple[int, int] = (1152, 864), words: str | None = None
) -> tuple[Image.Image, str]:
    """A photo with legible words (a sign, a receipt, a label) and the words it shows:
    varied fonts, sizes, colours, a slight tilt and sometimes blur, on a photo-like scene."""
    rng = random.Random(seed)
    scene, _ = _background(size, "", rng)
    chosen = f"{rng.choice(SIGN_WORDS)} {rng.choice(SIGN_WORDS)} {rng.randint(10, 9999)}"
    words = words or chosen
    faces = [Path(d) / f for d in FONT_DIRS for f in FONT_FILES if (Path(d) / f).is_file()]
    face = rng.choice(faces) if faces else None  # DejaVu where the system has it
    height = int(size[1] * rng.uniform(0.03, 0.11))
    font = _font(face, height)
    left, top, right, bottom = ImageDraw.Draw(scene).textbbox((0, 0), words, font=font)
    if right - left + height > 0.9 * size[0]:  # the whole sign in the picture
        height = int(height * 0.9 * size[0] / (right - left + height))
        font = _font(face, height)
        left, top, right, bottom = ImageDraw.Draw(scene).textbbox((0, 0), words, font=font)
    pad = height // 2
    card = Image.new(
        "RGB",
        (right - left + 2 * pad, bottom - top + 2 * pad),
        rng.choice([(245, 245, 235), (250, 215, 60), (30, 60, 140), (25, 25, 25)]),
    )
    ink = (20, 20, 20) if sum(card.getpixel((0, 0))) > 380 else (250, 250, 250)
    ImageDraw.Draw(card).text((pad - left, pad - top), words, font=font, fill=ink)
    card = card.rotate(rng.uniform(-4, 4), expand=True, fillcolor=card.getpixel((0, 0)))
    x = rng.randint(0, max(0, size[0] - card.width))
    y = rng.randint(0, max(0, size[1] - card.height))
    scene.paste(card, (x, y))
    if rng.random() < 0.3:
        scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.2)))
    return scene, words


def small_print_photo(seed: int, size: tuple[int, int] = (2304, 1728)) -> Image.Image:
    """A large photo with a sign a quarter of its width: words 1.5–5.5 % of its height,
    as a street sign in a 4-MP photo (the gate's hardest case)."""
    rng = random.Random(seed)
    scene = make_sample(rng, size_range=(max(size), max(size))).image.resize(size)
    sign, _ = text_photo(seed, size=(size[0] // 2, size[1] // 2))
    sign = sign.resize((size[0] // 4, size[1] // 4))
    scene.paste(sign, (rng.randint(0, size[0] - sign.width), rng.randint(0, size[1] - sign.height)))
    return scene


CLIP_CODECS = {"mp4": "libx264", "mov": "libx264", "m4v": "libx264", "webm": "libvpx-vp9"}


def shape_scene(
    colour: str, shape: str, seed: int, size: tuple[int, int] = (320, 240)
) -> Image.Image:
    """A still of one colour and shape, ``size`` large: a scene of a generated clip."""
    sample = make_sample(
        random.Random(seed), size_range=(min(size), min(size)), colour=colour, shape=shape
    )
    return ImageOps.pad(sample.image, size, color=sample.image.getpixel((0, 0)))


def write_clip(
    path: Path,
    scenes: list[tuple[Image.Image, float]],
    fps: int = 10,
    gop: int = 10,
    tags: dict[str, str] | None = None,
) -> Path:
    """A clip showing each image for its seconds (a keyframe every ``gop`` frames),
    encoded by FFmpeg as phones' clips are (H.264 in MP4 and MOV, VP9 in WebM)."""
    import av  # only where clips are made

    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = scenes[0][0].size
    with av.open(str(path), "w") as out:
        for key, value in (tags or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(CLIP_CODECS[path.suffix.lstrip(".").lower()], rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = gop
        index = 0
        for image, seconds in scenes:
            pixels = np.asarray(image.convert("RGB")).astype(np.int16)
            for _ in range(round(seconds * fps)):
                noisy = np.clip(pixels + (index % 3), 0, 255).astype(np.uint8)  # not one still
                frame = av.VideoFrame.from_ndarray(noisy, format="rgb24")
                frame.pts = index
                out.mux(stream.encode(frame))
                index += 1
        out.mux(stream.encode())
    return path


def write_demo_clip(folder: Path) -> Path:
    """The demo's clip: a blue square, then a red circle, then a yellow star."""
    scenes = [("blue", "square"), ("red", "circle"), ("yellow", "star")]
    return write_clip(
        folder / "clips" / "shapes.mp4",
        [(shape_scene(colour, shape, seed), 4.0) for seed, (colour, shape) in enumerate(scenes)],
    )
