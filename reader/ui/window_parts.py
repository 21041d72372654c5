"""Menus, toolbar, context menu and style sheet of the main window, from the shared actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton, QWidget

from reader.ui.actions import Actions
from reader.ui.theme import SPACE_S, SPACE_XS, Theme, with_alpha


def build_menus(window: QMainWindow, a: Actions) -> None:
    """File, Edit, View, Annotate and Help menus."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.setObjectName("menu_file")
    file_menu.addAction(a.open_folder)
    recent = file_menu.addMenu("Open &Recent")
    recent.setObjectName("menu_recent")
    file_menu.addAction(a.reload_episode)
    file_menu.addSeparator()
    file_menu.addAction(a.settings)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    edit = bar.addMenu("&Edit")
    edit.setObjectName("menu_edit")
    edit.addAction(a.undo)
    edit.addAction(a.redo)
    edit.addSeparator()
    for action in a.colors:
        edit.addAction(action)
    edit.addSeparator()
    for action in (a.add_note, a.tags, a.private, a.delete, a.confirm_moved, a.reattach):
        edit.addAction(action)
    edit.addSeparator()
    edit.addAction(a.copy)
    edit.addSeparator()
    for action in (a.find, a.find_next, a.find_previous):
        edit.addAction(action)

    view = bar.addMenu("&View")
    view.setObjectName("menu_view")
    view.addAction(a.show_episodes)
    view.addAction(a.show_sidebar)
    view.addAction(a.next_pane)
    view.addAction(a.previous_pane)
    view.addAction(a.outline)
    view.addSeparator()
    view.addAction(a.zoom_in)
    view.addAction(a.zoom_out)
    view.addAction(a.font)
    view.addSeparator()
    for action in a.theme_group.actions():
        view.addAction(action)

    annotate = bar.addMenu("&Annotate")
    annotate.setObjectName("menu_annotate")
    annotate.addAction(a.keep_applying)

    help_menu = bar.addMenu("&Help")
    help_menu.setObjectName("menu_help")
    help_menu.addAction(a.keyboard_shortcuts)
    help_menu.addSeparator()
    help_menu.addAction(a.about)


def build_toolbar(window: QMainWindow, a: Actions) -> QToolBar:
    """A small toolbar: open, undo/redo, the five colours, note, tags, find, keep applying."""
    toolbar = QToolBar("Toolbar", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setFloatable(False)
    toolbar.setIconSize(QSize(14, 14))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    toolbar.addAction(a.open_folder)
    toolbar.addSeparator()
    toolbar.addAction(a.undo)
    toolbar.addAction(a.redo)
    toolbar.addSeparator()
    for action in a.colors:
        toolbar.addAction(action)
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    toolbar.addSeparator()
    for action in (a.add_note, a.tags, a.find, a.outline):
        toolbar.addAction(action)
    toolbar.addSeparator()
    toolbar.addAction(a.keep_applying)
    for action in toolbar.actions():
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setObjectName(f"tool_{action.objectName().removeprefix('action_')}")
            button.setAccessibleName(str(action.property("accessibleName") or action.text()))
    return toolbar


def fill_recent_menu(menu: QMenu, folders: list[str], open_path: Callable[[Path], None]) -> None:
    """File ▸ Open Recent: one entry per folder (newest first), or a disabled note."""
    menu.clear()
    for folder in folders:
        action = menu.addAction(folder)
        action.triggered.connect(lambda _c=False, f=folder: open_path(Path(f)))
    if menu.isEmpty():
        menu.addAction("No recent folders").setEnabled(False)


def dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | None:
    """The first existing local file or folder dragged onto the window, if any."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    return next((p for p in paths if p.exists()), None)


#: Object names of actions from plugged-in parts that belong in the transcript's context menu.
CONTEXT_EXTRAS: tuple[str, ...] = ("action_copy_with_citation",)


def context_menu(parent: QWidget, a: Actions) -> QMenu:
    """The transcript's context menu: the five colours by meaning, note, tags, copy."""
    menu = QMenu(parent)
    menu.setObjectName("transcriptContextMenu")
    for action in a.colors:
        menu.addAction(action)
    menu.addSeparator()
    menu.addAction(a.add_note)
    menu.addAction(a.tags)
    menu.addSeparator()
    menu.addAction(a.copy)
    # Parts plugged in through reader.ui.features add their transcript actions here by name.
    for name in CONTEXT_EXTRAS:
        extra = parent.window().findChild(QAction, name)
        if extra is not None:
            menu.addAction(extra)
    return menu


def _rgba(value: str, alpha: int) -> str:
    color = with_alpha(value, alpha)
    return f"rgba({color.red()}, {color.green()}, {color.blue()}, {color.alpha()})"


def style_sheet(theme: Theme) -> str:
    """Small touches the palette cannot express: pane titles, splitter line, quiet chrome."""
    handle, hover = _rgba(theme.muted, 80), _rgba(theme.muted, 150)
    return f"""
QScrollBar:vertical {{ background: transparent; width: 12px; margin: 0; border: none; }}
QScrollBar:horizontal {{ background: transparent; height: 12px; margin: 0; border: none; }}
QScrollBar::handle {{ background: {handle}; border-radius: 3px; }}
QScrollBar::handle:vertical {{ min-height: 32px; margin: 2px 3px; }}
QScrollBar::handle:horizontal {{ min-width: 32px; margin: 3px 2px; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {hover}; }}
QScrollBar::add-line, QScrollBar::sub-line {{
    width: 0; height: 0; border: none; background: none;
}}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QLabel#paneTitle {{ font-weight: 600; }}
QLabel#sectionTitle {{ font-weight: 600; color: {theme.muted}; }}
QSplitter#mainSplitter::handle {{ background: {theme.separator}; }}
QToolBar#mainToolbar {{
    border: none; border-bottom: 1px solid {theme.separator};
    spacing: {SPACE_XS}px; padding: {SPACE_XS}px {SPACE_S}px;
}}
QToolBar#mainToolbar QToolButton {{ padding: 3px {SPACE_S}px; border-radius: 4px; }}
QToolBar#mainToolbar QToolButton:checked {{ background: {theme.selection}; }}
QStatusBar {{ border-top: 1px solid {theme.separator}; color: {theme.muted}; }}
QStatusBar QLabel {{ color: {theme.muted}; padding: 0 {SPACE_S}px; }}
QListView#episodeList, QListView#annotationList, QListView#orphanList {{
    background: {theme.window}; border: none;
}}
QWidget#episodePanel, QWidget#annotationSidebar {{ background: {theme.window}; }}
QWidget#findBar {{ border-bottom: 1px solid {theme.separator}; }}
QFrame#selectionBar, QFrame#outlinePanel {{
    background: {theme.base}; border: 1px solid {theme.separator}; border-radius: 8px;
}}
QFrame#selectionBar QToolButton {{ padding: 3px {SPACE_XS}px; border-radius: 4px; }}
QFrame#selectionBar QToolButton:hover {{ background: {theme.alternate_base}; }}
QFrame#selectionBarSeparator {{ color: {theme.separator}; }}
QListView#outlineList {{ background: {theme.base}; border: none; }}
QListView#outlineList::item {{ padding: {SPACE_XS}px {SPACE_S}px; border-radius: 4px; }}
QListView#outlineList::item:selected {{
    background: {theme.selection}; color: {theme.selection_text};
}}
"""
