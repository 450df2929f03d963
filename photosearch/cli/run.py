"""``photosearch``: the window with no command, otherwise the command asked for."""

from __future__ import annotations

import os
import sys

from photosearch import __version__
from photosearch.cli.about import has_display, versions
from photosearch.cli.console import ProgressBar
from photosearch.cli.evaluating import evaluate
from photosearch.cli.parser import build_parser
from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError
from photosearch.core.settings import HOME_ENV, AppPaths
from photosearch.logs import setup_logging

READ_ONLY_COMMANDS = frozenset({"search", "similar", "status", "doctor", "serve", "places"})
"""Commands that work alongside a running app (they never write the index)."""
READ_ONLY_ACTIONS = {
    "models": {"list"},
    "albums": {"list", "show"},
    "folders": {"list"},
    "people": {"list"},
}
"""Actions of other commands that only read: they run beside the app (its lock held)."""


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
            return evaluate(args, paths)
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
        if not has_display():
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

            if not args.no_gui and not has_display():
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
