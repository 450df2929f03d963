"""Filters (``in:``, ``after:``, ``day:``, ``type:``, ``place:``, ``person:``, ``text:``…)
compiled into SQL over the photos table here, inside the store: the search and duplicates
hold a ``Filters`` value, and the ``WHERE`` text made of it goes only back into the
store's own queries."""

from __future__ import annotations

import os

from photosearch.core.store.fulltext import column_match, place_clause
from photosearch.core.store.people import person_clause
from photosearch.core.store.schema import PHOTO_DATE_SQL
from photosearch.core.store.sql_functions import fold, path_bytes
from photosearch.core.types import Filters

NAME_FILTERS = {"place": place_clause, "person": person_clause}
"""Filters that compare whole names instead of looking for words."""


def where_sql(filters: Filters) -> tuple[str, list[object]]:
    """SQL ``WHERE`` text over photos ``p`` (and its parameters) for the narrowing filters."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.folders:
        # A folder name matches any directory whose path contains it, whatever the case
        # or Unicode form; only the directories are scanned, photos come from an index.
        # A full path (the sidebar's) means that directory and the ones below it.
        parts = []
        for folder in filters.folders:
            if os.path.isabs(folder):
                below = folder if folder.endswith(os.sep) else folder + os.sep
                parts.append("(d.path = ? OR substr(d.path, 1, ?) = ?)")
                params.extend(
                    (
                        path_bytes(folder.rstrip(os.sep) or os.sep),
                        len(path_bytes(below)),
                        path_bytes(below),
                    )
                )
            else:
                parts.append("instr(folded(d.path), ?) > 0")
                params.append(fold(folder))
        clauses.append(f"p.dir_id IN (SELECT d.id FROM dirs d WHERE {' OR '.join(parts)})")
    date = PHOTO_DATE_SQL
    if filters.after is not None:
        clauses.append(f"{date} >= ?")
        params.append(filters.after)
    if filters.before is not None:
        clauses.append(f"{date} < ?")
        params.append(filters.before)
    if filters.day is not None:  # this day of the year, in the photo's own local time
        clauses.append(f"strftime('%m-%d', {date}, 'unixepoch', 'localtime') = ?")
        params.append(filters.day)
    if filters.types:
        clauses.append(f"p.ext IN ({','.join('?' * len(filters.types))})")
        params.extend(filters.types)
    for key, value in filters.words:
        if key in NAME_FILTERS:
            clause, values = NAME_FILTERS[key](value)
            clauses.append(clause)
            params.extend(values)
    match = column_match([(k, v) for k, v in filters.words if k not in NAME_FILTERS])
    if match is not None:
        clauses.append("p.id IN (SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?)")
        params.append(match)
    return " AND ".join(clauses) or "1", params
