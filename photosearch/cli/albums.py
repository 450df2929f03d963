"""``albums``: saved searches with their marks — list, show or export one."""

from __future__ import annotations

import argparse
import sys

from photosearch.cli.console import print_json
from photosearch.cli.render import print_result
from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError, QueryError
from photosearch.core.types import Hit, SavedSearch
from photosearch.core.wording import count


def album_hits(engine: Engine, album: SavedSearch) -> list[Hit] | str:
    """An album's photos now, or why it cannot be run (a query photo gone, no model)."""
    try:
        return engine.albums.photos(album).hits
    except PhotoSearchError as exc:
        return str(exc)


def albums(engine: Engine, args: argparse.Namespace) -> int:
    """Albums (saved searches, with their 👍/👎 marks): list, show or export one."""
    if args.action == "list":
        albums = [(a, album_hits(engine, a)) for a in engine.albums.listed()]
        if args.json:
            print_json(
                [
                    {
                        "name": a.name,
                        "query": a.text,
                        "images": len(a.images),
                        "photos": len(hits) if isinstance(hits, list) else None,
                        "new": sum(h.photo.id > a.seen_photo_id for h in hits)
                        if isinstance(hits, list)
                        else None,
                        **({"error": hits} if isinstance(hits, str) else {}),
                    }
                    for a, hits in albums
                ]
            )
        for album, hits in albums if not args.json else ():
            marks = f" + {count(len(album.images, 'photo'))}" if album.images else ""
            if isinstance(hits, str):
                print(f"{album.name}: cannot be shown now ({hits}) · {album.text}{marks}")
                continue
            new = sum(h.photo.id > album.seen_photo_id for h in hits)
            print(
                f"{album.name}: {count(len(hits, 'photo'))}{f' ({new} new)' if new else ''}"
                f" · {album.text or '(no words)'}{marks}"
            )
        if not albums and not args.json:
            print("No albums yet: save a search in the app (Save as album).", file=sys.stderr)
        return 0
    if not args.name:
        raise QueryError(f"albums {args.action} needs the album's name.")
    album = engine.albums.named(args.name)
    if args.action == "show":
        print_result(engine.albums.photos(album, args.n), args.json)
        return 0
    if args.folder is None:
        raise QueryError("albums export needs a folder to put the photos in.")
    done = engine.albums.export(album, args.folder, copy=args.copy)
    how = "copies" if args.copy else "links"
    print(f"{count(done, 'photo')} of {album.name} exported to {args.folder} as {how}.")
    return 0
