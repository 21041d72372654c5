"""Library-wide tag operations: rename one tag, merge several into one, and take either back.

Every change goes through `AnnotationStore.update`, so ``modified`` advances and the usual
locked, merged, atomic save applies (a sync tool or another window never loses an edit). Each
operation returns a `TagChange` listing every annotation it changed with its tags before and
after, which is all an undo needs: `revert` sets the tags back (again through ``update``), and
`reapply` does the change once more.

Undo is a three-way merge, not a blind overwrite: if someone edited the tags of an annotation
after the rename, `revert` keeps that edit and only takes back what the rename did.

Stores come from an ``open_store`` callable (by default the transcript is parsed and its store
opened); the window passes its own for the episode it shows, so the view sees the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from reader.core.annotations import Annotation

__all__ = [
    "TagChange",
    "TagEdit",
    "TagStore",
    "library_stores",
    "merge_tags",
    "normalise_tag",
    "reapply",
    "rename_tag",
    "revert",
    "tag_counts",
]


class TagStore(Protocol):
    """What tag operations need of a store (`AnnotationStore` has it)."""

    @property
    def annotations(self) -> list[Annotation]: ...

    def get(self, ann_id: str) -> Annotation | None: ...

    def update(self, ann: Annotation) -> Annotation: ...


StoreOpener = Callable[[Path], TagStore]


@dataclass(frozen=True, slots=True)
class TagEdit:
    """One annotation whose tags an operation changed."""

    path: Path
    annotation_id: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TagChange:
    """What a tag operation did: the edits made and the files it could not change."""

    edits: tuple[TagEdit, ...] = ()
    errors: tuple[str, ...] = field(default=())

    @property
    def paths(self) -> list[Path]:
        """The transcripts whose annotations changed, in order, once each."""
        return list(dict.fromkeys(e.path for e in self.edits))

    def __len__(self) -> int:
        return len(self.edits)


def normalise_tag(tag: str) -> str:
    """A tag as the tags editor writes it: inner whitespace collapsed, trimmed."""
    return " ".join(tag.split())


def _dedupe(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tags))


def _default_opener(path: Path) -> TagStore:
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    return AnnotationStore.open(load_transcript(path))


def library_stores(root: Path) -> list[Path]:
    """Transcripts under ``root`` (a folder or one file) that have a sidecar beside them."""
    from reader.core.library import iter_transcript_paths
    from reader.core.store import sidecar_path

    root = Path(root)
    files = [root] if root.is_file() else list(iter_transcript_paths(root))
    return [p for p in files if sidecar_path(p).exists()]


def _retag_stores(
    paths: Iterable[Path],
    changes: Callable[[Path, TagStore], Iterable[tuple[Annotation, list[str]]]],
    open_store: StoreOpener | None,
) -> TagChange:
    """Open each store and set the tags ``changes(path, store)`` pairs with each annotation,
    where they differ; record every edit, and every file or annotation that could not change."""
    opener = open_store or _default_opener
    edits: list[TagEdit] = []
    errors: list[str] = []
    for path in paths:
        try:
            store = opener(path)
        except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the rest
            errors.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        for ann, new in changes(path, store):
            if new == ann.tags:
                continue
            try:
                store.update(ann.touched(tags=new))
            except Exception as exc:  # noqa: BLE001 - StoreError, or a read-only store
                errors.append(f"{path}: {exc}")
                continue
            edits.append(TagEdit(path, ann.id, tuple(ann.tags), tuple(new)))
    return TagChange(tuple(edits), tuple(errors))


def _apply(
    paths: Iterable[Path],
    retag: Callable[[list[str]], list[str]],
    open_store: StoreOpener | None,
) -> TagChange:
    """Open each store, set ``retag(tags)`` on every annotation whose tags it changes."""

    def changes(_path: Path, store: TagStore) -> Iterator[tuple[Annotation, list[str]]]:
        for ann in list(store.annotations):
            yield ann, retag(list(ann.tags))

    return _retag_stores(paths, changes, open_store)


def rename_tag(
    root: Path,
    old: str,
    new: str,
    *,
    paths: Sequence[Path] | None = None,
    open_store: StoreOpener | None = None,
) -> TagChange:
    """Rename tag ``old`` to ``new`` on every annotation under ``root``.

    An annotation that already has ``new`` keeps one copy (so renaming onto an existing tag
    merges). ``paths`` limits the transcripts visited (default: every one with a sidecar).
    """
    new = normalise_tag(new)
    if not new:
        raise ValueError("the new tag name is empty")
    if old == new:
        return TagChange()

    def retag(tags: list[str]) -> list[str]:
        if old not in tags:
            return tags
        return _dedupe(new if t == old else t for t in tags)

    return _apply(library_stores(root) if paths is None else paths, retag, open_store)


def merge_tags(
    root: Path,
    sources: Iterable[str],
    target: str,
    *,
    paths: Sequence[Path] | None = None,
    open_store: StoreOpener | None = None,
) -> TagChange:
    """Replace every tag in ``sources`` by ``target`` (once per annotation), library-wide."""
    target = normalise_tag(target)
    if not target:
        raise ValueError("the merged tag name is empty")
    merged = set(sources) - {target}
    if not merged:
        return TagChange()

    def retag(tags: list[str]) -> list[str]:
        if not merged.intersection(tags):
            return tags
        return _dedupe(target if t in merged else t for t in tags)

    return _apply(library_stores(root) if paths is None else paths, retag, open_store)


def _three_way(current: Sequence[str], ours: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """``wanted``, plus what changed from ``ours`` to ``current`` since (added kept, removed
    left out): equals ``wanted`` when nobody touched the tags in between."""
    added = [t for t in current if t not in ours]
    removed = {t for t in ours if t not in current}
    return _dedupe([t for t in wanted if t not in removed] + added)


def _replay(change: TagChange, undo: bool, open_store: StoreOpener | None) -> TagChange:
    def changes(path: Path, store: TagStore) -> Iterator[tuple[Annotation, list[str]]]:
        for edit in (e for e in change.edits if e.path == path):
            ann = store.get(edit.annotation_id)
            if ann is None:  # deleted since: nothing to take back
                continue
            ours, wanted = (edit.after, edit.before) if undo else (edit.before, edit.after)
            yield ann, _three_way(ann.tags, ours, wanted)

    return _retag_stores(change.paths, changes, open_store)


def revert(change: TagChange, *, open_store: StoreOpener | None = None) -> TagChange:
    """Set the tags of every annotation in ``change`` back to what they were before it."""
    return _replay(change, True, open_store)


def reapply(change: TagChange, *, open_store: StoreOpener | None = None) -> TagChange:
    """Make ``change`` again after a `revert` (redo)."""
    return _replay(change, False, open_store)


def tag_counts(annotations: Iterable[Annotation]) -> dict[str, int]:
    """How many of ``annotations`` carry each tag, most used first, then by name."""
    counts: dict[str, int] = {}
    for ann in annotations:
        for tag in dict.fromkeys(ann.tags):
            counts[tag] = counts.get(tag, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold())))
