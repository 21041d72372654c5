"""Parts of the window that plug in beside the three panes (panels, dialogs, watchers).

Each part lives in its own module and exposes ``install(window)``, which adds its actions to the
window's menus and connects its signals. `MainWindow` calls `install_features` once, at the end of
its construction, so the window itself stays small and each part can be tested on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def install_features(window: MainWindow) -> None:
    """Install every optional part into ``window`` (one line per part, in menu order)."""
    from reader.ui import search_panel

    search_panel.install(window)
    from reader.ui import annotation_browser

    annotation_browser.install(window)
    from reader.ui import exporting

    exporting.install(window)
    from reader.ui import recover_view

    recover_view.install(window)
    from reader.ui import help as help_menu

    help_menu.install(window)
