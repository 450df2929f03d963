"""The faces pass's gate (BlazeFace in ONNX) on real faces, and dlib searching only
around what it saw."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photosearch.core.media import face_gate, faces
from photosearch.core.media.face_gate import INPUT_SIDE, FaceGate, decode, overlap
from photosearch.synthetic import make_sample, text_photo
from tests.people import BIDEN, FACES, OBAMA, group_photo

needs_faces = pytest.mark.skipif(not faces.available(), reason="the face models are not installed")


@pytest.fixture(scope="module")
def gate() -> FaceGate:
    return FaceGate()


def portraits() -> list[Image.Image]:
    return [Image.open(FACES / name).convert("RGB") for name in (*OBAMA, *BIDEN)]


def test_the_gate_sees_each_portraits_face_where_it_is(gate: FaceGate) -> None:
    for img in portraits():
        seen = gate.faces(img)
        assert seen, "a portrait's face was not seen"
        best = seen[0]
        assert 0 <= best.left < best.right <= 1 and 0 <= best.top < best.bottom <= 1
        # the face is in the upper half of these portraits, as wide as a fifth to a half
        assert best.bottom < 0.6 and 0.15 < best.right - best.left < 0.7


def test_a_face_in_a_wide_photo_maps_back_to_where_it_was_pasted(gate: FaceGate) -> None:
    """Letterboxed into the network's square and back: the box lands on the face."""
    face = portraits()[0].crop((200, 50, 560, 450))  # obama.jpg's head, 360 × 400
    canvas = Image.new("RGB", (1600, 600), (90, 110, 90))
    canvas.paste(face, (1100, 100))
    seen = gate.faces(canvas)
    assert seen
    pasted = (1100 / 1600, 100 / 600, 1460 / 1600, 500 / 600)
    assert overlap(seen[0], pasted) > 0.2
    centre_x = (seen[0].left + seen[0].right) / 2
    assert pasted[0] < centre_x < pasted[2]


def test_few_photos_without_faces_pass(gate: FaceGate) -> None:
    """The gate errs towards looking (a face it misses is never looked for): about one
    generated photo in ten passes, costing dlib a few milliseconds around it."""
    rng = random.Random(0)
    shapes = [make_sample(rng, size_range=(800, 1100)).image for _ in range(60)]
    signs = [text_photo(40 + n)[0] for n in range(6)]
    assert sum(bool(gate.faces(img)) for img in shapes) <= 9
    assert not any(gate.faces(img) for img in signs)


def test_overlapping_boxes_are_one_face_and_weak_ones_none() -> None:
    boxes = np.zeros((1, face_gate.GRID * face_gate.GRID, 16), np.float32)
    scores = np.full((1, face_gate.GRID * face_gate.GRID, 1), -10.0, np.float32)
    cell = face_gate.GRID * 24 + 24  # the anchor at the middle of the square
    for offset, logit in ((0, 4.0), (1, 3.0)):  # two boxes one cell apart: one face
        boxes[0, cell + offset, 2:4] = 0.25 * INPUT_SIDE
        scores[0, cell + offset] = logit
    boxes[0, 5, 2:4] = 0.1 * INPUT_SIDE  # a face too weak to count
    scores[0, 5] = -2.0
    seen = decode(boxes, scores, (1.0, 1.0), min_score=0.3)
    assert len(seen) == 1
    assert seen[0].score == pytest.approx(1 / (1 + np.exp(-4.0)))
    assert seen[0].left == pytest.approx(0.5 + 0.5 / face_gate.GRID - 0.125, abs=1e-6)
    # the photo filled half the square across: boxes are mapped back to its width
    (half,) = decode(boxes, scores, (0.5, 1.0), min_score=0.3)[:1]
    assert half.right - half.left == pytest.approx(0.5, abs=1e-6)


def test_anchors_run_row_by_row_and_a_letterboxed_height_maps_back() -> None:
    grid = face_gate.GRID
    boxes = np.zeros((1, grid * grid, 16), np.float32)
    scores = np.full((1, grid * grid, 1), -10.0, np.float32)
    row, column = 30, 6  # below the middle, to the left
    boxes[0, row * grid + column, 2:4] = 0.1 * INPUT_SIDE
    scores[0, row * grid + column] = 5.0
    (face,) = decode(boxes, scores, (1.0, 1.0), min_score=0.3)
    assert (face.left + face.right) / 2 == pytest.approx((column + 0.5) / grid, abs=1e-6)
    assert (face.top + face.bottom) / 2 == pytest.approx((row + 0.5) / grid, abs=1e-6)
    # a wide photo fills the middle half of the square: heights grow back twice
    (wide,) = decode(boxes, scores, (1.0, 0.5), min_score=0.3)
    assert wide.bottom - wide.top == pytest.approx(0.2, abs=1e-6)
    assert (wide.top + wide.bottom) / 2 == pytest.approx(((row + 0.5) / grid - 0.25) / 0.5)


def test_a_box_squashed_against_an_edge_is_no_face() -> None:
    grid = face_gate.GRID
    boxes = np.zeros((1, grid * grid, 16), np.float32)
    scores = np.full((1, grid * grid, 1), -10.0, np.float32)
    boxes[0, 0, :4] = (-0.2 * INPUT_SIDE, -0.2 * INPUT_SIDE, 0.05 * INPUT_SIDE, 0.05 * INPUT_SIDE)
    scores[0, 0] = 5.0  # the top-left anchor's box lies wholly outside the photo
    assert decode(boxes, scores, (1.0, 1.0), min_score=0.3) == []


@needs_faces
def test_a_tiny_or_empty_gate_face_costs_dlib_nothing() -> None:
    """Gate faces smaller than dlib could use are not scaled up into huge crops."""
    reader = faces.FaceReader()
    pixels = np.zeros((768, 1024, 3), np.uint8)
    tiny = [face_gate.GateFace(0.5, 0.5, 0.5 + 5 / 1024, 0.5 + 5 / 768, 0.9)]
    empty = [face_gate.GateFace(1.0, 1.0, 1.0, 1.0, 0.9)]
    assert reader._boxes(pixels, tiny) == [] and reader._boxes(pixels, empty) == []


@needs_faces
def test_dlib_around_the_gates_faces_finds_what_it_finds_in_the_whole_photo(
    tmp_path: Path,
) -> None:
    """Group photos: every face dlib's HOG finds scanning the whole photo (the search the
    gate replaced) is found around the gate's faces, and nothing that is not a face."""
    import dlib

    reader = faces.FaceReader()
    whole = dlib.get_frontal_face_detector()
    for seed, (count, face_px) in enumerate(((5, 110), (3, 200), (4, 150))):
        photo = group_photo(seed, count, face_px)
        path = tmp_path / f"group{seed}.jpg"
        photo.save(path, quality=92)
        found = reader.read(str(path))
        photo.thumbnail((faces.DETECT_SIDE, faces.DETECT_SIDE))
        w, h = photo.size
        scanned = [r for r in whole(np.asarray(photo), 0) if r.width() >= faces.MIN_FACE]
        assert scanned and len(scanned) <= len(found) <= count
        for r in scanned:
            box = (r.left() / w, r.top() / h, r.right() / w, r.bottom() / h)
            assert any(overlap(f.box, box) > 0.4 for f in found)


@needs_faces
def test_a_photo_without_a_face_is_never_searched_by_dlib(tmp_path: Path) -> None:
    """dlib's search (70–160 ms a photo) runs only where the gate saw a face."""

    class Searched(Exception):
        pass

    class Refusing:
        def run(self, *args: object) -> object:
            raise Searched

    reader = faces.FaceReader()
    reader._detect = Refusing()
    path = tmp_path / "shapes.jpg"
    make_sample(random.Random(8), size_range=(900, 1000)).image.save(path, quality=90)
    assert reader.read(str(path)) == []
    portrait = tmp_path / "portrait.jpg"
    portraits()[0].save(portrait, quality=90)
    with pytest.raises(Searched):
        reader.read(str(portrait))
