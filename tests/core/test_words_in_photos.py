"""Words read in photos (OCR): the gate that spares ordinary photos, text found by plain
words and by ``text:``, the pass after indexing that yields to new photos, the setting
that turns it off — with the real PP-OCR networks, offline."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from photosearch.core.app.engine import Engine
from photosearch.core.index.scanner import Scope
from photosearch.core.media import faces, ocr
from photosearch.core.media.ocr import TextReader
from photosearch.core.store.fulltext import text_counts
from photosearch.synthetic import make_sample, small_print_photo, text_photo, write_library
from tests.photos import photo_like


@pytest.fixture
def engine(engine: Engine) -> Engine:
    """Words read in photos are what these tests are about: the pass is on."""
    engine.set_read_text(True)
    return engine


pytestmark = pytest.mark.skipif(not ocr.available(), reason="OCR part not installed")


@pytest.fixture(scope="module")
def reader() -> TextReader:
    return TextReader(threads=2)


def test_reading_never_reaches_for_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("OCR tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    image, words = text_photo(5)
    read = TextReader(threads=1).read_image(image)
    assert read is not None and words.split()[0].lower() in read.lower()


def test_the_gate_passes_photos_with_words_and_few_without(reader: TextReader) -> None:
    with_words = [text_photo(100 + i, size=(1000, 750))[0] for i in range(20)]
    ordinary = [photo_like(1000, 750, i) for i in range(10)] + [
        make_sample(random.Random(i), size_range=(700, 1000)).image for i in range(10)
    ]
    recall = sum(reader.has_text(img) for img in with_words) / len(with_words)
    passed = sum(reader.has_text(img) for img in ordinary) / len(ordinary)
    assert recall >= 0.95
    assert passed <= 0.15


def test_the_int8_detector_finds_and_reads_what_the_float_one_does(reader: TextReader) -> None:
    """The detector runs quantised to int8 (half the time): on the gate's hardest case,
    small print, it misses no more than the float detector it was made from, and signs
    are read word for word."""
    directory = ocr.model_dir()
    assert directory is not None
    exact = TextReader(threads=2, detector=directory / ocr.MODELS["Det.model_path"])
    photos = [small_print_photo(5000 + i) for i in range(12)]
    int8 = [reader.has_text(photo) for photo in photos]
    float32 = [exact.has_text(photo) for photo in photos]
    assert sum(float32) >= 4  # the set is hard, not hopeless
    assert sum(int8) >= sum(float32) - 1
    assert sum(a != b for a, b in zip(int8, float32, strict=True)) <= 2
    for seed in range(3):
        image, words = text_photo(500 + seed, size=(1152, 864))
        assert words.lower() in (reader.read_image(image) or "").lower()


def test_only_the_parts_around_the_lines_found_are_read() -> None:
    """Detection costs by the pixel: a sign is read with a margin around it, lines that
    are near are read as one part, parts come in reading order."""
    sign = ocr.Box(0.60, 0.70, 0.80, 0.74)
    (part,) = ocr.around([sign], 1600, 1200)
    x0, y0, x1, y1 = part
    assert x0 < 960 and y0 < 840 and x1 > 1280 and y1 > 888  # the whole line and a margin
    assert (x1 - x0) * (y1 - y0) < 0.1 * 1600 * 1200
    below = ocr.Box(0.62, 0.76, 0.78, 0.78)  # a second line just under the first
    assert len(ocr.around([sign, below], 1600, 1200)) == 1
    top_left = ocr.Box(0.05, 0.05, 0.20, 0.08)
    parts = ocr.around([sign, top_left], 1600, 1200)
    assert [p[1] for p in parts] == sorted(p[1] for p in parts) and len(parts) == 2
    assert all(0 <= p[0] < p[2] <= 1600 and 0 <= p[1] < p[3] <= 1200 for p in parts)


def test_a_small_sign_is_read_from_the_part_around_it(reader: TextReader, tmp_path: Path) -> None:
    image, words = text_photo(11, size=(1152, 864))  # words 1.5-5.5 % of the photo's height
    photo = make_sample(random.Random(3), size_range=(2304, 2304)).image.resize((2304, 1728))
    photo.paste(image, (1100, 800))
    path = tmp_path / "street.jpg"
    photo.save(path, quality=90)
    lines = reader.text_lines(photo)
    assert lines, "the gate sees the sign"
    parts = ocr.around(lines, 1600, 1200)
    assert sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in parts) < ocr.WHOLE * 1600 * 1200
    assert words.lower() in (reader.read(str(path)) or "").lower()


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> tuple[Engine, Path, list[str]]:
    root = tmp_path / "Pictures"
    write_library(root / "shapes", 20, seed=4)  # makes the folder
    shown = []
    for i in range(3):
        image, words = text_photo(200 + i)
        image.save(root / f"img_{i:04d}.jpg", quality=80)  # names that say nothing
        shown.append(words)
    engine.library.add_folder(root)
    engine.update()
    return engine, root, shown


def test_words_only_the_photo_shows_find_it(library: tuple[Engine, Path, list[str]]) -> None:
    engine, root, shown = library
    assert text_counts(engine.catalog) == (23, 23)
    for i, words in enumerate(shown):
        first, second, number = words.split()
        expected = [f"img_{i:04d}.jpg"]
        assert [Path(h.path).name for h in engine.search(f"{first} {number}").hits[:1]] == expected
        only = engine.search(f'text:"{second} {number}"').hits
        assert [Path(h.path).name for h in only] == expected
    assert engine.search('text:"no such words"').hits == []
    shown_words = engine.library.details(str(root / "img_0000.jpg")).words or ""
    assert all(word.lower() in shown_words.lower() for word in shown[0].split())


def test_the_pass_yields_to_new_photos_and_can_be_turned_off(
    engine: Engine, tmp_path: Path
) -> None:
    root = tmp_path / "Pictures"
    root.mkdir()
    for i in range(3):
        text_photo(300 + i)[0].save(root / f"sign_{i}.jpg")
    engine.library.add_folder(root)
    engine.settings.read_text = False
    engine.update()
    assert text_counts(engine.catalog) == (0, 3)  # off: nothing read

    engine.settings.read_text = True
    arrived = root / "new" / "0000-red-circle.jpg"
    calls = []

    def between() -> Scope | None:
        calls.append(1)
        if len(calls) == 1:  # a photo copied in while the words are being read
            arrived.parent.mkdir()
            shutil.copy(next((tmp_path / "lib").glob("*.jpg")), arrived)
            scope = Scope({str(arrived.parent): True})
            engine.scan(scope=scope)
            return scope
        return None

    write_library(tmp_path / "lib", 1, seed=5)
    report = engine.learn_words(between_batches=between)
    assert report.looked >= 3 and not report.stopped
    assert engine.catalog.photo_by_path(str(arrived)) is not None
    store = engine.vectors()
    assert engine.catalog.pending(store.model_id) == []  # encoded during the pass
    assert text_counts(engine.catalog) == (4, 4)  # and then looked at for words too


def test_the_vector_index_and_the_ocr_runtime_load_together() -> None:
    """usearch loaded before onnxruntime crashes the process (a native clash); the
    package loads them in the working order, whichever module asks first."""
    code = "import photosearch.core.store.vectors, onnxruntime, rapidocr; print('alive')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "alive", proc.stderr


def test_the_pass_gives_way_to_waiting_work_and_resumes(engine: Engine, tmp_path: Path) -> None:
    """When something else waits (the service: a full scan queued), the words pass ends
    after its batch; the next job's pass goes on where it stopped."""
    from photosearch.core.index.passes import TEXT_BATCH

    write_library(tmp_path / "shapes", TEXT_BATCH + 2, seed=6)
    engine.library.add_folder(tmp_path / "shapes")
    engine.settings.read_text = False
    engine.update()
    engine.settings.read_text = True

    def waiting() -> bool:
        return text_counts(engine.catalog)[0] > 0  # once the first batch of words is read

    first = engine.learn_words(other_work=waiting)
    assert first.looked == TEXT_BATCH
    assert text_counts(engine.catalog) == (TEXT_BATCH, TEXT_BATCH + 2)
    rest = engine.learn_words()
    assert rest.looked == 2 and text_counts(engine.catalog) == (TEXT_BATCH + 2,) * 2


def test_the_ocr_runtime_keeps_no_device_id(tmp_path: Path) -> None:
    """onnxruntime's telemetry (a device id under ~/.cache/Microsoft, an upload at start)
    stays off: reading a sign in a fresh home leaves nothing there."""
    code = (
        "from photosearch.core.media.ocr import TextReader\n"
        "from photosearch.synthetic import text_photo\n"
        "sign, words = text_photo(3)\n"
        "print(TextReader().read_image(sign))\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / ".cache")}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert not (tmp_path / ".cache" / "Microsoft").exists()


@pytest.mark.parametrize(
    "size", [(1152, 864), (880, 880), (1080, 1080), (1920, 1920), (4000, 3000), (1200, 4000)]
)
def test_the_gate_looks_at_a_photo_file_as_large_as_it_was_measured(
    reader: TextReader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Decoded small for speed, but never below ``GATE_SIDE``: at half of it a 1-MP photo
    was looked at 288 pixels long and a square one at 220, where small print is missed."""
    path = tmp_path / "photo.jpg"
    photo_like(*size, 3).save(path, quality=90)
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(reader, "text_lines", lambda img: seen.append(img.size) or [])
    reader.lines_in(str(path))
    assert max(seen[0]) >= ocr.GATE_SIDE  # scaled down to it, never up


def test_the_passes_look_at_a_photo_a_core_and_one_in_gentle_mode(engine: Engine) -> None:
    """Small pictures leave a core's threads idle: the gates (and face finders) look at
    several photos at once, each on its share of the cores; gentle mode looks at one."""
    import threading

    from photosearch.core.app.pass_readers import PASS_WORKERS
    from photosearch.core.index.passes import ReaderPool

    engine.set_gentle(False, save=False)
    workers = max(1, min(os.cpu_count() or 1, PASS_WORKERS))
    gates = engine.readers.gates()
    assert len(gates) == workers and len({id(g) for g in gates}) == workers
    if workers > 1:  # every photo of a batch is looked at while the others are
        meeting = threading.Barrier(workers, timeout=30)
        looking = ReaderPool(lambda: gates)
        try:
            met = looking.map(lambda gate, _: meeting.wait() >= 0, ["a"] * workers)
            assert all(f.result() for f in met)
        finally:
            looking.close()
    engine.set_gentle(True, save=False)
    try:
        assert len(engine.readers.gates()) == 1
        if faces.available():
            assert len(engine.readers.faces()) == 1
    finally:
        engine.set_gentle(False, save=False)  # torch's threads are the process's own
