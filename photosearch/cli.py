"""The ``photosearch`` command: the GUI with no arguments, scriptable subcommands otherwise."""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from photosearch import __version__
from photosearch.config import DEVICES, HOME_ENV, PRECISIONS, AppPaths
from photosearch.core import jsontext, models
from photosearch.core.duplicates import DuplicateGroup
from photosearch.core.engine import Engine
from photosearch.core.errors import PhotoSearchError, QueryError
from photosearch.core.images import upright_size
from photosearch.core.search import SearchResult
from photosearch.core.types import Crop, Hit, JobControl, Progress, SavedSearch
from photosearch.core.wording import count
from photosearch.logs import setup_logging

READ_ONLY_COMMANDS = frozenset({"search", "similar", "status", "doctor", "serve"})
READ_ONLY_ACTIONS = {"models": {"list"}, "albums": {"list", "show"}, "folders": {"list"}}
"""Actions of other commands that only read: they run beside the app (its lock held)."""
"""Commands that work alongside a running app (they never write the index)."""

UNITS = {
    "download": ("B", True),
    "scan": (" files", False),
    "index": (" photos", False),
    "metadata": (" photos", False),
    "read text": (" photos", False),
    "neighbours": (" photos", False),
    "duplicates": (" pairs", False),
}


class ProgressBar:
    """A progress callback drawing one tqdm bar per phase on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bar: tqdm | None = None
        self._phase = ""

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        if p.phase != self._phase:
            self.close()
            unit, scale = UNITS.get(p.phase, ("", False))
            self._bar = tqdm(
                total=p.total,
                desc=p.phase,
                unit=unit,
                unit_scale=scale,
                file=sys.stderr,
                dynamic_ncols=True,
            )
            self._phase = p.phase
        assert self._bar is not None
        self._bar.total = p.total
        self._bar.n = p.done
        if p.errors:
            self._bar.set_postfix(skipped=p.errors, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._phase = ""


@contextmanager
def interruptible() -> Iterator[JobControl]:
    """Ctrl+C asks the job to stop after its current batch; a second Ctrl+C aborts."""
    control = JobControl()
    previous = signal.getsignal(signal.SIGINT)

    def handler(_signum: int, _frame: object) -> None:
        if control.stop.is_set():
            raise KeyboardInterrupt
        print("\nStopping after the current batch… (Ctrl+C again to abort)", file=sys.stderr)
        control.stop.set()

    previous_term = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, lambda *_: control.stop.set())
    try:
        yield control
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)


def _print_json(value: object) -> None:
    """UTF-8 JSON on stdout whatever the locale's encoding (see ``core/jsontext.py``)."""
    sys.stdout.flush()
    sys.stdout.buffer.write((jsontext.dumps(value) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()


def _hit_line(hit: Hit) -> str:
    """Score and path; a filter-only listing has no score, so it shows the date instead."""
    if hit.score is None:
        return f"{datetime.fromtimestamp(hit.photo.date):%Y-%m-%d}  {hit.path}"
    return f"{hit.score:.3f}  {hit.path}"


def _print_result(result: SearchResult, as_json: bool) -> None:
    if as_json:
        _print_json([jsontext.hit_dict(h) for h in result.hits])
        return
    if result.no_good_match:
        if result.browse:
            print("No photos match these filters.", file=sys.stderr)
            return
        print("No good match.", file=sys.stderr)
        if result.weak:
            print("Closest weak matches:", file=sys.stderr)
            for hit in result.weak:
                print(f"  {_hit_line(hit)}", file=sys.stderr)
        return
    for hit in result.hits:
        print(_hit_line(hit))


def _index(engine: Engine, args: argparse.Namespace) -> int:
    if args.retry_errors:
        print(f"Retrying {engine.catalog.retry_errors()} skipped photos.", file=sys.stderr)
    for path in args.paths:
        folder = engine.add_folder(path)
        print(f"Folder added: {folder.path}", file=sys.stderr)
    if not engine.folders():
        raise PhotoSearchError("No folders yet: run `photosearch index ~/Pictures`.")
    bar = ProgressBar(not args.quiet)
    with interruptible() as control:
        scan_report, index_report = engine.update(bar, control)
    bar.close()
    parts = [
        f"{scan_report.added} new",
        f"{scan_report.changed} changed",
        f"{scan_report.moved} moved/renamed",
        f"{scan_report.removed} removed",
        f"{scan_report.unchanged} unchanged",
    ]
    print("Scan: " + ", ".join(parts), file=sys.stderr)
    for folder in scan_report.offline:
        print(f"Offline (kept, not rescanned): {folder}", file=sys.stderr)
    for folder, reason in scan_report.unreadable:
        print(f"Cannot read the folder {folder}: {reason}", file=sys.stderr)
    if index_report is not None:
        print(
            f"Encoded {index_report.encoded} photos in {index_report.seconds:.1f}s; "
            f"skipped {len(index_report.errors)}",
            file=sys.stderr,
        )
        for path, reason in index_report.errors[:20]:
            print(f"  skipped {path}: {reason}", file=sys.stderr)
    if index_report is None or index_report.stopped:
        print("Stopped; run the same command again to continue.", file=sys.stderr)
        return 130
    return 0


def _watch(engine: Engine, args: argparse.Namespace) -> int:
    from photosearch.core.service import IndexingService, JobDone

    for path in args.paths:
        engine.add_folder(path)
    if not engine.folders():
        raise PhotoSearchError("No folders yet: run `photosearch watch ~/Pictures`.")
    if args.gentle:
        engine.set_gentle(True, save=False)  # for this run only
    bar = ProgressBar()

    def progress(p: Progress) -> None:
        if p.phase == "idle":
            bar.close()
            print(
                f"Up to date. Watching {count(len(engine.folders()), 'folder')}… (Ctrl+C to stop)",
                file=sys.stderr,
            )
        else:
            bar(p)

    def done(job: JobDone) -> None:
        s = job.scan
        if s.added or s.changed or s.moved or s.removed:
            bar.close()
            print(
                f"{s.added} new, {s.changed} changed, {s.moved} moved, {s.removed} removed",
                file=sys.stderr,
            )

    def problem(exc: PhotoSearchError) -> None:
        bar.close()
        print(f"photosearch: {exc}", file=sys.stderr)

    service = IndexingService(engine, progress, done, on_problem=problem)
    with interruptible() as control:
        service.start()
        control.stop.wait()
    print("Stopping…", file=sys.stderr)
    service.stop()
    bar.close()
    return 0


def _search(engine: Engine, args: argparse.Namespace) -> int:
    _print_result(engine.search(args.query, tuple(args.image), args.n, args.offset), args.json)
    return 0


def _similar(engine: Engine, args: argparse.Namespace) -> int:
    crop = _crop(args.crop, args.image) if args.crop else None
    _print_result(engine.similar(args.image, args.text, args.n, crop), args.json)
    return 0


def _photos(n: int) -> str:
    return f"{n:,} photo{'' if n == 1 else 's'}"


def _album_hits(engine: Engine, album: SavedSearch) -> list[Hit] | str:
    """An album's photos now, or why it cannot be run (a query photo gone, no model)."""
    try:
        return engine.album_photos(album).hits
    except PhotoSearchError as exc:
        return str(exc)


def _albums(engine: Engine, args: argparse.Namespace) -> int:
    """Albums (saved searches, with their 👍/👎 marks): list, show or export one."""
    if args.action == "list":
        albums = [(a, _album_hits(engine, a)) for a in engine.saved_searches()]
        if args.json:
            _print_json(
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
            marks = f" + {_photos(len(album.images))}" if album.images else ""
            if isinstance(hits, str):
                print(f"{album.name}: cannot be shown now ({hits}) · {album.text}{marks}")
                continue
            new = sum(h.photo.id > album.seen_photo_id for h in hits)
            print(
                f"{album.name}: {_photos(len(hits))}{f' ({new} new)' if new else ''}"
                f" · {album.text or '(no words)'}{marks}"
            )
        if not albums and not args.json:
            print("No albums yet: save a search in the app (Save as album).", file=sys.stderr)
        return 0
    if not args.name:
        raise QueryError(f"albums {args.action} needs the album's name.")
    album = engine.album(args.name)
    if args.action == "show":
        _print_result(engine.album_photos(album, args.n), args.json)
        return 0
    if args.folder is None:
        raise QueryError("albums export needs a folder to put the photos in.")
    done = engine.export_album(album, args.folder, copy=args.copy)
    how = "copies" if args.copy else "links"
    print(f"{_photos(done)} of {album.name} exported to {args.folder} as {how}.")
    return 0


def _eval(args: argparse.Namespace, paths: AppPaths) -> int:
    """Recall@K of a model on a captioned image set, in a throwaway catalog."""
    from photosearch.config import Settings
    from photosearch.core.evaluation import evaluate

    model = args.model or Settings.load(paths.settings_path).model
    bar = ProgressBar(not args.json)
    with interruptible() as control:
        report = evaluate(
            args.captions,
            args.images,
            paths.models_dir,
            model,
            args.precision,
            args.index,
            args.device or "auto",
            bar,
            control,
        )
    bar.close()
    if args.json:
        _print_json(report.as_dict())
        return 0
    print(f"{report.model} · {report.precision} · {report.index} index")
    print(f"{report.images} images, {report.captions} captions, {report.images_per_s:.1f} images/s")
    for title, result in (
        ("text → image", report.text_to_image),
        ("image → text", report.image_to_text),
    ):
        print(
            f"{title}: R@1 {result.r1:.1f}  R@5 {result.r5:.1f}  R@10 {result.r10:.1f}"
            f"  median rank {result.median_rank:g}"
        )
    return 0


def _serve(engine: Engine, args: argparse.Namespace) -> int:
    """The local HTTP API, until Ctrl+C."""
    from photosearch.server.token import api_token

    token = api_token(engine.paths.data_dir)
    if args.show_token:
        print(token)
        return 0
    try:
        import uvicorn

        from photosearch.server.app import create_app
    except ImportError:
        print(
            "photosearch: the HTTP API needs the server extra: pip install 'photosearch[server]'",
            file=sys.stderr,
        )
        return 1
    tls = bool(args.certfile and args.keyfile)
    if bool(args.certfile) != bool(args.keyfile):
        raise PhotoSearchError("--certfile and --keyfile go together: give both.")
    if not _loopback(args.host) and not tls:
        raise PhotoSearchError(
            f"Listening on {args.host} would send the token across the network in clear "
            "text. Give a certificate and its key (--certfile, --keyfile) to serve HTTPS, "
            "or leave --host out to answer this computer only."
        )
    scheme = "https" if tls else "http"
    print(f"PhotoSearch API on {scheme}://{args.host}:{args.port} (docs: /docs)", file=sys.stderr)
    uvicorn.run(
        create_app(engine, token),
        host=args.host,
        port=args.port,
        log_level="warning",
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
    )
    return 0


def _loopback(host: str) -> bool:
    """Whether ``host`` names this computer only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _crop(text: str, image: str) -> Crop:
    """``x,y,w,h`` as fractions of the photo (all ≤ 1) or in its pixels, as fractions."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or min(values) < 0 or values[2] == 0 or values[3] == 0:
        raise QueryError(
            f"--crop {text}: give x,y,width,height, e.g. 0.5,0,0.5,0.5 or 40,30,200,150"
        )
    if max(values) > 1:
        width, height = upright_size(image)
        values = [values[0] / width, values[1] / height, values[2] / width, values[3] / height]
    left, top, w, h = values
    if left + w > 1 + 1e-6 or top + h > 1 + 1e-6:
        raise QueryError(f"--crop {text} reaches outside the photo.")
    return left, top, w, h


def _duplicates(engine: Engine, args: argparse.Namespace) -> int:
    """Groups of copies, the one to keep first; ``--trash`` moves the others to the trash."""
    bar = ProgressBar(not args.json)
    with interruptible() as control:
        groups = engine.duplicates(" ".join(args.filters), args.threshold, bar, control)
    bar.close()
    if args.json:
        _print_json({"groups": [_group_dict(g) for g in groups]})
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
    plan = engine.trash_copies(groups)
    for path, reason in plan.skipped:
        print(f"  kept {jsontext.readable(path)}: {reason}", file=sys.stderr)
    print(f"Moved {len(plan.move)} photos to the trash.", file=sys.stderr)
    return 0


def _group_dict(group: DuplicateGroup) -> dict[str, object]:
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


def _status(engine: Engine, args: argparse.Namespace) -> int:
    status = engine.status()
    if args.errors:
        status["skipped_files"] = [
            {**jsontext.path_fields(p), "reason": r} for p, r in engine.catalog.errors()
        ]
    if args.json:
        _print_json(status)
        return 0
    print(
        f"Model:    {status['model']}" + ("" if status["model_installed"] else "  (not installed)")
    )
    print(f"Catalog:  {status['catalog']}")
    print(f"Device:   {status['device']}")
    print(f"Folders:  {status['folders']}")
    print(
        f"Photos:   {status['photos']} ({status['indexed']} indexed, {status['pending']} pending, "
        f"{status['errors']} skipped)"
    )
    for path in status["offline_folders"]:  # type: ignore[attr-defined]
        print(f"Offline:  {path}")
    for item in status["unreadable_folders"]:  # type: ignore[attr-defined]
        print(f"Unreadable: {item['path']} ({item['reason']})")
    for item in status.get("skipped_files", []):  # type: ignore[attr-defined]
        print(f"  skipped {item['path']}: {item['reason']}")
    return 0


def _folders(engine: Engine, args: argparse.Namespace) -> int:
    if args.action == "add":
        for path in args.paths:
            print(f"Added {engine.add_folder(path).path} (run `photosearch index` to index it)")
    elif args.action == "remove":
        for path in args.paths:
            print(
                f"Removed {path} ({engine.remove_folder(path)} photos forgotten; files untouched)"
            )
    else:
        for f in engine.folders():
            state = "" if f.online else "  [offline]"
            state += "" if f.enabled else "  [disabled]"
            state += f"  [cannot read {count(len(f.unreadable), 'folder')}]" if f.unreadable else ""
            print(f"{f.path}  —  {f.photo_count} photos, {f.error_count} skipped{state}")
    return 0


def _models(engine: Engine, args: argparse.Namespace) -> int:
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
            print(f"{mark} {spec.key:46s} [{have}{top1}]\n      {spec.note}")
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


def _doctor(engine: Engine, args: argparse.Namespace) -> int:
    checks = engine.doctor()
    if args.json:
        _print_json([{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks])
    else:
        for c in checks:
            print(f"[{'ok' if c.ok else '!!'}] {c.name}: {c.detail}")
    return 0 if all(c.ok for c in checks) else 1


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small; ask for at least 1 result")
    return value


PARTS = (
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("open_clip_torch", "open_clip"),
    ("PySide6", "PySide6"),
    ("usearch", "usearch"),
    ("numpy", "numpy"),
    ("pillow", "PIL"),
    ("pillow-heif", "pillow_heif"),
    ("watchdog", "watchdog"),
    ("huggingface_hub", "huggingface_hub"),
    ("platformdirs", "platformdirs"),
)
"""(distribution, module) of what PhotoSearch is built from, for ``--version -v``."""


def versions() -> list[tuple[str, str]]:
    """Python and each part's version: from its metadata, else (in a bundle that dropped
    the metadata) from the module itself."""
    import importlib
    import importlib.metadata
    import platform

    found = [("python", f"{platform.python_version()} ({platform.platform()})")]
    found.append(("frozen", "yes" if getattr(sys, "frozen", False) else "no"))
    for dist, module in PARTS:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            try:
                version = str(getattr(importlib.import_module(module), "__version__", "?"))
            except ImportError:
                version = "missing"
        found.append((dist, version))
    return found


def _has_display() -> bool:
    """Whether a window can open (Linux and the BSDs need X11 or Wayland; Qt aborts else)."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="photosearch", description="Search your photos by meaning, offline."
    )
    ap.add_argument(
        "--version", action="store_true", help="print the version (with -v: of every part)"
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    ap.add_argument("--self-test", action="store_true", help="check this installation and exit")
    ap.add_argument(
        "--home", type=Path, help=f"keep all data under this folder (or set ${HOME_ENV})"
    )
    ap.add_argument(
        "--similar",
        nargs="*",
        metavar="FILE",
        help="open the app searching for photos like these (in the window already open, if any)",
    )
    for flag, what in (
        ("--install-desktop-entry", "add PhotoSearch to the desktop's menu and Open with"),
        ("--uninstall-desktop-entry", "remove what --install-desktop-entry added"),
    ):
        ap.add_argument(flag, action="store_true", help=what)
    ap.add_argument(
        "--device",
        choices=DEVICES,
        help="run the model on this device for this command (default: the settings', auto)",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, fn: Callable[[Engine, argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=fn)
        return p

    p = command("index", _index, "add folders (if given) and index everything new or changed")
    p.add_argument("paths", nargs="*", help="folders to add")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--retry-errors", action="store_true", help="try skipped photos again")
    p = command("watch", _watch, "index, then keep watching folders for new photos (Ctrl+C stops)")
    p.add_argument("paths", nargs="*", help="folders to add")
    p.add_argument("--gentle", action="store_true", help="use less CPU while you work")
    for name, fn, what in (
        ("search", _search, "search by text"),
        ("similar", _similar, "find photos like an image"),
    ):
        p = command(name, fn, what)
        if name == "search":
            p.add_argument("query", help='e.g. "beach + sunset - people in:Holidays after:2021"')
            p.add_argument("--image", action="append", default=[], help="add an image to the query")
            p.add_argument("--offset", type=int, default=0, help="skip this many results (paging)")
        else:
            p.add_argument("image", help="a photo file (indexed or not)")
            p.add_argument(
                "--crop",
                metavar="X,Y,W,H",
                help="search by this region only: fractions of the photo or its pixels",
            )
            p.add_argument(
                "text", nargs="?", default="", help='words to steer by, e.g. "+ at night"'
            )
        p.add_argument("-n", type=_positive, default=20, help="how many results (default 20)")
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("duplicates", _duplicates, "find exact copies and near-duplicates")
    p.add_argument("filters", nargs="*", help="only among these, e.g. in:Holidays after:2020")
    p.add_argument(
        "--threshold",
        type=float,
        help="cosine from which two photos are compared pixel by pixel (default 0.9)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--trash", action="store_true", help="move all but the first of each group to the trash"
    )
    p.add_argument("--yes", action="store_true", help="with --trash: do not ask first")
    p = command("albums", _albums, "list albums (saved searches), show one, or export it")
    p.add_argument("action", choices=("list", "show", "export"), nargs="?", default="list")
    p.add_argument("name", nargs="?", help="the album's name (show, export)")
    p.add_argument("folder", nargs="?", type=Path, help="export: the folder to put them in")
    p.add_argument("--copy", action="store_true", help="export copies instead of links")
    p.add_argument("-n", type=_positive, default=1000, help="show: how many (default 1000)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser(
        "eval",
        help="measure a model's recall@K on a captioned image set (a throwaway catalog)",
        description="Recall@1/5/10 and median rank, text → image and image → text, on a CSV "
        "with the header image,caption (Flickr8k's layout); your library is not touched.",
    )
    p.add_argument("captions", type=Path, help="CSV file: image,caption")
    p.add_argument("--images", type=Path, required=True, help="the folder the images are in")
    p.add_argument("--model", help="model key (default: the one in use)")
    p.add_argument("--precision", choices=PRECISIONS, default="auto")
    p.add_argument("--index", choices=("exact", "hnsw"), default="hnsw")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("serve", _serve, "answer searches over HTTP for other programs (local only)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: this computer only; another needs --certfile)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--certfile", help="TLS certificate (PEM): serve HTTPS; needed for a --host elsewhere"
    )
    p.add_argument("--keyfile", help="the certificate's private key (PEM)")
    p.add_argument("--show-token", action="store_true", help="print the API token and exit")
    p = command("status", _status, "what is catalogued and indexed")
    p.add_argument("--json", action="store_true")
    p.add_argument("--errors", action="store_true", help="list skipped files and why")
    p = command("folders", _folders, "list, add or remove folders")
    p.add_argument("action", choices=("list", "add", "remove"), nargs="?", default="list")
    p.add_argument("paths", nargs="*")
    p = command("models", _models, "list, download, import or choose the model")
    p.add_argument(
        "action", choices=("list", "download", "import", "use"), nargs="?", default="list"
    )
    p.add_argument("name", nargs="?", help="model key (download/use) or path (import)")
    p.add_argument(
        "--arch", help="for importing a bare weights file: its model key or architecture"
    )
    p = command("doctor", _doctor, "check environment, model, catalog and index health")
    p.add_argument("--json", action="store_true")
    about = "generate sample photos and index them with the built-in demo model"
    p = sub.add_parser("demo", help=about, description=about)  # run before any library opens
    p.add_argument(
        "--no-gui", action="store_true", help="print example results instead of opening the app"
    )
    p.add_argument("--count", type=int, default=300, help="how many sample photos")
    return ap


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"PhotoSearch {__version__}")
        if args.verbose:
            for name, version in versions():
                print(f"{name} {version}")
        return 0
    if args.home:
        os.environ[HOME_ENV] = str(args.home)
    if args.self_test:
        from photosearch.demo import self_test

        return self_test()
    if args.command == "eval":  # a throwaway catalog: the user's library is not opened
        paths = AppPaths.resolve()
        setup_logging(paths.log_dir, args.verbose)
        try:
            return _eval(args, paths)
        except PhotoSearchError as exc:
            print(f"photosearch: {exc}", file=sys.stderr)
            return 1
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from photosearch import desktop_entry

        if args.install_desktop_entry:
            for path in desktop_entry.install():
                print(f"installed {path}")
        else:
            for path in desktop_entry.uninstall():
                print(f"removed {path}")
        return 0
    if args.command is None:
        if not _has_display():
            print(
                "No display found: PhotoSearch needs a graphical session (an X11 or Wayland "
                "desktop); the command line works without one: photosearch --help",
                file=sys.stderr,
            )
            return 2
        from photosearch.ui.app import run_app

        return run_app(similar=args.similar)
    if args.command == "models" and args.action in ("download", "use", "import") and not args.name:
        parser.error(
            f"models {args.action} needs a model {'path' if args.action == 'import' else 'key'}"
        )
    if args.command == "models" and args.action == "import":
        args.path = args.name
    paths = AppPaths.resolve()
    setup_logging(paths.log_dir, args.verbose)
    try:
        if args.command == "demo":  # its own library: the user's is never opened
            from photosearch.demo import run_demo

            if not args.no_gui and not _has_display():
                args.no_gui = True
            bar = ProgressBar()
            try:
                return run_demo(paths, args.count, not args.no_gui, bar)
            finally:
                bar.close()
        read_only = args.command in READ_ONLY_COMMANDS or getattr(
            args, "action", None
        ) in READ_ONLY_ACTIONS.get(args.command, set())
        exclusive = not read_only
        with Engine.open(paths, exclusive=exclusive) as engine:
            if engine.settings_file.problem:
                print(f"photosearch: {engine.settings_file.problem}", file=sys.stderr)
            if args.device:
                engine.set_device(args.device, save=False)
            return int(args.func(engine, args))
    except PhotoSearchError as exc:
        print(f"photosearch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Aborted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
