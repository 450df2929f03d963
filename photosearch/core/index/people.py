"""Grouping faces into people, a little at a time, never undoing what was decided.

After each batch of the faces pass: a face nobody's yet joins the person whose faces it
is clearly closest to, and faces still nobody's that are alike (three at least, in three
photos) become a new person. A person, once made, is never broken up or renumbered; a
face the user took out of someone never returns to them; two faces of one photo are
never one person. Where it is unsure (close to two people, or alike only in a chain) a
face stays nobody's: a missing face is a small loss, a wrong one in someone's photos
(a sibling, a baby) is what users remember.

Distances are dlib's (Euclidean, 128 numbers): photos of one person lie within about
0.45 of each other, different people beyond 0.6 (on the labelled set of
``benchmarks/bench_people.py``: 0.04–0.43 against 0.82+).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photosearch.core.store.catalog import Catalog
from photosearch.core.store.people import (
    FaceVectors,
    assign_faces,
    face_vectors,
    nearest,
    new_person,
    refusals,
)

JOIN = 0.45
"""A face joins a person when one of their faces is this close…"""
MARGIN = 0.06
"""…and every other person is farther by this much (else it is unsure: nobody)."""
FORM = 0.42
"""Faces nobody's this close to each other may form a new person."""
MIN_FACES = 3
"""A new person needs this many faces alike, in as many photos."""
NEIGHBOURS = 16


@dataclass
class Grouped:
    joined: int = 0
    """Faces that joined someone known."""
    people: int = 0
    """New people formed."""


def group_faces(catalog: Catalog) -> Grouped:
    """One grouping run over every face nobody's yet."""
    report = Grouped()
    loose = face_vectors(catalog, assigned=False)
    if not len(loose.ids):
        return report
    refused = refusals(catalog)
    known = face_vectors(catalog, assigned=True)
    if len(known.ids):
        pairs = _joins(loose, known, refused)
        assign_faces(catalog, pairs)
        report.joined = len(pairs)
        if pairs:
            loose = face_vectors(catalog, assigned=False)
    for members in _new_people(loose):
        new_person(catalog, [int(loose.ids[i]) for i in members])
        report.people += 1
    return report


def _joins(
    loose: FaceVectors, known: FaceVectors, refused: set[tuple[int, int]]
) -> list[tuple[int, int]]:
    """(face, person) for each loose face clearly one known person's."""
    keys, dist = nearest(known.vectors, loose.vectors, NEIGHBOURS)
    taken = {(int(ph), int(pe)) for ph, pe in zip(known.photos, known.people, strict=True)}
    pairs = []
    for row in range(len(loose.ids)):
        best: dict[int, float] = {}
        for key, d in zip(keys[row], dist[row], strict=True):
            if key >= 0:
                person = int(known.people[key])
                best[person] = min(best.get(person, np.inf), float(d))
        if not best:
            continue
        ranked = sorted(best.items(), key=lambda item: item[1])
        person, d = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else np.inf
        face, photo = int(loose.ids[row]), int(loose.photos[row])
        if (
            d <= JOIN
            and runner_up - d >= MARGIN
            and (face, person) not in refused
            and (photo, person) not in taken
        ):
            pairs.append((face, person))
            taken.add((photo, person))
    return pairs


def _new_people(loose: FaceVectors) -> list[list[int]]:
    """Groups (indices into ``loose``) of alike faces that make new people: linked by
    near neighbours, never two faces of one photo, then kept only as far as they stay
    near their group's centre (a chain of look-alikes is not one person)."""
    if len(loose.ids) < MIN_FACES:
        return []
    keys, dist = nearest(loose.vectors, loose.vectors, NEIGHBOURS)
    parent = list(range(len(loose.ids)))
    photos = [{int(p)} for p in loose.photos]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = sorted(
        (float(d), i, int(j))
        for i in range(len(loose.ids))
        for j, d in zip(keys[i], dist[i], strict=True)
        if j > i and d <= FORM
    )
    for _, i, j in edges:  # closest first, so a photo's two faces part where they should
        a, b = root(i), root(j)
        if a != b and not photos[a] & photos[b]:
            parent[b] = a
            photos[a] |= photos[b]
    groups: dict[int, list[int]] = {}
    for i in range(len(loose.ids)):
        groups.setdefault(root(i), []).append(i)
    made = []
    for members in groups.values():
        if len(members) < MIN_FACES:
            continue
        centre = loose.vectors[members].mean(axis=0)
        close = [i for i in members if np.linalg.norm(loose.vectors[i] - centre) <= FORM]
        if len(close) >= MIN_FACES:
            made.append(close)
    return made
