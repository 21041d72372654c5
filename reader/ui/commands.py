"""One undoable command per user action on annotations.

Each command keeps the annotation as it was before and after, and its ``redo``/``undo`` are
one-liners on the `AnnotationModel`, which saves at once: undoing a highlight removes it from the
sidecar on disk too. Consecutive note edits of one annotation merge into one undo step.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from reader.core.annotations import Annotation
from reader.ui.annotation_model import AnnotationModel

_NOTE_COMMAND_ID = 1001


class CreateAnnotationCommand(QUndoCommand):
    """Add a new highlight (with its colour, and maybe a note and tags)."""

    def __init__(self, model: AnnotationModel, annotation: Annotation) -> None:
        super().__init__("Highlight" if not annotation.note else "Add note")
        self._model = model
        self.annotation = annotation

    def redo(self) -> None:
        self._model.add(self.annotation)

    def undo(self) -> None:
        self._model.delete(self.annotation.id)


class DeleteAnnotationCommand(QUndoCommand):
    """Delete an annotation (live or orphaned); undo brings it back as it was."""

    def __init__(self, model: AnnotationModel, annotation: Annotation) -> None:
        super().__init__("Delete annotation")
        self._model = model
        self.annotation = annotation

    def redo(self) -> None:
        self._model.delete(self.annotation.id)

    def undo(self) -> None:
        self._model.add(self.annotation)


class _ReplaceCommand(QUndoCommand):
    """Swap an annotation between two versions of itself (the base of every edit)."""

    def __init__(self, model: AnnotationModel, before: Annotation, after: Annotation, text: str):
        super().__init__(text)
        self._model = model
        self.before = before
        self.after = after

    def redo(self) -> None:
        self._model.update(self.after)

    def undo(self) -> None:
        self._model.update(self.before)


class EditNoteCommand(_ReplaceCommand):
    """Change the note (and whether the annotation is private)."""

    def __init__(
        self,
        model: AnnotationModel,
        before: Annotation,
        note: str,
        private: bool | None = None,
    ) -> None:
        private = before.private if private is None else private
        super().__init__(model, before, replace(before, note=note, private=private), "Edit note")

    def id(self) -> int:
        return _NOTE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Typing pauses save the note; the pieces of one edit undo together."""
        if not isinstance(other, EditNoteCommand) or other.after.id != self.after.id:
            return False
        self.after = other.after
        return True


class ChangeColorCommand(_ReplaceCommand):
    def __init__(self, model: AnnotationModel, before: Annotation, color: str) -> None:
        super().__init__(model, before, replace(before, color=color), "Change colour")


class SetTagsCommand(_ReplaceCommand):
    def __init__(self, model: AnnotationModel, before: Annotation, tags: list[str]) -> None:
        super().__init__(model, before, replace(before, tags=list(tags)), "Set tags")


class SetPrivateCommand(_ReplaceCommand):
    def __init__(self, model: AnnotationModel, before: Annotation, private: bool) -> None:
        text = "Make private" if private else "Make shared"
        super().__init__(model, before, replace(before, private=private), text)


class ReattachCommand(_ReplaceCommand):
    """Attach an orphaned (or moved) annotation to a passage the user selected."""

    def __init__(
        self,
        model: AnnotationModel,
        before: Annotation,
        *,
        start: int,
        end: int,
        exact: str,
        prefix: str,
        suffix: str,
    ) -> None:
        after = replace(
            before,
            start=start,
            end=end,
            exact=exact,
            prefix=prefix,
            suffix=suffix,
            status="anchored",
        )
        super().__init__(model, before, after, "Re-attach annotation")


class ConfirmMovedCommand(_ReplaceCommand):
    """Accept where re-anchoring put a moved annotation."""

    def __init__(self, model: AnnotationModel, before: Annotation) -> None:
        super().__init__(model, before, replace(before, status="anchored"), "Confirm position")
