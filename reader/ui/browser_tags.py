"""Tag work in the annotation browser: select tag groups, rename and merge them library-wide.

Mixed into `AnnotationBrowser`. Changes are `reader.ui.tag_commands` commands on the browser's
library-wide undo stack; after each one (and each undo or redo) the changed files are read
again, re-indexed for search, and recounted in the episode list.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QTreeView

from reader.ui.browser_model import UNTAGGED, BrowserEntry, BrowserModel, GroupRole
from reader.ui.dialogs import open_dialog

if TYPE_CHECKING:
    from reader.core.tags import StoreOpener, TagChange
    from reader.ui.main_window import MainWindow

Flag = QItemSelectionModel.SelectionFlag


class TagActionsMixin:
    """Rename/merge of the selected tag groups, and the browser's undo keys."""

    window_: MainWindow
    stack: QUndoStack
    model: BrowserModel
    tree: QTreeView
    _root: Path | None
    rename_action: QAction
    merge_action: QAction
    undo_action: QAction
    redo_action: QAction

    def entries(self) -> list[BrowserEntry]:
        raise NotImplementedError

    def reload_files(self, paths: list[Path]) -> None:
        raise NotImplementedError

    def selected_tags(self) -> list[str]:
        """The tag groups selected in the tree (group by tag only)."""
        if self.model.by != "tag":
            return []
        tags = []
        for index in self.tree.selectionModel().selectedRows(0):
            key = index.data(GroupRole)
            if isinstance(key, str) and key != UNTAGGED and not index.parent().isValid():
                tags.append(key)
        return tags

    def _select_tags(self, tags: list[str]) -> None:
        selection = self.tree.selectionModel()
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(GroupRole) in tags:
                flags = (
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                selection.select(index, flags)

    def all_tags(self) -> list[str]:
        return sorted({t for e in self.entries() for t in e.annotation.tags}, key=str.casefold)

    def _opener(self) -> StoreOpener:
        from reader.ui.tag_commands import window_opener  # with reader.core.tags, when used

        window = self.window_
        return window_opener(lambda: window.transcript.path if window.transcript else None,
                             window.model)  # fmt: skip

    def rename_tag(self, old: str, new: str) -> None:
        """Rename ``old`` to ``new`` in every annotation of the library (one undo step)."""
        new = " ".join(new.split())
        if self._root is None or not new or new == old:
            return
        from reader.ui.tag_commands import rename_command

        self.stack.push(rename_command(self._root, old, new, self._opener(), self._applied))

    def merge_tags(self, sources: list[str], target: str) -> None:
        """Replace every tag in ``sources`` by ``target``, library-wide (one undo step)."""
        target = " ".join(target.split())
        if self._root is None or not target or not set(sources) - {target}:
            return
        from reader.ui.tag_commands import merge_command

        command = merge_command(self._root, sources, target, self._opener(), self._applied)
        self.stack.push(command)

    def ask_rename(self) -> None:
        """Ask for the new name of the selected tag, then rename it library-wide."""
        tags = self.selected_tags()
        if len(tags) != 1:
            return
        from reader.ui.tag_dialog import TagNameDialog

        text = f"Rename “{tags[0]}” in every annotation of the library to:"
        dialog = TagNameDialog("Rename Tag", text, tags[0], self.all_tags(), self.window_)
        dialog.setObjectName("renameTagDialog")
        dialog.accepted.connect(lambda: self.rename_tag(tags[0], dialog.tag()))
        open_dialog(dialog)

    def ask_merge(self) -> None:
        """Ask which tag the selected ones become, then merge them library-wide."""
        tags = self.selected_tags()
        if not tags:
            return
        from reader.ui.tag_dialog import TagNameDialog

        listed = ", ".join(f"“{t}”" for t in tags)
        text = f"Replace {listed} in every annotation of the library by (choose or type):"
        choices = tags + [t for t in self.all_tags() if t not in tags]
        dialog = TagNameDialog("Merge Tags", text, tags[0], choices, self.window_)
        dialog.setObjectName("mergeTagsDialog")
        dialog.accepted.connect(lambda: self.merge_tags(tags, dialog.tag()))
        open_dialog(dialog)

    def _applied(self, change: TagChange) -> None:
        """After a tag change (or its undo): read the files again, re-index, recount."""
        from reader.ui.search_install import SearchDock

        paths = change.paths
        self.reload_files(paths)
        dock = self.window_.findChild(SearchDock)
        panel = dock.existing_panel() if dock is not None else None
        if panel is not None:  # a panel never shown has no index to refresh
            panel.refresh_files(paths)
        edits = len(change.edits)
        message = f"{edits} annotation{'s' if edits != 1 else ''} in {len(paths)} episodes changed"
        if change.errors:
            message += f"; {len(change.errors)} could not be changed: {change.errors[0]}"
        self.window_.show_message(message)

    def _update_buttons(self, *_args: object) -> None:
        tags = self.selected_tags()
        self.rename_action.setEnabled(len(tags) == 1)
        self.merge_action.setEnabled(bool(tags))
        self.undo_action.setEnabled(self.stack.canUndo())
        self.redo_action.setEnabled(self.stack.canRedo())
        self.undo_action.setToolTip(self.stack.undoText() or "Nothing to undo")
        self.redo_action.setToolTip(self.stack.redoText() or "Nothing to redo")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Ctrl+Z / Ctrl+Shift+Z in the list undo library-wide changes, not the episode's."""
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(
            event, QKeyEvent
        ):
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo) or (
                event.key() == Qt.Key.Key_Z
                and event.modifiers()
                == Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            )
            if undo or redo:
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    (self.stack.redo if redo else self.stack.undo)()
                return True
        return super().eventFilter(watched, event)  # type: ignore[misc]
