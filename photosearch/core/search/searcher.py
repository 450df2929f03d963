"""Answering queries: build one query vector, find candidates, apply filters and cut-off."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from photosearch.core.errors import FileGoneError, ImageError, QueryError
from photosearch.core.jsontext import readable
from photosearch.core.media.videos import frame_at
from photosearch.core.search.live_photos import pair_live_photos
from photosearch.core.search.people_words import with_named_people
from photosearch.core.search.query import Query
from photosearch.core.store.catalog import Catalog
from photosearch.core.store.clips import clip_moments, clip_times, moment_times
from photosearch.core.store.filters import where_sql
from photosearch.core.store.fulltext import (
    all_words,
    ranked_matches,
)
from photosearch.core.store.moment_keys import best_per_photo, moment_keys, split_keys
from photosearch.core.store.people import named, people_in
from photosearch.core.store.schema import LIVE_CLIP_SQL
from photosearch.core.store.sql_functions import name_key
from photosearch.core.store.vectors import VectorStore
from photosearch.core.types import Crop, Cutoff, Filters, Hit, is_video_name

if TYPE_CHECKING:
    from photosearch.core.model.encoder import Encoder

log = logging.getLogger(__name__)

EXACT_FILTERED_LIMIT = 20_000
"""A filtered set this small is searched exactly (its vectors read from the catalog)."""
WEAK_SHOWN = 8
WORD_MATCHES = 200
"""Photos with every typed word in their text, name or metadata taken into the ranking."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits above the cut-off, best first; ``weak`` holds the best few below it."""

    hits: list[Hit]
    weak: list[Hit]
    cutoff: float | None
    offset: int = 0
    browse: bool = False
    """Filters alone: photos listed (newest first unless sorted), without scores."""
    sort: str | None = None
    """The order of ``hits``: None (best first), ``date``, ``oldest`` or ``name``."""
    months: dict[str, int] | None = None
    """Listed by date: how many photos each month (``YYYY-MM``) holds in all, not only
    in this page, so that month headers can say so from the first page."""

    @property
    def no_good_match(self) -> bool:
        return not self.hits


class TextEncoder(Protocol):
    """Anything that turns a phrase into a unit vector in the model's space."""

    def encode_text(self, text: str) -> np.ndarray: ...


class Searcher:
    """Runs queries against one model's vectors."""

    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorStore,
        encoder: Callable[[], Encoder],
        default_cutoff: Cutoff | None,
        text_encoder: Callable[[], TextEncoder] | None = None,
        words: bool = True,
    ) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self._encoder = encoder
        self._text_encoder = text_encoder or encoder
        self.default_cutoff = default_cutoff
        self.words = words
        """Whether plain words also look in photos' own words (off: the model alone)."""

    def image_vector(
        self, path: str, crop: Crop | None = None, at: float | None = None
    ) -> np.ndarray:
        """A photo's stored vector when it is indexed, else encode it now (a region of
        it, ``crop``, is always encoded); of a clip, the moment nearest ``at`` seconds."""
        known = self.catalog.photo_by_path(path) if crop is None else None
        if known is not None and known.is_video and at is not None:
            moment = self._moment_vector(known.id, at)
            if moment is not None:
                return moment
        if known is not None:
            ids, vectors = self.catalog.vectors_for(
                self.vectors.model_id, self.vectors.dim, [known.id]
            )
            if len(ids):
                return vectors[0]
        from photosearch.core.model.model_input import decode_for_model  # torch: when needed

        encoder = self._encoder()
        try:
            if is_video_name(path) and crop is None:  # a clip not in the library
                frame = frame_at(path, at or 0.0, min_side=encoder.input_size)
                return encoder.encode_images(encoder.preprocess(frame)[None])[0]
            decoded = decode_for_model(path, encoder.input_size, encoder.preprocess, crop)
        except FileGoneError:
            raise QueryError(f"{readable(path)} does not exist.") from None
        except ImageError as exc:
            raise QueryError(f"Cannot search with {readable(path)}: {exc}.") from None
        return encoder.encode_images(decoded.pixels[None])[0]

    def _moment_vector(self, clip: int, at: float) -> np.ndarray | None:
        """The stored vector of a clip's moment nearest ``at`` seconds."""
        model, dim = self.vectors.model_id, self.vectors.dim
        times = clip_times(self.catalog, model, clip)
        if not times:
            return None
        nearest = int(np.argmin(np.abs(np.asarray(times) - at)))
        key = clip if nearest == 0 else moment_keys(np.array([clip]), np.array([nearest]))[0]
        ids, vectors = self.catalog.vectors_for(model, dim, [int(key)])
        return vectors[0] if len(ids) else None

    def query_vector(self, query: Query) -> np.ndarray | None:
        if not query.terms:
            return None
        total = np.zeros(self.vectors.dim, dtype=np.float32)
        for term in query.terms:
            if term.image is not None:
                vec = self.image_vector(term.image, term.crop, term.at)
            else:
                vec = self._text_encoder().encode_text(term.text or "")
            total += term.weight * vec
        norm = float(np.linalg.norm(total))
        if norm < 1e-6:
            raise QueryError("The terms cancel each other out; nothing is left to search for.")
        return total / norm

    def search(
        self, query: Query, limit: int = 50, offset: int = 0, everything: bool = False
    ) -> SearchResult:
        """The best matches (sorted as the query asks); with no terms, the photos its
        filters allow — or, when ``everything`` is asked for, the whole library. Who is
        in each photo comes with it."""
        found = self._search(
            with_named_people(query, named(self.catalog)), limit, offset, everything
        )
        if not found.hits and not found.weak:
            return found
        every = [*found.hits, *found.weak]
        who = people_in(self.catalog, [h.photo.id for h in every])
        if not who:
            return found
        return replace(
            found,
            hits=[replace(h, people=tuple(who.get(h.photo.id, ()))) for h in found.hits],
            weak=[replace(h, people=tuple(who.get(h.photo.id, ()))) for h in found.weak],
        )

    def _search(self, query: Query, limit: int, offset: int, everything: bool) -> SearchResult:
        vector = self.query_vector(query)
        if vector is None:
            return self._browse(query.filters, limit, offset, everything)
        want = offset + limit + WEAK_SHOWN
        ids, moments, scores = self._best_photos(vector, query.filters, want)
        cutoff = query.filters.min_score
        if cutoff is None and not query.has_negative and self.default_cutoff is not None:
            # adaptive for words, what it was measured on; an image's best match is
            # itself or its copies, whatever the query's kind (marks are not asked for)
            words_only = all(t.image is None or t.mark for t in query.terms)
            best = _cosine(scores[0]) if len(scores) and words_only else None
            cutoff = self.default_cutoff.for_best(best)
        photos = self.catalog.photos(ids.tolist())
        times = moment_times(
            self.catalog,
            self.vectors.model_id,
            [
                (i, m)
                for i, m in zip(ids.tolist(), moments.tolist(), strict=True)
                if i in photos and photos[i].is_video
            ],
        )
        ranked = [
            Hit(photos[i], _cosine(s), at=times.get(i))
            for i, s in zip(ids.tolist(), scores, strict=True)
            if i in photos
        ]
        # Photos marked 👎 (or asked to be less like) leave the ranking and follow the
        # good matches, however low they score: in sight, to take the mark back.
        unwanted = {t.image for t in query.terms if t.image is not None and t.weight < 0}
        ranked = [h for h in ranked if h.path not in unwanted]
        good = [h for h in ranked if cutoff is None or (h.score or 0.0) >= cutoff]
        worded = self._word_matches(query, vector, want)
        if query.filters.min_score is not None:  # a score asked for holds for every hit
            worded = [h for h in worded if (h.score or 0.0) >= query.filters.min_score]
        if worded:
            good = fused(good, worded)
        if not query.filters.types:  # a kind of file asked for: each file as it is
            asked = frozenset(t.image for t in query.terms if t.image is not None)
            good = pair_live_photos(self.catalog, good, asked)
            ranked = pair_live_photos(self.catalog, ranked, asked)
        weak = [] if good else ranked[: min(WEAK_SHOWN, limit)]
        # Sorted by date or name, only the good matches count: weak ones are not shown.
        good = ordered(good, query.filters.sort)
        marked = self._kept_in_sight(unwanted, vector)
        if good:
            good += marked
        else:
            weak += marked
        return SearchResult(
            good[offset : offset + limit], weak, cutoff, offset, sort=query.filters.sort
        )

    def _kept_in_sight(self, paths: set[str], vector: np.ndarray) -> list[Hit]:
        """The photos marked 👎, scored by the query, for the end of the results."""
        found = (self.catalog.photo_by_path(p) for p in sorted(paths))
        return [
            self._at_best_moment(
                Hit(photo, _cosine(float(self.image_vector(photo.path) @ vector))), vector
            )
            for photo in found
            if photo is not None
        ]

    def _at_best_moment(self, hit: Hit, vector: np.ndarray) -> Hit:
        """A clip found otherwise than by its moments (its words), at its best moment."""
        if not hit.photo.is_video:
            return hit
        model, dim = self.vectors.model_id, self.vectors.dim
        keys, vectors = clip_moments(self.catalog, model, dim, [hit.photo.id])
        first, poster = self.catalog.vectors_for(model, dim, [hit.photo.id])
        keys, vectors = np.concatenate([first, keys]), np.concatenate([poster, vectors])
        if not len(keys):
            return hit
        best = int(np.argmax(vectors @ vector))
        _, idx = split_keys(keys[best : best + 1])
        times = moment_times(self.catalog, model, [(hit.photo.id, int(idx[0]))])
        return replace(
            hit, at=times.get(hit.photo.id), score=_cosine(float(vectors[best] @ vector))
        )

    def _word_matches(self, query: Query, vector: np.ndarray, limit: int) -> list[Hit]:
        """Photos whose name, metadata or words read in them hold every word typed, best
        first (BM25), scored by the model like any hit. Only for plain positive words:
        "less like" and image terms mean something no word list can."""
        if not self.words or any(t.text is None or t.weight <= 0 for t in query.terms):
            return []
        match = all_words(" ".join(t.text or "" for t in query.terms))
        if match is None:
            return []
        where, params = where_sql(query.filters)
        found = ranked_matches(self.catalog, match, where, params, min(limit, WORD_MATCHES))
        if not found:
            return []
        ids = [i for i, _ in found]
        photos = self.catalog.photos(ids)
        known, vectors = self.catalog.vectors_for(self.vectors.model_id, self.vectors.dim, ids)
        scores = dict(zip(known.tolist(), (vectors @ vector).tolist(), strict=True))
        # equally good word matches (the same words, as in names like "red-circle-2")
        # are ordered by the model: the likeliest looking first
        found.sort(key=lambda row: (round(row[1], 6), -scores.get(row[0], -1.0)))
        return [
            self._at_best_moment(
                Hit(photos[i], _cosine(scores[i]) if i in scores else None, words=True), vector
            )
            for i, _ in found
            if i in photos
        ]

    def _best_photos(
        self, vector: np.ndarray, filters: Filters, want: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``want`` best photos and clips: (ids, moment numbers, scores), each clip
        once at its best moment (more keys are fetched while clips' moments crowd the
        photos out)."""
        fetch = want
        while True:
            keys, scores = self._candidates(vector, filters, fetch)
            ids, moments, best = best_per_photo(keys, scores)
            if len(ids) >= want or len(keys) < fetch or fetch >= want * 64:
                return ids[:want], moments[:want], best[:want]
            fetch *= 4

    def _candidates(
        self, vector: np.ndarray, filters: Filters, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if not filters.narrows:
            return self.vectors.search(vector, k)
        where, params = where_sql(filters)
        # Broad filters (a type, a year) keep most of the nearest photos: checking the
        # ANN candidates costs one tiny query instead of listing every allowed photo.
        ids, scores = self.vectors.search(vector, k * 4)
        photo_ids, _ = split_keys(ids)
        allowed = self.catalog.filtered_ids(where, params, among=np.unique(photo_ids).tolist())
        keep = np.isin(photo_ids, allowed)
        if keep.sum() >= k or len(ids) < k * 4:
            return ids[keep][:k], scores[keep][:k]
        allowed = self.catalog.filtered_ids(where, params)
        if len(allowed) <= EXACT_FILTERED_LIMIT:
            return self.vectors.exact(vector, k, allowed)
        fetch = k * 16  # k * 4 candidates were already too few
        while True:
            ids, scores = self.vectors.search(vector, fetch)
            keep = np.isin(split_keys(ids)[0], allowed)
            if keep.sum() >= k or len(ids) < fetch:
                return ids[keep][:k], scores[keep][:k]
            fetch *= 4

    def _browse(self, filters: Filters, limit: int, offset: int, everything: bool) -> SearchResult:
        """Filters alone: the matching photos (not files that are no image), newest first
        unless another order is asked for."""
        if not filters.narrows and not everything:
            raise QueryError("Type something to search for, or a filter such as in:Holidays.")
        where, params = where_sql(filters)
        # a Live Photo is listed as its still (a kind of file asked for: each file as it is)
        live = "" if filters.types else f" AND NOT {LIVE_CLIP_SQL}"
        where = f"p.status != 'error'{live} AND {where}"
        order = filters.sort or "date"
        ids = self.catalog.filtered_ids(
            where, params, order=order, limit=limit, offset=offset
        ).tolist()
        photos = self.catalog.photos(ids)
        hits = [Hit(photos[i], None) for i in ids if i in photos]
        months = None
        if order in ("date", "oldest") and offset == 0:
            months = self.catalog.month_counts(where, params)
        if not filters.types:
            hits = pair_live_photos(self.catalog, hits)  # each still carries its clip
        return SearchResult(hits, [], None, offset, browse=True, sort=order, months=months)


def _cosine(score: float) -> float:
    """A cosine of unit vectors, clamped: float rounding (and bf16/int8 vectors) can
    stray past ±1."""
    return min(1.0, max(-1.0, float(score)))


def fused(by_meaning: list[Hit], by_words: list[Hit]) -> list[Hit]:
    """One ranking: the photos holding every typed word first (best word match first,
    equal ones by the model's score), then the model's good matches. Measured on a
    generated library (``benchmarks/bench_words.py``) against reciprocal-rank fusion:
    the same precision for shape queries, a better rank for the photo whose words were
    typed (MRR 0.93 against 0.88)."""
    worded = {h.photo.id for h in by_words}
    return by_words + [h for h in by_meaning if h.photo.id not in worded]


def ordered(hits: list[Hit], sort: str | None) -> list[Hit]:
    """``hits`` in the order ``sort`` names (None keeps them best first)."""
    if sort == "date":
        return sorted(hits, key=lambda h: -h.photo.date)
    if sort == "oldest":
        return sorted(hits, key=lambda h: h.photo.date)
    if sort == "name":
        return sorted(hits, key=lambda h: name_key(h.path))
    return hits
