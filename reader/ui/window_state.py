"""The window's panes and layout: showing, hiding and cycling the focus through the panes;
saving and restoring geometry, toolbars, pane sizes and hidden panes.

The layout is stored with `LAYOUT_VERSION`; a layout saved by another version is ignored (the
window then starts with the default pane proportions) rather than restored half-wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QWidget

from reader.ui.settings import LAYOUT_VERSION, Settings

if TYPE_CHECKING:
    from reader.ui.actions import Actions
    from reader.ui.annotation_sidebar import AnnotationSidebar
    from reader.ui.episode_list import EpisodeListPanel
    from reader.ui.transcript_view import TranscriptView

    _MixinBase = QMainWindow  # for the type checker the mixin is the window it is mixed into
else:
    _MixinBase = object

#: Pane proportions of a fresh window (episode list, transcript, sidebar), in per cent.
PANE_RATIOS = (24, 50, 26)
DEFAULT_SIZE = (1280, 800)


def default_sizes(window: QMainWindow, splitter: QSplitter) -> None:
    """Split the window's width in `PANE_RATIOS`."""
    total = max(window.width(), 600)
    splitter.setSizes([total * r // 100 for r in PANE_RATIOS])


def restore_layout(window: QMainWindow, splitter: QSplitter, settings: Settings) -> list[str]:
    """Restore what `save_layout` stored; returns the names of the panes the user had hidden."""
    current = settings.value("window/layout_version") == LAYOUT_VERSION
    geometry = settings.value("window/geometry") if current else b""
    if not geometry or not window.restoreGeometry(QByteArray(geometry)):
        window.resize(*DEFAULT_SIZE)
    state = settings.value("window/state") if current else b""
    if state:
        window.restoreState(QByteArray(state), LAYOUT_VERSION)
    sizes = settings.value("window/splitter") if current else []
    if len(sizes) == splitter.count() and all(isinstance(x, int) and x >= 0 for x in sizes):
        splitter.setSizes(sizes)
    else:
        default_sizes(window, splitter)
    return list(settings.value("window/hidden_panes")) if current else []


def save_layout(
    window: QMainWindow, splitter: QSplitter, hidden: list[str], settings: Settings
) -> None:
    """Store geometry, toolbar state, pane widths and hidden panes with the layout version."""
    settings.set_value("window/layout_version", LAYOUT_VERSION)
    settings.set_value("window/geometry", bytes(window.saveGeometry().data()))
    settings.set_value("window/state", bytes(window.saveState(LAYOUT_VERSION).data()))
    settings.set_value("window/splitter", [int(x) for x in splitter.sizes()])
    settings.set_value("window/hidden_panes", hidden)


class PanesMixin(_MixinBase):
    """Pane visibility, focus cycling (F6) and the saved layout, mixed into `MainWindow`."""

    if TYPE_CHECKING:  # what it uses of `MainWindow`
        # `MainWindow` shadows the QWidget.actions() method with its `Actions`.
        actions: Actions  # type: ignore[assignment]
        settings: Settings
        panes: dict[str, QWidget]
        splitter: QSplitter
        view: TranscriptView
        sidebar: AnnotationSidebar
        episodes: EpisodeListPanel

    def set_pane_visible(self, name: str, visible: bool) -> None:
        """Show or hide the pane ``name`` ("episodes" or "sidebar"), keeping its action in step."""
        pane = self.panes[name]
        pane.setVisible(visible)
        action = self.actions.show_episodes if name == "episodes" else self.actions.show_sidebar
        action.blockSignals(True)
        action.setChecked(visible)
        action.blockSignals(False)
        focused = QApplication.focusWidget()
        if not visible and focused is not None and pane.isAncestorOf(focused):
            self.view.setFocus()

    def _cycle_focus(self, step: int) -> None:
        """F6 / Shift+F6: episode list → transcript → sidebar (the visible ones)."""
        panes = [p for p in (self.episodes, self.view, self.sidebar) if p.isVisible()]
        if not panes:
            return
        focused = QApplication.focusWidget()
        current = next(
            (i for i, p in enumerate(panes) if focused is not None and p.isAncestorOf(focused)), -1
        )
        if focused is self.view:
            current = panes.index(self.view)
        target = panes[(current + step) % len(panes)]
        widget: QWidget
        if target is self.episodes:
            view = self.episodes.view
            widget = view if view.isVisible() else self.episodes.filter_edit
        elif target is self.sidebar:
            view = self.sidebar.view
            widget = view if view.isVisible() else self.sidebar.filter_edit
        else:
            widget = self.view.text_edit()
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _restore_layout(self) -> None:
        hidden = restore_layout(self, self.splitter, self.settings)
        for name in self.panes:
            self.set_pane_visible(name, name not in hidden)

    def reset_pane_sizes(self) -> None:
        """Split the current width in the default proportions (24/50/26 %)."""
        default_sizes(self, self.splitter)

    def save_layout(self) -> None:
        """Remember the layout (on close)."""
        hidden = [name for name, pane in self.panes.items() if pane.isHidden()]
        save_layout(self, self.splitter, hidden, self.settings)
