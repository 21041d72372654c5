"""Every action of the main window, built in one place from one table.

Each action has text, shortcut(s), a tooltip, an accessible name (its text without mnemonics) and
an object name, so menus, the toolbar, the context menu and tests all use the same objects.
Undo and redo come from the `QUndoGroup` (their text follows the command to undo).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoGroup

from reader.core.annotations import COLORS
from reader.ui.swatches import color_icon

Std = QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[str | QKeySequence.StandardKey, ...]
    tip: str
    checkable: bool = False


SPECS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("open_folder", "&Open Folder…", (Std.Open,), "Open a folder of transcripts"),
    ActionSpec("reload_episode", "Re&load Episode", ("F5",), "Read the transcript again from disk"),
    ActionSpec("settings", "&Settings…", ("Ctrl+,",), "Your name and the colour meanings"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q", Std.Quit), "Close the program"),
    # Edit
    ActionSpec("add_note", "Add &Note…", ("N", "Ctrl+Shift+N"), "Write a note on the selection"),
    ActionSpec("tags", "&Tags…", ("Ctrl+T",), "Tag the selected passage or annotation"),
    ActionSpec("private", "&Private Note", ("Ctrl+Shift+P",), "Keep out of the shared file", True),
    ActionSpec("delete", "&Delete Annotation", (Std.Delete,), "Delete the selected annotation"),
    ActionSpec("confirm_moved", "Con&firm Position", ("Ctrl+Shift+M",), "Accept a moved passage"),
    ActionSpec("reattach", "Re-&attach to Selection", ("Ctrl+Shift+R",), "Attach a lost note here"),
    ActionSpec("copy", "&Copy", (Std.Copy,), "Copy the selected text"),
    ActionSpec("find", "&Find…", (Std.Find,), "Find text in the transcript"),
    ActionSpec("find_next", "Find Ne&xt", ("F3",), "Go to the next match"),
    ActionSpec("find_previous", "Find Pre&vious", ("Shift+F3",), "Go to the previous match"),
    # View
    ActionSpec(
        "show_episodes", "&Episode List", ("Ctrl+Shift+E",), "Show or hide the episodes", True
    ),
    ActionSpec(
        "show_sidebar", "&Annotations", ("Ctrl+Shift+A",), "Show or hide the annotations", True
    ),
    ActionSpec("next_pane", "Next &Pane", ("F6",), "Move the focus to the next pane"),
    ActionSpec("previous_pane", "Previous Pa&ne", ("Shift+F6",), "Move the focus back a pane"),
    ActionSpec("outline", "&Outline…", ("Ctrl+Shift+O",), "Jump to a heading or speaker turn"),
    ActionSpec("zoom_in", "Zoom &In", ("Ctrl+=", Std.ZoomIn), "Larger reading text"),
    ActionSpec("zoom_out", "Zoom &Out", (Std.ZoomOut, "Ctrl+-"), "Smaller reading text"),
    ActionSpec("theme_system", "&System Theme", ("Ctrl+Alt+0",), "Follow the system colours", True),
    ActionSpec("theme_light", "&Light Theme", ("Ctrl+Alt+1",), "Light colours", True),
    ActionSpec("theme_dark", "&Dark Theme", ("Ctrl+Alt+2",), "Dark colours", True),
    ActionSpec("font", "Reading &Font…", ("Ctrl+Shift+T",), "Choose the reading font"),
    # Annotate
    ActionSpec(
        "keep_applying",
        "&Keep Applying",
        ("Ctrl+K",),
        "Highlight every new selection with the last colour and tags",
        True,
    ),
    # Help
    ActionSpec(
        "keyboard_shortcuts",
        "&Keyboard Shortcuts",
        ("F1", "Ctrl+/"),
        "Every action and its keys, searchable",
    ),
    ActionSpec(
        "about",
        "&About Transcript Reader",
        ("Ctrl+F1",),
        "Version, licence and where your notes and settings are kept",
    ),
)

#: Shortcuts that belong to parts installed through `reader.ui.features` (another module defines
#: the action); the window's own actions must never take them.
RESERVED_SHORTCUTS: dict[str, str] = {
    "Ctrl+Shift+F": "Search the library (search panel)",
    "Ctrl+Shift+B": "Annotation browser",
    "Ctrl+E": "Export",
    "Ctrl+Shift+C": "Copy with citation",
}


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "")


def _apply(action: QAction, name: str, tip: str, shortcuts: tuple) -> None:
    action.setObjectName(f"action_{name}")
    sequences: list[QKeySequence] = []
    for spec in shortcuts:  # a standard key gives its platform's first binding
        key = QKeySequence(spec)
        if not key.isEmpty() and key not in sequences:
            sequences.append(key)
    action.setShortcuts(sequences)
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({keys})" if keys else tip)
    action.setStatusTip(tip)
    action.setWhatsThis(tip)


class Actions(QObject):
    """Holds every `QAction` of the window as attributes named after `ActionSpec.name`."""

    def __init__(self, parent: QObject, undo_group: QUndoGroup) -> None:
        super().__init__(parent)
        self.all: dict[str, QAction] = {}
        for spec in SPECS:
            action = QAction(spec.text, parent)
            action.setCheckable(spec.checkable)
            _apply(action, spec.name, spec.tip, spec.shortcuts)
            self.all[spec.name] = action

        self.undo = undo_group.createUndoAction(parent, "&Undo")
        _apply(self.undo, "undo", "Undo the last change", (Std.Undo,))
        self.redo = undo_group.createRedoAction(parent, "&Redo")
        _apply(self.redo, "redo", "Redo what was undone", (Std.Redo, "Ctrl+Shift+Z"))
        self.all["undo"] = self.undo
        self.all["redo"] = self.redo

        self.colors: list[QAction] = []
        for key, color in enumerate(COLORS, start=1):
            action = QAction(color_icon(color, 14), color.title(), parent)
            action.setData(color)
            _apply(action, f"color_{color}", f"Highlight the selection in {color}", (str(key),))
            self.colors.append(action)
            self.all[f"color_{color}"] = action

        self.theme_group = QActionGroup(parent)
        self.theme_group.setExclusive(True)
        for name in ("theme_system", "theme_light", "theme_dark"):
            self.theme_group.addAction(self.all[name])
            self.all[name].setData(name.removeprefix("theme_"))

        for action in self.all.values():
            action.setProperty("accessibleName", _plain(action.text()))

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["all"][name]
        except KeyError:
            raise AttributeError(name) from None

    def set_color_meanings(self, meanings: dict[str, str]) -> None:
        """Name the colour actions by what the colours mean ("Key point", …)."""
        for key, action in enumerate(self.colors, start=1):
            color = action.data()
            meaning = meanings.get(color, color.title())
            action.setText(f"&{key} {meaning}")
            action.setProperty("accessibleName", f"Highlight: {meaning}")
            action.setToolTip(f"Highlight: {meaning} ({color}) ({key})")
