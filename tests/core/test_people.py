"""People: real faces found by the real dlib models, grouped into people who stay as the
user made them, and found by ``person:`` and by their names typed as words."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photosearch.core.app.engine import Engine
from photosearch.core.index.people import group_faces
from photosearch.core.jsontext import hit_dict
from photosearch.core.media.faces import FaceReader
from photosearch.core.store.people import nearest
from tests.people import BIDEN, FACES, OBAMA, write_people
from tests.photos import photo_like


@pytest.fixture
def engine(engine: Engine) -> Engine:
    """Faces are what these tests are about: the pass the shared fixture leaves out is on."""
    engine.set_find_faces(True)
    return engine


def names(engine: Engine, query: str) -> set[str]:
    return {Path(h.path).name for h in engine.search(query, limit=200).hits}


def who(engine: Engine, path: Path) -> list[int | None]:
    return [face.person_id for face in engine.people.faces_in(str(path))]


def library(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """Four photos of one man and one of another, each in five versions, and photos
    with no face."""
    obama = write_people(folder, OBAMA)
    biden = write_people(folder, BIDEN)
    plain = []
    for seed in range(3):
        plain.append(folder / f"plain_{seed}.jpg")
        photo_like(480, 360, seed).save(plain[-1], quality=85)
    return obama, biden, plain


def test_faces_become_people_found_by_name(engine: Engine, tmp_path: Path) -> None:
    obama, biden, plain = library(tmp_path / "lib")
    engine.library.add_folder(tmp_path / "lib")
    engine.update()
    listed = engine.people.listed()
    assert len(listed) == 2  # two people, nobody made of a stray face
    first, second = listed  # most photos first
    # Nobody mixes the two men; nearly every version of a photo is recognised.
    found_obama = [who(engine, p) for p in obama]
    assert all(ids in ([first.id], [None]) for ids in found_obama), found_obama
    assert sum(ids == [first.id] for ids in found_obama) >= 18
    assert [who(engine, p) for p in biden] == [[second.id]] * len(biden)
    assert all(who(engine, p) == [] for p in plain)
    assert second.cover is not None and second.cover.person_id == second.id
    # Unnamed, a person is found by their number; named, by the name, as a filter or
    # as plain words, with everything else a query says.
    assert names(engine, f"person:#{second.id}") == {p.name for p in biden}
    engine.people.name(first.id, "Barack Obama")
    engine.people.name(second.id, "Joe Biden")
    obama_names = {p.name for p in obama if who(engine, p) == [first.id]}
    assert names(engine, 'person:"barack obama"') == obama_names
    assert names(engine, "Barack Obama") == obama_names
    assert names(engine, "joe biden name:biden_dark") == {"biden_dark.jpg"}
    assert names(engine, "person:Biden") == set()  # a whole name, not a word of it
    assert names(engine, 'person:"Joe Biden" person:"Barack Obama"') == set()  # never together
    hit = engine.search(f"person:#{second.id}", limit=1).hits[0]
    assert hit_dict(hit)["people"] == [{"id": second.id, "name": "Joe Biden"}]
    # A later photo of a named person joins them by itself.
    later = tmp_path / "lib" / "later.jpg"
    shutil.copy(FACES / "obama_partial_face2.jpg", later)
    engine.update()
    assert who(engine, later) == [first.id]
    assert "later.jpg" in names(engine, "Barack Obama")


def test_two_faces_in_one_photo_are_never_one_person(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    write_people(folder, OBAMA[:3], kinds=("", "_small"))
    left = Image.open(FACES / "obama.jpg").convert("RGB")
    pair = Image.new("RGB", (left.width * 2, left.height))
    pair.paste(left, (0, 0))
    pair.paste(left.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (left.width, 0))
    pair.save(folder / "twice.jpg", quality=90)
    engine.library.add_folder(folder)
    engine.update()
    faces = who(engine, folder / "twice.jpg")
    assert len(faces) == 2 and len({f for f in faces if f is not None}) == sum(
        f is not None for f in faces
    )


def test_corrections_stick(engine: Engine, tmp_path: Path) -> None:
    obama, biden, _ = library(tmp_path / "lib")
    engine.library.add_folder(tmp_path / "lib")
    engine.update()
    first, second = engine.people.listed()
    # Merged, they are one person in search; undone, two again, each with their own.
    merged = engine.people.merge(first.id, second.id)
    assert merged.photos == first.photos + second.photos
    assert [p.id for p in engine.people.listed()] == [first.id]
    assert names(engine, f"person:#{first.id}") >= {p.name for p in biden}
    assert engine.people.unmerge(second.id)
    assert names(engine, f"person:#{second.id}") == {p.name for p in biden}
    assert not names(engine, f"person:#{first.id}") & {p.name for p in biden}
    # "Not this person": the face leaves, and later runs never bring it back.
    face = engine.people.faces_in(str(obama[0]))[0]
    engine.people.not_this_person(face.id)
    assert who(engine, obama[0]) == [None]
    group_faces(engine.catalog)
    shutil.copy(FACES / "obama_partial_face2.jpg", tmp_path / "lib" / "later.jpg")
    engine.update()
    assert who(engine, obama[0]) == [None]
    assert who(engine, tmp_path / "lib" / "later.jpg") == [first.id]
    # A name given twice makes one person; hidden, a person leaves the list.
    engine.people.name(first.id, "Anna")
    engine.people.name(second.id, "anna")
    assert [(p.id, p.name) for p in engine.people.listed()] == [(first.id, "Anna")]
    engine.people.hide(first.id)
    assert engine.people.listed() == []
    # Forgotten: nothing of faces is kept.
    engine.people.forget()
    assert engine.people.counts()[2] == 0 and engine.people.listed(hidden=True) == []


def test_moved_photos_keep_their_faces(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    photos = write_people(folder, BIDEN)
    engine.library.add_folder(folder)
    engine.update()
    before = {p.name: engine.people.faces_in(str(p)) for p in photos}
    (folder / "trip").mkdir()
    for p in photos:
        p.rename(folder / "trip" / p.name)
    engine.update()
    after = {p.name: engine.people.faces_in(str(folder / "trip" / p.name)) for p in photos}
    assert {k: [f.id for f in v] for k, v in after.items()} == {
        k: [f.id for f in v] for k, v in before.items()
    }  # the same faces: nothing looked at again


def test_a_damaged_photo_has_no_faces_and_stops_nothing(tmp_path: Path) -> None:
    reader = FaceReader()
    assert reader.read_image(photo_like(640, 480, 1)) == []
    face = reader.read(str(FACES / "biden.jpg"))
    assert len(face) == 1 and face[0].vector.shape == (128,)
    x0, y0, x1, y1 = face[0].box
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


def test_nearest_faces_for_one_face_as_for_many() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(5, 128)).astype(np.float32)
    keys, dist = nearest(base, base[:1], 16)  # usearch answers one query differently
    assert keys.shape == (1, 5) and keys[0, 0] == 0 and dist[0, 0] == 0.0
    many, _ = nearest(base, base[:3], 2)
    assert many[:, 0].tolist() == [0, 1, 2]


def test_merges_of_merges_undo_and_keep_every_correction(tmp_path: Path) -> None:
    """Store-level: A into B, then B into C by giving B C's name; each Undo gives faces
    back to whom they came from; a face refused by both merged people does not break the
    merge; a name given to someone hidden shows them again."""
    from photosearch.core.search.query import parse
    from photosearch.core.store import people as store
    from photosearch.core.store.catalog import Catalog
    from photosearch.core.store.filters import where_sql

    catalog = Catalog(tmp_path / "catalog.sqlite3")
    folder = catalog.add_folder(str(tmp_path))
    catalog.apply_scan(
        [(folder.id, str(tmp_path / f"{n}.jpg"), 1, n, None) for n in range(6)], [], [], []
    )
    with catalog.write() as db:
        db.execute("UPDATE photos SET status = 'ok'")
        db.executemany(
            "INSERT INTO people(id, name) VALUES (?, ?)", [(1, None), (2, None), (3, "Cleo")]
        )
        vector = np.zeros(128, np.float32).tobytes()
        db.executemany(  # faces 1-2 are A's, 3-4 B's, 5-6 C's, each in a photo of its own
            "INSERT INTO faces(id, photo_id, x0, y0, x1, y1, vector, person_id)"
            " VALUES (?, ?, 0, 0, .1, .1, ?, ?)",
            [(n, n, vector, (n + 1) // 2) for n in range(1, 7)],
        )
    store.not_this_person(catalog, 5)  # face 5 is not Cleo…
    with catalog.write() as db:  # …nor A, nor B (refused by both merged people)
        db.execute("INSERT INTO face_refusals VALUES (5, 1), (5, 2)")

    def owners() -> list[int | None]:
        rows = catalog.read().execute("SELECT person_id FROM faces ORDER BY id")
        return [r[0] for r in rows]

    def photos(value: str) -> set[int]:
        where, params = where_sql(parse(f"person:{value}").filters)
        return set(catalog.filtered_ids(where, params).tolist())

    store.merge_people(catalog, 2, 1)  # A is B
    store.name_person(catalog, 2, "cleo")  # B is Cleo: one person, the name kept
    assert owners() == [3, 3, 3, 3, None, 3]
    assert photos("#1") == photos("#2") == photos("Cleo") == {1, 2, 3, 4, 6}
    assert store.named(catalog) == ["Cleo"]
    assert store.undo_merge(catalog, 2)  # B comes back with A's faces still with Cleo
    assert owners() == [3, 3, 2, 2, None, 3]
    assert store.undo_merge(catalog, 1)
    assert owners() == [1, 1, 2, 2, None, 3]
    assert not store.undo_merge(catalog, 1)  # nothing left to undo
    refused = store.refusals(catalog)
    assert {(5, 1), (5, 2), (5, 3)} <= refused  # every correction still holds
    store.hide_person(catalog, 3)
    store.name_person(catalog, 1, "Cleo")  # asked for by name: shown again
    assert [p.name for p in store.people(catalog)][:1] == ["Cleo"]
    store.not_this_person(catalog, 6)
    with catalog.write() as db:
        db.execute("UPDATE faces SET person_id = NULL WHERE person_id = 3")
    assert store.named(catalog) == []  # no face left: the name no longer filters words
    catalog.close()


def test_indexing_glances_for_faces_so_the_pass_skips_photos_without(
    engine: Engine, tmp_path: Path
) -> None:
    """The faces gate looks at each photo as indexing decodes it: photos without a face
    are marked looked at in the same commit, and the faces pass decodes only the rest."""
    from photosearch.core.store.people import faces_pending, faces_pending_count

    folder = tmp_path / "lib"
    portraits = write_people(folder, ("obama.jpg", "biden.jpg"), ("",))
    for seed in range(4):
        photo_like(640, 480, seed).save(folder / f"plain_{seed}.jpg", quality=85)
    engine.library.add_folder(folder)
    engine.scan()
    engine.index()
    pending = {Path(p).name for _, p in faces_pending(engine.catalog, 10)}
    assert {p.name for p in portraits} <= pending  # the gate errs towards looking:
    assert len(pending) <= len(portraits) + 1  # a photo without a face may pass it
    engine.update()
    assert faces_pending_count(engine.catalog) == 0
    assert [len(engine.people.faces_in(str(p))) for p in portraits] == [1, 1]

    engine.set_find_faces(False)  # off: nothing is glanced at, everything stays to look at
    for seed in range(2):
        photo_like(640, 480, 10 + seed).save(folder / f"later_{seed}.jpg", quality=85)
    engine.scan()
    engine.index()
    assert faces_pending_count(engine.catalog) == 2


def test_faces_turned_off_while_indexing_keep_nothing_the_gate_saw(
    engine: Engine, tmp_path: Path
) -> None:
    """The user turns faces off (or deletes every face datum) mid-batch: what the gate
    saw is not stored, and no gate is made again once its memory was let go."""
    from photosearch.core.app.pass_readers import FacesGlance
    from photosearch.core.index.indexer import Indexer
    from photosearch.core.store.people import faces_pending_count

    folder = tmp_path / "lib"
    folder.mkdir()
    for seed in range(4):
        photo_like(640, 480, seed).save(folder / f"plain_{seed}.jpg", quality=85)
    engine.library.add_folder(folder)
    engine.scan()
    wanted = [True]

    class TurnedOffMidBatch(FacesGlance):
        def look(self, img: Image.Image) -> bool | None:
            seen = super().look(img)
            wanted[0] = False  # the user said no while the batch was decoded
            return seen

    glance = TurnedOffMidBatch(engine.readers, lambda: wanted[0])
    Indexer(engine.catalog, engine.vectors(), engine.encoder(), glance=glance).run()
    assert faces_pending_count(engine.catalog) == 4  # all still to look at
    engine.readers.drop_faces()
    assert glance.look(Image.new("RGB", (64, 64))) is None
    assert engine.readers.face_gate(lambda: False) is None


def test_a_photo_changed_since_the_gate_saw_it_is_looked_at_again(
    engine: Engine, tmp_path: Path
) -> None:
    from photosearch.core.store.catalog import Encoded
    from photosearch.core.store.people import faces_pending_count

    folder = tmp_path / "lib"
    folder.mkdir()
    photo = folder / "plain.jpg"
    photo_like(640, 480, 1).save(photo, quality=85)
    engine.set_find_faces(False)  # indexed without a glance: still to look at
    engine.library.add_folder(folder)
    engine.update()
    assert faces_pending_count(engine.catalog) == 1
    (found,) = engine.catalog.read().execute("SELECT id, size, mtime_ns FROM photos")
    photo_id, size, mtime = found
    vector = np.zeros(engine.vectors().dim, np.float32)
    model = engine.vectors().model_id
    stale = Encoded(photo_id, vector, 640, 480, None, None, (size + 1, mtime))
    engine.catalog.commit_batch(model, [stale], [])
    assert faces_pending_count(engine.catalog) == 1  # the file changed since: not marked
    current = Encoded(photo_id, vector, 640, 480, None, None, (size, mtime))
    engine.catalog.commit_batch(model, [current], [])
    assert faces_pending_count(engine.catalog) == 0
