"""Each undo command changes the store (and so the disk) and undo puts it back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from window_helpers import annotation_model, saved

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript
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

TEXT = "---\ntitle: T\n---\nThe quick brown fox jumps over the lazy dog. It naps at noon.\n"


@pytest.fixture
def model(qtbot, tmp_path: Path) -> AnnotationModel:
    return annotation_model(tmp_path, TEXT)


def disk(model: AnnotationModel) -> list:
    """The live annotations after reopening the file from disk."""
    return AnnotationStore.open(load_transcript(model.store.transcript.path)).annotations


def make(model: AnnotationModel, word: str, **kw):
    text = model.store.transcript.text
    start = text.index(word)
    return new_annotation(text, start, start + len(word), creator="T", **kw)


def test_create_undo_redo_emits_and_saves(qtbot, model: AnnotationModel) -> None:
    stack = QUndoStack()
    ann = make(model, "brown fox")
    with qtbot.waitSignal(model.annotationAdded) as added:
        stack.push(CreateAnnotationCommand(model, ann))
    assert added.args == [ann.id]
    assert [a.exact for a in disk(model)] == ["brown fox"]
    with qtbot.waitSignal(model.annotationRemoved):
        stack.undo()
    assert disk(model) == [] and model.annotations() == []
    stack.redo()
    assert [a.id for a in disk(model)] == [ann.id]


def test_edits_each_undo(qtbot, model: AnnotationModel) -> None:
    stack = QUndoStack()
    ann = make(model, "lazy dog")
    stack.push(CreateAnnotationCommand(model, ann))
    steps = [
        (lambda a: ChangeColorCommand(model, a, "pink"), lambda a: a.color == "pink"),
        (lambda a: SetTagsCommand(model, a, ["animals"]), lambda a: a.tags == ["animals"]),
        (lambda a: EditNoteCommand(model, a, "sleepy"), lambda a: a.note == "sleepy"),
    ]
    for build, check in steps:
        before = model.get(ann.id)
        with qtbot.waitSignal(model.annotationChanged):
            stack.push(build(before))
        assert check(disk(model)[0])
        stack.undo()
        assert not check(disk(model)[0])
        stack.redo()
        assert check(disk(model)[0])


def test_note_edits_merge_into_one_step(model: AnnotationModel) -> None:
    stack = QUndoStack()
    ann = make(model, "noon")
    stack.push(CreateAnnotationCommand(model, ann))
    stack.push(EditNoteCommand(model, model.get(ann.id), "lun"))
    stack.push(EditNoteCommand(model, model.get(ann.id), "lunch"))
    assert stack.count() == 2
    stack.undo()
    assert model.get(ann.id).note == ""


def test_private_moves_out_of_the_sidecar(model: AnnotationModel) -> None:
    stack = QUndoStack()
    ann = make(model, "quick")
    stack.push(CreateAnnotationCommand(model, ann))
    stack.push(SetPrivateCommand(model, model.get(ann.id), True))
    path = model.store.transcript.path
    assert saved(path) == []  # only a tombstone is left in the shared file
    assert [a.id for a in disk(model)] == [ann.id]  # the private file still has it
    stack.undo()
    assert not model.get(ann.id).private
    assert [a.id for a in saved(path)] == [ann.id]


def test_delete_reattach_and_confirm(model: AnnotationModel) -> None:
    stack = QUndoStack()
    ann = make(model, "jumps")
    stack.push(CreateAnnotationCommand(model, ann))
    stack.push(DeleteAnnotationCommand(model, model.get(ann.id)))
    assert disk(model) == []
    stack.undo()
    assert [a.id for a in disk(model)] == [ann.id]

    text = model.store.transcript.text
    start = text.index("naps")
    stack.push(
        ReattachCommand(
            model, model.get(ann.id), start=start, end=start + 4, exact="naps", prefix="", suffix=""
        )
    )
    assert (disk(model)[0].start, disk(model)[0].exact) == (start, "naps")
    stack.undo()
    assert disk(model)[0].exact == "jumps"

    moved = model.get(ann.id)
    model.update(type(moved)(**{**_fields(moved), "status": "moved"}))
    stack.push(ConfirmMovedCommand(model, model.get(ann.id)))
    assert model.get(ann.id).status == "anchored"
    stack.undo()
    assert model.get(ann.id).status == "moved"


def _fields(ann) -> dict:
    return {f: getattr(ann, f) for f in ann.__dataclass_fields__}
