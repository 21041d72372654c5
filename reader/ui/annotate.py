"""What the annotation actions do: turn a selection or the current annotation into commands.

`AnnotationController` knows the open transcript, the current selection and the current
annotation; every change it makes is an undo command pushed on the episode's stack (one
`QUndoStack` per episode in a `QUndoGroup`, so undo never reaches into another episode).
Dialogs are opened with ``open()`` and never block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoGroup, QUndoStack
from PySide6.QtWidgets import QDialog, QWidget

from reader.core.annotations import COLORS, Annotation
from reader.core.transcript import Transcript
from reader.ui.annotation_model import AnnotationModel
from reader.ui.commands import (
    ChangeColorCommand,
    ConfirmMovedCommand,
    CreateAnnotationCommand,
    DeleteAnnotationCommand,
    EditNoteCommand,
    ReattachCommand,
    SetPrivateCommand,
    SetTagsCommand,
)
from reader.ui.settings import Settings

if TYPE_CHECKING:  # the dialogs load when first opened (start-up stays cheap)
    from reader.ui.dialogs import NoteDialog


class AnnotationController(QObject):
    """Creates and edits annotations of the open episode through undo commands."""

    #: The annotation the user is working on changed (None: none).
    currentChanged = Signal(object)
    #: A short message for the status bar.
    message = Signal(str)

    def __init__(
        self,
        model: AnnotationModel,
        undo_group: QUndoGroup,
        settings: Settings,
        dialog_parent: QWidget,
        *,
        interactive: bool,
    ) -> None:
        super().__init__(dialog_parent)
        self.model = model
        self.undo_group = undo_group
        self.settings = settings
        self._parent = dialog_parent
        self._interactive = interactive
        self._stacks: dict[str, QUndoStack] = {}
        self._transcript: Transcript | None = None
        self.selection: tuple[int, int] | None = None
        self.current_id: str | None = None
        self.keep_applying = False
        self.last_color = COLORS[0]
        self.last_tags: list[str] = []
        self.library_tags: Callable[[], list[str]] = model.tags
        self.dialog: QDialog | None = None

    # State ---------------------------------------------------------------------------------

    def set_transcript(self, transcript: Transcript | None) -> None:
        """The episode now open: its own undo stack becomes the active one."""
        self._transcript = transcript
        self.selection = None
        self.set_current(None)
        if transcript is None:
            # Qt takes nullptr (no active stack); the PySide6 stub does not allow None.
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
            return
        key = str(transcript.path)
        if key not in self._stacks:
            self._stacks[key] = QUndoStack(self.undo_group)
        self.undo_group.setActiveStack(self._stacks[key])

    def forget_history(self, path: str) -> None:
        """Drop the undo history of ``path`` (its text changed: old steps would misplace)."""
        stack = self._stacks.get(path)
        if stack is not None:
            stack.clear()

    def set_selection(self, start: int, end: int) -> None:
        self.selection = (start, end) if end > start else None

    def set_current(self, annotation_id: str | None) -> None:
        if annotation_id != self.current_id:
            self.current_id = annotation_id
            self.currentChanged.emit(annotation_id)

    def current(self) -> Annotation | None:
        return self.model.get(self.current_id) if self.current_id else None

    def has_target(self) -> bool:
        """Whether an action has something to work on (a selection or an annotation)."""
        return self.selection is not None or self.current() is not None

    # Actions ---------------------------------------------------------------------------------

    def highlight(self, color: str) -> str | None:
        """Highlight the selection in ``color``, or recolour the current annotation."""
        self.last_color = color
        if self.selection is not None:
            same = self._annotation_at_selection()
            if same is not None:
                self.set_current(same.id)
                if same.color != color:
                    self._push(ChangeColorCommand(self.model, same, color))
                return same.id
            return self._create(color=color)
        ann = self.current()
        if ann is not None and ann.color != color:
            self._push(ChangeColorCommand(self.model, ann, color))
            return ann.id
        return None

    def apply_last(self) -> str | None:
        """Keep-applying mode: highlight the new selection with the last colour and tags."""
        if self.selection is None or self._annotation_at_selection() is not None:
            return None
        return self._create(color=self.last_color, tags=list(self.last_tags))

    def add_note(self) -> None:
        """Open the note editor for the selection (highlighting it first) or current annotation."""
        ann = self._target()
        if ann is None:
            return
        from reader.ui.dialogs import NoteDialog

        dialog = NoteDialog(ann.exact, ann.note, ann.private, self._parent)
        dialog.accepted.connect(lambda: self._note_accepted(ann.id, dialog))
        self.show_dialog(dialog)

    def edit_tags(self) -> None:
        """Open the tags editor for the selection (highlighting it first) or current annotation."""
        ann = self._target()
        if ann is None:
            return
        from reader.ui.dialogs import TagsDialog

        dialog = TagsDialog(ann.tags, self.library_tags(), self._parent)
        dialog.accepted.connect(lambda: self.set_tags(ann.id, dialog.tags()))
        self.show_dialog(dialog)

    def set_note(self, annotation_id: str, note: str, private: bool | None = None) -> None:
        ann = self.model.get(annotation_id)
        if ann is None:
            return
        if ann.note != note or (private is not None and private != ann.private):
            self._push(EditNoteCommand(self.model, ann, note, private))

    def set_tags(self, annotation_id: str, tags: list[str]) -> None:
        ann = self.model.get(annotation_id)
        if ann is not None and ann.tags != tags:
            self.last_tags = list(tags)
            self._push(SetTagsCommand(self.model, ann, tags))

    def set_private(self, private: bool) -> None:
        ann = self.current()
        if ann is not None and ann.private != private:
            self._push(SetPrivateCommand(self.model, ann, private))

    def delete(self, annotation_id: str | None = None) -> None:
        ann = self.model.get(annotation_id or self.current_id or "")
        if ann is not None:
            self._push(DeleteAnnotationCommand(self.model, ann))
            if ann.id == self.current_id:
                self.set_current(None)

    def confirm_moved(self, annotation_id: str | None = None) -> None:
        ann = self.model.get(annotation_id or self.current_id or "")
        if ann is not None and ann.status == "moved":
            self._push(ConfirmMovedCommand(self.model, ann))

    def reattach(self, annotation_id: str | None = None) -> None:
        """Attach an orphan (or moved annotation) to the passage selected now."""
        from reader.core.anchoring import describe

        ann = self.model.get(annotation_id or self.current_id or "")
        if ann is None or self._transcript is None:
            return
        if self.selection is None:
            self.message.emit("Select the passage in the transcript first, then re-attach.")
            return
        start, end = self.selection
        exact, prefix, suffix = describe(self._transcript.text, start, end)
        command = ReattachCommand(
            self.model, ann, start=start, end=end, exact=exact, prefix=prefix, suffix=suffix
        )
        self._push(command)

    # Internals -------------------------------------------------------------------------------

    def _push(self, command: QUndoCommand) -> None:
        stack = self.undo_group.activeStack()
        if stack is None:
            command.redo()
        else:
            stack.push(command)

    def _annotation_at_selection(self) -> Annotation | None:
        if self.selection is None:
            return None
        start, end = self.selection
        for ann in self.model.annotations():
            if ann.start == start and ann.end == end:
                return ann
        return None

    def _target(self) -> Annotation | None:
        """The annotation a note or tag goes on: the selection (highlighted now) or current."""
        if self.selection is not None:
            ann = self._annotation_at_selection()
            if ann is None:
                new_id = self._create(color=self.last_color)
                ann = self.model.get(new_id) if new_id else None
            if ann is not None:
                self.set_current(ann.id)
            return ann
        return self.current()

    def _create(self, *, color: str, tags: list[str] | None = None) -> str | None:
        from reader.core.store import new_annotation

        if self._transcript is None or self.selection is None or self.model.store is None:
            return None
        if not self._ensure_author(lambda: self._create(color=color, tags=tags)):
            return None
        start, end = self.selection
        ann = new_annotation(
            self._transcript.text,
            start,
            end,
            color=color,
            tags=tags or [],
            creator=self.settings.value("author/name"),
        )
        self._push(CreateAnnotationCommand(self.model, ann))
        self.set_current(ann.id)
        return ann.id

    def _ensure_author(self, then: Callable[[], object]) -> bool:
        """True when an author name is set; otherwise ask once (or take the account name)."""
        if self.settings.value("author/name"):
            return True
        from reader.ui.dialogs import AuthorDialog, default_author

        if not self._interactive:
            self.settings.set_value("author/name", default_author() or "Reader")
            return True
        dialog = AuthorDialog(self._parent)

        def accepted() -> None:
            self.settings.set_value("author/name", dialog.author() or "Reader")
            then()

        dialog.accepted.connect(accepted)
        self.show_dialog(dialog)
        return False

    def show_dialog(self, dialog: QDialog) -> None:
        """Open a dialog window-modally without a nested event loop (tests never block)."""
        self.dialog = dialog
        from reader.ui.dialogs import open_dialog

        dialog.finished.connect(self._dialog_finished)
        open_dialog(dialog)

    def _dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _note_accepted(self, annotation_id: str, dialog: NoteDialog) -> None:
        self.set_note(annotation_id, dialog.note(), dialog.private())


def is_interactive() -> bool:
    """False on the offscreen/minimal platforms (tests, screenshots): never prompt there."""
    return QGuiApplication.platformName() not in ("offscreen", "minimal")
