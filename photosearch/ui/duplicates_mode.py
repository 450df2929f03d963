"""The grid's duplicates mode (the sidebar's *Duplicates*): groups of copies with the one
to keep first, and *Move to trash…* with its confirmation and Undo. The window enters and
leaves it; this keeps its state (the groups shown, the search for them under way) and its
rules (a newer search for them stops the older one; what the user moved on from is
dropped)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from photosearch.core.curate.duplicates import DuplicateGroup, TrashPlan
from photosearch.core.curate.trash import Trashed
from photosearch.core.types import Hit, JobControl
from photosearch.core.wording import count
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.results import KEEP, ResultsModel, ThumbnailCache
from photosearch.ui.results_view import ResultsView
from photosearch.ui.safety import ConfirmPhotos, UndoNotice
from photosearch.ui.wording import shown

KINDS = {"exact": "Exact copies", "near": "Near-duplicates"}


class DuplicatesMode:
    def __init__(
        self,
        bridge: EngineBridge,
        window: QWidget,
        view: ResultsView,
        results: ResultsModel,
        thumbs: ThumbnailCache,
        undo: UndoNotice,
        changed: Callable[[], None],
        message: Callable[[str], None],
        show_grid: Callable[[str], None],
    ) -> None:
        """``changed``: the window says anew what it shows (its header); ``message``: an
        empty page in words; ``show_grid``: the grid, with a summary above it."""
        self.bridge = bridge
        self._window = window
        self._view = view
        self._results = results
        self._thumbs = thumbs
        self._undo = undo
        self._changed = changed
        self._message = message
        self._show_grid = show_grid
        self.groups: list[DuplicateGroup] | None = None
        """The groups shown; None: the grid is not in this mode."""
        self._control: JobControl | None = None
        self._asked = object()

    @property
    def active(self) -> bool:
        return self.groups is not None

    def enter(self) -> None:
        """Look for duplicates (again) and show them as groups, the one to keep first."""
        self.groups = []
        self._changed()
        self._message(
            "<h3>Looking for duplicates…</h3><p>PhotoSearch compares your photos; in a large "
            "library this takes a few seconds.</p>"
        )
        if self._control is not None:
            self._control.stop.set()
        control = self._control = JobControl()
        asked = self._asked = object()
        self.bridge.run(
            lambda engine: engine.library.duplicates(control=control),
            lambda groups: self._found(groups, asked),
            long=True,
        )

    def _found(self, groups: list[DuplicateGroup], asked: object) -> None:
        if asked is not self._asked or self.groups is None:
            return  # the user moved on meanwhile
        self._view.delegate.marking = False
        self.groups = groups
        self._changed()
        if not groups:
            self._message("<h3>No duplicates</h3><p>Every photo here is one of a kind.</p>")
            return
        self._results.set_groups(
            [(KINDS[g.kind], [Hit(p, None) for p in g.photos]) for g in groups], KEEP
        )
        extra = sum(len(g.photos) - 1 for g in groups)
        self._show_grid(
            f"{count(len(groups), 'group')} · {count(extra, 'photo')} besides the ones to keep"
        )
        self._view.select_first()

    def leave(self) -> None:
        if self._control is not None:
            self._control.stop.set()  # a search for them under way stops
            self._control = None
        if self.groups is not None:
            self.groups = None
            self._results.set_hits([])
            self._changed()

    def trash(self) -> None:
        """The selected photos, or else all but the first of each group, to the trash;
        each is checked again just before (the engine keeps what changed, links, and the
        last copy of a group) and what stayed is said, with why."""
        groups = self.groups or []
        keepers = {g.photos[0].path for g in groups}
        chosen: list[str] | None = [h.path for h in self._view.selected_hits()]
        if chosen is not None and all(path in keepers for path in chosen):
            chosen = None  # nothing chosen beyond the suggestion: all but the first
        paths = [p.path for g in groups for p in g.photos[1:]] if chosen is None else chosen
        if not paths:
            return
        confirm = ConfirmPhotos(
            self._window,
            "Move to trash",
            f"Move {count(len(paths), 'photo')} to the trash? They can be put back (Undo, "
            "or from the trash); one copy of each group always stays.",
            paths,
            "Move to trash",
            self._thumbs,
        )
        if confirm.exec() != ConfirmPhotos.DialogCode.Accepted:
            return
        self.bridge.run(lambda engine: engine.library.trash_copies(groups, chosen), self._trashed)

    def _trashed(self, plan: TrashPlan) -> None:
        text = f"Moved {count(len(plan.move), 'photo')} to the trash"
        if plan.skipped:
            text += f"; kept {count(len(plan.skipped), 'photo')} (hover for why)"
        self._undo.setToolTip(
            "\n".join(f"{shown(path)}: {reason}" for path, reason in plan.skipped)
        )
        items = [t for t in plan.trashed if t.can_restore]
        self._undo.offer(text, (lambda: self._put_back(items)) if items else None)
        if self.active:  # still shown: the groups as they are now (the user may have moved on)
            self.enter()

    def _put_back(self, items: list[Trashed]) -> None:
        def done(paths: list[str]) -> None:
            self._undo.offer(f"Put {count(len(paths), 'photo')} back", None)
            self.bridge.request_rescan.emit()  # listed again as they are found

        self.bridge.run(lambda engine: engine.library.restore_trashed(items), done)
