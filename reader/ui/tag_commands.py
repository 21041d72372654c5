"""Undoable library-wide tag changes: rename a tag, merge tags.

They live on a library-wide `QUndoStack` (see `reader.ui.annotation_browser`), not on an
episode's stack, because they change annotations of many episodes at once. ``redo`` applies the
change through the stores (the first time it plans and applies it, later it re-applies what was
recorded); ``undo`` sets every affected annotation's tags back on disk (`reader.core.tags.revert`).

The episode open in the window is changed through its `AnnotationModel`, so the transcript view,
the sidebar and the episode list see the change as they see any other edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtGui import QUndoCommand

from reader.core.annotations import Annotation
from reader.core.tags import (
    StoreOpener,
    TagChange,
    TagStore,
    merge_tags,
    reapply,
    rename_tag,
    revert,
)
from reader.ui.annotation_model import AnnotationModel

#: Called after each redo/undo with what it changed (to refresh views and the search index).
Applied = Callable[[TagChange], None]


class ModelStore:
    """The window's open episode seen as a `TagStore`: changes go through its model."""

    def __init__(self, model: AnnotationModel) -> None:
        self.model = model

    @property
    def annotations(self) -> list[Annotation]:
        return self.model.all()

    def get(self, ann_id: str) -> Annotation | None:
        return self.model.get(ann_id)

    def update(self, ann: Annotation) -> Annotation:
        self.model.update(ann)  # a failed save is reported by the model's saveFailed
        return self.model.get(ann.id) or ann


def window_opener(current: Callable[[], Path | None], model: AnnotationModel) -> StoreOpener:
    """Open stores for tag changes: the open episode through ``model``, others from disk."""

    def open_store(path: Path) -> TagStore:
        here = current()
        if here is not None and model.store is not None and Path(here) == Path(path):
            return ModelStore(model)
        from reader.core.store import AnnotationStore
        from reader.core.transcript import load_transcript

        return AnnotationStore.open(load_transcript(Path(path)))

    return open_store


class TagCommand(QUndoCommand):
    """A library-wide tag change; ``operation`` makes it the first time ``redo`` runs."""

    def __init__(
        self,
        text: str,
        operation: Callable[[], TagChange],
        open_store: StoreOpener,
        applied: Applied | None = None,
    ) -> None:
        super().__init__(text)
        self._operation = operation
        self._open_store = open_store
        self._applied = applied
        self.change: TagChange | None = None

    def redo(self) -> None:
        if self.change is None:
            self.change = self._operation()
            if not self.change.edits:
                self.setObsolete(True)  # nothing to undo: the stack drops the command
            done = self.change
        else:
            done = reapply(self.change, open_store=self._open_store)
        if self._applied is not None:
            self._applied(done)

    def undo(self) -> None:
        if self.change is None:
            return
        done = revert(self.change, open_store=self._open_store)
        if self._applied is not None:
            self._applied(done)


def rename_command(
    root: Path,
    old: str,
    new: str,
    open_store: StoreOpener,
    applied: Applied | None = None,
    paths: list[Path] | None = None,
) -> TagCommand:
    """Rename tag ``old`` to ``new`` in every annotation of the library at ``root``."""
    return TagCommand(
        f"Rename tag “{old}” to “{new}”",
        lambda: rename_tag(root, old, new, paths=paths, open_store=open_store),
        open_store,
        applied,
    )


def merge_command(
    root: Path,
    sources: Iterable[str],
    target: str,
    open_store: StoreOpener,
    applied: Applied | None = None,
    paths: list[Path] | None = None,
) -> TagCommand:
    """Merge every tag in ``sources`` into ``target`` across the library at ``root``."""
    names = [s for s in sources if s != target]
    listed = ", ".join(f"“{s}”" for s in names)
    return TagCommand(
        f"Merge {listed} into “{target}”",
        lambda: merge_tags(root, names, target, paths=paths, open_store=open_store),
        open_store,
        applied,
    )
