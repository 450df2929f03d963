"""The catalog's people side: faces found in photos, the people they form, and what the
user said of them (names, merges, "not this person", hidden), in ``schema._v9``'s tables.

Functions over the catalog, like ``fulltext.py``. Grouping faces into people is
``core/index/people.py``'s; everything the user decides is written here, and nothing
written here is ever undone by a later grouping run.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from usearch.index import Index

from photosearch.core.media.faces import VECTOR_DIM, FoundFace
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.fulltext import READY_SQL, not_done
from photosearch.core.store.sql_functions import path_text, rows_in
from photosearch.core.types import FaceBox, Person, place_key


@dataclass(frozen=True, slots=True)
class FaceVectors:
    """Faces with their descriptors, for grouping: ids, photos, people (-1: nobody)."""

    ids: np.ndarray
    photos: np.ndarray
    people: np.ndarray
    vectors: np.ndarray


def faces_pending(catalog: Catalog, limit: int) -> list[tuple[int, str]]:
    """Indexed photos not yet looked at for faces, oldest first (videos are marked done)."""
    return not_done(catalog, "faces_done", limit)


def faces_looked_at(catalog: Catalog, ids: Sequence[int]) -> set[int]:
    """The photos among ``ids`` already looked at for faces (indexed again for a new
    model, say: the faces gate need not glance at them while they are decoded)."""
    sql = "SELECT photo_id FROM photo_meta WHERE faces_done AND photo_id IN ({})"
    return {row[0] for row in rows_in(catalog.read(), sql, (), ids)}


def faces_pending_count(catalog: Catalog) -> int:
    row = catalog.read().execute(
        f"""SELECT count(*) FROM photos p JOIN photo_meta m ON m.photo_id = p.id
            {READY_SQL} AND NOT m.faces_done"""
    )
    return int(row.fetchone()[0])


def store_faces(catalog: Catalog, rows: Sequence[tuple[int, Sequence[FoundFace]]]) -> None:
    """Record the faces found in photos (none: looked, no face). A photo changed or gone
    meanwhile (its metadata row was dropped) records nothing: it is looked at again."""
    with catalog.write() as db:
        for photo_id, faces in rows:
            done = db.execute(
                "UPDATE photo_meta SET faces_done = 1 WHERE photo_id = ? AND NOT faces_done",
                (photo_id,),
            ).rowcount
            if not done:
                continue
            db.executemany(
                "INSERT INTO faces(photo_id, x0, y0, x1, y1, vector) VALUES (?, ?, ?, ?, ?, ?)",
                [(photo_id, *f.box, f.vector.astype(np.float32).tobytes()) for f in faces],
            )


def face_vectors(catalog: Catalog, assigned: bool) -> FaceVectors:
    """Every face already someone's (``assigned``), or every face nobody's yet."""
    test = "f.person_id IS NOT NULL" if assigned else "f.person_id IS NULL"
    rows = (
        catalog.read()
        .execute(
            "SELECT f.id, f.photo_id, coalesce(f.person_id, -1), f.vector FROM faces f"
            f" WHERE {test}"
        )
        .fetchall()
    )
    vectors = np.frombuffer(b"".join(r[3] for r in rows), dtype=np.float32)
    return FaceVectors(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.int64),
        vectors.reshape(-1, VECTOR_DIM),
    )


def refusals(catalog: Catalog) -> set[tuple[int, int]]:
    """(face, person) pairs the user said are not the same."""
    rows = catalog.read().execute("SELECT face_id, person_id FROM face_refusals")
    return {(r[0], r[1]) for r in rows}


def assign_faces(catalog: Catalog, pairs: Sequence[tuple[int, int]]) -> None:
    """Give faces that are still nobody's to people (a face the user moved meanwhile
    stays where the user put it)."""
    with catalog.write() as db:
        db.executemany(
            """UPDATE faces SET person_id = ? WHERE id = ? AND person_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM face_refusals r
                               WHERE r.face_id = faces.id AND r.person_id = ?)
               AND NOT EXISTS (SELECT 1 FROM people WHERE id = ?
                               AND merged_into IS NOT NULL)""",
            [(person, face, person, person) for face, person in pairs],
        )


def new_person(catalog: Catalog, face_ids: Sequence[int]) -> int:
    """A new person made of faces that are still nobody's; returns their id."""
    with catalog.write() as db:
        person = int(db.execute("INSERT INTO people(name) VALUES (NULL)").lastrowid or 0)
        db.executemany(
            "UPDATE faces SET person_id = ? WHERE id = ? AND person_id IS NULL",
            [(person, face) for face in face_ids],
        )
    return person


_PEOPLE_SQL = """SELECT pe.id, pe.name, pe.hidden, count(*), count(DISTINCT fa.photo_id)
    FROM people pe JOIN faces fa ON fa.person_id = pe.id JOIN photos p ON p.id = fa.photo_id
    {ready} {extra} GROUP BY pe.id ORDER BY count(DISTINCT fa.photo_id) DESC, pe.id"""


def people(catalog: Catalog, hidden: bool = False, ids: Sequence[int] = ()) -> list[Person]:
    """The people with faces in the library's photos, most photos first (hidden ones
    only when asked; ``ids``: only these)."""
    extra = "" if hidden else " AND NOT pe.hidden"
    params: list[object] = []
    if ids:
        extra += f" AND pe.id IN ({','.join('?' * len(ids))})"
        params.extend(ids)
    rows = catalog.read().execute(_PEOPLE_SQL.format(ready=READY_SQL, extra=extra), params)
    found = [(int(r[0]), r[1], bool(r[2]), int(r[3]), int(r[4])) for r in rows]
    covers = _covers(catalog, [r[0] for r in found])
    return [
        Person(i, name, faces, photos, hid, covers.get(i)) for i, name, hid, faces, photos in found
    ]


def _covers(catalog: Catalog, ids: Sequence[int]) -> dict[int, FaceBox]:
    """Each person's face to show: their largest, in their most recent photo."""
    covers: dict[int, FaceBox] = {}
    for r in rows_in(
        catalog.read(),
        """SELECT fa.person_id, fa.id, p.path, fa.x0, fa.y0, fa.x1, fa.y1 FROM faces fa
           JOIN photos p ON p.id = fa.photo_id WHERE fa.person_id IN ({})
           AND p.status = 'ok' ORDER BY coalesce(p.taken_at, p.mtime_ns / 1e9) DESC,
           (fa.x1 - fa.x0) * (fa.y1 - fa.y0) DESC""",
        (),
        ids,
    ):  # a person's rows all come in one part of ``ids``: newest first
        covers.setdefault(r[0], FaceBox(r[1], path_text(r[2]), (r[3], r[4], r[5], r[6]), r[0]))
    return covers


def faces_in(catalog: Catalog, path: str) -> list[FaceBox]:
    """The faces found in one photo, with whom each was found to be, left to right."""
    rows = catalog.read().execute(
        """SELECT fa.id, fa.x0, fa.y0, fa.x1, fa.y1, pe.id, pe.name FROM faces fa
           JOIN photos p ON p.id = fa.photo_id LEFT JOIN people pe ON pe.id = fa.person_id
           WHERE p.path = ? ORDER BY fa.x0""",
        (os.fsencode(path),),
    )
    return [FaceBox(r[0], path, (r[1], r[2], r[3], r[4]), r[5], r[6]) for r in rows]


def people_in(catalog: Catalog, photo_ids: Sequence[int]) -> dict[int, list[Person]]:
    """Who is in each of these photos (people not hidden), for results."""
    found: dict[int, list[tuple[int, str | None]]] = {}
    for photo, person, name in rows_in(
        catalog.read(),
        """SELECT fa.photo_id, pe.id, pe.name FROM faces fa
           JOIN people pe ON pe.id = fa.person_id
           WHERE fa.photo_id IN ({}) AND NOT pe.hidden ORDER BY fa.x0""",
        (),
        photo_ids,
    ):
        found.setdefault(photo, []).append((person, name))
    return {
        photo: [Person(i, name, 0, 0) for i, name in dict(who).items()]
        for photo, who in found.items()
    }


def person_clause(value: str) -> tuple[str, list[object]]:
    """SQL over photos ``p`` for ``person:VALUE``: someone named so (accents and case
    aside), or ``#7`` for a person not named yet (one merged into someone since: them)."""
    value = value.strip()
    params: list[object]
    if re.fullmatch(r"#[0-9]+", value):
        number = int(value[1:])
        test = "fa.person_id = coalesce((SELECT merged_into FROM people WHERE id = ?), ?)"
        params = [number, number]
    else:
        test = (
            "fa.person_id IN (SELECT id FROM people WHERE place_key(name) = ?"
            " AND merged_into IS NULL)"
        )
        params = [place_key(value) or ""]
    # the person's faces first (an index), not every photo's faces
    return f"p.id IN (SELECT fa.photo_id FROM faces fa WHERE {test})", params


def named(catalog: Catalog) -> list[str]:
    """The names of people (not hidden) who are in photos now, longest first: a name
    whose faces are all gone no longer turns a word into a filter."""
    rows = catalog.read().execute(
        "SELECT DISTINCT name FROM people pe WHERE name IS NOT NULL AND NOT hidden"
        " AND merged_into IS NULL AND EXISTS (SELECT 1 FROM faces fa"
        " JOIN photos p ON p.id = fa.photo_id WHERE fa.person_id = pe.id AND p.status = 'ok')"
    )
    return sorted((r[0] for r in rows), key=lambda n: (-len(n), n))


def name_person(catalog: Catalog, person: int, name: str | None) -> None:
    """Name (or rename) someone; a name already someone else's makes them one person
    (shown, even if that one was hidden: the user just asked for them by name). A name
    keeps no double quotes: searches quote names with them."""
    name = " ".join(name.replace('"', "").split()) if name else None
    with catalog.write() as db:
        if name is not None:
            same = db.execute(
                "SELECT id FROM people WHERE place_key(name) = ? AND id != ?"
                " AND merged_into IS NULL",
                (place_key(name), person),
            ).fetchone()
            if same is not None:  # the merged one keeps its own name for an Undo
                _merge(db, same[0], person)
                db.execute("UPDATE people SET hidden = 0 WHERE id = ?", (same[0],))
                return
        db.execute("UPDATE people SET name = ? WHERE id = ?", (name or None, person))


def merged_into(catalog: Catalog, person: int) -> int:
    """Who ``person`` is now: themselves, or whom they were merged into."""
    row = catalog.read().execute("SELECT merged_into FROM people WHERE id = ?", (person,))
    found = row.fetchone()
    return int(found[0]) if found and found[0] is not None else person


def merge_people(catalog: Catalog, into: int, other: int) -> None:
    """``other`` becomes ``into``: their faces move, remembering where they came from."""
    if into == other:
        return
    with catalog.write() as db:
        _merge(db, into, other)


def _merge(db: sqlite3.Connection, into: int, other: int) -> None:
    """Faces keep the person they first came from (a merge of a merge still undoes);
    those merged into ``other`` before now point at ``into``; what the user refused
    ``other`` is refused ``into`` too (copied: ``other`` keeps it for an Undo)."""
    db.execute(
        "UPDATE faces SET merged_from = coalesce(merged_from, person_id), person_id = ?"
        " WHERE person_id = ?",
        (into, other),
    )
    db.execute(
        "UPDATE people SET merged_into = ? WHERE id = ? OR merged_into = ?", (into, other, other)
    )
    db.execute(
        "INSERT OR IGNORE INTO face_refusals(face_id, person_id)"
        " SELECT face_id, ? FROM face_refusals WHERE person_id = ?",
        (into, other),
    )


def undo_merge(catalog: Catalog, other: int) -> bool:
    """Part ``other`` from the person it was merged into: their faces go back. False
    when there was no merge to undo."""
    with catalog.write() as db:
        row = db.execute("SELECT merged_into FROM people WHERE id = ?", (other,)).fetchone()
        if row is None or row[0] is None:
            return False
        db.execute(
            "UPDATE faces SET person_id = ?, merged_from = NULL"
            " WHERE merged_from = ? AND person_id = ?",
            (other, other, row[0]),
        )
        db.execute("UPDATE people SET merged_into = NULL WHERE id = ?", (other,))
    return True


def not_this_person(catalog: Catalog, face: int) -> None:
    """The face is not who it was found to be: it leaves them and never comes back."""
    with catalog.write() as db:
        db.execute(
            "INSERT OR IGNORE INTO face_refusals(face_id, person_id)"
            " SELECT id, person_id FROM faces WHERE id = ? AND person_id IS NOT NULL",
            (face,),
        )
        db.execute("UPDATE faces SET person_id = NULL, merged_from = NULL WHERE id = ?", (face,))


def hide_person(catalog: Catalog, person: int, hidden: bool = True) -> None:
    with catalog.write() as db:
        db.execute("UPDATE people SET hidden = ? WHERE id = ?", (int(hidden), person))


def forget_faces(catalog: Catalog) -> None:
    """Every face datum gone: faces, people, names, corrections; no photo counts as
    looked at for faces any more."""
    with catalog.write() as db:
        db.execute("DELETE FROM face_refusals")
        db.execute("DELETE FROM faces")
        db.execute("DELETE FROM people")
        db.execute("UPDATE photo_meta SET faces_done = 0 WHERE faces_done")


def people_count(catalog: Catalog) -> int:
    """How many people (not hidden) have faces in the library."""
    row = catalog.read().execute(
        "SELECT count(DISTINCT fa.person_id) FROM faces fa JOIN people pe"
        " ON pe.id = fa.person_id WHERE NOT pe.hidden"
    )
    return int(row.fetchone()[0])


def face_counts(catalog: Catalog) -> tuple[int, int, int]:
    """(photos looked at for faces, photos that could be, faces found)."""
    done, total = (
        catalog.read()
        .execute(
            f"""SELECT coalesce(sum(m.faces_done), 0), count(*) FROM photos p
                JOIN photo_meta m ON m.photo_id = p.id {READY_SQL}"""
        )
        .fetchone()
    )
    faces = catalog.read().execute("SELECT count(*) FROM faces").fetchone()[0]
    return int(done), int(total), int(faces)


def nearest(base: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices into ``base``, Euclidean distances) of each query's ``k`` nearest faces,
    -1 where fewer exist (usearch: its module loads after onnxruntime, in this room)."""
    k = min(k, len(base))
    index = Index(ndim=base.shape[1], metric="l2sq", dtype="f32", expansion_search=max(64, k))
    index.add(np.arange(len(base)), base)
    found = index.search(queries, k)
    if not hasattr(found, "counts"):  # one query: usearch answers with a single Matches
        found_keys, found_dist = np.asarray(found.keys)[None], np.asarray(found.distances)[None]
        count = np.array([len(found.keys)])
    else:
        found_keys, found_dist, count = found.keys, found.distances, np.asarray(found.counts)
    keys = np.full((len(queries), k), -1, dtype=np.int64)
    dist = np.full((len(queries), k), np.inf, dtype=np.float64)
    width = min(k, np.asarray(found_keys).shape[1]) if len(queries) else 0
    keys[:, :width] = np.asarray(found_keys, dtype=np.int64)[:, :width]
    dist[:, :width] = np.sqrt(np.maximum(np.asarray(found_dist)[:, :width], 0.0))
    missing = np.arange(k)[None, :] >= count.reshape(-1, 1)
    keys[missing], dist[missing] = -1, np.inf
    return keys, dist
