"""The app's look: one light and one dark palette, a style sheet that gives every window
and dialog the same quiet spacing and rounded shapes, and the choice between them
("Follow the desktop", "Light", "Dark"), kept with the window's other preferences.

Drawn with Qt's Fusion style on every platform, so what was designed and looked at here
is what users see; the palette sets the disabled colours too, so a disabled control
never reads as enabled in either theme."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "icons"
"""Where the tick in a checked box is: the style sheet names it by a search path, so no
folder name (accents, quotes) is ever written into the sheet."""
CHOICES = (("system", "Follow the desktop"), ("light", "Light"), ("dark", "Dark"))
KEY = "theme"


@dataclass(frozen=True)
class Colours:
    window: str
    surface: str
    """Where content lies: the results grid, fields, lists."""
    raised: str
    """Placeholders, alternate rows, the progress bar's groove."""
    text: str
    muted: str
    """Secondary words: counts, hints, placeholders."""
    disabled: str
    border: str
    hover: str
    pressed: str
    accent: str
    on_accent: str
    link: str
    selection: str
    """A chosen entry in a list: the accent, quietly."""
    scrollbar: str
    tip: str
    tip_text: str
    dark: bool


LIGHT = Colours(
    window="#f5f5f7", surface="#ffffff", raised="#ececf0", text="#1d1d1f", muted="#6e6e73",
    disabled="#a9a9ae", border="#d4d4d9", hover="#e4e4e9", pressed="#d6d6dc",
    accent="#0a66d8", on_accent="#ffffff", link="#0a5cc2", selection="#dce8fb",
    scrollbar="#c1c1c6",
    tip="#1d1d1f", tip_text="#f5f5f7", dark=False,
)  # fmt: skip
DARK = Colours(
    window="#1f1f22", surface="#161618", raised="#2b2b2f", text="#ececf1", muted="#9b9ba3",
    disabled="#5d5d64", border="#37373c", hover="#2f2f34", pressed="#3a3a40",
    accent="#3b82f6", on_accent="#ffffff", link="#7cb0ff", selection="#263d63",
    scrollbar="#4a4a50",
    tip="#2f2f34", tip_text="#ececf1", dark=True,
)  # fmt: skip


def settings_file(data_dir: Path) -> QSettings:
    """The window's preferences (size, thumbnail size, theme) beside the library."""
    return QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)


def saved_choice(data_dir: Path) -> str:
    value = str(settings_file(data_dir).value(KEY, "system"))
    return value if value in dict(CHOICES) else "system"


def save_choice(data_dir: Path, choice: str) -> None:
    prefs = settings_file(data_dir)
    prefs.setValue(KEY, choice)
    prefs.sync()


def colours_for(choice: str, scheme: Qt.ColorScheme) -> Colours:
    """The palette a choice means; "system" follows the desktop's light or dark."""
    if choice == "dark" or (choice == "system" and scheme == Qt.ColorScheme.Dark):
        return DARK
    return LIGHT


def current() -> Colours:
    """The colours in use (for what paints itself, such as the results grid)."""
    app = QApplication.instance()
    dark = isinstance(app, QApplication) and bool(app.property("photosearch-dark"))
    return DARK if dark else LIGHT


def palette(c: Colours) -> QPalette:
    result = QPalette()
    role = QPalette.ColorRole
    for name, colour in (
        (role.Window, c.window), (role.WindowText, c.text), (role.Base, c.surface),
        (role.AlternateBase, c.raised), (role.Text, c.text), (role.Button, c.surface if not
        c.dark else c.raised), (role.ButtonText, c.text), (role.BrightText, c.on_accent),
        (role.Highlight, c.accent), (role.HighlightedText, c.on_accent),
        (role.PlaceholderText, c.muted), (role.ToolTipBase, c.tip),
        (role.ToolTipText, c.tip_text), (role.Link, c.link), (role.LinkVisited, c.link),
        (role.Mid, c.border), (role.Midlight, c.hover), (role.Dark, c.pressed),
        (role.Light, c.surface), (role.Shadow, "#000000"), (role.Accent, c.accent),
    ):  # fmt: skip
        result.setColor(name, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for name in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText):
        result.setColor(disabled, name, QColor(c.disabled))
    result.setColor(disabled, role.Button, QColor(c.window))
    result.setColor(disabled, role.Base, QColor(c.window))
    result.setColor(disabled, role.Highlight, QColor(c.border))
    return result


def style_sheet(c: Colours) -> str:
    """Spacing and shapes for every window and dialog; colours come from ``c``."""
    return f"""
QToolButton {{ border: 1px solid transparent; border-radius: 7px; padding: 4px 7px; }}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton:pressed, QToolButton:checked {{ background: {c.pressed}; }}
QToolButton:disabled {{ color: {c.disabled}; }}
QLineEdit {{ border: 1px solid {c.border}; border-radius: 8px; padding: 5px 8px;
    background: {c.surface}; selection-background-color: {c.accent};
    selection-color: {c.on_accent}; }}
QLineEdit:focus {{ border: 1px solid {c.accent}; }}
QLineEdit:disabled {{ color: {c.disabled}; background: {c.window}; }}
QPushButton {{ border: 1px solid {c.border}; border-radius: 7px; padding: 5px 14px;
    background: {c.surface if not c.dark else c.raised}; }}
QPushButton:hover {{ background: {c.hover}; }}
QPushButton:pressed {{ background: {c.pressed}; }}
QPushButton:default {{ border: 1px solid {c.accent}; }}
QPushButton[primary="true"] {{ background: {c.accent}; color: {c.on_accent};
    border: 1px solid {c.accent}; }}
QPushButton[primary="true"]:disabled {{ background: {c.border}; border-color: {c.border};
    color: {c.muted}; }}
QPushButton:disabled {{ color: {c.disabled}; background: {c.window}; }}
QScrollBar:vertical {{ background: transparent; width: 12px; margin: 0; }}
QScrollBar:horizontal {{ background: transparent; height: 12px; margin: 0; }}
QScrollBar::handle {{ background: {c.scrollbar}; border-radius: 4px; margin: 2px; }}
QScrollBar::handle:vertical {{ min-height: 36px; }}
QScrollBar::handle:horizontal {{ min-width: 36px; }}
QScrollBar::handle:hover {{ background: {c.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QSplitter::handle {{ background: {c.border}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QStatusBar {{ border-top: 1px solid {c.border}; }}
QStatusBar::item {{ border: none; }}
QStatusBar > QLabel {{ padding: 0 4px; }}
QProgressBar {{ border: 1px solid {c.border}; border-radius: 5px; background: {c.raised};
    text-align: center; }}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 4px; }}
QStatusBar QProgressBar {{ border: none; border-radius: 3px; max-height: 6px;
    min-width: 120px; }}
QStatusBar QProgressBar::chunk {{ border-radius: 3px; }}
#demoBanner {{ background: {c.tip}; }}
#demoBanner QLabel, #demoBanner QToolButton {{ color: {c.tip_text}; }}
QMenu {{ background: {c.surface}; border: 1px solid {c.border}; padding: 4px; }}
QMenu::item {{ padding: 5px 22px 5px 12px; border-radius: 5px; }}
QMenu::item:selected {{ background: {c.accent}; color: {c.on_accent}; }}
QMenu::item:disabled {{ color: {c.disabled}; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 6px; }}
QTreeView#sidebar {{ background: {c.window}; }}
QTreeView#sidebar::item {{ padding: 3px 8px 3px 0; }}
QTreeView#sidebar::item:selected {{ background: {c.selection}; color: {c.text}; }}
QCheckBox::indicator, QAbstractItemView::indicator {{ width: 14px; height: 14px;
    border: 1px solid {c.muted}; border-radius: 4px; background: {c.surface}; }}
QCheckBox::indicator:hover, QAbstractItemView::indicator:hover {{ border-color: {c.accent}; }}
QCheckBox::indicator:checked, QAbstractItemView::indicator:checked {{
    background: {c.accent}; border-color: {c.accent};
    image: url(photosearch-icons:check-on-accent.svg); }}
QCheckBox::indicator:disabled, QAbstractItemView::indicator:disabled {{
    border-color: {c.disabled}; background: {c.window}; }}
QCheckBox::indicator:checked:disabled, QAbstractItemView::indicator:checked:disabled {{
    background: {c.disabled}; border-color: {c.disabled}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QTabWidget::pane {{ border: 1px solid {c.border}; border-radius: 8px; top: -1px; }}
QTabBar::tab {{ padding: 6px 14px; border: 1px solid transparent; border-radius: 7px;
    margin: 0 2px 4px 0; }}
QTabBar::tab:selected {{ background: {c.selection}; }}
QTabBar::tab:hover:!selected {{ background: {c.hover}; }}
QToolTip {{ background: {c.tip}; color: {c.tip_text}; border: none; padding: 4px 6px; }}
"""


def apply(app: QApplication, choice: str) -> Colours:
    """Paint the whole app in ``choice``; with "system", follow the desktop from now on,
    also when the user switches it between light and dark while the app runs."""
    app.setStyle("Fusion")
    QDir.addSearchPath("photosearch-icons", str(ASSETS))
    colours = colours_for(choice, QGuiApplication.styleHints().colorScheme())
    app.setProperty("photosearch-dark", colours.dark)
    app.setProperty("photosearch-theme", choice)
    app.setPalette(palette(colours))
    app.setStyleSheet(style_sheet(colours))
    if not app.property("photosearch-follows"):
        app.setProperty("photosearch-follows", True)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: _follow(app))
    return colours


def _follow(app: QApplication) -> None:
    choice = str(app.property("photosearch-theme") or "system")
    if choice == "system":
        apply(app, choice)
