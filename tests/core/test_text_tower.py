"""The numpy text tower: open_clip's tokens and vectors, without importing torch."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.model import models, phrase_tower
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.phrase_tower import TextTower
from photosearch.core.model.tokenizer import ClipTokenizer
from tests.conftest import add_library, write_random_model

PHRASES = [
    "a dog on the beach at sunset",
    "Dog on the BEACH at Sunset!!",
    "café crème brûlée, naïve façade — “quotes”",
    "日本の桜 🌸 Straße ΣΊΣΥΦΟΣ",
    "&amp;lt;b&amp;gt; it's we've they'll can't",
    "123 4567 1.5m f/2.8",
    "<start_of_text> inside <end_of_text> text",
    "",
    "   \t  ",
    "word " * 100,
]


@pytest.mark.parametrize("context_length", [77, 16])
def test_tokens_are_open_clips(context_length: int) -> None:
    import open_clip

    ours = ClipTokenizer(context_length)
    theirs = open_clip.tokenize(PHRASES, context_length=context_length)
    for phrase, row in zip(PHRASES, theirs, strict=True):
        assert ours(phrase) == row[: int((row != 0).sum())].tolist(), phrase


@pytest.mark.parametrize("quick_gelu", [False, True])
def test_vectors_are_the_torch_models(tmp_path: Path, quick_gelu: bool) -> None:
    directory = write_random_model(tmp_path / "model", quick_gelu=quick_gelu)
    encoder = Encoder("random", directory, measure_text=True)
    tower = TextTower(directory)
    assert encoder.text_tower_cosine is not None
    assert encoder.text_tower_cosine >= phrase_tower.MIN_COSINE
    for phrase in PHRASES:
        np.testing.assert_allclose(
            tower.encode_text(phrase), encoder.encode_text(phrase), atol=2e-5
        )


def test_weights_are_read_exactly_in_every_float_format(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(0)
    tensors = {"text.a": torch.randn(3, 5), "visual.b": torch.randn(7), "scale": torch.tensor(2.5)}
    for dtype in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
        path = tmp_path / f"{str(dtype)[6:]}.safetensors"
        save_file({k: v.to(dtype) for k, v in tensors.items()}, str(path))
        read = phrase_tower.read_safetensors(path, lambda n: not n.startswith("visual."))
        assert set(read) == {"text.a", "scale"}
        for name, values in read.items():
            assert values.dtype == np.float32
            np.testing.assert_array_equal(values, tensors[name].to(dtype).float().numpy())
    save_file({"ids": torch.arange(4)}, str(tmp_path / "int.safetensors"))
    with pytest.raises(ValueError, match="I64"):
        phrase_tower.read_safetensors(tmp_path / "int.safetensors", lambda n: True)


def test_the_check_catches_a_tower_that_computes_otherwise(
    random_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phrase_tower, "LAYER_NORM_EPS", 1.0)
    encoder = Encoder("random", random_model, measure_text=True)
    assert encoder.text_tower_cosine is not None
    record = tmp_path / "checks.json"
    assert not phrase_tower.record_check(record, encoder.fingerprint, encoder.text_tower_cosine)
    assert not phrase_tower.is_verified(record, encoder.fingerprint)


def test_a_check_holds_for_those_weights_only(tmp_path: Path) -> None:
    record = tmp_path / "checks.json"
    assert phrase_tower.record_check(record, "aaa", 0.99999)
    assert phrase_tower.record_check(record, "bbb", 1.0)
    assert phrase_tower.is_verified(record, "aaa") and phrase_tower.is_verified(record, "bbb")
    assert not phrase_tower.is_verified(record, "ccc")
    record.write_text("{broken")
    assert not phrase_tower.is_verified(record, "aaa")


def test_only_the_plain_clip_text_tower_is_taken(random_model: Path, tmp_path: Path) -> None:
    assert phrase_tower.supports(random_model)
    assert phrase_tower.supports(models.demo_model_dir())
    changes = [
        ("text_cfg", "hf_model_name", "xlm-roberta-base"),
        ("text_cfg", "pool_type", "eos"),
        ("text_cfg", "tokenizer_kwargs", {"clean": "canonicalize"}),
        ("text_cfg", "something_new", 1),
        ("model_cfg", "custom_text", True),
    ]
    for i, (where, key, value) in enumerate(changes):
        variant = shutil.copytree(random_model, tmp_path / f"v{i}")
        path = variant / models.CONFIG_NAME
        cfg = json.loads(path.read_text())
        (cfg["model_cfg"] if where == "model_cfg" else cfg["model_cfg"]["text_cfg"])[key] = value
        path.write_text(json.dumps(cfg))
        assert not phrase_tower.supports(variant), (key, value)
    pickled = shutil.copytree(random_model, tmp_path / "bin")
    (pickled / "open_clip_model.safetensors").rename(pickled / "open_clip_pytorch_model.bin")
    assert not phrase_tower.supports(pickled)


def test_a_search_with_no_model_loaded_uses_the_checked_tower(
    engine: Engine, tmp_path: Path
) -> None:
    add_library(engine, tmp_path / "photos", 12)
    engine.update()
    loaded = engine.search("a red circle", limit=5)
    fresh = Engine.open(engine.paths, exclusive=False)
    try:
        assert isinstance(fresh.text_encoder(), TextTower)
        result = fresh.search("a red circle", limit=5)
        assert fresh.runtime.loaded is None
    finally:
        fresh.close()
    assert [h.path for h in result.hits] == [h.path for h in loaded.hits]
    for ours, theirs in zip(result.hits, loaded.hits, strict=True):
        assert abs(ours.score - theirs.score) < 0.02


def test_a_command_line_search_does_not_import_torch(engine: Engine, tmp_path: Path) -> None:
    add_library(engine, tmp_path / "photos", 6)
    engine.update()
    engine.close()
    code = (
        "import sys; from photosearch.cli import main; main(['search', 'a red circle']);"
        "print([m for m in ('torch', 'open_clip', 'torchvision') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr
    assert str(tmp_path / "photos") in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_an_upgrade_of_the_tower_or_open_clip_checks_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "checks.json"
    assert phrase_tower.record_check(record, "aaa", 1.0)
    assert phrase_tower.is_verified(record, "aaa")
    monkeypatch.setattr(phrase_tower, "TOWER_VERSION", phrase_tower.TOWER_VERSION + 1)
    assert not phrase_tower.is_verified(record, "aaa")
    monkeypatch.undo()
    assert phrase_tower.is_verified(record, "aaa")
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "999.0" if name == "open_clip_torch" else real(name),
    )
    assert not phrase_tower.is_verified(record, "aaa")
