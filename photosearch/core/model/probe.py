"""A quick check that a model ranks pictures by meaning: imported weights of unknown
origin (a random or damaged file, a wrong architecture) would otherwise turn every
search into noise without a word.

Eight plain pictures — red, blue, green and yellow circles, squares and triangles — are
drawn here, and each caption ("a red circle") must find its own picture first. A trained
CLIP model gets nearly all right; random weights get about one in eight (chance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from photosearch.core.model.encoder import Encoder

PROBES = (
    ("red", "circle"),
    ("blue", "square"),
    ("green", "triangle"),
    ("yellow", "circle"),
    ("red", "square"),
    ("blue", "triangle"),
    ("green", "circle"),
    ("yellow", "square"),
)
LIKE_CHANCE = 2
"""Right answers (of eight) up to which a model ranks no better than chance."""
SIDE = 256


@dataclass(frozen=True, slots=True)
class ProbeResult:
    right: int
    asked: int

    @property
    def like_chance(self) -> bool:
        return self.right <= LIKE_CHANCE

    @property
    def warning(self) -> str | None:
        """What to tell the user when the model ranks like chance; None when it is fine."""
        if not self.like_chance:
            return None
        return (
            f"This model ranks simple test pictures no better than chance ({self.right} of "
            f"{self.asked} right): its weights are probably not a trained model of this "
            "kind, and searches would return unrelated photos. Import the model's own file "
            "again, or choose another model."
        )


def check_ranking(encoder: Encoder) -> ProbeResult:
    """How many of the probe captions find their own picture first."""
    import torch

    pixels = torch.stack([encoder.preprocess(_picture(c, s)) for c, s in PROBES])
    images = encoder.encode_images(pixels)
    texts = np.stack([encoder.encode_text(f"a {c} {s}") for c, s in PROBES])
    right = int((np.argmax(texts @ images.T, axis=1) == np.arange(len(PROBES))).sum())
    return ProbeResult(right, len(PROBES))


def _picture(colour: str, shape: str) -> Image.Image:
    image = Image.new("RGB", (SIDE, SIDE), "white")
    draw = ImageDraw.Draw(image)
    box = (SIDE * 0.2, SIDE * 0.2, SIDE * 0.8, SIDE * 0.8)
    if shape == "circle":
        draw.ellipse(box, fill=colour)
    elif shape == "square":
        draw.rectangle(box, fill=colour)
    else:
        draw.polygon(
            [(SIDE / 2, SIDE * 0.15), (SIDE * 0.85, SIDE * 0.8), (SIDE * 0.15, SIDE * 0.8)],
            fill=colour,
        )
    return image
