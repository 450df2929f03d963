"""Screenshots of the real app's main states, for the README and for review.

    xvfb-run -a -s "-screen 0 1400x900x24" python tools/screenshots.py OUT_DIR [--dark] [--scale 2]

``--dark`` paints with a dark palette; ``--scale 2`` renders at devicePixelRatio 2 (a
high-DPI screen); both add a suffix to the file names.

Uses a throwaway PHOTOSEARCH_HOME, generated shape photos and the built-in demo model.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from photosearch.core.app.engine import Engine  # noqa: E402
from photosearch.core.errors import storage_error  # noqa: E402
from photosearch.core.model import models  # noqa: E402
from photosearch.core.settings import AppPaths  # noqa: E402
from photosearch.synthetic import text_photo, write_library  # noqa: E402
from photosearch.ui import theme  # noqa: E402
from photosearch.ui.app import app_icon, create_window  # noqa: E402
from photosearch.ui.folders_dialog import FoldersDialog  # noqa: E402
from photosearch.ui.settings_dialog import SettingsDialog  # noqa: E402
from photosearch.ui.welcome import WelcomeDialog  # noqa: E402


def pump(app: QApplication, until: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication, window: QWidget) -> None:
    """Wait until every visible thumbnail has been made and painted."""
    for _ in range(5):
        window.repaint()
        pump(app, lambda: window.thumbs.pending() == 0)


def shot(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}{SUFFIX}.png"
    widget.grab().save(str(path))
    print(path)


SUFFIX = ""
THEME = "light"
"""Every window here is painted in this theme (saved as the user's choice would be)."""


def main() -> None:
    global SUFFIX, THEME
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    dark = "--dark" in sys.argv
    scale = sys.argv[sys.argv.index("--scale") + 1] if "--scale" in sys.argv else None
    if scale:
        os.environ["QT_SCALE_FACTOR"] = scale
        args.remove(scale)
        SUFFIX += f"@{scale}x"
    if dark:
        SUFFIX += "-dark"
        THEME = "dark"
    out = Path(args[0] if args else "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="photosearch-shots-") as home:
        os.environ["PHOTOSEARCH_HOME"] = home
        app = QApplication(sys.argv)
        app.setWindowIcon(app_icon())
        take_all(app, Path(home), out)
        # the windows write their geometry when deleted: before the folder goes
        for widget in app.topLevelWidgets():
            widget.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def take_all(app: QApplication, home: Path, out: Path) -> None:
    """The first-run dialog, then a demo library indexing, searched and managed."""

    first = AppPaths.resolve(home / "first-run")
    theme.save_choice(first.data_dir, THEME)
    window = create_window(first, watch=False)
    window.show()
    pump(
        app,
        lambda: any(isinstance(w, WelcomeDialog) and w.isVisible() for w in app.topLevelWidgets()),
    )
    dialog = next(w for w in app.topLevelWidgets() if isinstance(w, WelcomeDialog))
    shot(dialog, out, "1-first-run")
    os.environ["HF_ENDPOINT"] = "http://127.0.0.1:9"  # nothing listens: "no internet"
    dialog.download.click()
    pump(app, lambda: dialog.download.text() == "Retry download", timeout=60)
    shot(dialog, out, "1b-no-internet")
    dialog.reject()
    pump(app, lambda: not dialog.isVisible())
    shot(window, out, "1c-no-model")
    window.close()
    window.bridge.shutdown()

    photos = home / "Pictures"
    write_library(photos / "Holidays", 400, seed=3, size_range=(700, 1200))
    write_library(photos / "Garden", 200, seed=4, size_range=(700, 1200))
    sign, _ = text_photo(11, size=(1200, 900), words="Harbour Street 12")
    sign.save(photos / "Garden" / "IMG_2041.jpg", quality=88)  # words only OCR can find
    exports = photos / "Exports"  # copies, for the duplicates view
    exports.mkdir()
    for n, original in enumerate(sorted((photos / "Holidays").glob("*.jpg"))[:3]):
        with Image.open(original) as image:
            image.resize((image.width // 2, image.height // 2)).save(exports / f"export-{n}.png")
            image.save(exports / f"copy-{n}.jpg", quality=55)
    for n, path in enumerate(sorted(photos.rglob("*.*"))):  # a few years of dates
        when = 1_560_000_000 + (n * 7_919 % 600) * 160_000
        os.utime(path, (when, when))
    paths = AppPaths.resolve(home / "demo")
    engine = Engine.open(paths)
    engine.use_model(models.DEMO_KEY)
    engine.settings_file.change(find_faces=False)  # no people here: minutes saved
    engine.library.add_folder(photos)
    engine.close()
    theme.save_choice(paths.data_dir, THEME)
    window = create_window(paths)
    window.resize(1280, 820)
    window.show()
    pump(app, lambda: window.status.progress.isVisible() and window.status.progress.value() > 40)
    shot(window, out, "2-indexing")
    pump(app, lambda: not window.status.progress.isVisible(), timeout=300)

    window.search.setText("a red circle")
    window.run_search()
    pump(app, lambda: window.results.rowCount() > 0)
    window.view.setFocus()
    window.toggle_details()  # what I does (key events need an active window under Xvfb)
    pump(app, lambda: window.details.isVisible() and window.details.hit is not None)
    settle(app, window)
    shot(window, out, "3-text-query")

    window.header.sort.setCurrentIndex(window.header.sort.findData("date"))
    pump(app, lambda: window.last_result is not None and window.last_result.sort == "date")
    settle(app, window)
    shot(window, out, "3b-sorted-by-date")
    window.bridge.run(
        lambda e: (e.albums.save("Red circles", "a red circle"), e.albums.save("Blue", "blue")),
        lambda _: window.albums.load(),
    )

    window.show_viewer()  # what Enter does
    pump(app, lambda: window.viewer.canvas.pixmap is not None)
    shot(window, out, "3c-viewer")
    window.close_viewer()

    window.sidebar.choose_all()
    pump(app, lambda: window.last_result is not None and window.last_result.browse)
    settle(app, window)
    shot(window, out, "6-all-photos")
    window.toggle_filters()
    holidays = str(photos / "Holidays")
    window.sidebar._select(lambda e: e.kind == "folder" and e.path == holidays)
    pump(app, lambda: window.session.scope == holidays and window.last_result is not None)
    settle(app, window)
    shot(window, out, "7-folder")
    window.sidebar._select(lambda e: e.kind == "duplicates")
    pump(app, lambda: bool(window.duplicates.groups))
    settle(app, window)
    shot(window, out, "10-duplicates")
    window.show_help()
    pump(app, lambda: window.help.isVisible())
    shot(window.help, out, "8-help")
    window.help.hide()
    window.sidebar.clear_choice()
    window.header.set_order(None)  # best match first: the earlier shots chose date
    window.search.setText("harbour street")
    window.run_search()
    pump(app, lambda: window.results.rowCount() > 0 and window.last_result is not None)
    window.view.select_first()
    pump(app, lambda: window.details.fields["Words in it"].text() != "")
    settle(app, window)
    shot(window, out, "11-words-in-photo")
    window.clear()

    query = next(p for p in sorted((photos / "Garden").iterdir()) if "yellow-star" in p.name)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(query))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(
        window, QDragEnterEvent(QPoint(300, 300), Qt.DropAction.CopyAction, mime, buttons, keys)
    )
    QApplication.sendEvent(
        window, QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, buttons, keys)
    )
    pump(app, lambda: window.results.rowCount() > 0 and window.results.hits()[0].path == str(query))
    settle(app, window)
    shot(window, out, "4-dropped-image")

    # the data disk fills up: one message, then the status bar says why indexing waits
    data = window.bridge.paths.data_dir
    problem = storage_error(OSError(errno.ENOSPC, "No space left on device"), data)
    assert problem is not None

    def grab_message() -> None:
        box = QApplication.activeModalWidget()
        assert box is not None
        shot(box, out, "12a-disk-full-message")
        box.close()

    QTimer.singleShot(800, grab_message)
    window.bridge.storage.emit(str(problem), problem.short)
    settle(app, window)
    shot(window, out, "12b-disk-full-status")
    window.bridge.storage.emit("", "")

    general = SettingsDialog(window.bridge, window)
    general.show()
    pump(app, lambda: general.isVisible())
    shot(general, out, "9b-settings-general")
    general.reject()
    settings = SettingsDialog(window.bridge, window, "models")
    settings.show()
    pump(app, lambda: settings.isVisible())
    shot(settings, out, "9-settings-models")
    settings.reject()

    folders = FoldersDialog(window.bridge, window)
    folders.show()
    pump(app, lambda: folders.table.rowCount() > 0)
    shot(folders, out, "5-folders")
    folders.close()
    window.close()
    window.bridge.shutdown()


if __name__ == "__main__":
    main()
