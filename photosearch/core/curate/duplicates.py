"""Exact copies and near-duplicates of photos, and the checks before any goes to the trash.

Exact copies share their whole content: the cheap content key (size and the hash of the
first and last 64 KiB) proposes them, and a hash of the whole file, computed only for
those and remembered with the file's size and mtime, confirms them (two scans with white
margins share size and edges, not their middles). A file reached through several paths
(a link, a second hard link) is one photo, never a copy of itself.
Near-duplicates — resized, recompressed, slightly cropped, EXIF-rotated copies, the same
shot exported twice, bursts — are found in two steps: the CLIP vectors propose pairs
(each photo's nearest neighbours in the vector index above a cosine ``threshold``), and a
perceptual signature of the upright pixels confirms them, so that two different photos
of the same kind of scene (two sunsets) are not grouped. The signature is a DCT hash
(pHash) of 255 bits — the signs of the 16×16 lowest frequencies of a 32×32 grey
thumbnail, robust to scaling and JPEG quality — plus the colours of an 8×8 thumbnail.
Measured on 40 generated photos with four copies each (resized to 50 %, quality 55,
cropped 5 %, EXIF-rotated): copies differed by at most 68 bits and 6.8 colour levels, the
189 pairs of different photos of the same kind of scene by at least 98 bits and 13.5
levels (a 64-bit hash left them 12 and 16 bits apart, and grouped look-alikes).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from photosearch.core.curate.trash import Trashed
from photosearch.core.errors import ImageError
from photosearch.core.media.images import open_image
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.schema import IS_VIDEO_SQL
from photosearch.core.store.vectors import VectorStore
from photosearch.core.types import JobControl, Photo, ProgressCallback, ProgressMeter, no_progress

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.9
"""Cosine above which two photos are candidate near-duplicates (then the hash decides)."""
HASH_DISTANCE = 84
"""Differing bits (of 255) up to which two perceptual hashes are the same picture."""
COLOUR_DISTANCE = 10.0
"""Mean difference (0–255) of the 8×8 colour thumbnails up to which colours agree."""
NEIGHBOURS = 8
BEAM = 32
"""HNSW beam for the neighbour search: copies sit far closer than anything else, so a
narrow search finds them (the recall-0.99 beam of text search took 14× longer at 100k)."""
HASH_SIDE = 32
HASH_BLOCK = 16
_DCT = np.cos(np.pi / HASH_SIDE * (np.arange(HASH_SIDE)[:, None] * (np.arange(HASH_SIDE) + 0.5)))
ORIGINAL_FORMATS = frozenset({"jpg", "jpeg", "jpe", "heic", "heif", "tif", "tiff"})
"""What cameras write; a PNG or WebP of the same picture is usually an export."""


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Photos that are the same picture; ``photos[0]`` is the one suggested to keep."""

    kind: str  # "exact" or "near"
    photos: tuple[Photo, ...]


@dataclass(frozen=True, slots=True)
class Signature:
    """What two pictures are compared by: a perceptual hash and an 8×8 colour thumbnail."""

    bits: int
    colours: np.ndarray

    def same_picture(self, other: Signature) -> bool:
        colour = float(np.abs(self.colours - other.colours).mean())
        return hash_distance(self.bits, other.bits) <= HASH_DISTANCE and colour <= COLOUR_DISTANCE


def signature(path: str) -> Signature:
    """The upright photo's signature (its JPEG decoded at a small scale)."""
    upright, _, _, _ = open_image(path, HASH_SIDE * 2)
    grey = upright.convert("L").resize((HASH_SIDE, HASH_SIDE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float32)
    low = (_DCT @ pixels @ _DCT.T)[:HASH_BLOCK, :HASH_BLOCK].flatten()[1:]  # without the DC
    bits = low > np.median(low)
    colours = upright.resize((8, 8), Image.Resampling.BOX)
    return Signature(
        int("".join("1" if b else "0" for b in bits), 2), np.asarray(colours, dtype=np.float32)
    )


def hash_distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def keep_first(photos: Iterable[Photo], linked: frozenset[str] = frozenset()) -> tuple[Photo, ...]:
    """The photo to keep first: a file that links point to (``linked``: real paths), then
    the most pixels, then a camera format over an export, then the oldest (then the path,
    so that the choice is the same every time)."""

    def rank(photo: Photo) -> tuple[bool, int, int, float, str]:
        ext = photo.path.rsplit(".", 1)[-1].lower()
        pixels = (photo.width or 0) * (photo.height or 0)
        pinned = bool(linked) and os.path.realpath(photo.path) in linked
        return (not pinned, -pixels, 0 if ext in ORIGINAL_FORMATS else 1, photo.date, photo.path)

    return tuple(sorted(photos, key=rank))


class _Groups:
    """Union-find over photo ids."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, a: int) -> int:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)

    def sets(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for a in self.parent:
            found.setdefault(self.find(a), []).append(a)
        return [sorted(members) for members in found.values() if len(members) > 1]


def find_duplicates(
    catalog: Catalog,
    store: VectorStore,
    where: str = "1",
    params: tuple[object, ...] | list[object] = (),
    threshold: float = DEFAULT_THRESHOLD,
    progress: ProgressCallback = no_progress,
    control: JobControl | None = None,
    linked: frozenset[str] = frozenset(),
) -> list[DuplicateGroup]:
    """Groups of exact copies, then of near-duplicates, among the photos ``where`` allows
    (SQL over ``p``, as the search filters write it); biggest groups first. A file that
    links point to (``linked``, real paths) is the one kept in its group."""
    control = control or JobControl()
    allowed = set(catalog.filtered_ids(f"p.status != 'error' AND {where}", list(params)).tolist())
    exact, together = _Groups(), _Groups()
    for ids in same_files(catalog, catalog.same_content(allowed), control):
        for other in ids[1:]:
            exact.join(ids[0], other)
            together.join(ids[0], other)
    # a clip and its re-encoded copy share no perceptual hash: only byte copies group
    photos_only = f"p.status != 'error' AND NOT {IS_VIDEO_SQL} AND {where}"
    stills = set(catalog.filtered_ids(photos_only, list(params)).tolist())
    pairs = _candidate_pairs(catalog, store, stills, threshold, progress, control)
    photos = catalog.photos(sorted({i for pair in pairs for i in pair}))
    signatures: dict[int, Signature | None] = {}
    meter = ProgressMeter("duplicates", len(pairs), progress)
    for a, b in pairs:
        if not control.checkpoint():
            break
        meter.advance()
        if together.find(a) == together.find(b):
            continue
        sa, sb = (_signature(signatures, photos.get(i)) for i in (a, b))
        if sa is not None and sb is not None and sa.same_picture(sb):
            together.join(a, b)
    sets = together.sets()
    known = catalog.photos(sorted({i for ids in sets for i in ids}))
    groups = []
    for ids in sets:
        same_bytes = all(i in exact.parent for i in ids) and len({exact.find(i) for i in ids}) == 1
        files = one_path_per_file(known[i] for i in ids if i in known)
        members = keep_first((photo for photo, _ in files), linked)
        if len(members) > 1:
            groups.append(DuplicateGroup("exact" if same_bytes else "near", members))
    return sorted(groups, key=lambda g: (-len(g.photos), g.kind != "exact", g.photos[0].path))


def whole_file_hash(path: str) -> str:
    """The hash of the whole file, read in 1 MiB steps (never the whole file in memory)."""
    h = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def one_path_per_file(photos: Iterable[Photo]) -> list[tuple[Photo, os.stat_result]]:
    """The photos whose file is still there as catalogued (same size and mtime), each file
    once: a link or a second hard link to a file another path reaches is the same photo,
    not a copy of it, and the path kept for a file is its own rather than a link's."""
    kept: list[tuple[Photo, os.stat_result]] = []
    reached: set[tuple[int, int]] = set()
    for photo in sorted(photos, key=lambda p: (os.path.islink(p.path), p.path)):
        try:
            st = os.stat(photo.path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in reached or (st.st_size, st.st_mtime_ns) != (
            photo.size,
            photo.mtime_ns,
        ):
            continue
        reached.add((st.st_dev, st.st_ino))
        kept.append((photo, st))
    return kept


def same_files(
    catalog: Catalog, candidates: list[list[int]], control: JobControl
) -> list[list[int]]:
    """Split groups that share a content key into groups with the same whole content.

    Each file is hashed once and the hash kept in the catalog with its size and mtime; a
    file changed since it was catalogued is left out until it is indexed again."""
    ids = [i for group in candidates for i in group]
    photos = catalog.photos(ids)
    known = catalog.whole_file_hashes(ids)
    fresh: list[tuple[int, int, int, str]] = []
    confirmed: list[list[int]] = []
    for group in candidates:
        if not control.checkpoint():
            break
        by_digest: dict[str, list[int]] = {}
        for photo, _ in one_path_per_file(photos[i] for i in group if i in photos):
            remembered = known.get(photo.id)
            if remembered and remembered[:2] == (photo.size, photo.mtime_ns):
                digest = remembered[2]
            else:
                try:
                    digest = whole_file_hash(photo.path)
                except OSError as exc:
                    log.info("cannot hash %s: %s", photo.path, exc)
                    continue
                fresh.append((photo.id, photo.size, photo.mtime_ns, digest))
            by_digest.setdefault(digest, []).append(photo.id)
        confirmed.extend(sorted(same) for same in by_digest.values() if len(same) > 1)
    if fresh:
        catalog.remember_file_hashes(fresh)
    return confirmed


def _signature(cache: dict[int, Signature | None], photo: Photo | None) -> Signature | None:
    if photo is None:
        return None
    if photo.id not in cache:
        try:
            cache[photo.id] = signature(photo.path)
        except (ImageError, OSError) as exc:
            log.info("no perceptual hash for %s: %s", photo.path, exc)
            cache[photo.id] = None
    return cache[photo.id]


def _candidate_pairs(
    catalog: Catalog,
    store: VectorStore,
    allowed: set[int],
    threshold: float,
    progress: ProgressCallback,
    control: JobControl,
) -> list[tuple[int, int]]:
    """Pairs (a < b) of allowed photos whose vectors are within ``threshold``."""
    pairs: set[tuple[int, int]] = set()
    meter = ProgressMeter("neighbours", len(allowed), progress)
    allowed_ids = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
    while not store.ready.wait(0.5):  # an index rebuilt in the background: it needs the graph
        if not control.checkpoint():
            return []
    for ids, vectors in catalog.iter_embeddings(store.model_id, store.dim):
        keep = np.isin(ids, allowed_ids)
        ids, vectors = ids[keep], vectors[keep]
        if not len(ids):
            continue
        if not control.checkpoint():
            break
        # a clip's moments of one scene can fill a photo's nearest keys: ask for more then
        wanted = (NEIGHBOURS + 1) * (4 if store.has_moments else 1)
        found, scores = store.search_many(vectors, wanted, BEAM)
        for row, own in enumerate(ids.tolist()):
            for other, score in zip(found[row].tolist(), scores[row].tolist(), strict=True):
                if other != own and score >= threshold and other in allowed:
                    pairs.add((min(own, other), max(own, other)))
        meter.advance(len(ids))
    return sorted(pairs)


@dataclass(slots=True)
class TrashPlan:
    """What may go to the trash now (each with the copy that stays) and what may not, why."""

    move: list[Photo] = field(default_factory=list)
    trashed: list[Trashed] = field(default_factory=list)
    """Where the moved ones lie in the trash (what *Undo* puts back)."""
    gone: list[Photo] = field(default_factory=list)
    """Already gone from the disk: only forgotten."""
    skipped: list[tuple[str, str]] = field(default_factory=list)


def plan_trash(
    groups: Iterable[DuplicateGroup],
    chosen: Iterable[str] | None = None,
    linked: frozenset[str] = frozenset(),
) -> TrashPlan:
    """Check again, just before anything moves, what listing ``groups`` found.

    ``chosen`` are the paths the user picked (else all but the first of each group). A
    photo moves only if its file still has the size and mtime it was compared with, is
    not a link nor another name (hard link) of a file, is not the file a link in the
    library points to (``linked``: real paths, looked up just before), and a copy that
    stays still exists unchanged; one copy of each group always stays."""
    picked = None if chosen is None else set(chosen)
    plan = TrashPlan()
    for group in groups:
        victims = [p for p in group.photos if p.path in picked] if picked else group.photos[1:]
        keepers = [p for p in group.photos if p not in victims]
        if not keepers:
            keepers, victims = [victims[0]], victims[1:]
            plan.skipped.append((keepers[0].path, "the last copy of its group stays"))
        keeper = _unchanged(keepers[0])
        if keeper is None:
            plan.skipped.extend(
                (p.path, "the copy to keep is gone or changed since the list was made")
                for p in victims
            )
            continue
        links = (p.path for p in group.photos if os.path.islink(p.path))
        targets = linked | {os.path.realpath(path) for path in links}
        for victim in victims:
            if not os.path.lexists(victim.path):
                plan.gone.append(victim)
            elif reason := _why_not_trash(victim, keeper, targets):
                plan.skipped.append((victim.path, reason))
            else:
                plan.move.append(victim)
    return plan


def _unchanged(photo: Photo) -> os.stat_result | None:
    """The file's stat if it is still there as it was compared (size and mtime)."""
    try:
        st = os.stat(photo.path)
    except OSError:
        return None
    return st if (st.st_size, st.st_mtime_ns) == (photo.size, photo.mtime_ns) else None


def _why_not_trash(victim: Photo, keeper: os.stat_result, targets: set[str]) -> str | None:
    if os.path.islink(victim.path):
        return "a link, not a copy: moving it would free no space"
    st = _unchanged(victim)
    if st is None:
        return "changed since the list was made"
    if (st.st_dev, st.st_ino) == (keeper.st_dev, keeper.st_ino):
        return "another name of the photo kept: moving it would free no space"
    if st.st_nlink > 1:
        return "the file has another name (a hard link): moving this one would free no space"
    if os.path.realpath(victim.path) in targets:
        return "a link in your library points to it"
    return None
