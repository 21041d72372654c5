"""The file side of the annotation store: reading, merging and saving its files.

A mixin of :class:`reader.core.store.AnnotationStore`, kept apart so each module stays small.
It reads the shared sidecar, the private notes, a fallback copy (while the transcript's folder
cannot be written) and sync-conflict copies; merges them by id and ``modified``; and saves under a
lock, atomically, keeping backups of what it overwrites and of what it writes. See
``docs/sidecar-format.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import filelock

from reader.core import backups, conflicts, sidecar
from reader.core.annotations import from_w3c, to_w3c
from reader.core.locations import lock_path, private_path
from reader.core.replica import Item, Replica, by_key, place
from reader.core.sidecar import SidecarError, UnwritableFolder, newer

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


class StoreFiles:
    """Reading, merging and writing the store's files (state is set up by AnnotationStore)."""

    read_only: bool
    errors: list[str]
    warnings: list[str]
    notices: list[str]
    _text: str
    _sha: str
    _shared: Replica
    _private: Replica | None
    _document_id: str
    _id_on_disk: bool
    _fallback: Path
    _fallback_disk: bytes | None
    _fallback_blocked: str | None
    _in_fallback: bool
    _conflict_copies: dict[str, bytes]
    _pending_copies: dict[Path, bytes]

    def _refresh(self, keys: set[str]) -> None:  # pragma: no cover - AnnotationStore's
        raise NotImplementedError

    @property
    def transcript_name(self) -> str:  # pragma: no cover - AnnotationStore's
        raise NotImplementedError

    # --- reading ------------------------------------------------------------------------------

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
        self,
        rep: Replica,
        parsed: sidecar.Parsed,
        items: dict[str, Any],
        known: dict[str, Any],
        *,
        other_file: bool = False,
    ) -> set[str]:
        """Merge ``items`` (key → raw) into ``rep``, skipping versions in ``known``.

        ``other_file``: the items come from a file other than ``rep``'s own (a conflict copy, a
        fallback, a re-linked sidecar), so only what they add makes ``rep`` need a save; their
        annotations are re-keyed to this document.
        """
        trusted = parsed.document.get("textSha256") == self._sha
        changed: set[str] = set()
        for key, raw in items.items():
            if known.get(key) == raw:
                continue  # not changed on disk since we last read or wrote it
            incoming = self._item_from_raw(raw, rep.private, trusted, rekey=other_file)
            current = rep.items.get(key)
            if current is None or (
                newer(current.raw, incoming.raw) is incoming.raw and current.raw != incoming.raw
            ):
                rep.items[key] = incoming
                changed.add(key)
                if other_file:
                    rep.dirty = True
            if not other_file and rep.items[key].raw != raw:  # re-anchored, or ours is newer
                rep.dirty = True
        return changed

    def _item_from_raw(self, raw: Any, private: bool, trusted: bool, rekey: bool = False) -> Item:
        try:
            ann = from_w3c(raw)
        except ValueError as exc:
            self.warnings.append(f"an item this version cannot read is kept as it is: {exc}")
            return Item(raw, None)
        if private:
            ann.private = True
        placed = place(ann, self._text, trusted)
        if placed is ann and not rekey:
            return Item(raw, ann)
        return Item(to_w3c(placed, self._document_id), placed)

    def merge_file(self, path: Path, *, private: bool = False) -> set[str]:
        """Merge another sidecar file's notes (a copy, a re-linked sidecar) into this store.

        Nothing is saved: the next save writes the result. Raises SidecarError when the file is
        not a sidecar this version may merge (not ours, corrupt, or written by a newer version)
        and OSError when it cannot be read.
        """
        parsed = sidecar.parse(path.read_bytes())
        if parsed.newer:
            raise SidecarError("newer", f"{path.name} was written by a newer version")
        rep = self._private if private else self._shared
        if rep is None:
            raise SidecarError("foreign", "private notes are not available")
        changed = self._merge_items(rep, parsed, by_key(parsed.items), {}, other_file=True)
        self._refresh(changed)
        return {k for k in changed if not k.startswith("\0")}

    def _read_fallback(self) -> set[str]:
        """Merge the notes kept in the user data folder while the folder could not be written."""
        if self._fallback_blocked:
            return set()
        try:
            data = sidecar.read_bytes(self._fallback)
        except OSError as exc:
            self._fallback_blocked = f"cannot be read ({exc.strerror or exc})"
            self.errors.append(f"{self._fallback}: {self._fallback_blocked}; left untouched.")
            return set()
        if data is None or data == self._fallback_disk:
            if data is None:
                self._fallback_disk = None
            return set()
        try:
            parsed = sidecar.parse(data)
            if parsed.newer:
                raise SidecarError("newer", "written by a newer version")
        except SidecarError as exc:
            self._fallback_blocked = str(exc)
            self.errors.append(f"{self._fallback}: {exc}; left untouched.")
            return set()
        rep = self._shared
        if parsed.document_id and not self._id_on_disk:
            self._adopt_document_id(parsed.document_id)
        changed = self._merge_items(rep, parsed, by_key(parsed.items), {}, other_file=True)
        self._fallback_disk = data
        rep.dirty = True  # to be moved next to the transcript by the next save
        return changed

    def _merge_conflict_copies(self) -> set[str]:
        """Merge the sidecar copies a sync tool made on a conflict (conflicts module docstring).

        A merged copy is set aside (moved to the user data folder) only after the merged sidecar
        has been saved: see :meth:`_set_aside_copies`.
        """
        rep = self._shared
        changed: set[str] = set()
        for copy in conflicts.find_conflict_copies(rep.path):
            try:
                data = copy.read_bytes()
                if self._conflict_copies.get(copy.name) == data:
                    continue  # merged already
                self._conflict_copies[copy.name] = data
                parsed = sidecar.parse(data)
                if parsed.newer:
                    raise SidecarError("newer", "written by a newer version; left as it is")
            except (OSError, SidecarError) as exc:
                self.warnings.append(f"{copy.name}: conflict copy not merged ({exc})")
                continue
            if parsed.document_id not in (None, self._document_id):
                self.warnings.append(f"{copy.name}: conflict copy of another document, ignored")
                continue
            changed |= self._merge_items(rep, parsed, by_key(parsed.items), {}, other_file=True)
            self._pending_copies[copy] = data
            self.warnings.append(f"Merged the notes of the sync conflict copy {copy.name}")
        return changed

    def _set_aside_copies(self) -> None:
        """Move merged conflict copies out of the library once the merge is saved on disk."""
        moved: list[str] = []
        for copy, data in list(self._pending_copies.items()):
            try:
                dest = conflicts.set_aside(copy, data)
            except OSError as exc:
                self.warnings.append(f"{copy.name}: could not be set aside ({exc})")
                continue
            del self._pending_copies[copy]
            if dest is not None:
                moved.append(copy.name)
                folder = dest.parent
        if moved:
            self.notices.append(
                f"Merged {len(moved)} sync conflict "
                f"{'copy' if len(moved) == 1 else 'copies'} into {self._shared.path.name} and "
                f"moved {'it' if len(moved) == 1 else 'them'} to {folder}: " + ", ".join(moved)
            )

    # --- saving -------------------------------------------------------------------------------

    def _needs_save(self, rep: Replica) -> bool:
        return rep.dirty or (not rep.private and self._fallback_disk is not None)

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
        merged: set[str] = set()
        if data is not None and data != rep.disk:
            try:
                parsed = sidecar.parse(data)
            except SidecarError as exc:
                self._block(rep, f"is not a sidecar this version can read: {exc}")
                raise StoreError(f"Cannot save notes: {rep.path.name} {rep.blocked}.") from None
            if parsed.newer:
                self._block(rep, "was written by a newer version; shown read-only")
                raise StoreError(f"Cannot save notes: {rep.path.name} {rep.blocked}.")
            merged = self._absorb(rep, parsed, data)
        if not rep.private:
            merged |= self._read_fallback()
        self._refresh(merged)
        header = sidecar.make_header(
            rep.header,
            document_id=self._document_id,
            path=self.transcript_name,
            sha256=self._sha,
            length=len(self._text),
        )
        items = sorted(rep.items.values(), key=Item.sort_key)
        out = sidecar.dumps(header, [it.serialised() for it in items])
        if not rep.swept:  # temp files left by a killed save; we hold the lock
            sidecar.remove_stale_temp_files(rep.path)
            rep.swept = True
        target = rep.path.resolve() if rep.path.is_symlink() else rep.path  # keep the link
        if data is not None and data != out:
            self._backup(backups.before_overwrite, data, private=rep.private)
        try:
            sidecar.atomic_write(target, out)
        except UnwritableFolder as exc:
            if rep.private or self._fallback_blocked:
                raise
            self._write_fallback(out, exc)
        else:
            self._backup(backups.after_save, data, out, private=rep.private)
            if not rep.private and self._fallback_disk is not None:
                self._remove_fallback()
            if not rep.private:
                self._in_fallback = False
            rep.disk = out
            rep.seen = {key: it.raw for key, it in rep.items.items()}
        rep.header, rep.dirty = header, False
        if not rep.private:
            self._id_on_disk = True

    def _write_fallback(self, out: bytes, why: OSError) -> None:
        """The transcript's folder cannot be written: keep the notes in the user data folder."""
        old = self._fallback_disk
        if old is not None and old != out:
            self._backup(backups.before_overwrite, old, private=False)
        self._fallback.parent.mkdir(parents=True, exist_ok=True)
        sidecar.atomic_write(self._fallback, out)
        self._backup(backups.after_save, old, out, private=False)
        if not self._in_fallback:
            self.notices.append(
                f"The folder {self._shared.path.parent} cannot be written "
                f"({why.strerror or why}): your notes are saved in {self._fallback} and move "
                "next to the transcript once the folder can be written."
            )
        self._fallback_disk, self._in_fallback = out, True

    def _remove_fallback(self) -> None:
        """The notes are now next to the transcript (merged): remove the fallback copy."""
        try:
            if sidecar.read_bytes(self._fallback) == self._fallback_disk:
                self._fallback.unlink()
        except OSError as exc:
            self.warnings.append(f"{self._fallback}: could not be removed ({exc})")
            return
        self._fallback_disk = None
        self.notices.append(
            f"The notes kept in {self._fallback.parent} while the folder could not be written "
            f"are now in {self._shared.path.name} next to the transcript."
        )

    def _backup(self, record: Callable[..., Any], *contents: bytes | None, private: bool) -> None:
        """Call ``backups.before_overwrite`` or ``backups.after_save`` for this document."""
        try:
            record(self._document_id, *contents, private=private)
        except OSError as exc:  # a backup must never stop a save
            self.warnings.append(f"could not keep a backup of the notes ({exc})")

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
            if rep is None:
                continue
            for key, item in rep.items.items():
                if item.ann is not None:
                    rep.items[key] = Item(to_w3c(item.ann, doc_id), item.ann)
        old = self._private
        if old is not None:  # its file was keyed by an id never recorded: move to the new one
            self._private = Replica(private_path(doc_id), private=True)
            self._private.items, self._private.dirty = old.items, old.dirty
            self._read(self._private)
