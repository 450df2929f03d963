"""The main window: sidebar, search field with image chips, results header and grid (or
the viewer), details pane, indexing status."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.search.searcher import SearchResult
from photosearch.core.types import (
    Crop,
    FaceBox,
    Hit,
    ImageQuery,
    Place,
    Progress,
    SavedSearch,
    person_label,
)
from photosearch.ui import actions
from photosearch.ui.albums import AlbumActions
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.details import DetailsPane
from photosearch.ui.duplicates_mode import DuplicatesMode
from photosearch.ui.filter_bar import FilterBar
from photosearch.ui.folders_dialog import FoldersDialog
from photosearch.ui.grid_wording import SEARCH_LIMIT, GridAsk, badges, found_summary, nothing_found
from photosearch.ui.help import HelpDialog
from photosearch.ui.library_state import LibraryFacts, LibraryState, next_step, state_text
from photosearch.ui.menus import build_menus
from photosearch.ui.moments import moment_titles, this_day_filter
from photosearch.ui.people import PeopleSide
from photosearch.ui.query_bar import PLACEHOLDER, QueryBar, holds_images, images_in
from photosearch.ui.results import ResultsModel, ThumbnailCache, display_name
from photosearch.ui.results_header import ResultsHeader
from photosearch.ui.results_view import ResultsView
from photosearch.ui.safety import UndoNotice
from photosearch.ui.search_session import SearchSession
from photosearch.ui.settings_dialog import SettingsDialog
from photosearch.ui.sidebar import Sidebar
from photosearch.ui.status_area import StatusArea
from photosearch.ui.top_bar import TopBar
from photosearch.ui.viewer import Viewer
from photosearch.ui.welcome import WelcomeDialog
from photosearch.ui.widgets import EmptyPage, demo_banner
from photosearch.ui.window_memory import Panes, WindowMemory
from photosearch.ui.wording import shown


class MainWindow(QMainWindow):
    def __init__(self, bridge: EngineBridge, icon: QIcon | None = None, demo: bool = False) -> None:
        super().__init__()
        self.bridge = bridge
        self.albums = AlbumActions(self, self)
        self.setWindowTitle("PhotoSearch — demo library" if demo else "PhotoSearch")
        if icon is not None:
            self.setWindowIcon(icon)
        self.setAcceptDrops(True)
        self.library = LibraryState()
        self.session = SearchSession()
        self.last_result: SearchResult | None = None
        self._shown_once = False
        self._pending_search = False
        self._welcomed = False
        self._asked_at: dict[int, float] = {}
        self._ask: tuple[str, list[ImageQuery], bool] = ("", [], False)
        self._more_request = 0
        self._sorted_for_listing = False
        self._refreshing = False
        """The same search again (new photos indexed): keep the selection and the scroll."""
        self.memory = WindowMemory(bridge.paths.data_dir)

        self.query_bar = QueryBar(self.memory.history(), self)
        self.query_bar.typed.connect(self.run_search)
        self.query_bar.entered.connect(self.run_search)
        self.query_bar.paste_images.connect(self.paste)
        self.query_bar.chip_removed.connect(self._image_removed)
        self.search = self.query_bar.field
        self.help = HelpDialog(self)
        self.top_bar = TopBar(
            self.query_bar,
            self.memory.thumb_size(),
            self.toggle_sidebar,
            self.toggle_filters,
            self.show_help,
            self.toggle_details,
            self.open_folders,
            self.open_settings,
        )
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self._filters_changed)
        self.search.textChanged.connect(self.filter_bar.sync)

        self.thumbs = ThumbnailCache(bridge.paths.thumbnails_dir, self)
        self.results = ResultsModel(self.thumbs, self)
        self.results.need_more.connect(self._more)
        self.view = ResultsView(self.results)
        self.view.find_similar.connect(self.find_similar)
        self.view.copy_image.connect(self.copy_image)
        self.view.mark.connect(self.mark)
        self.view.view_photo.connect(self.show_viewer)
        self.view.current_hit.connect(self._current_hit)
        self.top_bar.zoom.valueChanged.connect(self.view.zoom)
        self.viewer = Viewer()
        self.viewer.back.connect(self.close_viewer)
        self.viewer.moved.connect(self._viewer_moved)
        self.viewer.open_file.connect(actions.open_file)
        self.viewer.search_region.connect(self.find_similar)
        self.viewer.show_person.connect(self._show_person)
        self.empty_page = EmptyPage(self.windowIcon())
        self.message = self.empty_page.text
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.viewer)

        self.header = ResultsHeader(self.albums.save, lambda: self.duplicates.trash())
        self.header.sort_changed.connect(self._sort_changed)

        self.sidebar = Sidebar()
        self.sidebar.browse_all.connect(self.show_all_photos)
        self.sidebar.show_duplicates.connect(self.show_duplicates)
        self.sidebar.browse_folder.connect(self.show_folder)
        self.sidebar.browse_filter.connect(self.show_filter)
        self.sidebar.run_saved.connect(self.run_saved_search)
        self.sidebar.rescan.connect(bridge.request_rescan.emit)
        self.sidebar.remove_folder.connect(self._remove_folder)
        self.sidebar.rename_saved.connect(self.albums.rename)
        self.sidebar.delete_saved.connect(self.albums.delete)
        self.sidebar.export_saved.connect(self.albums.export)
        self.sidebar.show_in_file_manager.connect(actions.open_file)
        self.undo = UndoNotice()  # in the status bar: what was just done, with Undo
        self.people = PeopleSide(
            bridge, self.sidebar, self.viewer, self.thumbs, self.undo, self, self._person_renamed
        )
        self.people.listed.connect(lambda: self.header.title.setText(self._asked().title()))
        self.duplicates = DuplicatesMode(
            bridge,
            self,
            self.view,
            self.results,
            self.thumbs,
            self.undo,
            self._update_header,
            self._message,
            self._show_groups,
        )
        self.details = DetailsPane(bridge, self.thumbs)
        self.details.find_similar.connect(self.find_similar)
        self.details.view.connect(self.show_viewer)

        center = QWidget()
        middle = QVBoxLayout(center)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(self.header)
        middle.addWidget(self.stack, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([220, 800, 300])
        central = QWidget()
        layout = QVBoxLayout(central)
        if demo:
            layout.addWidget(demo_banner(self.close))
        layout.addWidget(self.top_bar)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = StatusArea(
            bridge,
            self,
            self.statusBar(),
            self.undo,
            lambda: self.library.stand_in_note(self.bridge.model_key),
            self.library.unreadable,
        )

        self._shortcuts()
        self.view.zoom(self.top_bar.zoom.value())

        bridge.model_state.connect(self._model_state)
        bridge.search_done.connect(self._search_done)
        bridge.search_failed.connect(self._search_failed)
        bridge.progress.connect(self._progress)
        bridge.indexed.connect(self._indexed)
        bridge.errors.connect(self.status.set_errors)
        bridge.status.connect(self._counts)
        bridge.folders.connect(self._folders)
        bridge.failed.connect(self._failed)
        bridge.storage.connect(self._storage)

        self.memory.place(self)
        panes = self.memory.panes()
        self._set_panes(panes.sidebar, panes.details)
        self.filter_bar.setVisible(panes.filters)
        self.top_bar.filters_button.setChecked(self.filter_bar.isVisible())
        self._update_header()
        self._show_empty_state()
        self.albums.load()

    # -- keyboard ----------------------------------------------------------------------

    def _shortcuts(self) -> None:
        build_menus(self)  # Ctrl+F, Ctrl+O, Ctrl+V, Ctrl+S, Ctrl+Q, F1… live in the menus
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self.escape)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self.view.enter)
        for widget in (self.view, self.sidebar, self.details):  # not while typing a search
            info = QShortcut(QKeySequence(Qt.Key.Key_I), widget)
            info.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            info.activated.connect(self.toggle_details)

    def save_album(self) -> None:
        self.albums.save()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def escape(self) -> None:
        """Esc: out of the viewer first, then clear the search."""
        if self.stack.currentWidget() is self.viewer:
            self.close_viewer()
        else:
            self.clear()

    def clear(self) -> None:
        self.duplicates.leave()
        self.search.clear()
        self._clear_chips()
        self.results.set_hits([])
        self.last_result = None
        self.session.everywhere()
        self.sidebar.clear_choice()
        self.details.show_hit(None)
        self._update_header()
        self._show_empty_state()
        self.search.setFocus()

    def open_selected(self) -> None:
        hit = self.viewer.current() if self.stack.currentWidget() is self.viewer else None
        if hit is not None:
            actions.open_file(hit.path)
        else:
            self.view.open_selected()

    # -- panes -------------------------------------------------------------------------

    def _set_panes(self, sidebar: bool, details: bool) -> None:
        self.sidebar.setVisible(sidebar)
        self.details.setVisible(details)
        self.top_bar.sidebar_button.setChecked(sidebar)
        self.top_bar.details_button.setChecked(details)

    def toggle_sidebar(self) -> None:
        self._set_panes(not self.sidebar.isVisible(), self.details.isVisible())

    def toggle_details(self) -> None:
        self._set_panes(self.sidebar.isVisible(), not self.details.isVisible())
        if self.details.isVisible():
            self.details.show_hit(self.view.current_hit_value())

    def toggle_filters(self) -> None:
        self.filter_bar.setVisible(not self.filter_bar.isVisible())
        self.top_bar.filters_button.setChecked(self.filter_bar.isVisible())

    def _filters_changed(self, text: str) -> None:
        """The filter bar wrote new filters into the search text: search with them."""
        self.search.setText(text)
        self.run_search()

    def show_help(self) -> None:
        self.help.show()
        self.help.raise_()

    def _current_hit(self, hit: Hit | None) -> None:
        if self.details.isVisible():
            self.details.show_hit(hit)

    # -- viewer ------------------------------------------------------------------------

    def show_viewer(self) -> None:
        hits = self.results.all_hits()
        hit = self.view.current_hit_value()
        if hit is None or hit not in hits:
            return
        self.viewer.show_hits(hits, hits.index(hit))
        self.stack.setCurrentWidget(self.viewer)
        self.header.hide()
        self.viewer.setFocus()

    def close_viewer(self) -> None:
        self.viewer.stop()  # a clip playing there stops
        self.header.show()
        self.stack.setCurrentWidget(self.view)
        self.view.setFocus()

    def _viewer_moved(self, row: int) -> None:
        """The grid follows the viewer, so Esc comes back to the photo last seen."""
        hit = self.viewer.hits[row]
        self.view.select_path(hit.path)
        if self.details.isVisible():
            self.details.show_hit(hit)
        path = hit.path
        if hit.photo.is_video:
            self.bridge.run(
                lambda engine: engine.library.moments_of(path),
                lambda seconds: self.viewer.mark_moments(path, seconds),
                receiver=self.viewer,
            )
        else:
            self.people.faces_for_viewer(path)

    def _show_person(self, face: FaceBox) -> None:
        """A face clicked in the viewer: that person's photos."""
        self.close_viewer()
        if face.person_id is not None and not self.sidebar.choose_person(face.person_id):
            self.show_filter(f"person:{person_label(face.person_id, face.name)}")

    # -- browsing and saved searches ---------------------------------------------------

    def show_all_photos(self) -> None:
        self._browse(None)

    def show_folder(self, path: str) -> None:
        self._browse(path)

    def show_filter(self, where: str) -> None:
        """The photos a filter lists (a place's, this day's), newest first: the filter in
        the search field, where the user sees and can change it."""
        self.session.everywhere()
        self._clear_chips()
        self.search.setText(where)  # filters alone: newest first
        self.run_search()

    def _browse(self, folder: str | None) -> None:
        self.session.browse(folder)
        self.search.clear()
        self._clear_chips()
        self.run_search()

    def copy_image(self, path: str) -> None:
        """Put the photo on the clipboard; it is decoded off the GUI thread first."""
        name = display_name(path)
        self.bridge.run(
            lambda _: actions.read_image(path),
            lambda image: self.status.say(
                f"Copied {name}"
                if actions.put_image_on_clipboard(image)
                else f"{name} could not be read to copy it"
            ),
        )

    # -- duplicates --------------------------------------------------------------------

    def show_duplicates(self) -> None:
        """Groups of copies, the one to keep first; the others can go to the trash."""
        self.search.clear()
        self._clear_chips()
        self.session.everywhere()
        self.last_result = None
        self.duplicates.enter()

    def _show_groups(self, summary: str) -> None:
        self.stack.setCurrentWidget(self.view)
        self.header.show()
        self.header.summary.setText(summary)

    def run_saved_search(self, saved: SavedSearch) -> None:
        """Open an album: its search runs again, and the photos that arrived since it was
        last opened carry a "new" badge."""
        self.search.setText(saved.text)
        self._clear_chips()
        for path in self.session.open_album(saved):
            self._show_chip(path)

        def opened(seen: int) -> None:
            self.session.album_seen = (saved.id, seen)
            self.run_search()
            self.albums.load()  # its "new" count is spent

        self.bridge.run(lambda engine: engine.albums.opened(saved.id), opened)

    def album_gone(self, saved: SavedSearch) -> None:
        """An album was deleted: neither the sidebar nor the header names it any more."""
        entry = self.sidebar.current_entry()
        if entry is not None and entry.saved is not None and entry.saved.id == saved.id:
            self.sidebar.clear_choice()
        self._update_header()

    def search_to_keep(self) -> tuple[str, list[ImageQuery]]:
        """The search as an album keeps it: the words and filters (the folder browsed
        included) and the query images with their marks."""
        return self.session.to_keep(self.query_text())

    def _remove_folder(self, path: str) -> None:
        answer = QMessageBox.question(
            self,
            "Remove folder",
            f"Stop searching the photos in {shown(path)}?\n\n"
            "The photos themselves stay where they are; only PhotoSearch forgets them.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.bridge.request_remove_folder.emit(path)
            if self.session.inside(path):
                self.clear()

    # -- searching ---------------------------------------------------------------------

    def query_text(self) -> str:
        return self.search.text().strip()

    def run_search(self) -> None:
        self.query_bar.hold()
        self.duplicates.leave()
        self._sidebar_follows()
        text = self.query_text()
        if not self.session.asks(text):
            self.results.set_hits([])
            self.last_result = None
            self.details.show_hit(None)
            self._update_header()
            self._show_empty_state()
            return
        if not self.library.can_search(bool(self.session.images)):
            self._pending_search = True
            self.header.summary.setText("Your search will run as soon as the model is ready.")
            return
        listing = self.session.lists(text)
        if listing and self.header.order is None:
            self.header.set_order("date")  # a listing has no relevance to sort by
            self._sorted_for_listing = True
        elif not listing and self._sorted_for_listing:
            self.header.set_order(None)  # words again: best match first, unless the user chose
            self._sorted_for_listing = False
        full = self.session.full_text(text, self.header.order)
        ask = (full, self.session.image_queries(), self.session.browsing)
        self._refreshing = ask == self._ask and self.last_result is not None
        self._ask = ask
        request = self.bridge.search(ask[0], ask[1], SEARCH_LIMIT, 0, ask[2])
        self._asked_at = {request: time.monotonic()}
        self.query_bar.remember(text)

    def mark(self, hits: list[Hit], value: int) -> None:
        """👍 (+1) or 👎 (−1) on results: the search moves towards or away from them at
        once; marking again with the same value takes the mark back."""
        if not hits or not self.session.can_mark(self.query_text()):
            self.status.say("Marks steer a search: search first, then mark results.")
            return
        self.session.mark([hit.path for hit in hits], value)
        self.run_search()

    def _more(self, offset: int) -> None:
        """The user scrolled to the end of a long listing: fetch its next page."""
        full, images, everything = self._ask
        self._more_request = self.bridge.search(full, images, SEARCH_LIMIT, offset, everything)

    def _sort_changed(self) -> None:
        self._sorted_for_listing = False  # the user's own choice stays
        if self.last_result is not None or self.session.browsing:
            self.run_search()

    def _search_done(self, request: int, result: SearchResult) -> None:
        if request != self.bridge.latest_request:
            return  # an older search finished after a newer one was asked for
        if result.offset:
            if request == self._more_request:
                self.results.append_hits(result.hits, len(result.hits) < SEARCH_LIMIT)
                self._name_moments(request)
            return
        seconds = time.monotonic() - self._asked_at.get(request, time.monotonic())
        kept = self.view.current_hit_value() if self._refreshing else None
        scroll = self.view.verticalScrollBar().value()
        self.last_result = result
        self.view.delegate.marking = not result.browse
        by_month = result.sort in ("date", "oldest")
        complete = not result.browse or len(result.hits) < SEARCH_LIMIT
        if result.hits:
            self.results.set_hits(result.hits, by_month, result.months, complete, self._refreshing)
            self._name_moments(request)
            self._show_grid()
            summary = found_summary(result, seconds)
        else:
            self.results.set_hits([] if result.browse else result.weak)
            message, summary = nothing_found(result, self._asked())
            if message:
                self._message(message)
            else:
                self._show_grid()
        self._update_header()
        self.header.summary.setText(summary)
        entry = self.sidebar.current_entry()
        album = entry.saved.id if entry is not None and entry.saved is not None else None
        self.results.badges = badges(
            result, self.session.new_since(album), self.session.mark_badges()
        )
        if kept is not None and self.results.row_of(kept.path) is not None:
            self.view.select_path(kept.path)
            self.view.verticalScrollBar().setValue(scroll)
        else:
            self.view.select_first()

    def _show_grid(self) -> None:
        if self.stack.currentWidget() is not self.viewer:
            self.stack.setCurrentWidget(self.view)
            self.header.show()

    def _asked(self) -> GridAsk:
        """What the grid is asked to show, for its title and its empty states."""
        return GridAsk(
            self.sidebar.current_entry(), self.query_text(), self.session, self.duplicates.active
        )

    def _places_found(self, found: list[tuple[Place, int]]) -> None:
        self.sidebar.set_places(found)
        self.filter_bar.set_places(found)

    def _sidebar_follows(self) -> None:
        """*On this day* or a place stays chosen in the sidebar only while the search is
        its filter: once the user adds words or other filters, the grid shows a search."""
        entry = self.sidebar.current_entry()
        if entry is not None and entry.kind in ("day", "place"):
            wanted = this_day_filter() if entry.kind == "day" else entry.path
            if self.query_text() != wanted:
                self.sidebar.clear_choice()

    def _name_moments(self, request: int) -> None:
        """On this day, each year's header says how long ago and where ("3 years ago ·
        Lisbon"); the places are looked up off the GUI thread."""
        if not self._asked().this_day():
            return
        hits = self.results.all_hits()
        ids = [hit.photo.id for hit in hits]

        def named(places: dict[int, Place]) -> None:
            if request == self.bridge.latest_request:  # nothing newer is shown
                self.results.set_titles(moment_titles(hits, places))

        self.bridge.run(lambda engine: engine.library.places_of(ids), named)

    def _person_renamed(self, before: str, after: str) -> None:
        """Someone's name changed: a search naming them names them anew."""
        if self.query_text() == before:
            self.search.setText(after)
            self.run_search()

    def _update_header(self) -> None:
        """Say what the grid shows, and offer what fits it."""
        title = self._asked().title()
        self.header.show_title(
            title,
            save=bool(self.query_text() or self.session.images),
            trash=bool(self.duplicates.groups),
            sort=not self.duplicates.active,
        )
        self.search.setPlaceholderText(
            f"Search in {title} — describe a photo, or drop one here"
            if self.session.scope
            else PLACEHOLDER
        )

    def _search_failed(self, request: int, message: str) -> None:
        if request == self.bridge.latest_request:
            self._message(f"<h3>Cannot search</h3><p>{html.escape(message)}</p>")
            self.header.summary.setText("")

    # -- image queries -----------------------------------------------------------------

    def bring_forward(self, images: list[str]) -> None:
        """Show this window in front (another launch asked); photos it brings to search
        by (``--similar``, *Open with*) replace the search, never mix with what was
        typed before."""
        # out of the dock if minimised, but kept maximised if it was (showNormal was not)
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        if images:
            self.search.clear()
            self.replace_images(images)
        self.search.setFocus()

    def replace_images(self, paths: list[str]) -> None:
        """Search by these photos instead of the images (and marks) searched by so far."""
        self._clear_chips()
        for path in paths:
            if self.session.add_image(path):
                self._show_chip(path)
        self.run_search()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:  # typing at once goes to the search, never to a button
            self._shown_once = True
            self.search.setFocus()

    def add_query_image(self, path: str) -> None:
        if self.session.add_image(path):
            self._show_chip(path)
            self.run_search()

    def _show_chip(self, path: str) -> None:
        self.query_bar.add_chip(path, path in self.session.crops)

    def _image_removed(self, path: str) -> None:
        self.session.remove_image(path)
        self.run_search()

    def _clear_chips(self) -> None:
        self.session.clear_images()
        self.query_bar.clear_chips()

    def find_similar(self, path: str, crop: Crop | None = None) -> None:
        """Search the whole library for photos like ``path`` (or a region of it; of a
        clip in the results, the moment shown)."""
        row = self.results.row_of(path)
        shown = self.results.hit_at(row) if row is not None else None
        self.search.clear()
        self._clear_chips()
        if crop is not None:
            self.session.crops[path] = crop
        if shown is not None and shown.at is not None:
            self.session.moments[path] = shown.at
        self.session.everywhere()
        self.sidebar.clear_choice()
        if self.stack.currentWidget() is self.viewer:
            self.close_viewer()
        self.add_query_image(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if holds_images(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = images_in(event.mimeData(), self.bridge.paths.cache_dir / "pasted")
        if paths:  # a new search by these photos
            self.search.clear()
            self.replace_images(paths)
            event.acceptProposedAction()

    def paste(self) -> None:
        """An image or photo files on the clipboard become the images searched by (they
        replace earlier ones, never pile up); text goes into the search field."""
        mime = QGuiApplication.clipboard().mimeData()
        if holds_images(mime):
            if paths := images_in(mime, self.bridge.paths.cache_dir / "pasted"):
                self.replace_images(paths)
        elif self.search.hasFocus():
            self.search.paste()

    # -- engine state ------------------------------------------------------------------

    def _model_state(self, state: str, message: str) -> None:
        first_missing = state == "missing" and not self._welcomed
        self.library.model_state, self.library.model_message = state, message
        if first_missing:
            self._welcomed = True
            self.show_welcome()
        self.status.between_jobs(self._state_text())
        if self._pending_search and self.library.can_search(bool(self.session.images)):
            self._pending_search = False
            self.run_search()
        self._show_empty_state()

    def _progress(self, p: Progress) -> None:
        if self.status.show_progress(p, self._state_text()):
            self._show_empty_state()

    def _storage(self, message: str, short: str) -> None:
        """The data folder cannot be written (or can again): said once in a message, and
        in the status bar for as long as indexing waits."""
        if message and short != self.library.storage_problem:
            self._failed(message)
        self.library.storage_problem = short or None
        self.status.between_jobs(self._state_text())

    def _facts(self) -> LibraryFacts:
        return self.library.facts(self.status.busy, bool(self.query_text() or self.session.images))

    def _state_text(self) -> str:
        return state_text(self._facts())

    def _indexed(self, changed: int) -> None:
        """Photos were added, moved or removed: refresh a search (its count and photos,
        the details of one that is gone), or a listing still short of a page (a long
        listing is left alone: it would jump back to the top)."""
        if not changed:
            return
        self.albums.load()  # albums may have new photos
        if self.duplicates.active:  # the groups shown may have changed
            self.show_duplicates()
            return
        short = self.session.browsing and self.results.rowCount() < SEARCH_LIMIT // 4
        if self.query_text() or self.session.images or short:
            self.run_search()

    def _folders(self, folders: list) -> None:
        self.library.folders = folders
        modes = self.bridge.watch_modes()
        self.bridge.run(
            lambda engine: engine.library.folder_counts(),
            lambda counts: self.sidebar.set_folders(folders, counts, modes),
        )
        self.filter_bar.set_folders(folders)
        self.bridge.run(lambda engine: engine.library.month_counts(), self.filter_bar.set_months)
        self.bridge.run(lambda engine: engine.library.places(), self._places_found)
        self.people.refresh()
        self._show_empty_state()

    def _failed(self, message: str) -> None:
        if not any(
            isinstance(w, WelcomeDialog) and w.isVisible() for w in self.findChildren(WelcomeDialog)
        ):
            QMessageBox.warning(self, "PhotoSearch", message)

    def _counts(self, counts: dict) -> None:
        self.library.take_counts(counts)
        self.sidebar.set_total(self.library.photos)
        self._show_empty_state()

    def open_settings(self, tab: str = "general") -> None:
        SettingsDialog(self.bridge, self, tab).exec()

    def open_folders(self) -> None:
        FoldersDialog(self.bridge, self).exec()

    def show_welcome(self) -> None:
        WelcomeDialog(
            self.bridge,
            self.library.model_message if self.library.model_state == "missing" else None,
            self,
        ).open()

    def _message(
        self, rich_text: str, button: str = "", action: Callable[[], object] | None = None
    ) -> None:
        """An empty state: the icon, what is going on, and the one button that helps."""
        self.empty_page.show_message(rich_text, button, action)
        self.stack.setCurrentWidget(self.empty_page)
        self.header.setVisible(self.last_result is not None)  # "No good match" keeps its title

    def _show_empty_state(self) -> None:
        """Say what to do next when there is nothing to show."""
        if self.duplicates.active:
            return  # the duplicates view says its own
        if self.last_result is not None and self.results.rowCount():
            return
        step = next_step(self._facts())
        if step is not None:
            helps = {
                "model": self.show_welcome,
                "folders": self.open_folders,
                "browse": self.sidebar.choose_all,
            }
            self._message(step.text, step.button, helps.get(step.action or ""))

    def closeEvent(self, event: QCloseEvent) -> None:
        panes = Panes(
            self.sidebar.isVisible(), self.details.isVisible(), self.filter_bar.isVisible()
        )
        history = self.query_bar.history.stringList()
        self.memory.keep(self, history, self.top_bar.zoom.value(), panes)
        self.help.close()
        self.bridge.shutdown()
        super().closeEvent(event)
