"""People, as the window, the command line and the HTTP API ask for them: who was found,
and what the user decides (names, merges and their undoing, "not this person", hiding,
forgetting every face). The engine holds one as ``engine.people``."""

from __future__ import annotations

from photosearch.core.errors import QueryError
from photosearch.core.store import people as store
from photosearch.core.store.catalog import Catalog
from photosearch.core.types import FaceBox, Person
from photosearch.core.wording import count


class People:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def listed(self, hidden: bool = False) -> list[Person]:
        """Everyone with faces in the library, most photos first (hidden people too when
        asked)."""
        return store.people(self._catalog, hidden)

    def get(self, person: int) -> Person:
        """One person, hidden or not; a QueryError when there is none such."""
        found = store.people(self._catalog, hidden=True, ids=[person])
        if not found:
            raise QueryError(f"There is nobody with the number {person}.")
        return found[0]

    def name(self, person: int, name: str | None) -> Person:
        """Name someone (None: take the name back); a name someone else already has
        makes them one person. Returns them as they are now."""
        self.get(person)
        store.name_person(self._catalog, person, name)
        return self.get(store.merged_into(self._catalog, person))

    def merge(self, into: int, other: int) -> Person:
        """``other`` is ``into``: every face of theirs moves (``unmerge`` undoes it)."""
        self.get(into), self.get(other)
        if into == other:
            raise QueryError("A person cannot be merged with themselves.")
        store.merge_people(self._catalog, into, other)
        return self.get(into)

    def unmerge(self, other: int) -> bool:
        """Undo merging ``other`` into someone: their faces come back to them."""
        return store.undo_merge(self._catalog, other)

    def not_this_person(self, face: int) -> None:
        """A face is not who it was found to be; it never returns to them."""
        store.not_this_person(self._catalog, face)

    def hide(self, person: int, hidden: bool = True) -> None:
        self.get(person)
        store.hide_person(self._catalog, person, hidden)

    def faces_in(self, path: str) -> list[FaceBox]:
        """The faces found in one photo, with whom each was found to be."""
        return store.faces_in(self._catalog, path)

    def forget(self) -> None:
        """Delete every face, person, name and correction."""
        store.forget_faces(self._catalog)

    def counts(self) -> tuple[int, int, int]:
        """(photos looked at for faces, photos that could be, faces found)."""
        return store.face_counts(self._catalog)


def who_is_in(faces: list[FaceBox]) -> str | None:
    """``Anna, Joe Biden and 1 person not named yet``: who is in a photo, left to right
    (and faces not recognised as anyone yet)."""
    names = list(dict.fromkeys(f.name for f in faces if f.name))
    unnamed = len({f.person_id for f in faces if f.person_id is not None and not f.name})
    loose = sum(1 for f in faces if f.person_id is None)
    if unnamed:
        names.append(count(unnamed, "person", "people") + " not named yet")
    if loose:
        names.append(count(loose, "face") + " not recognised")
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
