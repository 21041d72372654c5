"""The annotating half of the main window: selection, the floating bar, highlights and counts.

`AnnotatingMixin` is mixed into `MainWindow` (it uses the window's parts: ``view``, ``controller``,
``model``, ``actions``, ``sidebar``, ``episodes``); it keeps the transcript view, the sidebar, the
episode list and the actions in step with the `AnnotationModel`'s signals, and shows the
`SelectionBar` once a mouse selection settles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from reader.core.annotations import Annotation
from reader.ui.library_loader import AnnotationCounts
from reader.ui.window_parts import context_menu

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel, QMainWindow

    from reader.core.transcript import Transcript
    from reader.ui.actions import Actions
    from reader.ui.annotate import AnnotationController
    from reader.ui.annotation_model import AnnotationModel
    from reader.ui.annotation_sidebar import AnnotationSidebar
    from reader.ui.episode_list import EpisodeListPanel
    from reader.ui.selection_bar import SelectionBar
    from reader.ui.settings import Settings
    from reader.ui.transcript_view import TranscriptView

    _MixinBase = QMainWindow  # for the type checker the mixin is the window it is mixed into
else:
    _MixinBase = object

#: Pause after the mouse selection stops changing before the floating bar (or keep-applying) acts.
SELECTION_SETTLE_MS = 350


class AnnotatingMixin(_MixinBase):
    """Slots of `MainWindow` that turn selections into annotations and repaint after changes."""

    if TYPE_CHECKING:  # what it uses of `MainWindow`
        # `MainWindow` shadows the QWidget.actions() method with its `Actions`.
        actions: Actions  # type: ignore[assignment]
        controller: AnnotationController
        model: AnnotationModel
        settings: Settings
        transcript: Transcript | None
        view: TranscriptView
        sidebar: AnnotationSidebar
        episodes: EpisodeListPanel
        selection_bar: SelectionBar
        location_label: QLabel
        _selection_timer: QTimer
        _bar_pending: bool

        def show_message(self, text: str) -> None: ...

    # Selection and the floating bar ------------------------------------------------------------

    def _highlight(self, color: str) -> None:
        if self.controller.highlight(color) is None and not self.controller.has_target():
            self.show_message("Select text in the transcript first, then press 1-5.")

    def _on_selection(self, start: int, end: int) -> None:
        self.controller.set_selection(start, end)
        self.selection_bar.hide()  # a new selection (or none): the old bar is stale
        if end > start and self.actions.keep_applying.isChecked():
            self._selection_timer.start()
        self._update_actions()

    def _on_mouse_selection(self) -> None:
        """The mouse made a selection: offer the floating bar once it settles."""
        self._bar_pending = True
        self._selection_timer.start()

    def _on_selection_settled(self) -> None:
        """The selection stopped changing: keep applying, or show the floating bar."""
        if QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._selection_timer.start()
            return
        if self.actions.keep_applying.isChecked():
            self._bar_pending = False
            self.controller.apply_last()
            return
        if self._bar_pending and self.controller.selection is not None:
            rect = self.view.selection_rect()
            if rect is not None and self.view.text_edit().hasFocus():
                self.selection_bar.show_near(rect)
        self._bar_pending = False

    def _hide_selection_bar(self) -> None:
        self._bar_pending = False
        self.selection_bar.hide()

    def _on_keep_applying(self, on: bool) -> None:
        self.controller.keep_applying = on
        color = self.settings.color_meaning(self.controller.last_color)
        self.show_message(f"Keep applying: {color}" if on else "Keep applying is off")

    def _show_context_menu(self, pos: QPoint) -> None:
        self._hide_selection_bar()
        menu = context_menu(self, self.actions)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)

    def _copy(self) -> None:
        if self.transcript is not None and self.controller.selection is not None:
            start, end = self.controller.selection
            QGuiApplication.clipboard().setText(self.transcript.text[start:end])
            self.show_message(f"Copied {end - start} characters")

    # The current annotation --------------------------------------------------------------------

    def _on_annotation_clicked(self, annotation_id: str) -> None:
        self.controller.set_current(annotation_id)

    def _on_sidebar_selected(self, annotation_id: str) -> None:
        self.controller.set_current(annotation_id)
        ann = self.model.get(annotation_id)
        if ann is not None and ann.status != "orphaned":
            self.view.scroll_to_offset(ann.start, flash=True, end=ann.end)

    def _on_current_changed(self, annotation_id: str | None) -> None:
        ann = self.model.get(annotation_id) if annotation_id else None
        visible = ann is not None and ann.status != "orphaned"
        self.view.set_current_annotation(annotation_id if visible else None)
        self.sidebar.select_annotation(annotation_id)
        self._update_actions()

    def _on_private_toggled(self, on: bool) -> None:
        self.controller.set_private(on)

    # Model changes → views ---------------------------------------------------------------------

    def _on_annotation_added(self, annotation_id: str) -> None:
        ann = self.model.get(annotation_id)
        if ann is not None and ann.status != "orphaned":
            self.view.update_annotation(ann)
        self._after_change()

    def _on_annotation_changed(self, annotation_id: str) -> None:
        ann = self.model.get(annotation_id)
        if ann is None:
            return
        if ann.status == "orphaned":
            self.view.remove_annotation(annotation_id)
        else:
            self.view.update_annotation(ann)
        self._after_change()

    def _on_annotation_removed(self, annotation_id: str) -> None:
        self.view.remove_annotation(annotation_id)
        if self.controller.current_id == annotation_id:
            self.controller.set_current(None)
        self._after_change()

    def _after_change(self) -> None:
        self._update_counts()
        self._update_actions()
        if self.model.store is not None:
            self.location_label.setText(self.model.store.location)

    def _on_save_failed(self, message: str) -> None:
        self.show_message(message)
        self.location_label.setText("⚠ Notes not saved")

    def _update_counts(self) -> None:
        if self.transcript is None:
            return
        store = self.model.store
        counts = AnnotationCounts(
            live=len(self.model.annotations()),
            orphans=len(self.model.orphans()),
            moved=sum(1 for a in self.model.annotations() if a.status == "moved"),
            problems=tuple(store.errors) if store else (),
            tags=frozenset(self.model.tags()),
        )
        self.episodes.model.set_count(str(self.transcript.path), counts)

    def _update_actions(self) -> None:
        a = self.actions
        has_episode = self.transcript is not None
        target = has_episode and self.controller.has_target()
        current = self.controller.current()
        for action in a.colors:  # always in colour; without a target they say what to do
            action.setEnabled(has_episode)
        for action in (a.add_note, a.tags):
            action.setEnabled(target)
        a.delete.setEnabled(current is not None)
        a.private.setEnabled(current is not None)
        a.private.blockSignals(True)
        a.private.setChecked(bool(current and current.private))
        a.private.blockSignals(False)
        a.confirm_moved.setEnabled(current is not None and current.status == "moved")
        a.reattach.setEnabled(current is not None and self.controller.selection is not None)
        a.copy.setEnabled(self.controller.selection is not None)
        for action in (a.find, a.find_next, a.find_previous, a.zoom_in, a.zoom_out):
            action.setEnabled(has_episode)
        a.outline.setEnabled(has_episode)
        a.reload_episode.setEnabled(has_episode)


def reload_summary(
    before: dict[str, tuple[str, int | None, int | None]], after: list[Annotation]
) -> str:
    """ "Reloaded: 2 annotations moved, 1 lost its passage", comparing ``after`` with ``before``
    (id → (status, start, end) taken before the transcript was read again)."""
    moved = orphaned = 0
    for ann in after:
        old = before.get(ann.id)
        if old is None:
            continue
        if ann.status == "orphaned" and old[0] != "orphaned":
            orphaned += 1
        elif ann.status != "orphaned" and (ann.start, ann.end) != (old[1], old[2]):
            moved += 1
    parts = []
    if moved:
        parts.append(f"{moved} annotation{'s' if moved != 1 else ''} moved")
    if orphaned:
        lost = "lost their passage" if orphaned != 1 else "lost its passage"
        parts.append(f"{orphaned} {lost} (see Lost passages)")
    if parts:
        return "Reloaded: " + ", ".join(parts)
    if before:
        return f"Reloaded: all {len(before)} annotations in place"
    return "Reloaded"
