"""Render ``resources/photosearch.svg`` to the PNG sizes desktops and installers ask for.

    QT_QPA_PLATFORM=offscreen python tools/render_icons.py

The PNGs are checked in (PyInstaller and the ``.desktop`` entry use them); run this again
after changing the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, target: Path) -> None:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    if not image.save(str(target)):
        raise OSError(f"cannot write {target}")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    icons = RESOURCES / "icons"
    icons.mkdir(exist_ok=True)
    for size in SIZES:
        render(RESOURCES / "photosearch.svg", size, icons / f"photosearch-{size}.png")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
