"""The annotations of the open episode as a Qt object: the one place views learn of changes.

`AnnotationModel` wraps the episode's `AnnotationStore` (which saves every change at once) and
emits fine-grained signals after each change, so the sidebar, the transcript view and the episode
list update single rows instead of rebuilding. Undo commands call its methods; views only listen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader.core.annotations import Annotation

if TYPE_CHECKING:
    from reader.core.store import AnnotationStore


class AnnotationModel(QObject):
    """Live and orphaned annotations of one episode, changed only through this object."""

    #: An annotation id that now exists (a new one, or one brought back by undo).
    annotationAdded = Signal(str)
    #: An annotation id whose content, colour, tags, status or position changed.
    annotationChanged = Signal(str)
    #: An annotation id that no longer exists (deleted, or its creation undone).
    annotationRemoved = Signal(str)
    #: Another episode's annotations (or none) replaced everything.
    modelReset = Signal()
    #: A change could not be written to disk (it stays in memory and is retried on the next save).
    saveFailed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: AnnotationStore | None = None

    # Reading -------------------------------------------------------------------------------

    @property
    def store(self) -> AnnotationStore | None:
        return self._store

    def set_store(self, store: AnnotationStore | None) -> None:
        """Show the annotations of another episode (None: no episode open)."""
        self._store = store
        self.modelReset.emit()

    def reload(self) -> set[str]:
        """Merge what changed on disk (another program, a sync tool) and tell the views.

        Emits `annotationAdded`, `annotationChanged` or `annotationRemoved` for each id that
        changed; returns those ids (empty when nothing changed or no episode is open).
        """
        store = self._store
        if store is None:
            return set()
        before = {a.id for a in store.annotations}
        changed = set(store.reload())
        after = {a.id for a in store.annotations}
        for annotation_id in sorted(changed | (before ^ after)):
            if annotation_id in after and annotation_id not in before:
                self.annotationAdded.emit(annotation_id)
            elif annotation_id in after:
                self.annotationChanged.emit(annotation_id)
            elif annotation_id in before:
                self.annotationRemoved.emit(annotation_id)
        return (changed | (before ^ after)) & (before | after)

    def annotations(self) -> list[Annotation]:
        """Live annotations (anchored or moved), by position."""
        if self._store is None:
            return []
        return [a for a in self._store.annotations if a.status != "orphaned"]

    def orphans(self) -> list[Annotation]:
        """Annotations whose passage could not be found in the current text."""
        return list(self._store.orphans) if self._store else []

    def all(self) -> list[Annotation]:
        """Live annotations and orphans."""
        return list(self._store.annotations) if self._store else []

    def get(self, annotation_id: str) -> Annotation | None:
        return self._store.get(annotation_id) if self._store else None

    def tags(self) -> list[str]:
        """Every tag used in this episode, sorted case-insensitively."""
        return sorted({t for a in self.all() for t in a.tags}, key=str.casefold)

    # Changing (called by the undo commands) ------------------------------------------------------

    def add(self, annotation: Annotation) -> None:
        """Add ``annotation``, or bring it back after its deletion was undone."""
        store = self._require_store()
        if store.get(annotation.id) is not None:
            self.update(annotation)
            return
        self._save(lambda: store.add(annotation))
        self.annotationAdded.emit(annotation.id)

    def update(self, annotation: Annotation) -> None:
        """Replace the annotation with the same id by ``annotation`` (the store stamps it newer)."""
        store = self._require_store()
        if store.get(annotation.id) is None:
            self.add(annotation)
            return
        self._save(lambda: store.update(annotation))
        self.annotationChanged.emit(annotation.id)

    def delete(self, annotation_id: str) -> None:
        """Delete the annotation (the store keeps a tombstone so merges respect it)."""
        store = self._require_store()
        if store.get(annotation_id) is None:
            return
        self._save(lambda: store.delete(annotation_id))
        self.annotationRemoved.emit(annotation_id)

    # Helpers -----------------------------------------------------------------------------------

    def _require_store(self) -> AnnotationStore:
        if self._store is None:
            raise RuntimeError("no episode is open")
        return self._store

    def _save(self, change: Callable[[], object]) -> None:
        from reader.core.store import StoreError

        try:
            change()
        except StoreError as exc:
            self.saveFailed.emit(str(exc))
