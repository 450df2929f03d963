"""Browsing *All photos* of a 100,000-photo catalog in the real window parts.

    python benchmarks/bench_browse.py [--photos 100000] [--seconds 8]

Reports: the engine's first page (500 photos newest first, with the month counts), the
time from asking to the grid painted with its month headers, and the GUI heartbeat (a
10 ms timer) while the grid is scrolled to the end as fast as a flung wheel (400 px per
16 ms frame), pages arriving from the search thread as it goes. Photos do not exist on
disk (the catalog is synthetic), so thumbnails fail at once: this measures layout,
paging and painting, not decoding, which runs off the GUI thread anyway.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.common import scratch_dir, synthetic_catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models
    from photosearch.core.settings import AppPaths
    from photosearch.ui.bridge import EngineBridge
    from photosearch.ui.results import ResultsModel, ThumbnailCache
    from photosearch.ui.results_view import ResultsView

    source = synthetic_catalog(args.photos)
    paths = AppPaths.resolve(scratch_dir("photosearch-browse-"))
    paths.catalog_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "catalog.sqlite3", paths.catalog_path)
    with sqlite3.connect(paths.catalog_path) as db:  # ten years of dates, not all in 1970
        db.execute("UPDATE photos SET mtime_ns = (1400000000 + id * 3000) * 1000000000")
    engine = Engine.open(paths)
    engine.use_model(models.DEMO_KEY)
    engine.set_device("cpu", save=False)
    engine.search("", limit=1, everything=True)  # the model's files and the catalog warm

    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        first = engine.search("", limit=500, everything=True)
        times.append(time.perf_counter() - t0)
    print(
        f"engine first page: {statistics.median(times) * 1000:.0f} ms median "
        f"({len(first.hits)} photos, {len(first.months or {})} months)"
    )

    app = QApplication.instance() or QApplication([])
    bridge = EngineBridge(engine, watch=False)  # not started: no scan, no indexing
    thumbs = ThumbnailCache(paths.thumbnails_dir)
    model = ResultsModel(thumbs)
    view = ResultsView(model)
    view.resize(1200, 800)
    view.show()
    state = {"asked": 0.0, "painted": 0.0, "pages": 0}

    def done(request: int, result: object) -> None:
        if result.offset:  # type: ignore[attr-defined]
            model.append_hits(result.hits, len(result.hits) < 500)  # type: ignore[attr-defined]
        else:
            model.set_hits(result.hits, True, result.months, False)  # type: ignore[attr-defined]
            view.repaint()
            state["painted"] = time.perf_counter()
        state["pages"] += 1

    bridge.search_done.connect(done)
    model.need_more.connect(lambda offset: bridge.search("", [], 500, offset, True))
    state["asked"] = time.perf_counter()
    bridge.search("", [], 500, 0, True)
    while not state["painted"]:
        app.processEvents()
    print(f"window: asked → grid painted {(state['painted'] - state['asked']) * 1000:.0f} ms")

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    scroller = QTimer()
    scroller.setInterval(16)
    bar = view.verticalScrollBar()
    scroller.timeout.connect(lambda: bar.setValue(bar.value() + 400))
    heartbeat.start()
    scroller.start()
    end = time.perf_counter() + args.seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    scroller.stop()
    heartbeat.stop()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else float("nan")
    print(
        f"scrolling {args.seconds:.0f} s: {len(model.all_hits()):,} photos loaded in "
        f"{state['pages']} pages; heartbeat max gap {max(gaps):.1f} ms, p99 {p99:.1f} ms"
    )
    bridge.shutdown()


if __name__ == "__main__":
    main()
