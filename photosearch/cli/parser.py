"""The command line's grammar: every command, its options and the function that runs it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from photosearch.cli.albums import albums
from photosearch.cli.indexing import index, watch
from photosearch.cli.library import doctor, duplicates, folders, manage_models, places, status
from photosearch.cli.people import people
from photosearch.cli.searching import search, similar
from photosearch.cli.serving import serve
from photosearch.core.app.engine import Engine
from photosearch.core.settings import DEVICES, HOME_ENV, PRECISIONS


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small; ask for at least 1 result")
    return value


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

    p = command("index", index, "add folders (if given) and index everything new or changed")
    p.add_argument("paths", nargs="*", help="folders to add")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--retry-errors", action="store_true", help="try skipped photos again")
    p = command("watch", watch, "index, then keep watching folders for new photos (Ctrl+C stops)")
    p.add_argument("paths", nargs="*", help="folders to add")
    p.add_argument("--gentle", action="store_true", help="use less CPU while you work")
    for name, fn, what in (
        ("search", search, "search by text"),
        ("similar", similar, "find photos like an image"),
    ):
        p = command(name, fn, what)
        if name == "search":
            p.add_argument("query", help='e.g. "beach + sunset - people in:Holidays after:2021"')
            p.add_argument("--image", action="append", default=[], help="add an image to the query")
            p.add_argument("--offset", type=int, default=0, help="skip this many results (paging)")
        else:
            p.add_argument("image", help="a photo or video file (indexed or not)")
            p.add_argument(
                "--crop",
                metavar="X,Y,W,H",
                help="search by this region only: fractions of the photo or its pixels",
            )
            p.add_argument(
                "--at",
                type=float,
                metavar="SECONDS",
                help='of a video: search by its moment this many seconds in (a hit\'s "at")',
            )
            p.add_argument(
                "text", nargs="?", default="", help='words to steer by, e.g. "+ at night"'
            )
        p.add_argument("-n", type=positive, default=20, help="how many results (default 20)")
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("duplicates", duplicates, "find exact copies and near-duplicates")
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
    p = command("albums", albums, "list albums (saved searches), show one, or export it")
    p.add_argument("action", choices=("list", "show", "export"), nargs="?", default="list")
    p.add_argument("name", nargs="?", help="the album's name (show, export)")
    p.add_argument("folder", nargs="?", type=Path, help="export: the folder to put them in")
    p.add_argument("--copy", action="store_true", help="export copies instead of links")
    p.add_argument("-n", type=positive, default=1000, help="show: how many (default 1000)")
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
    p = command("serve", serve, "answer searches over HTTP for other programs (local only)")
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
    p = command("status", status, "what is catalogued and indexed")
    p.add_argument("--json", action="store_true")
    p.add_argument("--errors", action="store_true", help="list skipped files and why")
    p = command("places", places, "the towns, regions and countries photos were taken in")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("people", people, "the people found in photos: list, name, merge, hide, forget")
    p.add_argument(
        "action",
        choices=("list", "name", "merge", "unmerge", "hide", "show", "forget"),
        nargs="?",
        default="list",
    )
    p.add_argument("values", nargs="*", help="name: ID NAME; merge: ID ID; unmerge/hide/show: ID")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--hidden", action="store_true", help="list hidden people too")
    p.add_argument("-n", type=positive, default=100, help="--json: photos per person (100)")
    p.add_argument("--yes", action="store_true", help="forget: do not ask first")
    p = command("folders", folders, "list, add or remove folders")
    p.add_argument("action", choices=("list", "add", "remove"), nargs="?", default="list")
    p.add_argument("paths", nargs="*")
    p = command("models", manage_models, "list, download, import or choose the model")
    p.add_argument(
        "action", choices=("list", "download", "import", "use"), nargs="?", default="list"
    )
    p.add_argument("name", nargs="?", help="model key (download/use) or path (import)")
    p.add_argument(
        "--arch", help="for importing a bare weights file: its model key or architecture"
    )
    p = command("doctor", doctor, "check environment, model, catalog and index health")
    p.add_argument("--json", action="store_true")
    about = "generate sample photos and index them with the built-in demo model"
    p = sub.add_parser("demo", help=about, description=about)  # run before any library opens
    p.add_argument(
        "--no-gui", action="store_true", help="print example results instead of opening the app"
    )
    p.add_argument("--count", type=int, default=300, help="how many sample photos")
    return ap
