"""Results as text lines or JSON, the same for every command that lists photos."""

from __future__ import annotations

import sys
from datetime import datetime

from photosearch.cli.console import print_json
from photosearch.core import jsontext
from photosearch.core.curate.duplicates import DuplicateGroup
from photosearch.core.search.searcher import SearchResult
from photosearch.core.types import Hit
from photosearch.core.wording import clock


def hit_line(hit: Hit) -> str:
    """Score and path; a filter-only listing has no score, so it shows the date instead;
    a clip found at a moment says when ("at 0:42")."""
    moment = f"  at {clock(hit.at)}" if hit.at is not None else ""
    if hit.score is None:
        return f"{datetime.fromtimestamp(hit.photo.date):%Y-%m-%d}  {hit.path}{moment}"
    return f"{hit.score:.3f}  {hit.path}{moment}"


def print_result(result: SearchResult, as_json: bool) -> None:
    if as_json:
        print_json([jsontext.hit_dict(h) for h in result.hits])
        return
    if result.no_good_match:
        if result.browse:
            print("No photos match these filters.", file=sys.stderr)
            return
        print("No good match.", file=sys.stderr)
        if result.weak:
            print("Closest weak matches:", file=sys.stderr)
            for hit in result.weak:
                print(f"  {hit_line(hit)}", file=sys.stderr)
        return
    for hit in result.hits:
        print(hit_line(hit))


def group_dict(group: DuplicateGroup) -> dict[str, object]:
    return {
        "kind": group.kind,
        "photos": [
            {
                **jsontext.path_fields(p.path),
                "width": p.width,
                "height": p.height,
                "bytes": p.size,
                "date": datetime.fromtimestamp(p.date).isoformat(timespec="seconds"),
            }
            for p in group.photos
        ],
    }
