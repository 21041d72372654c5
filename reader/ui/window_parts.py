"""Menus, toolbar, context menu and style sheet of the main window, from the shared actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QActionEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton, QWidget

from reader.ui.actions import Actions
from reader.ui.icons import ACTION_ICONS, IconTinter
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


#: Icon size of the toolbar's line icons (logical px; the colour swatches are drawn smaller).
TOOLBAR_ICON = 20
#: Actions of parts installed through `reader.ui.features` that get a toolbar button (by object
#: name), placed after the outline button as soon as the part adds them to the window.
TOOLBAR_EXTRAS: tuple[str, ...] = ("action_search_library",)


def build_toolbar(window: QMainWindow, a: Actions) -> QToolBar:
    """A small toolbar: open, undo/redo, the five colours, note, tags, find, outline, search
    library, keep applying.

    Every button but the colours shows one of our line icons (`reader.ui.icons`), tinted from the
    palette and re-tinted on a theme change, with the action's name and keys as its tooltip;
    "Keep Applying" is a mode, so it keeps its text beside the icon.
    """
    toolbar = QToolBar("Toolbar", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setFloatable(False)
    toolbar.setIconSize(QSize(TOOLBAR_ICON, TOOLBAR_ICON))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    tinter = IconTinter(toolbar, TOOLBAR_ICON)
    for name in ACTION_ICONS:
        if name in a.all:
            tinter.add(a.all[name], name)
    toolbar.addAction(a.open_folder)
    toolbar.addSeparator()
    toolbar.addAction(a.undo)
    toolbar.addAction(a.redo)
    toolbar.addSeparator()
    for action in a.colors:
        toolbar.addAction(action)
    toolbar.addSeparator()
    for action in (a.add_note, a.tags, a.find, a.outline):
        toolbar.addAction(action)
    extras_at = toolbar.addSeparator()
    toolbar.addAction(a.keep_applying)
    keep = toolbar.widgetForAction(a.keep_applying)
    if isinstance(keep, QToolButton):
        keep.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in toolbar.actions():
        _name_button(toolbar, action)
    window.installEventFilter(_ExtrasWatcher(window, toolbar, tinter, extras_at))
    return toolbar


def toolbar_tinter(toolbar: QToolBar) -> IconTinter | None:
    """The `IconTinter` of a toolbar made by `build_toolbar`."""
    tinter = toolbar.findChild(IconTinter)
    return tinter if isinstance(tinter, IconTinter) else None


def _name_button(toolbar: QToolBar, action: QAction) -> None:
    button = toolbar.widgetForAction(action)
    if not isinstance(button, QToolButton):
        return
    button.setObjectName(f"tool_{action.objectName().removeprefix('action_')}")
    name = str(action.property("accessibleName") or action.text().replace("&", ""))
    button.setAccessibleName(name)
    tip = action.toolTip()
    if not action.data() and not tip.startswith(name):  # a colour's tip names its meaning
        action.setToolTip(f"{name} — {tip}" if tip else name)


class _ExtrasWatcher(QObject):
    """Puts the `TOOLBAR_EXTRAS` actions on the toolbar when a part adds them to the window."""

    def __init__(
        self, window: QMainWindow, toolbar: QToolBar, tinter: IconTinter, before: QAction
    ) -> None:
        super().__init__(toolbar)
        self._toolbar = toolbar
        self._tinter = tinter
        self._before = before

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ActionAdded and isinstance(event, QActionEvent):
            action = event.action()
            if action.objectName() in TOOLBAR_EXTRAS and action not in self._toolbar.actions():
                self._tinter.add(action, action.objectName().removeprefix("action_"))
                self._toolbar.insertAction(self._before, action)
                _name_button(self._toolbar, action)
        return False


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
