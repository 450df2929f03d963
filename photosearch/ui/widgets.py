"""Small widgets the window's parts share: tool buttons, query-image chips, the page an
empty state is shown on, a label that shortens its text to fit, the demo's banner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photosearch.ui.icons import icon as themed_icon


def tool_button(
    text: str,
    tip: str,
    slot: object,
    symbol: str | None = None,
    name: str | None = None,
    flat: bool = False,
) -> QToolButton:
    """A tool button with its tooltip, accessible name (the tip's first part unless
    given) and, with ``symbol``, a themed icon beside the text."""
    button = QToolButton()
    button.setText(text)
    if symbol is not None:
        button.setIcon(themed_icon(symbol))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setToolTip(tip)
    button.setAccessibleName(name or tip.split(" (")[0])
    button.setAutoRaise(flat)
    button.clicked.connect(slot)
    return button


class ImageChip(QToolButton):
    """A query image shown beside the search field; click to remove it."""

    def __init__(self, path: str, region: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        what = "A region of" if region else "Photo:"
        self.setText(f"{what} {Path(path).name}  ✕")
        part = "a region of " if region else ""
        self.setToolTip(f"Searching by {part}this image:\n{path}\nClick to remove")
        self.setAccessibleName(f"Query image {Path(path).name}, click to remove")
        self.setAutoRaise(True)


class EmptyPage(QWidget):
    """An empty state: the app's icon, what is going on, and the one button that helps."""

    def __init__(self, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        picture = QLabel()
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setPixmap(icon.pixmap(72, 72))
        self.button = QPushButton()
        self.button.clicked.connect(lambda: self._action())
        self._action: Callable[[], object] = lambda: None
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(picture)
        layout.addWidget(self.text)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def show_message(
        self, rich_text: str, button: str = "", action: Callable[[], object] | None = None
    ) -> None:
        self.text.setText(rich_text)
        self.button.setText(button)
        self.button.setVisible(bool(button))
        self._action = action or (lambda: None)


class ElidedLabel(QLabel):
    """One line of plain text that gives way on a narrow window: cut short with "…" where
    it does not fit, whole in its tooltip then (a plain label is as wide as its text at
    the least, and a long file name widened the window past a laptop's screen)."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        """``mode``: where the text is cut (the middle keeps a file name's ending)."""
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._mode = mode
        self._tip = ""
        """A tooltip of the caller's own, shown when the text is whole."""

    def setToolTip(self, tip: str) -> None:
        self._tip = tip
        super().setToolTip(tip)

    def minimumSizeHint(self) -> QSize:
        height = super().minimumSizeHint().height()
        return QSize(self.fontMetrics().horizontalAdvance("Mm…"), height)

    def paintEvent(self, event: QPaintEvent) -> None:
        text = " ".join(self.text().split())  # one line, whatever the name holds
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(text, self._mode, room.width())
        QLabel.setToolTip(self, text if shown != text else self._tip)
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        flags = int(self.alignment()) | int(Qt.TextFlag.TextSingleLine)
        painter.drawText(room, flags, shown)


def demo_banner(leave: Callable[[], object]) -> QWidget:
    """Says that the window shows sample photos, not the user's, and how to leave."""
    banner = QWidget()
    banner.setObjectName("demoBanner")  # coloured by the theme's style sheet
    banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    row = QHBoxLayout(banner)
    row.setContentsMargins(8, 4, 8, 4)
    said = QLabel(
        "This is the demo: generated shapes and a tiny model that knows only colours "
        "and shapes (try “a red circle”). Your own library is not touched."
    )
    said.setWordWrap(True)  # a narrow window wraps it instead of growing
    row.addWidget(said, 1)
    row.addWidget(tool_button("Leave the demo", "Close the demo window", leave))
    banner.setAccessibleName("Demo library")
    return banner
