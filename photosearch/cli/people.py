"""``people``: who was found in the photos, and the user's say over it (names, merges,
hiding, forgetting every face)."""

from __future__ import annotations

import argparse
import sys

from photosearch.cli.console import print_json
from photosearch.core import jsontext
from photosearch.core.app.engine import Engine
from photosearch.core.errors import QueryError
from photosearch.core.types import Person
from photosearch.core.wording import count


def _number(text: str | None) -> int:
    try:
        return int((text or "").lstrip("#"))
    except ValueError:
        raise QueryError(f"{text!r} is not a person's number (see `photosearch people`).") from None


def _line(person: Person) -> str:
    name = person.name or "(no name yet)"
    hidden = "  (hidden)" if person.hidden else ""
    return f"{'#' + str(person.id):>6}  {count(person.photos, 'photo'):>12}  {name}{hidden}"


def people(engine: Engine, args: argparse.Namespace) -> int:
    """List people (biggest first), or name, merge, unmerge, hide, show, or forget them."""
    book = engine.people
    if args.action == "list":
        listed = book.listed(hidden=args.hidden)
        if args.json:
            print_json(jsontext.people_dict(listed, lambda p: engine.photos_of(p, args.n)))
            return 0
        for person in listed:
            print(_line(person))
        if not listed:
            looked, total, _ = book.counts()
            print(f"Nobody found yet ({looked} of {total} photos looked at).", file=sys.stderr)
        return 0
    if args.action == "forget":
        if not args.yes:
            if not sys.stdin.isatty():
                print("photosearch: forget asks first; add --yes to confirm.", file=sys.stderr)
                return 1
            question = "Delete every face found, every person and every name?"
            if input(f"{question} [y/N] ").strip().lower() not in ("y", "yes"):
                print("Nothing deleted.", file=sys.stderr)
                return 0
        book.forget()
        engine.set_find_faces(False)
        print("Every face datum deleted; faces are no longer looked for.", file=sys.stderr)
        return 0
    person = _number(args.values[0] if args.values else None)
    if args.action == "name":
        name = " ".join(args.values[1:]).strip()
        if not name:
            raise QueryError("Say the name: photosearch people name ID NAME")
        print(_line(book.name(person, name)))
    elif args.action == "merge":
        other = _number(args.values[1] if len(args.values) > 1 else None)
        print(_line(book.merge(person, other)))
        print(f"(undo: photosearch people unmerge {other})", file=sys.stderr)
    elif args.action == "unmerge":
        if not book.unmerge(person):
            raise QueryError(f"#{person} was not merged into anyone.")
        print(_line(book.get(person)))
    else:
        book.hide(person, args.action == "hide")
        print(_line(book.get(person)))
    return 0
