"""People: how well faces group into people, and what the faces pass costs beside indexing.

    python benchmarks/bench_people.py [--photos 24] [--arch ViT-B-32] [--persons 100000]

1. **Grouping** — the labelled real faces of ``tests/faces`` (two men; every photo in five
   versions: as is, mirrored, smaller, darker, cropped) go through the real pipeline
   (dlib, then ``core/index/people.py``); prints the pairwise distances of same and other
   people, and the grouping's precision (no person mixes two men) and recall (faces
   that joined their own man's person).
2. **Cost** — a library of ``--photos`` photos, half with a face (the real portraits
   pasted into photo-like scenes), at 1 MP and at 12 MP, indexed by a fresh child
   process with a real-size model (random weights: the same work): the indexing alone
   (faces on, so the faces gate glances at each photo as it is decoded), then the faces
   pass alone; the ratio in one run, and the memory the pass adds.
3. **Gate** — the faces pass looks at each photo small with BlazeFace first
   (``core/media/face_gate.py``) and lets dlib search only around the faces it saw:
   faces found that way against dlib's HOG over the whole photo (the search it replaced)
   on group photos of real heads, and the milliseconds of each on photos without a face.
4. **Search** — ``person:`` over ``--persons`` catalogued photos (rows made directly),
   the filter's SQL as a search runs it (p50).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_videos import cpu_name
from benchmarks.common import CACHE, ENGINE_CHILD, scratch_dir, vit_b32_dir
from tests.people import BIDEN, FACES, OBAMA, group_photo, versions
from tests.photos import photo_like

CHILD = (
    ENGINE_CHILD
    + """
engine.set_read_text(False)
engine.set_find_faces(True)  # as users run it: the faces gate glances while indexing
engine.encoder()
engine.library.add_folder(folder)
started = time.perf_counter()
engine.scan()
engine.index()
index_s = time.perf_counter() - started
before = current_rss_mb()
started = time.perf_counter()
report = engine.learn_words()
faces_s = time.perf_counter() - started
added = current_rss_mb() - before
engine.close()
print(json.dumps({"index_s": index_s, "faces_s": faces_s, "faces": report.faces,
              "looked": report.faces_looked, "rss_added_mb": added,
              "peak_mb": peak_rss_mb()}))
"""
)
SIDES = {"1 MP": (1152, 864), "12 MP": (4000, 3000)}


def labelled() -> list[tuple[str, Image.Image]]:
    """(man, photo) for every version of every labelled portrait."""
    shots = [("obama", n) for n in (*OBAMA, "obama_partial_face2.jpg")] + [
        ("biden", n) for n in BIDEN
    ]
    return [
        (man, img)
        for man, name in shots
        for img in versions(Image.open(FACES / name).convert("RGB")).values()
    ]


def grouping() -> None:
    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models
    from photosearch.core.settings import AppPaths

    folder = scratch_dir("bench-people-labelled-")
    truth: dict[str, str] = {}
    for n, (man, img) in enumerate(labelled()):
        img.save(folder / f"{man}_{n:02d}.jpg", quality=90)
        truth[str(folder / f"{man}_{n:02d}.jpg")] = man
    with Engine.open(AppPaths.resolve(scratch_dir("bench-people-home-"))) as engine:
        engine.use_model(models.DEMO_KEY)
        engine.library.add_folder(folder)
        engine.update()
        found = {path: engine.people.faces_in(path) for path in truth}
        rows = engine.catalog.read().execute(
            "SELECT f.vector, p.path FROM faces f JOIN photos p ON p.id = f.photo_id"
        )
        vectors = [(truth[r[1].decode()], np.frombuffer(r[0], np.float32)) for r in rows]
    same = [
        float(np.linalg.norm(a[1] - b[1]))
        for a, b in itertools.combinations(vectors, 2)
        if a[0] == b[0]
    ]
    other = [
        float(np.linalg.norm(a[1] - b[1]))
        for a, b in itertools.combinations(vectors, 2)
        if a[0] != b[0]
    ]
    print(
        f"labelled set: {len(truth)} photos of 2 people, {len(vectors)} faces found; "
        f"distances same person {min(same):.2f}–{max(same):.2f} (mean {np.mean(same):.2f}), "
        f"other person {min(other):.2f}–{max(other):.2f}"
    )
    people: dict[int, list[str]] = {}
    for path, faces in found.items():
        for face in faces:
            if face.person_id is not None:
                people.setdefault(face.person_id, []).append(truth[path])
    majority = {pid: max(set(men), key=men.count) for pid, men in people.items()}
    right = sum(men.count(majority[pid]) for pid, men in people.items())
    grouped = sum(len(men) for men in people.values())
    own = {
        man: max(
            (pid for pid in people if majority[pid] == man),
            key=lambda p: len(people[p]),
            default=None,
        )
        for man in set(truth.values())
    }
    joined = sum(
        1 for path, faces in found.items() for f in faces if f.person_id == own[truth[path]]
    )
    print(
        f"grouping: {len(people)} people; precision {right / max(grouped, 1):.3f} "
        f"({grouped - right} faces with the wrong man), recall {joined / len(vectors):.3f} "
        f"({len(vectors) - joined} faces left out of their man's person)"
    )


def scene(size: tuple[int, int], seed: int, face: Image.Image | None) -> Image.Image:
    img = photo_like(*size, seed)
    if face is not None:  # a portrait a third of the photo's height, off centre
        h = size[1] // 3
        w = face.width * h // face.height
        img.paste(face.resize((w, h)), (size[0] // 5, size[1] // 4))
    return img


def library(label: str, size: tuple[int, int], count: int) -> Path:
    folder = CACHE / f"people-{label.replace(' ', '')}-{count}"
    if not folder.exists():
        part = folder.with_suffix(".part")
        part.mkdir(parents=True, exist_ok=True)
        portraits = [img for _, img in labelled()]
        for n in range(count):
            face = portraits[n % len(portraits)] if n % 2 == 0 else None
            scene(size, n, face).save(part / f"p{n:03d}.jpg", quality=90)
        part.rename(folder)
    return folder


def cost(photos: int, arch: str) -> None:
    model = vit_b32_dir(arch)
    root = Path(__file__).resolve().parent.parent
    for label, size in SIDES.items():
        folder = library(label, size, photos)
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(scratch_dir("bench-people-")),
                str(folder),
                str(model),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=root,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{label}: {photos} photos ({photos // 2} with a face) indexed with {arch} in "
            f"{r['index_s']:.1f} s ({1000 * r['index_s'] / photos:.0f} ms a photo); faces pass "
            f"{r['faces_s']:.1f} s ({1000 * r['faces_s'] / photos:.0f} ms a photo, "
            f"{r['faces']} faces) = {r['faces_s'] / r['index_s']:.2f}× the indexing; "
            f"face models +{r['rss_added_mb']:.0f} MB; peak {r['peak_mb']:.0f} MB"
        )


def gate() -> None:
    import dlib

    from photosearch.core.media import faces
    from photosearch.core.media.face_gate import FaceGate
    from photosearch.core.media.images import open_image
    from photosearch.synthetic import make_sample

    reader, whole, looker = faces.FaceReader(), dlib.get_frontal_face_detector(), FaceGate()
    folder = scratch_dir("bench-people-gate-")
    for count, face_px in ((6, 60), (6, 80), (4, 120), (3, 200)):
        scanned = found = 0
        for seed in range(6):
            path = folder / f"g{face_px}-{seed}.jpg"
            group_photo(seed, count, face_px).save(path, quality=92)
            found += len(reader.read(str(path)))
            big, _, _, _ = open_image(path, min_side=faces.DETECT_SIDE // 2)
            big.thumbnail((faces.DETECT_SIDE, faces.DETECT_SIDE))
            pixels = np.asarray(big)
            scanned += sum(r.width() >= faces.MIN_FACE for r in whole(pixels, 0))
        print(
            f"group photos, {count} heads ~{face_px} px wide in 1024 × 768, 6 photos: dlib over "
            f"the whole photo {scanned}/{6 * count}, around the gate's faces {found}/{6 * count}"
        )
    rng = random.Random(0)
    plain = []
    for n in range(24):
        path = folder / f"plain{n}.jpg"
        make_sample(rng, size_range=(1152, 1152)).image.resize((1152, 864)).save(path, quality=90)
        plain.append(str(path))
    pictures = [open_image(path, min_side=224)[0] for path in plain]  # as indexing decodes
    started = time.perf_counter()
    passed = sum(bool(looker.faces(picture)) for picture in pictures)
    gate_ms = (time.perf_counter() - started) / len(plain) * 1000
    started = time.perf_counter()
    for path in plain:
        big, _, _, _ = open_image(path, min_side=faces.DETECT_SIDE // 2)
        big.thumbnail((faces.DETECT_SIDE, faces.DETECT_SIDE))
        whole(np.asarray(big), 0)
    hog_ms = (time.perf_counter() - started) / len(plain) * 1000
    print(
        f"24 1-MP photos without a face, one core: the gate on the picture indexing decodes "
        f"{gate_ms:.1f} ms a photo ({passed} passed), a decode at 1024 + HOG over the whole "
        f"photo {hog_ms:.1f} ms"
    )


def search(count: int) -> None:
    from photosearch.core.search.query import parse
    from photosearch.core.store.catalog import Catalog
    from photosearch.core.store.filters import where_sql

    catalog = Catalog(scratch_dir("bench-people-search-") / "catalog.sqlite3")
    rng = np.random.default_rng(5)
    folder = catalog.add_folder("/lib")
    catalog.apply_scan([(folder.id, f"/lib/{n}.jpg", 1, n, None) for n in range(count)], [], [], [])
    with catalog.write() as db:
        db.executemany(
            "INSERT INTO people(name) VALUES (?)", [(f"Person {n}",) for n in range(200)]
        )
        vector = np.zeros(128, np.float32).tobytes()
        faces = rng.integers(1, count + 1, count // 2)
        db.executemany(
            "INSERT INTO faces(photo_id, x0, y0, x1, y1, vector, person_id)"
            " VALUES (?, 0, 0, .1, .1, ?, ?)",
            [(int(p), vector, int(rng.zipf(1.5)) % 200 + 1) for p in faces],
        )
    for text in ('person:"Person 3"', 'person:"Person 3" type:jpg', "type:jpg"):
        where, params = where_sql(parse(text).filters)
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            found = catalog.filtered_ids(f"p.status != 'error' AND {where}", params)
            timings.append(time.perf_counter() - started)
        print(
            f"{text} over {count:,} photos ({count // 2:,} faces, 200 people): "
            f"{len(found):,} photos in {1000 * float(np.median(timings)):.1f} ms (p50)"
        )
    catalog.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--photos", type=int, default=24)
    ap.add_argument("--arch", default="ViT-B-32")
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--skip", nargs="*", default=(), choices=("grouping", "cost", "gate", "search"))
    args = ap.parse_args()
    print(f"CPU: {cpu_name()}")
    if "grouping" not in args.skip:
        grouping()
    if "cost" not in args.skip:
        cost(args.photos, args.arch)
    if "gate" not in args.skip:
        gate()
    if "search" not in args.skip:
        search(args.persons)


if __name__ == "__main__":
    main()
