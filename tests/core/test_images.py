from __future__ import annotations

import multiprocessing
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from photosearch.core.errors import FileGoneError, ImageError
from photosearch.core.media.images import open_image, read_ahead, thumbnail
from photosearch.core.model.encoder import Encoder
from photosearch.core.model.model_input import ArrayPreprocess, decode_for_model
from tests.conftest import write_random_model
from tests.photos import photo_like, save_rotated, write_bad_inputs


@pytest.fixture(scope="module")
def encoder224(tmp_path_factory: pytest.TempPathFactory) -> Encoder:
    """A random-initialised model with a real-size (224 px) input: random features are
    more sensitive to pixel differences than trained ones, so fidelity checks are strict."""
    directory = write_random_model(tmp_path_factory.mktemp("m") / "r224", image_size=224)
    return Encoder("local:r224", directory)


def open_clip_transform(img: Image.Image) -> torch.Tensor:
    """The reference: open_clip's own eval transform for a 224-px model."""
    import open_clip

    return open_clip.image_transform(224, is_train=False)(img)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_bad_inputs_fail_cleanly_and_good_ones_decode(tmp_path: Path) -> None:
    expected = write_bad_inputs(tmp_path)
    for name, should_work in expected.items():
        path = os.path.join(tmp_path, name)
        if should_work:
            img, w, h, _ = open_image(path, min_side=64)
            assert img.mode == "RGB" and w > 0 and h > 0, name
        else:
            with pytest.raises(ImageError) as info:
                open_image(path, min_side=64)
            assert str(info.value), name


def test_read_ahead_leaves_errors_to_the_decoder(tmp_path: Path) -> None:
    """Reading ahead is a hint: missing, unreadable or odd paths must not stop indexing,
    and the decoder still reports them as usual afterwards."""
    good = tmp_path / "a.jpg"
    Image.new("RGB", (40, 30), "red").save(good)
    missing = tmp_path / "gone.jpg"
    read_ahead([str(tmp_path), str(missing), str(good)])
    assert open_image(good)[1:3] == (40, 30)
    with pytest.raises(FileGoneError):
        open_image(missing)


def test_reasons_are_specific(tmp_path: Path) -> None:
    write_bad_inputs(tmp_path)
    reasons = {}
    for name in ("zero.jpg", "truncated.jpg", "notes.jpg", "bomb.png"):
        with pytest.raises(ImageError) as info:
            open_image(tmp_path / name)
        reasons[name] = str(info.value)
    assert "empty" in reasons["zero.jpg"]
    assert "truncated" in reasons["truncated.jpg"]
    assert "not an image" in reasons["notes.jpg"]
    assert reasons["bomb.png"] == "image too large (400 megapixels, limit 179)"
    assert "bomb" not in reasons["bomb.png"]
    with pytest.raises(FileGoneError):
        open_image(tmp_path / "never-existed.jpg")


def test_sixteen_bit_png_keeps_its_tones(tmp_path: Path) -> None:
    write_bad_inputs(tmp_path)
    img, *_ = open_image(tmp_path / "deep16.png")
    arr = np.asarray(img)
    assert 20 < arr.mean() < 235 and arr.std() > 10  # not clipped to white or black


def test_transparent_palette_flattens_onto_white(tmp_path: Path) -> None:
    img = Image.new("P", (10, 10), 0)
    img.putpalette([0, 0, 0] * 256)
    img.save(tmp_path / "t.png", transparency=0)
    rgb, *_ = open_image(tmp_path / "t.png")
    assert np.asarray(rgb).min() == 255


def test_animated_gif_uses_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (40, 40), c) for c in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:])
    rgb, *_ = open_image(tmp_path / "a.gif")
    r, _, b = np.asarray(rgb).reshape(-1, 3).mean(0)
    assert r > 200 and b < 50


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_rotation_gives_the_upright_vector(
    tmp_path: Path, encoder224: Encoder, orientation: int
) -> None:
    upright = photo_like(400, 300, 5)
    upright.save(tmp_path / "upright.png")
    save_rotated(upright, tmp_path / "rotated.png", orientation)
    a = decode_for_model(tmp_path / "upright.png", 224, encoder224.preprocess)
    b = decode_for_model(tmp_path / "rotated.png", 224, encoder224.preprocess)
    assert (b.width, b.height) == (400, 300)
    va, vb = encoder224.encode_images(torch.stack([a.pixels, b.pixels]))
    np.testing.assert_allclose(va, vb, atol=1e-5)


def test_exif_rotated_jpeg_matches_upright_jpeg(tmp_path: Path, encoder224: Encoder) -> None:
    upright = photo_like(1200, 900, 6)
    upright.save(tmp_path / "upright.jpg", quality=95)
    save_rotated(upright, tmp_path / "rotated.jpg", 6, quality=95)
    a = decode_for_model(tmp_path / "upright.jpg", 224, encoder224.preprocess)
    b = decode_for_model(tmp_path / "rotated.jpg", 224, encoder224.preprocess)
    va, vb = encoder224.encode_images(torch.stack([a.pixels, b.pixels]))
    assert cosine(va, vb) >= 0.99


def test_fast_decode_matches_the_models_reference_preprocess(
    tmp_path: Path, encoder224: Encoder
) -> None:
    """Draft JPEG decoding must not change what the model sees (cosine >= 0.99)."""
    sims = []
    for i, (w, h) in enumerate([(4000, 3000), (3000, 4000), (2048, 1536), (1000, 750), (640, 480)]):
        path = tmp_path / f"p{i}.jpg"
        photo_like(w, h, 10 + i).save(path, quality=92)
        fast = decode_for_model(path, 224, encoder224.preprocess).pixels
        with Image.open(path) as img:
            reference = open_clip_transform(img.convert("RGB"))
        va, vb = encoder224.encode_images(torch.stack([fast, reference]))
        sims.append(cosine(va, vb))
    assert min(sims) >= 0.99, sims


def test_array_preprocess_gives_the_same_numbers_as_the_torch_transform() -> None:
    import open_clip

    for resize_mode in ("shortest", "squash", "longest"):
        transform = open_clip.image_transform(224, is_train=False, resize_mode=resize_mode)
        fast = ArrayPreprocess.wrap(transform)
        assert isinstance(fast, ArrayPreprocess)
        for i, (w, h) in enumerate([(640, 480), (333, 500), (224, 224), (97, 61), (1200, 230)]):
            img = photo_like(w, h, i)
            torch.testing.assert_close(fast(img), transform(img), atol=1e-6, rtol=0)


def test_an_unusual_transform_is_kept_as_it_is() -> None:
    from torchvision.transforms import Compose, Resize, ToTensor

    transform = Compose([Resize(32), ToTensor()])
    assert ArrayPreprocess.wrap(transform) is transform


def test_draft_decoding_really_decodes_smaller(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    photo_like(4000, 3000, 1).save(path, quality=90)
    img, w, h, _ = open_image(path, min_side=224)
    assert (w, h) == (4000, 3000)
    assert min(img.size) >= 224 and img.size[0] <= 1000


def _open_as_nobody(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    os.setgid(65534)
    os.setuid(65534)
    try:
        open_image(path)
        queue.put("opened")
    except ImageError as exc:
        queue.put(str(exc))


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    os.chmod(folder, 0o755)
    path = folder / "locked.jpg"
    photo_like(50, 50, 1).save(path)
    os.chmod(path, 0)
    if os.geteuid() != 0:
        with pytest.raises(ImageError, match="permission denied"):
            open_image(path)
        return
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_open_as_nobody, args=(str(path), queue))
    child.start()
    child.join(60)
    assert queue.get(timeout=5) == "permission denied"


def test_thumbnails_are_cached(tmp_path: Path) -> None:
    src = tmp_path / "a.jpg"
    photo_like(1600, 1200, 2).save(src)
    cache = tmp_path / "thumbs"
    first = thumbnail(str(src), 192, cache)
    with Image.open(first) as t:
        assert max(t.size) == 192
    mtime = first.stat().st_mtime_ns
    assert thumbnail(str(src), 192, cache) == first and first.stat().st_mtime_ns == mtime
    assert thumbnail(str(src), 96, cache) != first
