"""``photosearch eval``: how well a model finds photos, as recall@K on a captioned set.

The images are indexed into a throwaway catalog (a temporary folder; the user's library
is never touched, only the models folder is shared, read-only), through the same engine,
model, precision and vector index that searches use. Text → image: each caption is a
query; a hit at K when its own image is among the first K. Image → text: each image
ranks every caption; a hit when one of its own captions is among the first K. With
``index="hnsw"`` the ranking is exactly what ``photosearch search`` returns (it asks the
same index the same way); ``"exact"`` compares every vector.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError
from photosearch.core.settings import AppPaths
from photosearch.core.types import JobControl, ProgressCallback, no_progress

INDEXES = ("exact", "hnsw")


@dataclass(frozen=True, slots=True)
class Recall:
    r1: float
    r5: float
    r10: float
    median_rank: float

    def as_dict(self) -> dict[str, float]:
        return {"R@1": self.r1, "R@5": self.r5, "R@10": self.r10, "median_rank": self.median_rank}


def recall(ranks: np.ndarray) -> Recall:
    """Recall at 1, 5 and 10 (in %) and the median of 1-based ranks."""
    return Recall(
        *(round(100.0 * float(np.mean(ranks <= k)), 2) for k in (1, 5, 10)),
        float(np.median(ranks)),
    )


@dataclass(frozen=True, slots=True)
class EvalReport:
    model: str
    precision: str
    index: str
    images: int
    captions: int
    text_to_image: Recall
    image_to_text: Recall
    images_per_s: float
    ranks: tuple[int, ...]
    """Text → image: the rank of each caption's own image, in the CSV's order."""

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "precision": self.precision,
            "index": self.index,
            "images": self.images,
            "captions": self.captions,
            "text_to_image": self.text_to_image.as_dict(),
            "image_to_text": self.image_to_text.as_dict(),
            "images_per_s": round(self.images_per_s, 1),
        }


def read_captions(path: Path) -> list[tuple[str, str]]:
    """``(image, caption)`` rows of a CSV with the header ``image,caption``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"image", "caption"} <= set(reader.fieldnames):
                raise PhotoSearchError(f"{path} needs a header line: image,caption")
            rows = [(r["image"].strip(), r["caption"].strip()) for r in reader]
    except OSError as exc:
        raise PhotoSearchError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PhotoSearchError(f"{path} is not a CSV file with the header image,caption") from exc
    rows = [(image, caption) for image, caption in rows if image and caption]
    if not rows:
        raise PhotoSearchError(f"{path} has no captions.")
    return rows


def evaluate(
    captions_csv: Path,
    images_dir: Path,
    models_dir: Path,
    model: str,
    precision: str = "auto",
    index: str = "hnsw",
    device: str = "auto",
    progress: ProgressCallback = no_progress,
    control: JobControl | None = None,
) -> EvalReport:
    if index not in INDEXES:
        raise PhotoSearchError(f"Unknown index {index!r}; choose one of {', '.join(INDEXES)}.")
    pairs = read_captions(captions_csv)
    images_dir = Path(os.path.abspath(images_dir))
    names = sorted({image for image, _ in pairs})
    missing = [n for n in names if not (images_dir / n).is_file()]
    if missing:
        raise PhotoSearchError(
            f"{len(missing)} image(s) named in {captions_csv} are not in {images_dir}, "
            f"e.g. {missing[0]}."
        )
    with tempfile.TemporaryDirectory(prefix="photosearch-eval-") as scratch:
        base = Path(scratch)
        paths = AppPaths(base / "data", base / "cache", models_dir, base / "logs")
        with Engine.open(paths) as engine:
            engine.use_model(model)
            engine.set_precision(precision)
            engine.set_device(device, save=False)
            engine.library.add_folder(images_dir)
            _, report = engine.update(progress, control)
            if report is None or report.stopped:
                raise PhotoSearchError("The evaluation was stopped before every image was encoded.")
            if report.errors:
                raise PhotoSearchError(f"{len(report.errors)} image(s) could not be read.")
            return _measure(engine, images_dir, names, pairs, index, report.encoded, report.seconds)


def _measure(
    engine: Engine,
    images_dir: Path,
    names: list[str],
    pairs: list[tuple[str, str]],
    index: str,
    encoded: int,
    seconds: float,
) -> EvalReport:
    store = engine.vectors()
    ids = []
    for name in names:
        photo = engine.catalog.photo_by_path(str(images_dir / name))
        if photo is None:
            raise PhotoSearchError(f"{name} was not indexed.")
        ids.append(photo.id)
    found, images = engine.catalog.vectors_for(store.model_id, store.dim, ids)
    order = {int(i): n for n, i in enumerate(found)}
    images = images[[order[i] for i in ids]]
    row_of = {name: n for n, name in enumerate(names)}
    encoder = engine.text_encoder()
    texts = np.stack([np.asarray(encoder.encode_text(c), dtype=np.float32) for _, c in pairs])
    own = np.array([row_of[image] for image, _ in pairs])
    if index == "exact":
        scores = texts @ images.T
        mine = scores[np.arange(len(pairs)), own]
        ranks = 1 + (scores > mine[:, None]).sum(axis=1)
    else:
        position = {photo_id: n for n, photo_id in enumerate(ids)}
        ranks = np.empty(len(pairs), dtype=np.int64)
        for j, text in enumerate(texts):
            keys, _ = store.search(text, len(ids))
            hits = [position.get(int(k)) for k in keys]
            ranks[j] = hits.index(own[j]) + 1 if own[j] in hits else len(ids) + 1
    by_image = images @ texts.T  # image → text, every caption
    best = np.full(len(names), len(pairs), dtype=np.int64)
    ordering = np.argsort(-by_image, axis=1, kind="stable")
    for i in range(len(names)):
        ranked_rows = own[ordering[i]]
        best[i] = 1 + int(np.argmax(ranked_rows == i))
    return EvalReport(
        engine.model_key,
        engine.active_precision or engine.settings.precision,
        index,
        len(names),
        len(pairs),
        recall(ranks),
        recall(best),
        encoded / seconds if seconds > 0 else 0.0,
        tuple(int(r) for r in ranks),
    )
