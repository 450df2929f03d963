"""``status``, ``folders``, ``models``, ``doctor`` and ``duplicates``: the library and
its health."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from photosearch.cli.console import ProgressBar, interruptible, print_json
from photosearch.cli.render import group_dict
from photosearch.core import jsontext
from photosearch.core.app.engine import Engine
from photosearch.core.model import models
from photosearch.core.wording import count


def duplicates(engine: Engine, args: argparse.Namespace) -> int:
    """Groups of copies, the one to keep first; ``--trash`` moves the others to the trash."""
    bar = ProgressBar(not args.json)
    with interruptible() as control:
        groups = engine.library.duplicates(" ".join(args.filters), args.threshold, bar, control)
    bar.close()
    if args.json:
        print_json({"groups": [group_dict(g) for g in groups]})
    else:
        for group in groups:
            print(f"{group.kind} · {len(group.photos)} photos")
            for n, p in enumerate(group.photos):
                size = f"{p.width}×{p.height}" if p.width else "?"
                print(f"  {'keep ' if n == 0 else '     '} {size:>11}  {p.size:>10,} B  {p.path}")
        extra = sum(len(g.photos) - 1 for g in groups)
        print(f"{len(groups)} groups; {extra} photos besides the ones to keep.", file=sys.stderr)
    if not args.trash or not groups:
        return 0
    victims = sum(len(g.photos) - 1 for g in groups)
    if not args.yes:
        if not sys.stdin.isatty():
            print("photosearch: --trash asks first; add --yes to confirm.", file=sys.stderr)
            return 1
        question = f"Move {victims} photos to the trash (the first of each group stays)?"
        if input(f"{question} [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing moved.", file=sys.stderr)
            return 0
    plan = engine.library.trash_copies(groups)
    for path, reason in plan.skipped:
        print(f"  kept {jsontext.readable(path)}: {reason}", file=sys.stderr)
    print(f"Moved {len(plan.move)} photos to the trash.", file=sys.stderr)
    return 0


def status(engine: Engine, args: argparse.Namespace) -> int:
    state = engine.status()
    skipped = engine.library.skipped_files() if args.errors else []
    if args.json:
        shown = state.as_dict()
        if args.errors:
            shown["skipped_files"] = [{**jsontext.path_fields(p), "reason": r} for p, r in skipped]
        print_json(shown)
        return 0
    print(f"Model:    {state.model}" + ("" if state.model_installed else "  (not installed)"))
    print(f"Catalog:  {state.catalog}")
    print(f"Device:   {state.device}")
    print(f"Folders:  {state.folders}")
    print(
        f"Photos:   {state.photos} ({state.indexed} indexed, {state.pending} pending, "
        f"{state.errors} skipped)"
    )
    faces = state.faces
    print(
        f"People:   {faces['people']} ({faces['found']} faces in {faces['looked']} of "
        f"{faces['of']} photos looked at)"
        if faces["on"]
        else "People:   off (faces are not looked for)"
    )
    for path in state.offline_folders:
        print(f"Offline:  {path}")
    for path, reason in state.unreadable_folders:
        print(f"Unreadable: {path} ({reason})")
    for path, reason in skipped:
        print(f"  skipped {jsontext.readable(path)}: {reason}")
    return 0


def places(engine: Engine, args: argparse.Namespace) -> int:
    """The towns the photos were taken in (from their GPS coordinates), most photos first."""
    found = engine.library.places()
    if args.json:
        print_json(jsontext.places_dict(found))
        return 0
    for place, n in found:
        print(f"{count(n, 'photo'):>14}  {place.words()}")
    if not found:
        print("No photos with a place yet (none carries GPS coordinates).", file=sys.stderr)
    return 0


def folders(engine: Engine, args: argparse.Namespace) -> int:
    if args.action == "add":
        for path in args.paths:
            added = engine.library.add_folder(path).path
            print(f"Added {added} (run `photosearch index` to index it)")
    elif args.action == "remove":
        for path in args.paths:
            forgotten = engine.library.remove_folder(path)
            print(f"Removed {path} ({forgotten} photos forgotten; files untouched)")
    else:
        for f in engine.library.folders():
            state = "" if f.online else "  [offline]"
            state += "" if f.enabled else "  [disabled]"
            state += f"  [cannot read {count(len(f.unreadable), 'folder')}]" if f.unreadable else ""
            print(f"{f.path}  —  {f.photo_count} photos, {f.error_count} skipped{state}")
    return 0


def manage_models(engine: Engine, args: argparse.Namespace) -> int:
    home = engine.paths.models_dir
    if args.action == "list":
        installed = set(models.installed_keys(home))
        for spec in (*models.REGISTRY, models.DEMO_SPEC):
            mark = "*" if spec.key == engine.model_key else " "
            have = (
                "installed"
                if spec.key in installed or spec is models.DEMO_SPEC
                else f"{spec.download_mb} MB"
            )
            top1 = f", ImageNet {spec.imagenet_top1:.1f}%" if spec.imagenet_top1 else ""
            top1 += ", multilingual" if spec.multilingual else ""
            why = None if spec.key in installed else models.cannot_run(spec)
            note = f"{spec.note} Cannot run yet: {why}." if why else spec.note
            print(f"{mark} {spec.key:46s} [{have}{top1}]\n      {note}")
        for key in sorted(installed - {s.key for s in models.REGISTRY}):
            print(f"{'*' if key == engine.model_key else ' '} {key:46s} [installed, imported]")
        return 0
    if args.action == "download":
        bar = ProgressBar()
        with interruptible() as control:
            path = models.download(args.name, home, bar, control)
        bar.close()
        print(f"Downloaded to {path}", file=sys.stderr)
        engine.use_model(args.name)
    elif args.action == "import":
        checked = engine.import_model(Path(args.path), args.arch)
        print(f"Imported as {engine.model_key}", file=sys.stderr)
        if checked.warning:
            print(f"photosearch: warning: {checked.warning}", file=sys.stderr)
    else:
        engine.use_model(args.name)
    print(
        f"Active model: {engine.model_key}. Run `photosearch index` to index with it.",
        file=sys.stderr,
    )
    return 0


def doctor(engine: Engine, args: argparse.Namespace) -> int:
    checks = engine.doctor()
    if args.json:
        print_json([{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks])
    else:
        for c in checks:
            print(f"[{'ok' if c.ok else '!!'}] {c.name}: {c.detail}")
    return 0 if all(c.ok for c in checks) else 1
