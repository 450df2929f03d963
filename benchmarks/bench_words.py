"""Words in and about photos: OCR speed, the gate, the pass after indexing, hybrid query
latency at 100k photos, and how fusing words with the model ranks on a generated set.

    python benchmarks/bench_words.py [--size 100000] [--photos 40]

Everything is measured in one run on this machine (name the CPU beside the numbers):
- OCR: photos/s on 1-MP photos with words (gate + read) and without (gate only);
- the pass after indexing: ``Engine.update`` on generated 1-MP photos (one in ten with
  words) with the demo model — seconds until searchable by meaning, then the words pass;
- hybrid text queries on the 100k benchmark catalog with FTS rows generated for it
  (camera for half the photos, keywords for 30 %, words read in 10 %): end to end with
  the ViT-B-32 text tower, beside the same queries with words off (the cost of words);
- ranking on a generated library named ``img_NNNN`` (so only the model and the words read
  in photos can answer): shape queries (P@5), sign queries (MRR), and the same queries
  ranked by the model alone, the words alone, words first, and reciprocal-rank fusion.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_query import pct, summary, timed
from benchmarks.common import open_catalog, scratch_dir, synthetic_catalog, vit_b32_dir
from photosearch.core.app.engine import Engine
from photosearch.core.media.metadata import PhotoMeta
from photosearch.core.media.ocr import TextReader
from photosearch.core.model import models
from photosearch.core.model.encoder import Encoder
from photosearch.core.search.query import parse
from photosearch.core.search.searcher import Searcher
from photosearch.core.settings import AppPaths
from photosearch.core.store.fulltext import store_meta, store_text
from photosearch.core.types import Hit
from photosearch.synthetic import COLOURS, SHAPES, make_sample, small_print_photo, text_photo

CAMERAS = ("FUJIFILM X-T4", "Canon EOS R6", "NIKON Z 6", "Apple iPhone 13", "SONY ILCE-7M3")


def detectors() -> dict[str, TextReader]:
    """Readers with the float detector rapidocr ships and the int8 one the app runs."""
    from photosearch.core.media import ocr

    directory = ocr.model_dir()
    assert directory is not None
    files = {"float32": directory / ocr.MODELS["Det.model_path"], "int8": ocr.DETECTOR}
    return {name: TextReader(threads=2, detector=path) for name, path in files.items()}


def ocr_speed(count: int) -> None:
    signs = [text_photo(500 + i, size=(1152, 864)) for i in range(count)]
    plain = [make_sample(random.Random(i), size_range=(860, 1152)).image for i in range(count)]
    for name, reader in detectors().items():
        reader.read_image(signs[0][0])  # the networks load
        t0 = time.perf_counter()
        read = [reader.read_image(img) for img, _ in signs]
        with_words = time.perf_counter() - t0
        exact = sum(w.lower() in (r or "").lower() for (_, w), r in zip(signs, read, strict=True))
        t0 = time.perf_counter()
        passed = sum(reader.has_text(img) for img in plain)
        without = time.perf_counter() - t0
        print(
            f"OCR on 1-MP photos (2 threads), {name} detector: with words "
            f"{count / with_words:.1f} photos/s ({exact}/{count} read word for word), "
            f"without words {count / without:.1f} photos/s (gate only; {passed}/{count} "
            "passed the gate)"
        )


def gate_sizes() -> None:
    """How small, and in what precision, the gate can look: 60 photos with words 3–11 %
    of their height (JPEG quality 55–90), 40 with small print (1.5–5.5 % of a 4-MP
    photo) and 40 ordinary ones, with the float detector and the int8 one the app uses."""
    import io

    from PIL import Image

    from photosearch.core.media import ocr

    signs = []
    for i in range(60):
        buf = io.BytesIO()
        text_photo(3000 + i)[0].save(buf, "JPEG", quality=random.Random(i).randint(55, 90))
        signs.append(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    small = [small_print_photo(5000 + i) for i in range(40)]
    plain = [make_sample(random.Random(i), size_range=(860, 1152)).image for i in range(40)]
    readers = detectors()
    chosen = ocr.GATE_SIDE
    try:
        for side in (480, 320, 224):
            ocr.GATE_SIDE = side
            for name, reader in readers.items():
                found = sum(reader.has_text(img) for img in signs)
                tiny = sum(reader.has_text(img) for img in small)
                t0 = time.perf_counter()
                passed = sum(reader.has_text(img) for img in plain)
                ms = (time.perf_counter() - t0) / len(plain) * 1000
                print(
                    f"gate at {side} px, {name}: {found}/60 with words found, {tiny}/40 "
                    f"small print, {passed}/40 ordinary passed, {ms:.0f} ms a photo"
                )
    finally:
        ocr.GATE_SIDE = chosen


def indexing_pass(count: int) -> None:
    """The words pass against the indexing it follows, on photos without words and with
    one in ten holding some, with the gate looking at one photo at a time on every core
    (as the pass did before, though it now decodes the same size) and at one photo a
    core."""
    from photosearch.core.app import pass_readers

    cores = pass_readers.PASS_WORKERS
    for every in (0, 10):
        for workers in (1, cores):
            pass_readers.PASS_WORKERS = workers
            try:
                words_pass(count, every)
            finally:
                pass_readers.PASS_WORKERS = cores


def words_pass(count: int, every: int) -> None:
    home = scratch_dir("bench-words-")
    folder = home / "photos"
    folder.mkdir()
    for i in range(count):
        image = (
            text_photo(700 + i, size=(1152, 864))[0]
            if every and i % every == 0
            else make_sample(random.Random(i), size_range=(860, 1152)).image
        )
        image.save(folder / f"img_{i:04d}.jpg", quality=88)
    paths = AppPaths.resolve(home / "home")
    with Engine.open(paths) as engine:
        engine.use_model(models.import_model(vit_b32_dir(), paths.models_dir))
        engine.set_device("cpu", save=False)
        engine.set_find_faces(False)  # the words pass alone (faces: bench_people.py)
        engine.library.add_folder(folder)
        engine.scan()
        engine.encoder().encode_text("load the model before timing")
        indexed = engine.index()
        t0 = time.perf_counter()
        words = engine.learn_words()
        reading = time.perf_counter() - t0
        workers = engine.readers.workers()
    which = f"1 in {every}" if every else "none"
    print(
        f"{count} 1-MP photos ({which} with words), ViT-B-32: searchable by meaning after "
        f"{indexed.seconds:.1f} s ({indexed.encoded / indexed.seconds:.1f} photos/s), words "
        f"pass with the gate on {workers} photo(s) at once {reading:.1f} s "
        f"({words.looked / reading:.1f} photos/s, {words.with_words} with words) = "
        f"{reading / indexed.seconds:.2f}× the indexing"
    )


def fill_words(catalog: object, n: int) -> None:
    """FTS rows for the benchmark catalog (once): camera, keywords, words read."""
    db = catalog.read()  # type: ignore[attr-defined]
    if db.execute("SELECT count(*) FROM photo_meta").fetchone()[0]:
        return
    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(2000)]
    weights = [1 / (i + 1) for i in range(len(vocabulary))]  # Zipf-like
    ids = [r[0] for r in db.execute("SELECT id FROM photos")]
    rows = [
        (
            pid,
            PhotoMeta(
                camera=CAMERAS[pid % 5] if pid % 2 else None,
                keywords=tuple(rng.choices(vocabulary, weights, k=3)) if pid % 10 < 3 else (),
            ),
        )
        for pid in ids
    ]
    with catalog.write() as wdb:  # type: ignore[attr-defined]
        store_meta(wdb, rows)
    store_text(
        catalog,  # type: ignore[arg-type]
        [
            (
                pid,
                " ".join(rng.choices(vocabulary, weights, k=rng.randint(3, 8)))
                if pid % 10 == 0
                else None,
            )
            for pid in ids
        ],
    )


def hybrid_latency(n: int) -> None:
    catalog, store = open_catalog(synthetic_catalog(n))
    fill_words(catalog, n)
    encoder = Encoder("bench", vit_b32_dir(), precision_setting="auto")
    encoder.encode_text("warm up")
    rng = random.Random(2)
    pairs = {(rng.randint(0, 60), rng.randint(0, 400)) for _ in range(400)}
    texts = [f"w{a} w{b}" for a, b in sorted(pairs)[:200]]
    words = Searcher(catalog, store, lambda: encoder, None)
    meaning = Searcher(catalog, store, lambda: encoder, None, words=False)
    for phrase in texts[:5]:
        words.search(parse(phrase), 50)
    with_ms, without_ms = [], []
    for phrase in texts:  # interleaved: the machine's drift falls on both alike
        with_ms += timed(lambda t: words.search(parse(t), 50), [phrase + " a"])
        without_ms += timed(lambda t: meaning.search(parse(t), 50), [phrase + " b"])
    matched = sum(
        bool(words._word_matches(parse(t), np.zeros(store.dim, np.float32), 58)) for t in texts[:50]
    )
    print(f"hybrid text queries at {n:,} photos (ViT-B-32 {encoder.precision}, new phrases):")
    print("  " + summary("words + meaning", with_ms))
    print("  " + summary("meaning only   ", without_ms))
    cost = pct(with_ms, 50) - pct(without_ms, 50)
    print(f"  words cost p50 {cost:+.1f} ms; {matched}/50 queries had word matches")
    catalog.close()


def rank_fusion(by_meaning: list[Hit], by_words: list[Hit], k: int = 60) -> list[Hit]:
    """Reciprocal-rank fusion, the alternative measured against words first."""
    score: dict[int, float] = {}
    hits: dict[int, Hit] = {}
    for ranking in (by_words, by_meaning):
        for rank, hit in enumerate(ranking):
            score[hit.photo.id] = score.get(hit.photo.id, 0.0) + 1.0 / (k + rank)
            hits.setdefault(hit.photo.id, hit)
    return sorted(hits.values(), key=lambda h: -score[h.photo.id])


def _precision(hits: list[Hit], wanted: set[str], k: int = 5) -> float:
    return sum(Path(h.path).name in wanted for h in hits[:k]) / k


def _reciprocal_rank(hits: list[Hit], target: str) -> float:
    names = [Path(h.path).name for h in hits]
    return 1 / (names.index(target) + 1) if target in names else 0.0


def ranking_quality() -> None:
    home = scratch_dir("bench-fusion-")
    folder = home / "photos"
    folder.mkdir()
    labels: dict[str, tuple[str, str]] = {}
    rng = random.Random(3)
    for i in range(240):
        sample = make_sample(rng, size_range=(200, 400))
        name = f"img_{i:04d}.jpg"
        sample.image.save(folder / name, quality=88)
        labels[name] = sample.key
    signs: dict[str, str] = {}
    for i in range(20):
        # five signs name a colour and a shape: stray words for the shape queries
        stray = f"{rng.choice(list(COLOURS)).upper()} {rng.choice(SHAPES).upper()} {i}"
        image, words = text_photo(900 + i, size=(800, 600), words=stray if i < 5 else None)
        name = f"img_{300 + i:04d}.jpg"
        image.save(folder / name, quality=85)
        signs[name] = words
    with Engine.open(AppPaths.resolve(home / "home")) as engine:
        engine.use_model(models.DEMO_KEY)
        engine.set_device("cpu", save=False)
        engine.set_find_faces(False)  # the words pass alone (faces: bench_people.py)
        engine.library.add_folder(folder)
        engine.update()
        searcher = engine.searcher()
        plain = Searcher(
            engine.catalog, searcher.vectors, engine.encoder, engine.cutoff, words=False
        )
        strategies = {
            "model only": lambda by_meaning, by_words: by_meaning,
            "words only": lambda by_meaning, by_words: by_words,
            "words first": lambda by_meaning, by_words: (
                by_words
                + [h for h in by_meaning if h.photo.id not in {w.photo.id for w in by_words}]
            ),
            "rank fusion": rank_fusion,
        }
        scores: dict[str, list[float]] = {k: [] for k in strategies}
        sign_scores: dict[str, list[float]] = {k: [] for k in strategies}
        for colour in COLOURS:
            for shape in SHAPES:
                query = parse(f"a {colour} {shape}")
                wanted = {n for n, key in labels.items() if key == (colour, shape)}
                by_meaning = plain.search(query, 50).hits
                by_words = searcher._word_matches(query, searcher.query_vector(query), 58)
                for name, combine in strategies.items():
                    scores[name].append(_precision(combine(by_meaning, by_words), wanted))
        for name, words in signs.items():
            query = parse(" ".join(words.split()[:2]).lower())
            by_meaning = plain.search(query, 50).hits
            by_words = searcher._word_matches(query, searcher.query_vector(query), 58)
            for strategy, combine in strategies.items():
                sign_scores[strategy].append(_reciprocal_rank(combine(by_meaning, by_words), name))
    print("ranking on 240 shape photos + 20 signs (5 of them naming a colour and a shape):")
    for name in strategies:
        print(
            f"  {name:12s} shapes P@5 {np.mean(scores[name]):.3f}   signs MRR "
            f"{np.mean(sign_scores[name]):.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--photos", type=int, default=40)
    ap.add_argument("--skip", nargs="*", default=[], choices=["ocr", "pass", "latency", "ranking"])
    args = ap.parse_args()
    if "ocr" not in args.skip:
        ocr_speed(20)
        gate_sizes()
    if "pass" not in args.skip:
        indexing_pass(args.photos)
    if "ranking" not in args.skip:
        ranking_quality()
    if "latency" not in args.skip:
        hybrid_latency(args.size)


if __name__ == "__main__":
    main()
