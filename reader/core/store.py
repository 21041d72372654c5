"""The annotation store of one transcript: load, re-anchor, merge with disk, save atomically.

Shared annotations live in ``<transcript file name>.annotations.json`` beside the transcript;
private ones in ``user_data_dir()/private/<document uuid>.annotations.json`` (same format). Each
change is saved at once: under a lock (kept in the user cache folder, never in the library), the
file on disk is re-read and merged by id (newer ``modified`` wins, tombstones included), then
replaced atomically. A sidecar this version cannot parse, or that a newer version wrote, is never
written, moved or changed: the problem goes to ``errors`` and changes to it raise StoreError.
"""

from __future__ import annotations

import glob
import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import filelock

from reader.core import anchoring, paths, sidecar
from reader.core.annotations import Annotation, from_w3c, new_id, to_w3c
from reader.core.replica import Item, Replica, by_key, later_than, place, wins_across_files
from reader.core.sidecar import SUFFIX, SidecarError, newer, time_key
from reader.core.transcript import Transcript

__all__ = [
    "AnnotationStore",
    "StoreError",
    "new_annotation",
    "place",
    "private_path",
    "sidecar_path",
]

LOCK_TIMEOUT = 10.0  # seconds


class StoreError(Exception):
    """Annotations could not be saved (or may not be saved to this file); the message says why.

    ``kept`` tells whether the change is in the store's memory (a failed save: it is shown, and
    the next successful save writes it) or was refused (read-only store, or a file this version
    must not write: nothing changed).
    """

    def __init__(self, message: str, *, kept: bool = False) -> None:
        super().__init__(message)
        self.kept = kept


def sidecar_path(transcript_path: Path | str) -> Path:
    """``<file name>.annotations.json`` beside the transcript (``episode.md.annotations.json``)."""
    path = Path(transcript_path)
    return path.with_name(path.name + SUFFIX)


def private_path(document_id: str) -> Path:
    """Where the private annotations of a document live (user data folder, keyed by its id)."""
    m = re.fullmatch(r"urn:uuid:([0-9a-fA-F-]{36})", document_id)
    name = m.group(1).lower() if m else hashlib.sha256(document_id.encode()).hexdigest()[:32]
    return paths.user_data_dir() / "private" / (name + SUFFIX)


def lock_path(file: Path) -> Path:
    """The lock file guarding ``file``'s read-merge-write cycle, in the user cache folder.

    Keyed by a hash of the resolved path, so every process of this user finds the same lock and
    synced library folders are never cluttered with lock files.
    """
    digest = hashlib.sha256(str(file.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return paths.user_cache_dir() / "locks" / f"{digest[:32]}.lock"


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


class AnnotationStore:
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
            store._merge_conflict_copies()
        store._private = Replica(private_path(store._document_id), private=True)
        if store._id_on_disk:
            store._read(store._private)
        store._rebuild()
        return store

    def _read(self, rep: Replica) -> sidecar.Parsed | None:
        """Read ``rep``'s file into it (merging with what it holds); report problems."""
        try:
            data = sidecar.read_bytes(rep.path)
        except OSError as exc:
            self._block(rep, f"cannot be read ({exc.strerror or exc})")
            return None
        if data is None or data == rep.disk:
            return None
        try:
            parsed = sidecar.parse(data)
        except SidecarError as exc:
            self._block(rep, f"is not a sidecar this version can read: {exc}")
            return None
        if parsed.newer:
            version = parsed.header.get("formatVersion")
            self._block(rep, f"was written by a newer version (format {version}); shown read-only")
        self._absorb(rep, parsed, data)
        return parsed

    def _block(self, rep: Replica, reason: str) -> None:
        message = f"{rep.path}: {reason}. It is left untouched; notes cannot be saved to it."
        if rep.blocked is None:
            rep.blocked = reason
            self.errors.append(message)

    def _absorb(self, rep: Replica, parsed: sidecar.Parsed, data: bytes) -> set[str]:
        """Merge a file's items into ``rep``; returns the keys whose version changed."""
        doc_id = parsed.document_id
        if not rep.private and doc_id and (doc_id != self._document_id or not self._id_on_disk):
            self._adopt_document_id(doc_id)
        seen = by_key(parsed.items)
        changed = self._merge_items(rep, parsed, seen, rep.seen)
        if set(rep.items) - set(seen) or parsed.document.get("textSha256") != self._sha:
            rep.dirty = True
        rep.seen, rep.header, rep.disk = seen, parsed.header, data
        return changed

    def _merge_items(
        self, rep: Replica, parsed: sidecar.Parsed, items: dict[str, Any], known: dict[str, Any]
    ) -> set[str]:
        """Merge ``items`` (key → raw) into ``rep``, skipping versions in ``known``."""
        trusted = parsed.document.get("textSha256") == self._sha
        changed: set[str] = set()
        for key, raw in items.items():
            if known.get(key) == raw:
                continue  # not changed on disk since we last read or wrote it
            incoming = self._item_from_raw(raw, rep.private, trusted)
            current = rep.items.get(key)
            if current is None or (
                newer(current.raw, incoming.raw) is incoming.raw and current.raw != incoming.raw
            ):
                rep.items[key] = incoming
                changed.add(key)
            if rep.items[key].raw != raw:  # re-anchored, or ours is newer: needs writing
                rep.dirty = True
        return changed

    def _merge_conflict_copies(self) -> set[str]:
        """Merge the sidecar copies a sync tool made on a conflict (Syncthing, Dropbox).

        They are only read, never changed or removed: the user or the sync tool decides that.
        """
        rep = self._shared
        base = glob.escape(rep.path.name.removesuffix(".json"))
        changed: set[str] = set()
        try:
            found = sorted(
                {
                    *rep.path.parent.glob(f"{base}.sync-conflict-*.json"),
                    *rep.path.parent.glob(f"{base} (*conflicted copy*).json"),
                }
            )
        except OSError:
            return changed
        for copy in found:
            try:
                data = copy.read_bytes()
                if self._conflict_copies.get(copy.name) == data:
                    continue  # merged already
                self._conflict_copies[copy.name] = data
                parsed = sidecar.parse(data)
            except (OSError, SidecarError) as exc:
                self.warnings.append(f"{copy.name}: conflict copy not merged ({exc})")
                continue
            if parsed.document_id not in (None, self._document_id):
                self.warnings.append(f"{copy.name}: conflict copy of another document, ignored")
                continue
            changed |= self._merge_items(rep, parsed, by_key(parsed.items), {})
            self.warnings.append(f"Merged the notes of the sync conflict copy {copy.name}")
        return changed

    def _item_from_raw(self, raw: Any, private: bool, trusted: bool) -> Item:
        try:
            ann = from_w3c(raw)
        except ValueError as exc:
            self.warnings.append(f"an item this version cannot read is kept as it is: {exc}")
            return Item(raw, None)
        if private:
            ann.private = True
        placed = place(ann, self._text, trusted)
        if placed is ann:
            return Item(raw, ann)
        return Item(to_w3c(placed, self._document_id), placed)

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
    def location(self) -> str:
        """Where the notes are saved, in words, for the status bar."""
        name = self._shared.path.name
        if self.read_only:
            return f"Notes read from {name} (read-only: nothing is saved)"
        if self._shared.blocked:
            return f"Notes cannot be saved: {name} {self._shared.blocked}"
        where = f"Notes are saved in {name} next to the transcript"
        if self._private and (self._private.items or self._private.disk is not None):
            where += f"; private notes in {self._private.path.parent}"
        return where

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
            item = rep.items.get(ann_id) if rep else None
            if item is not None and item.ann is not None and not item.ann.deleted:
                self._check_writable(rep)
        tomb = Annotation(id=ann_id, exact="", start=0, end=0, created="", modified=stamp)
        tomb.deleted = True
        for rep in (self._shared, self._private):
            item = rep.items.get(ann_id) if rep else None
            if item is not None and item.ann is not None and not item.ann.deleted:
                self._store(rep, replace(tomb, private=rep.private))
        self._refresh({ann_id})
        self.save()

    def _put(self, ann: Annotation) -> Annotation:
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
        moved_out = other is not None and ann.id in other.items
        if moved_out:  # privacy changed: leave a tombstone in the file it leaves
            self._check_writable(other)
        self._store(target, ann)
        if moved_out and other.items[ann.id].ann is not None:
            if not other.items[ann.id].ann.deleted:
                tomb = Annotation(id=ann.id, exact="", start=0, end=0, created="")
                tomb.modified, tomb.deleted, tomb.private = ann.modified, True, other.private
                self._store(other, tomb)
        self._refresh({ann.id})
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
            if rep is None or not rep.dirty or rep.blocked:
                continue
            if rep.private and not self._id_on_disk:
                continue  # the shared save failed: the id is not recorded yet
            try:
                self._save(rep)
            except StoreError as exc:
                failures.append(str(exc))
        if failures:
            raise StoreError(" ".join(failures), kept=True)

    def _save(self, rep: Replica) -> None:
        try:
            lock_file = lock_path(rep.path)
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            if rep.private:
                rep.path.parent.mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(lock_file, timeout=LOCK_TIMEOUT)
            with lock:
                self._merge_and_write(rep)
        except filelock.Timeout:
            raise StoreError(
                f"Cannot save notes to {rep.path}: another program has been saving them for "
                f"{LOCK_TIMEOUT:.0f} s. Your changes are kept and will be saved next time."
            ) from None
        except OSError as exc:
            raise StoreError(
                f"Cannot save notes to {rep.path}: {exc.strerror or exc}. "
                "Your changes are kept and will be saved next time."
            ) from exc

    def _merge_and_write(self, rep: Replica) -> None:
        data = sidecar.read_bytes(rep.path)
        if data is not None and data != rep.disk:
            try:
                parsed = sidecar.parse(data)
            except SidecarError as exc:
                self._block(rep, f"is not a sidecar this version can read: {exc}")
                raise StoreError(f"Cannot save notes: {rep.path.name} {rep.blocked}.") from None
            if parsed.newer:
                self._block(rep, "was written by a newer version; shown read-only")
                raise StoreError(f"Cannot save notes: {rep.path.name} {rep.blocked}.")
            self._refresh(self._absorb(rep, parsed, data))
        header = sidecar.make_header(
            rep.header,
            document_id=self._document_id,
            path=self.transcript.path.name,
            sha256=self._sha,
            length=len(self._text),
        )
        items = sorted(rep.items.values(), key=Item.sort_key)
        out = sidecar.dumps(header, [it.serialised() for it in items])
        if not rep.swept:  # temp files left by a killed save; we hold the lock
            sidecar.remove_stale_temp_files(rep.path)
            rep.swept = True
        target = rep.path.resolve() if rep.path.is_symlink() else rep.path  # keep the link
        sidecar.atomic_write(target, out)
        rep.disk, rep.header, rep.dirty = out, header, False
        rep.seen = {key: it.raw for key, it in rep.items.items()}
        if not rep.private:
            self._id_on_disk = True

    def _adopt_document_id(self, doc_id: str) -> None:
        """The shared sidecar records the document id: keep that one (the first writer's)."""
        if doc_id == self._document_id:
            self._id_on_disk = True
            return
        if self._id_on_disk:
            self.warnings.append(f"{self._shared.path.name}: document id changed to {doc_id}")
        self._document_id = doc_id
        self._id_on_disk = True
        for rep in (self._shared, self._private):
            for key, item in rep.items.items() if rep else ():
                if item.ann is not None:
                    rep.items[key] = Item(to_w3c(item.ann, doc_id), item.ann)
        old = self._private
        if old is not None:  # its file was keyed by an id never recorded: move to the new one
            self._private = Replica(private_path(doc_id), private=True)
            self._private.items, self._private.dirty = old.items, old.dirty
            self._read(self._private)

    def reload(self) -> set[str]:
        """Re-read both files and merge what changed on disk; returns the ids that changed."""
        changed: set[str] = set()
        for rep in (self._shared, self._private):
            if rep is None:
                continue
            before = dict(rep.items)
            self._read(rep)
            if not rep.private and rep.blocked is None:
                self._merge_conflict_copies()
            changed |= {k for k, it in rep.items.items() if before.get(k) is not it}
        self._refresh(changed)
        return {k for k in changed if not k.startswith("\0")}
