"""A person's name typed as plain words means that person: ``Anna at the beach`` is the
photos Anna is in that look like "at the beach" (``person:Anna at the beach``).

Only names the user gave count, compared without accents or case, longest first (so
"Anna Lee" wins over "Anna"); the words of the name leave the phrase the model reads.
"""

from __future__ import annotations

from dataclasses import replace

from photosearch.core.search.query import Query, Term
from photosearch.core.store.fulltext import STOP_WORDS
from photosearch.core.types import place_key


def _words(text: str) -> list[str]:
    return [place_key(w.strip(".,;:!?'\"()")) or "" for w in text.split()]


def with_named_people(query: Query, names: list[str]) -> Query:
    """``query`` with each name found in its plain words turned into a ``person:``
    filter; a phrase left with nothing but little words is dropped (the person's photos
    are then listed)."""
    if not names:
        return query
    found: list[str] = []
    terms: list[Term] = []
    for term in query.terms:
        if term.text is None or term.weight <= 0:
            terms.append(term)
            continue
        words = term.text.split()
        folded = _words(term.text)
        for name in names:
            key = _words(name)
            for start in range(len(folded) - len(key) + 1):
                if folded[start : start + len(key)] == key:
                    del words[start : start + len(key)]
                    del folded[start : start + len(key)]
                    found.append(name)
                    break
        if any(w and w not in STOP_WORDS for w in folded):
            terms.append(replace(term, text=" ".join(words)))
    if not found:
        return query
    words = (*query.filters.words, *(("person", name) for name in found))
    return replace(query, terms=tuple(terms), filters=replace(query.filters, words=words))
