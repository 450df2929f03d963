"""The search-syntax help (the ? button, F1): a readable page beside the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

ROWS = (
    ("dog on the beach", "Describe what you want to see"),
    ("invoice 4711", "Words in the photo, its name or its description find it too"),
    ("beach + sunset", "Both ideas"),
    ("beach - people", "Less of an idea"),
    ("2*sunset + beach", "More weight on one idea"),
    ('"rock + roll"', "Quotes keep words together"),
    ("in:Holidays", "Only folders whose path contains “Holidays”"),
    ("after:2021-06  before:2022", "Taken (or else modified) in a date range"),
    ("on:2023-06-14  on:2023-06", "Taken that day (or month, or year: on:2023)"),
    ("day:12-25", "Taken on that day of the year, any year"),
    ("type:jpg,png  type:video", "Only these file types, or only videos (type:photo: photos)"),
    ('place:Lisbon  place:"Sintra, Portugal"', "Taken there (from the photo's GPS, offline)"),
    ('person:Anna  person:"Anna Lee"', "With someone you named; several mean all of them"),
    ("min:0.3", "Stricter matches (a higher minimum score)"),
    ('text:"total due"', "Only photos showing these words (receipts, signs, screenshots)"),
    ("name:IMG_2041", "File names starting with these words"),
    ("camera:fujifilm  tag:family", "By camera or lens, by keyword"),
    ("sort:date  sort:oldest  sort:name", "Order the results (best match first by default)"),
)
KEYS = (
    ("Ctrl+F", "Search"),
    ("↓", "From the search field into the results"),
    ("Enter / Space", "View the selected photo; Esc goes back"),
    ("← →  + −  0  1", "In the viewer: previous/next, zoom, fit, actual size"),
    ("I", "Show or hide the details pane"),
    ("+ / −", "More / less like the selected results: the search moves at once"),
    ("Ctrl+O", "Open in the default app"),
    ("Ctrl+S", "Save this search, with its marks, as an album that fills itself"),
    ("Ctrl+V", "Search with an image from the clipboard"),
    ("Esc", "Clear the search"),
)


def help_html() -> str:
    def table(rows: tuple[tuple[str, str], ...], code: bool) -> str:
        cells = "".join(
            f"<tr><td style='padding:3px 14px 3px 0'>{'<code>' if code else '<b>'}{a}"
            f"{'</code>' if code else '</b>'}</td><td style='padding:3px 0'>{b}</td></tr>"
            for a, b in rows
        )
        return f"<table cellspacing='0'>{cells}</table>"

    return (
        "<h3>Searching</h3>"
        + table(ROWS, code=True)
        + "<p>Drop a photo on the window, paste one, or choose <i>Find similar</i> to search "
        "by image; add words to steer it (“at night”).</p>"
        "<h3>Keyboard</h3>" + table(KEYS, code=False)
    )


class HelpDialog(QDialog):
    """Non-modal: it can stay open beside the window while the user types."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search help — PhotoSearch")
        self.setModal(False)
        text = QTextBrowser()
        text.setHtml(help_html())
        text.setAccessibleName("Search help")
        text.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setWindowFlag(Qt.WindowType.Tool, True)
        self.resize(580, 640)
