"""What the window gets at start for the annotation browser: the (empty) browser dock and
Annotate ▸ Annotation Browser… (Ctrl+Shift+B). The browser, and with it
`reader.ui.annotation_browser` and its model, is imported and made when the dock is first shown
(by the action or a saved layout).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

from reader.ui.search_install import find_menu, keep_minimum_size

if TYPE_CHECKING:
    from reader.ui.annotation_browser import AnnotationBrowser
    from reader.ui.browser_model import BrowserLoader
    from reader.ui.main_window import MainWindow

SHORTCUT = "Ctrl+Shift+B"


class BrowserDock(QDockWidget):
    """The dock holding the `AnnotationBrowser` (bottom by default; can float).

    The browser is made when first asked for (`browser`): at the latest when the dock is first
    shown, by the menu action or by the saved layout.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__("Annotation Browser", window)
        self.setObjectName("annotationBrowserDock")
        self.window_ = window
        self._browser: AnnotationBrowser | None = None
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.visibilityChanged.connect(self._on_visibility)

    @property
    def browser(self) -> AnnotationBrowser:
        """The annotation browser (made now if it was not yet)."""
        if self._browser is None:
            from reader.ui.annotation_browser import AnnotationBrowser  # loaded when first shown

            self._browser = AnnotationBrowser(self.window_, self)
            self.setWidget(self._browser)
        return self._browser

    def existing_browser(self) -> AnnotationBrowser | None:
        """The browser if it was made (nothing is read, nothing is on its undo stack before)."""
        return self._browser

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShowToParent:
            _ = self.browser  # before the first layout with the dock shown
        return super().event(event)

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self.browser.ensure_loaded()


class _CloseWatcher(QObject):
    def __init__(self, window: QWidget, dock: BrowserDock) -> None:
        super().__init__(window)
        self.dock = dock

    @property
    def loader(self) -> BrowserLoader | None:
        browser = self.dock.existing_browser()
        return browser.loader if browser is not None else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Close and self.loader is not None:
            self.loader.shutdown()
        return False


def install(window: MainWindow) -> BrowserDock:
    """Add the browser dock (hidden) and Annotate ▸ Annotation Browser… (Ctrl+Shift+B)."""
    dock = BrowserDock(window)
    dock.hide()
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    keep_minimum_size(window)
    action = QAction("Annotation &Browser…", window)
    action.setObjectName("action_annotation_browser")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    tip = "Every annotation of the library: filter, group by tag, rename and merge tags"
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({keys})")
    action.setStatusTip(tip)
    action.setProperty("accessibleName", "Annotation Browser")

    def show_browser() -> None:
        browser = dock.browser
        dock.show()
        dock.raise_()
        browser.ensure_loaded()
        browser.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    action.triggered.connect(show_browser)
    window.addAction(action)
    menu = find_menu(window, "menu_annotate")
    if menu is not None:
        menu.addSeparator()
        menu.addAction(action)

    def on_setting(key: str) -> None:
        browser = dock.existing_browser()
        if browser is not None and key == "annotate/color_meanings":
            browser._fill_static_choices()

    window.settings.changed.connect(on_setting)
    window.installEventFilter(_CloseWatcher(window, dock))
    return dock
