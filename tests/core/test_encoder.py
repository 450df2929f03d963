from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from photosearch.core.model import models
from photosearch.core.model.encoder import Encoder

TEXTS = [
    "red",
    "a dog on the beach at sunset",
    "a very long description of a family picnic in the park with a red blanket, a dog, "
    "sandwiches and lemonade on a sunny afternoon in june, far longer than the context",
]


@pytest.mark.parametrize("which", ["random", "demo"])
def test_truncated_text_encoding_equals_the_full_one(which: str, random_model: Path) -> None:
    directory = random_model if which == "random" else models.demo_model_dir()
    encoder = Encoder(which, directory)
    assert encoder._truncate_text
    for text in TEXTS:
        tokens = encoder.tokenizer([text])
        with torch.inference_mode():
            full = encoder.model.encode_text(tokens, normalize=True)[0].numpy()
        np.testing.assert_allclose(encoder.encode_text(text), full, atol=1e-5)


def test_text_vectors_are_cached_and_normalised(random_model: Path) -> None:
    encoder = Encoder("random", random_model)
    first = encoder.encode_text("a cat")
    assert encoder.encode_text("a cat") is first
    assert abs(float(first @ first) - 1.0) < 1e-5


def test_skipping_random_init_loads_the_same_model(random_model: Path) -> None:
    """The checkpoint overwrites every weight, so not initialising them first changes nothing."""
    import open_clip

    reference, _, _ = open_clip.create_model_and_transforms(f"local-dir:{random_model}")
    reference.eval()
    encoder = Encoder("random", random_model)
    for name, tensor in reference.state_dict().items():
        torch.testing.assert_close(encoder.model.state_dict()[name], tensor, rtol=0, atol=0)
    assert torch.nn.init.normal_.__name__ == "normal_"
