"""What the window gets at start for library search: the (empty) search dock and Edit ▸ Search
Library… (Ctrl+Shift+F). The panel, and with it `reader.ui.search_panel` and the search
machinery, is imported and made when the dock is first shown (by the action or a saved layout).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow
    from reader.ui.search_panel import SearchPanel
    from reader.ui.search_worker import SearchWorker

SHORTCUT = "Ctrl+Shift+F"


class SearchDock(QDockWidget):
    """The dock holding the `SearchPanel`; its visibility is saved with the window layout.

    The panel is made when first asked for (`panel`): at the latest when the dock is first shown,
    by the menu action or by the saved layout.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__("Search Library", window)
        self.setObjectName("searchDock")
        self.window_ = window
        self._panel: SearchPanel | None = None
        self.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.visibilityChanged.connect(self._on_visibility)

    @property
    def panel(self) -> SearchPanel:
        """The search panel (made now if it was not yet)."""
        if self._panel is None:
            from reader.ui.search_panel import SearchPanel  # loaded when first shown

            self._panel = SearchPanel(self.window_, self)
            self.setWidget(self._panel)
            self._panel.apply_theme()
        return self._panel

    def existing_panel(self) -> SearchPanel | None:
        """The panel if it was made (it has no index, no worker thread, no results before)."""
        return self._panel

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShowToParent:
            _ = self.panel  # before the first layout with the dock shown
        return super().event(event)

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self.panel.ensure_index()


class _CloseWatcher(QObject):
    """Stops the worker when the window closes, so no thread outlives it."""

    def __init__(self, window: QWidget, dock: SearchDock) -> None:
        super().__init__(window)
        self.dock = dock

    @property
    def worker(self) -> SearchWorker | None:
        panel = self.dock.existing_panel()
        return panel.worker if panel is not None else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Close and self.worker is not None:
            self.worker.shutdown()
        return False


def find_menu(window: MainWindow, name: str) -> QMenu | None:
    """The window's menu with object name ``name`` (``menu_edit``…), if it has one."""
    for menu in window.menuBar().findChildren(QMenu):
        if menu.objectName() == name:
            return menu
    return None


def keep_minimum_size(window: QWidget) -> None:
    """Fix the window's minimum size at what its panes need now (docks hidden).

    Showing or hiding a dock would otherwise change the window's minimum size, which the window
    system is told each time (and some platforms refuse); a dock shown in a small window takes
    its room from the panes instead.
    """
    layout = window.layout()
    if layout is not None:
        layout.activate()
    size = window.minimumSize()
    width, height = max(size.width(), 1), max(size.height(), 1)
    # Qt records a minimum as explicit (kept by the layout) only when the value changes.
    window.setMinimumSize(width + 1, height + 1)
    window.setMinimumSize(width, height)


def install(window: MainWindow, *, keep_size: bool = True) -> SearchDock:
    """Add the search dock (hidden) and Edit ▸ Search Library… (Ctrl+Shift+F) to ``window``.

    ``keep_size=False``: the caller fixes the window's minimum size (`keep_minimum_size`) once
    its other docks are added (each fixing costs a layout pass)."""
    dock = SearchDock(window)
    dock.hide()
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    if keep_size:
        keep_minimum_size(window)
    action = QAction("Search &Library…", window)
    action.setObjectName("action_search_library")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    tip = "Search every transcript and note in the library"
    action.setToolTip(f"{tip} ({keys})")
    action.setStatusTip(tip)
    action.setProperty("accessibleName", "Search Library")

    def show_panel() -> None:
        panel = dock.panel
        dock.show()
        dock.raise_()
        panel.ensure_index()
        panel.focus_query()

    action.triggered.connect(show_panel)
    window.addAction(action)
    menu = find_menu(window, "menu_edit")
    if menu is not None:
        menu.addSeparator()
        menu.addAction(action)

    def on_setting(key: str) -> None:
        panel = dock.existing_panel()
        if panel is not None and key == "appearance/theme":
            panel.apply_theme()

    window.settings.changed.connect(on_setting)
    window.installEventFilter(_CloseWatcher(window, dock))
    return dock
