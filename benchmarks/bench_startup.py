"""Cold start: launch → window painted → first result → model ready; catalog open times.

    python benchmarks/bench_startup.py [--runs 3] [--sizes 100000 1000000]

GUI part: a library of 100 indexed 1-MP photos with a real-size ViT-B-32 model; each run
starts a fresh Python process (offscreen Qt) that builds the window exactly as the app
does, types a query at once and reports wall-clock times measured from just before the
process was spawned ("words_searchable": the model's numpy text tower is up, before the
model itself). Catalog part: opening a saved synthetic catalog and its vector index
of each size in a fresh process, the first search, and the resident memory afterwards
(with and without the model loaded: the idle footprint of the app).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    current_rss_mb,
    photo_folder,
    scratch_dir,
    synthetic_catalog,
    vit_b32_dir,
)


def prepare_library() -> Path:
    from photosearch.core.app.engine import Engine
    from photosearch.core.model import models
    from photosearch.core.settings import AppPaths

    home = scratch_dir("bench-startup-")
    paths = AppPaths.resolve(home)
    with Engine.open(paths) as engine:
        engine.use_model(models.import_model(vit_b32_dir(), paths.models_dir))
        engine.library.add_folder(photo_folder("1MP", 100, (1152, 864)))
        engine.update()
    return home


def gui_child(home: str, t0: float) -> None:
    """Runs in a fresh process: the window, as ``run_app`` builds it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from photosearch.core.settings import AppPaths
    from photosearch.ui.app import create_window

    marks: dict[str, float] = {"imports": time.time() - t0}
    app = QApplication([])
    window = create_window(AppPaths.resolve(home), watch=False)

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                marks.setdefault("window_painted", time.time() - t0)
            return False

    painter = FirstPaint()
    window.installEventFilter(painter)
    window.show()
    window.search.setText("a dog on the beach")
    window.run_search()

    def poll() -> None:
        """Runs on the GUI thread every 5 ms: what the user would see."""
        if window.library.model_state in ("text", "ready"):
            marks.setdefault("words_searchable", time.time() - t0)
        if window.library.model_state == "ready":
            marks.setdefault("model_ready", time.time() - t0)
        if window.last_result is not None:
            marks.setdefault("first_result", time.time() - t0)
        if "model_ready" in marks and "first_result" in marks:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(5)
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    window.bridge.shutdown()
    print(json.dumps(marks))


def catalog_child(directory: str) -> None:
    """Runs in a fresh process: open a saved catalog + index, search, then load a model."""
    import numpy as np

    t0 = time.perf_counter()
    from benchmarks.common import open_catalog

    catalog, store = open_catalog(Path(directory))
    opened = time.perf_counter() - t0
    query = np.ones(store.dim, np.float32) / np.sqrt(store.dim)
    t1 = time.perf_counter()
    catalog.photos(store.search(query, 50)[0].tolist())
    first = time.perf_counter() - t1
    rss_index = current_rss_mb()
    from photosearch.core.model.encoder import Encoder

    encoder = Encoder("bench", vit_b32_dir(), precision_setting="auto")
    encoder.encode_text("warm")
    print(
        json.dumps(
            {
                "open_s": opened,
                "first_search_ms": first * 1000,
                "rss_index_mb": rss_index,
                "rss_with_model_mb": current_rss_mb(),
            }
        )
    )


def spawn(*args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, __file__, *args, str(t0)], capture_output=True, text=True, env=env
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--gui-child"]:
        gui_child(sys.argv[2], float(sys.argv[3]))
        return
    if sys.argv[1:2] == ["--catalog-child"]:
        catalog_child(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    args = ap.parse_args()
    home = prepare_library()
    runs = [spawn("--gui-child", str(home)) for _ in range(args.runs)]
    for key in ("imports", "window_painted", "words_searchable", "first_result", "model_ready"):
        values = [r[key] for r in runs if key in r]
        print(
            f"{key:>15}: median {statistics.median(values):.2f} s  (runs: "
            + ", ".join(f"{v:.2f}" for v in values)
            + ")"
        )
    for n in args.sizes:
        result = spawn("--catalog-child", str(synthetic_catalog(n)))
        print(
            f"catalog {n:>9,}: open {result['open_s']:.2f} s, first search "
            f"{result['first_search_ms']:.1f} ms, RSS {result['rss_index_mb']:.0f} MB "
            f"(with ViT-B-32 loaded {result['rss_with_model_mb']:.0f} MB)"
        )


if __name__ == "__main__":
    main()
