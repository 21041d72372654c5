"""The annotation store of one transcript: load, re-anchor, merge with disk, save atomically.

Shared annotations live in ``<transcript file name>.annotations.json`` beside the transcript;
private ones in ``user_data_dir()/private/<document uuid>.annotations.json`` (same format). Each
change is saved at once: under a lock (kept in the user cache folder, never in the library), the
file on disk is re-read and merged by id (newer ``modified`` wins, tombstones included), then
replaced atomically, with backups of the old and new bytes (``reader.core.backups``). A sidecar this
version cannot parse, or that a newer version wrote, is never written, moved or changed: the
problem goes to ``errors`` and changes to it raise StoreError. While the transcript's folder cannot
be written, the notes go to ``user_data_dir()/fallback/`` and move back on a later save. Sync
conflict copies are merged and, once saved, set aside (``reader.core.conflicts``). The file work
is in ``reader.core.store_files``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.core import anchoring, sidecar
from reader.core.annotations import Annotation, new_id, to_w3c
from reader.core.locations import fallback_path, lock_path, private_path, sidecar_path
from reader.core.replica import Item, Replica, later_than, place, wins_across_files
from reader.core.sidecar import time_key
from reader.core.store_files import LOCK_TIMEOUT, StoreError, StoreFiles
from reader.core.transcript import Transcript

__all__ = [
    "LOCK_TIMEOUT",
    "AnnotationStore",
    "StoreError",
    "lock_path",
    "new_annotation",
    "place",
    "private_path",
    "sidecar_path",
]


def new_annotation(
    text: str,
    start: int,
    end: int,
    *,
    color: str = "yellow",
    note: str = "",
    tags: tuple[str, ...] | list[str] = (),
    private: bool = False,
    creator: str = "",
) -> Annotation:
    """A new annotation of ``text[start:end]``: quote and context from anchoring.describe."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}:{end} is empty or outside the text (0:{len(text)})")
    exact, prefix, suffix = anchoring.describe(text, start, end)
    return Annotation(
        id=new_id(), exact=exact, start=start, end=end, prefix=prefix, suffix=suffix,
        creator=creator, color=color, note=note, tags=list(tags), private=private,
    )  # fmt: skip


class AnnotationStore(StoreFiles):
    """The annotations of one transcript (see the module docstring and docs/sidecar-format.md).

    Returned annotations are the stored objects: treat them as read-only and pass changed copies
    (``ann.touched(note=...)`` or ``dataclasses.replace``) to :meth:`update`.
    """

    def __init__(self, transcript: Transcript, *, read_only: bool = False) -> None:
        self.transcript = transcript
        self.read_only = read_only
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self._text = transcript.text
        self._sha = transcript.sha256
        self._shared = Replica(sidecar_path(transcript.path), private=False)
        self._private: Replica | None = None
        self._document_id = sidecar.new_document_id()
        self._id_on_disk = False  # the id is in the shared sidecar's header on disk
        self._live: dict[str, Annotation] = {}
        self._sorted: list[Annotation] | None = None
        self._conflict_copies: dict[str, bytes] = {}  # name → bytes merged
        self._pending_copies: dict[Path, bytes] = {}  # merged, to set aside once saved
        self._fallback = fallback_path(self._shared.path)
        self._fallback_disk: bytes | None = None  # its bytes as last read or written
        self._fallback_blocked: str | None = None
        self._in_fallback = False  # the last save went to the fallback file
        self._save_failed = False
        #: Things the user should be told once (conflict copies set aside, fallback in use…);
        #: read them with :meth:`take_notices`.
        self.notices: list[str] = []

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, transcript: Transcript, *, read_only: bool = False) -> AnnotationStore:
        """Load the sidecar and the private notes and anchor them in the text. Writes nothing.

        Never raises for a bad sidecar: the problem goes to ``errors`` and that file is then never
        written. ``read_only=True`` (for ``check``) also never takes a lock or creates a folder.
        """
        unreadable = not transcript.text and bool(transcript.meta.errors)
        store = cls(transcript, read_only=read_only or unreadable)
        if unreadable:  # re-anchoring on "" would orphan everything: do not save that
            store.warnings.append("The transcript could not be read: its notes are read-only.")
        store._read(store._shared)  # adopts the document id recorded in it
        if store._shared.blocked is None:
            store._read_fallback()
            store._merge_conflict_copies()
            store._in_fallback = store._fallback_disk is not None
        store._private = Replica(private_path(store._document_id), private=True)
        if store._id_on_disk:
            store._read(store._private)
        store._rebuild()
        return store

    # --- the live set -------------------------------------------------------------------------

    def _rebuild(self) -> None:
        self._live = {}
        keys = set(self._shared.items) | set(self._private.items if self._private else ())
        self._refresh(keys)

    def _refresh(self, keys: set[str]) -> None:
        """Recompute the visible version of ``keys`` from both files."""
        for key in keys:
            best = None
            for rep in (self._shared, self._private):
                item = rep.items.get(key) if rep else None
                if item is None or item.ann is None:
                    continue
                if best is None or wins_across_files(item.ann, best):
                    best = item.ann
            if best is None or best.deleted:
                self._live.pop(key, None)
            else:
                self._live[key] = best
        self._sorted = None

    def _version(self, ann_id: str) -> Annotation | None:
        """The newest version of an id in either file, tombstones included."""
        best = None
        for rep in (self._shared, self._private):
            item = rep.items.get(ann_id) if rep else None
            if item is not None and item.ann is not None:
                if best is None or wins_across_files(item.ann, best):
                    best = item.ann
        return best

    @property
    def annotations(self) -> list[Annotation]:
        """Every live annotation (orphans included), by start then id."""
        if self._sorted is None:
            self._sorted = sorted(self._live.values(), key=lambda a: (a.start, a.end, a.id))
        return list(self._sorted)

    @property
    def orphans(self) -> list[Annotation]:
        """Annotations whose passage was not found in the current text (kept until deleted)."""
        return [a for a in self.annotations if a.status == "orphaned"]

    def get(self, ann_id: str) -> Annotation | None:
        return self._live.get(ann_id)

    @property
    def sidecar_path(self) -> Path:
        return self._shared.path

    @property
    def private_path(self) -> Path | None:
        return self._private.path if self._private else None

    @property
    def document_id(self) -> str:
        """The transcript's ``urn:uuid:`` (new and unsaved until its sidecar is first written)."""
        return self._document_id

    @property
    def transcript_name(self) -> str:
        """The transcript's file name, as recorded in the sidecar header."""
        return self.transcript.path.name

    @property
    def fallback_path(self) -> Path:
        """Where the notes go while the transcript's folder cannot be written."""
        return self._fallback

    @property
    def in_fallback(self) -> bool:
        """Whether the shared notes are (also) kept in the fallback file, not yet moved back."""
        return self._in_fallback or self._fallback_disk is not None

    @property
    def location(self) -> str:
        """Where the notes are saved, in words, for the status bar."""
        name = self._shared.path.name
        if self.read_only:
            return f"Notes read from {name} (read-only: nothing is saved)"
        if self._shared.blocked:
            return f"Notes cannot be saved: {name} {self._shared.blocked}"
        if self.in_fallback:
            where = (
                f"Notes are saved in {self._fallback}: the folder {self._shared.path.parent} "
                "cannot be written (they move next to the transcript once it can)"
            )
        else:
            where = f"Notes are saved in {name} next to the transcript"
        if self._private and (self._private.items or self._private.disk is not None):
            where += f"; private notes in {self._private.path.parent}"
        return where

    @property
    def unsaved(self) -> bool:
        """Whether a change is only in memory because its save failed (the next save writes it)."""
        reps = (self._shared, self._private)
        dirty = any(r is not None and r.dirty and not r.blocked for r in reps)
        return self._save_failed and dirty

    def take_notices(self) -> list[str]:
        """The notices for the user gathered since the last call (then forgotten)."""
        out, self.notices = self.notices, []
        return out

    # --- changes ------------------------------------------------------------------------------

    def add(self, ann: Annotation) -> Annotation:
        """Add (or re-add, e.g. on undo) an annotation and save; returns the stored version."""
        return self._put(ann)

    def update(self, ann: Annotation) -> Annotation:
        """Replace the annotation with ``ann.id`` and save; returns the stored version.

        ``modified`` is bumped if the caller did not (an edit must win over the old version).
        Setting a "moved" or "orphaned" annotation's status to "anchored" (confirm, or re-attach
        with new offsets) re-reads its quote and context from the text at its offsets.
        """
        if ann.id not in self._live:
            raise KeyError(ann.id)
        return self._put(ann)

    def confirm(self, ann_id: str) -> Annotation:
        """Accept a "moved" annotation where it is now: its quote is re-read there; saves."""
        return self.update(self._live[ann_id].touched(status="anchored"))

    def delete(self, ann_id: str) -> None:
        """Delete an annotation (a tombstone is kept so merges do not bring it back) and save."""
        current = self._live.get(ann_id)
        if current is None:
            raise KeyError(ann_id)
        stamp = later_than(current.modified)
        for rep in (self._shared, self._private):
            item = rep.items.get(ann_id) if rep is not None else None
            if item is not None and item.ann is not None and not item.ann.deleted:
                self._check_writable(rep)
        tomb = Annotation(id=ann_id, exact="", start=0, end=0, created="", modified=stamp)
        tomb.deleted = True
        for rep in (self._shared, self._private):
            if rep is None:
                continue
            item = rep.items.get(ann_id)
            if item is not None and item.ann is not None and not item.ann.deleted:
                self._store(rep, replace(tomb, private=rep.private))
        self._refresh({ann_id})
        self.save()

    def put_many(self, annotations: list[Annotation]) -> None:
        """Add or replace several annotations (e.g. restored from a backup) with one save."""
        for ann in annotations:
            self._put(ann, save=False)
        if annotations:
            self.save()

    def _put(self, ann: Annotation, *, save: bool = True) -> Annotation:
        target = self._private if ann.private else self._shared
        assert target is not None
        other = self._shared if ann.private else self._private
        self._check_writable(target)
        current = self._version(ann.id)
        ann = replace(ann, deleted=False, tags=list(ann.tags), extra=dict(ann.extra))
        if current is not None and time_key(ann.modified) <= time_key(current.modified):
            ann.modified = later_than(current.modified)
        if (
            current is not None
            and current.status != "anchored"
            and ann.status == "anchored"
            and self._text[ann.start : ann.end] != ann.exact
        ):  # confirmed or re-attached: the quote now describes the passage it is on
            if not 0 <= ann.start < ann.end <= len(self._text):
                raise ValueError(f"span {ann.start}:{ann.end} is outside the text")
            ann.exact, ann.prefix, ann.suffix = anchoring.describe(self._text, ann.start, ann.end)
        # privacy changed: leave a tombstone in the file it leaves
        left = other if other is not None and ann.id in other.items else None
        if left is not None:
            self._check_writable(left)
        self._store(target, ann)
        if left is not None:
            old = left.items[ann.id].ann
            if old is not None and not old.deleted:
                tomb = Annotation(id=ann.id, exact="", start=0, end=0, created="")
                tomb.modified, tomb.deleted, tomb.private = ann.modified, True, left.private
                self._store(left, tomb)
        self._refresh({ann.id})
        if save:
            self.save()
        return ann

    def _store(self, rep: Replica, ann: Annotation) -> None:
        rep.put(ann.id, Item(to_w3c(ann, self._document_id), ann))

    def _check_writable(self, rep: Replica | None) -> None:
        if self.read_only:
            raise StoreError("These notes were opened read-only; nothing can be changed.")
        if rep is None:
            raise StoreError("Private notes are not available for this transcript.")
        if rep.blocked:
            raise StoreError(f"Cannot save notes: {rep.path.name} {rep.blocked}.")
        if rep.private and not self._id_on_disk and self._shared.blocked:
            raise StoreError(
                "Cannot save private notes: the transcript's id cannot be recorded because "
                f"{self._shared.path.name} {self._shared.blocked}."
            )

    # --- saving -------------------------------------------------------------------------------

    def prepare_save(self) -> None:
        """Serialise every item now, so that a save later serialises only what changed (its
        first save would otherwise serialise them all: ≈40 ms for 2,000 annotations). For the
        thread that opens a store before handing it to the window."""
        if self.read_only:
            return
        for rep in (self._shared, self._private):
            if rep is not None:
                for item in rep.items.values():
                    item.serialised()

    def save(self) -> None:
        """Write every file with unsaved changes (merged with disk, atomic, under a lock).

        Raises StoreError when a file cannot be written; the changes stay in memory and the next
        successful save writes them. Does nothing in a read-only store.
        """
        if self.read_only:
            return
        if self._private is not None and self._private.dirty and not self._id_on_disk:
            self._shared.dirty = True  # record the document id the private file is keyed by
        failures = []
        for private in (False, True):
            # (saving the shared file may adopt another document id and re-key the private one)
            rep = self._private if private else self._shared
            if rep is None or not self._needs_save(rep) or rep.blocked:
                continue
            if rep.private and not self._id_on_disk:
                continue  # the shared save failed: the id is not recorded yet
            try:
                self._save(rep)
            except StoreError as exc:
                failures.append(str(exc))
        self._save_failed = bool(failures)
        if failures:
            raise StoreError(" ".join(failures), kept=True)
        if self._pending_copies and not self._shared.dirty and self._shared.blocked is None:
            self._set_aside_copies()

    def settle(self) -> list[str]:
        """Finish what opening or reloading found, and return the notices for the user.

        Notes kept in the fallback folder are moved next to the transcript if its folder can be
        written now, and merged sync-conflict copies are saved into the sidecar and then set aside.
        Nothing is written when neither applies. Raises StoreError when the save fails (nothing
        is lost: the merge stays in memory and the copies stay where they are).
        """
        if not self.read_only and (self._pending_copies or self._fallback_disk is not None):
            self.save()
        return self.take_notices()

    def reload(self) -> set[str]:
        """Re-read both files and merge what changed on disk; returns the ids that changed."""
        changed: set[str] = set()
        for rep in (self._shared, self._private):
            if rep is None:
                continue
            before = dict(rep.items)
            self._read(rep)
            if not rep.private and rep.blocked is None:
                self._read_fallback()
                self._merge_conflict_copies()
            changed |= {k for k, it in rep.items.items() if before.get(k) is not it}
        self._refresh(changed)
        return {k for k in changed if not k.startswith("\0")}
