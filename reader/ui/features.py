"""Parts of the window that plug in beside the three panes (panels, dialogs, watchers).

Each part adds its actions and menu entries through a light module (``*_install``, or a function
here) and imports its panel or dialog module only when first used: building the window compiles
none of them (each start compiles what it imports when no bytecode cache is written). A dock that
a saved layout shows at start makes its panel then. `MainWindow` calls `install_features` once, at
the end of its construction, so the window itself stays small and each part can be tested on its
own.

==========================  ==========================  ==========================================
part                        installed by                loaded on first use
==========================  ==========================  ==========================================
Search Library              `search_install`            `search_panel` (dock shown)
Annotation Browser          `browser_install`           `annotation_browser` (dock shown)
Export, Import, citations   `export_install`            `exporting`, `export_dialog` (action)
Recover Notes, file watcher `install_recover`           `recover_view` (action); the watcher at
                                                        once
Keyboard Shortcuts, About   `install_help`              `help` (action)
==========================  ==========================  ==========================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

#: The modules a feature loads when first used, never while the window is built (a test checks).
DEFERRED_MODULES = (
    "reader.ui.search_panel",
    "reader.ui.search_results",
    "reader.ui.search_worker",
    "reader.ui.annotation_browser",
    "reader.ui.browser_model",
    "reader.ui.browser_tags",
    "reader.ui.exporting",
    "reader.ui.export_dialog",
    "reader.ui.recover_view",
    "reader.ui.help",
)


def install_features(window: MainWindow) -> None:
    """Install every optional part into ``window`` (one line per part, in menu order)."""
    from reader.ui import browser_install, export_install, search_install

    search_install.install(window, keep_size=False)  # fixed once, with the browser's dock
    browser_install.install(window)
    export_install.install(window)
    install_recover(window)
    install_help(window)


def install_recover(window: MainWindow) -> None:
    """File › Recover… (its view loads when first opened) and the file watcher."""
    from reader.ui.watcher import install as install_watcher

    install_watcher(window)
    action = QAction("&Recover Notes…", window)
    action.setObjectName("action_recover")
    action.setToolTip("Orphaned notes, unreadable files, renamed transcripts, backups")

    def open_recover() -> None:
        from reader.ui.recover_view import open_recover

        open_recover(window)

    action.triggered.connect(open_recover)
    menu = window.findChild(QMenu, "menu_file")
    if menu is not None:
        menu.insertAction(window.actions.settings, action)
        menu.insertSeparator(window.actions.settings)
    window.addAction(action)


def install_help(window: MainWindow) -> None:
    """Connect Help ▸ Keyboard Shortcuts and Help ▸ About (their dialogs load when first opened)."""

    def show_shortcuts() -> None:
        from reader.ui.help import show_shortcuts

        show_shortcuts(window)

    def show_about() -> None:
        from reader.ui.help import show_about

        show_about(window)

    window.actions.keyboard_shortcuts.triggered.connect(show_shortcuts)
    window.actions.about.triggered.connect(show_about)
