"""``index`` and ``watch``: bring the catalog up to date, once or for as long as it runs."""

from __future__ import annotations

import argparse
import sys

from photosearch.cli.console import ProgressBar, interruptible
from photosearch.core.app.engine import Engine
from photosearch.core.errors import PhotoSearchError
from photosearch.core.types import Progress
from photosearch.core.wording import count


def index(engine: Engine, args: argparse.Namespace) -> int:
    if args.retry_errors:
        print(f"Retrying {engine.library.retry_skipped()} skipped photos.", file=sys.stderr)
    for path in args.paths:
        folder = engine.library.add_folder(path)
        print(f"Folder added: {folder.path}", file=sys.stderr)
    if not engine.library.folders():
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


def watch(engine: Engine, args: argparse.Namespace) -> int:
    from photosearch.core.app.service import IndexingService, JobDone

    for path in args.paths:
        engine.library.add_folder(path)
    if not engine.library.folders():
        raise PhotoSearchError("No folders yet: run `photosearch watch ~/Pictures`.")
    if args.gentle:
        engine.set_gentle(True, save=False)  # for this run only
    bar = ProgressBar()

    def progress(p: Progress) -> None:
        if p.phase == "idle":
            bar.close()
            print(
                f"Up to date. Watching {count(len(engine.library.folders()), 'folder')}… "
                "(Ctrl+C to stop)",
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
