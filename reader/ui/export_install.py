"""What the window gets at start for export, import and citations: File ▸ Export… (Ctrl+E),
File ▸ Import Annotations…, and Edit ▸ Copy with Citation with its style menu. The `Exporter`
(`reader.ui.exporting`, with its dialogs) is imported and made on the first export or import.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from reader.ui.export_prefs import ExportPrefs

if TYPE_CHECKING:
    from reader.ui.exporting import Exporter
    from reader.ui.main_window import MainWindow

log = logging.getLogger("reader.ui.exporting")

EXPORT_SHORTCUT = "Ctrl+E"


def shortcut_owner(window: MainWindow, key: str, ignore: QAction | None = None) -> QAction | None:
    """The action of ``window`` (menus, features and all) already bound to ``key``, if any."""
    wanted = QKeySequence(key)
    for action in window.findChildren(QAction):
        if action is ignore:
            continue
        if any(seq.matches(wanted) == QKeySequence.SequenceMatch.ExactMatch
               for seq in action.shortcuts()):  # fmt: skip
            return action
    return None


def make_action(window: MainWindow, name: str, text: str, key: str | None, tip: str) -> QAction:
    """A window action like the built-in ones: object name, tooltip with keys, accessible name.

    The shortcut is left off (and a warning logged) when another action already uses it.
    """
    action = QAction(text, window)
    action.setObjectName(f"action_{name}")
    if key:
        owner = shortcut_owner(window, key)
        if owner is None:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        else:
            log.warning("%s is taken by %s; %s gets no shortcut", key, owner.objectName(), name)
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({keys})" if keys else tip)
    action.setStatusTip(tip)
    action.setProperty("accessibleName", text.replace("&", "").replace("…", ""))
    window.addAction(action)  # shortcuts work even with the menu bar hidden
    return action


def find_menu(window: MainWindow, name: str) -> QMenu | None:
    """The window's menu with object name ``name`` (``menu_file``…), if it has one."""
    for menu in window.menuBar().findChildren(QMenu):
        if menu.objectName() == name:
            return menu
    return None


def insert_after(menu: QMenu, anchor: QAction | None, actions: list[QAction]) -> None:
    """Put ``actions`` just after ``anchor`` in ``menu`` (at the end without one)."""
    items = menu.actions()
    before = None
    if anchor is not None and anchor in items:
        index = items.index(anchor) + 1
        before = items[index] if index < len(items) else None
    for action in actions:
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)


def exporter_for(window: MainWindow) -> Exporter:
    """The window's `Exporter`, made (and `reader.ui.exporting` imported) on first use."""
    from reader.ui.exporting import Exporter

    exporter = window.findChild(Exporter)
    if exporter is None:
        prefs = window.findChild(ExportPrefs)
        if prefs is None:
            prefs = ExportPrefs(window.settings.path, window)
        exporter = Exporter(window, prefs)
    return exporter


def install(window: MainWindow) -> ExportPrefs:
    """Add File ▸ Export… (Ctrl+E), File ▸ Import Annotations… and Edit ▸ Copy with Citation."""
    from reader.ui import citation_actions

    prefs = ExportPrefs(window.settings.path, window)
    export_action = make_action(
        window,
        "export",
        "&Export…",
        EXPORT_SHORTCUT,
        "Export annotations as Markdown, CSV, JSON-LD, HTML, PDF or text",
    )
    import_action = make_action(
        window,
        "import_annotations",
        "&Import Annotations…",
        None,
        "Bring in W3C Web Annotations (JSON-LD) made here or by another tool",
    )
    export_action.triggered.connect(lambda: exporter_for(window).open_dialog())
    import_action.triggered.connect(lambda: exporter_for(window).choose_import())
    file_menu = find_menu(window, "menu_file")
    if file_menu is not None:
        separator = QAction(window)
        separator.setSeparator(True)
        anchor = window.actions.all.get("reload_episode")
        insert_after(file_menu, anchor, [separator, export_action, import_action])
    citation_actions.install(window, prefs)
    return prefs
