"""Versioned backups of sidecars in the user data folder, and restoring one.

The store records the versions of each sidecar (and of each private-notes file) in
``user_data_dir()/backups/<document uuid>/<id>.json``, under the sidecar's lock:

- **before** it overwrites a file whose bytes no backup holds (a version written
  elsewhere: by a sync tool, an editor, another computer, or before backups existed), those bytes
  are kept ("found" backups, id ``<UTC time>Z``);
- **after** each successful save, the bytes it has just written are kept ("saved" backups, id
  ``<UTC time>Z-saved``). Saves are coalesced to about one a minute: the newest saved backup is
  replaced by the next save when it lasted less than a minute, the program itself replaced it
  (the file still held it) and the backup before it is less than a minute older.

So every version the program wrote that lasted a minute or more, the last version the program
wrote before any change made elsewhere, and every version found on disk before an overwrite can
be restored (within the newest ``KEEP`` backups of each file); the newest backup is, as a rule,
what the file holds now.

Restoring merges nothing away: the annotations of the backup come back as new versions
(``modified`` = now), so they win over later deletions and edits (a tombstone written elsewhere
included), and annotations made since are kept.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core import sidecar
from reader.core.annotations import Annotation, from_w3c, now_iso
from reader.core.locations import backups_root, document_key
from reader.core.replica import place
from reader.core.sidecar import SidecarError

if TYPE_CHECKING:
    from reader.core.store import AnnotationStore

__all__ = [
    "KEEP",
    "Backup",
    "after_save",
    "before_overwrite",
    "find_backup",
    "latest_to_restore",
    "list_backups",
    "restore",
    "to_restore",
    "write_backup",
]

KEEP = 10
COALESCE = _dt.timedelta(seconds=60)
STALE_TEMP = 60.0  # seconds: an older temp file in the backups folder is left by a killed save
_STAMP = "%Y%m%dT%H%M%S"
_TEMP = re.compile(r"\.\d{8}T\d{6}\.\d{6}Z(-saved)?(-private)?\.json\.[0-9a-f]{8}\.tmp")
_SAVED = "-saved"
_PRIVATE = "-private"


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


@dataclass(frozen=True, slots=True)
class Backup:
    """One saved version of a document's sidecar (or of its private notes)."""

    id: str  # e.g. "20250101T120000.123456Z", "…Z-saved", "…Z-private", "…Z-saved-private"
    path: Path
    time: _dt.datetime  # UTC: when the program wrote this version, or found it before overwriting
    private: bool
    saved: bool = False  # written by the program (else: found on disk before an overwrite)

    def annotations(self) -> int | None:
        """The number of live annotations in it (None when it cannot be read)."""
        try:
            parsed = sidecar.parse(self.path.read_bytes())
        except (OSError, SidecarError):
            return None
        return sum(1 for raw in parsed.items if not (isinstance(raw, dict) and raw.get("deleted")))

    def holds(self, data: bytes | None) -> bool:
        """Whether this backup's bytes are ``data``."""
        if data is None:
            return False
        try:
            return self.path.stat().st_size == len(data) and self.path.read_bytes() == data
        except OSError:
            return False


def with_current(
    document_id: str, sidecar_file: Path, private_file: Path | None
) -> list[tuple[Backup, bool]]:
    """The backups of a document, newest first, each with whether it holds the notes as they are
    on disk now (``sidecar_file`` for shared notes, ``private_file`` for private ones)."""
    now = {False: _read(sidecar_file), True: _read(private_file)}
    return [(b, b.holds(now[b.private])) for b in list_backups(document_id)]


def _read(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def _folder(document_id: str) -> Path:
    return backups_root() / document_key(document_id)


def _parse_id(backup_id: str) -> tuple[_dt.datetime, bool, bool] | None:
    private = backup_id.endswith(_PRIVATE)
    stamp = backup_id.removesuffix(_PRIVATE)
    saved = stamp.endswith(_SAVED)
    stamp = stamp.removesuffix(_SAVED)
    try:
        seconds, micros = stamp.removesuffix("Z").split(".")
        t = _dt.datetime.strptime(seconds, _STAMP).replace(
            microsecond=int(micros), tzinfo=_dt.timezone.utc
        )
    except ValueError:
        return None
    return t, private, saved


def list_backups(document_id: str, *, private: bool | None = None) -> list[Backup]:
    """The backups of a document, newest first (``private``: only that kind; None: both)."""
    try:
        files = list(_folder(document_id).glob("*.json"))
    except OSError:
        return []
    out = []
    for file in files:
        parsed = _parse_id(file.stem)
        if parsed is None or (private is not None and parsed[1] != private):
            continue
        out.append(Backup(file.stem, file, *parsed))
    out.sort(key=lambda b: (b.time, b.id), reverse=True)
    return out


def _add(document_id: str, data: bytes, *, private: bool, saved: bool, now: _dt.datetime) -> Path:
    """Write a backup dated ``now``, or just after the newest one (backups keep their order).

    A saved backup holds the bytes the store has just written, and made durable, to the file it
    backs up: it is written without waiting for the disk (two fsyncs fewer for every save; a
    crash may lose that copy, never those bytes, which the next overwrite keeps as found). A
    found backup may be the only copy of its bytes soon after: it is made durable first."""
    existing = list_backups(document_id, private=private)
    if existing and now <= existing[0].time:
        now = existing[0].time + _dt.timedelta(microseconds=1)
    folder = _folder(document_id)
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        stamp = now.strftime(_STAMP) + f".{now.microsecond:06d}Z"
        path = folder / f"{stamp}{_SAVED * saved}{_PRIVATE * private}.json"
        if not path.exists():
            break
        now += _dt.timedelta(microseconds=1)
    sidecar.atomic_write(path, data, durable=not saved)
    return path


def _prune(document_id: str, private: bool) -> None:
    """Keep the newest ``KEEP``; remove temp files of backups whose save was killed."""
    for old in list_backups(document_id, private=private)[KEEP:]:
        try:
            old.path.unlink()
        except OSError:
            pass
    try:
        names = [(p, _TEMP.fullmatch(p.name)) for p in _folder(document_id).iterdir()]
    except OSError:
        return
    cutoff = time.time() - STALE_TEMP
    for temp, match in names:
        if match is None or (match.group(2) is not None) != private:
            continue  # (the other file's saves hold another lock)
        try:
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
        except OSError:
            pass


def write_backup(
    document_id: str,
    data: bytes,
    *,
    private: bool = False,
    force: bool = False,
    now: _dt.datetime | None = None,
) -> Path | None:
    """Keep ``data`` (a file's bytes about to be overwritten) as a "found" backup; prune.

    Skipped (returns None) when the newest backup of this file already holds these bytes, or
    is less than a minute old unless ``force``.
    """
    now = now or _now()
    existing = list_backups(document_id, private=private)
    if existing:
        if existing[0].holds(data):
            return None
        if not force and now - existing[0].time < COALESCE:
            return None
    path = _add(document_id, data, private=private, saved=False, now=now)
    _prune(document_id, private)
    return path


def before_overwrite(
    document_id: str, data: bytes, *, private: bool = False, now: _dt.datetime | None = None
) -> Path | None:
    """The store is about to replace a file holding ``data``: keep it unless backed up already.

    Bytes that no backup holds were written elsewhere (or before backups existed, or the save
    that wrote them was killed before it could keep them), so they are always kept: they are
    what a merge with changes made elsewhere started from.
    """
    existing = list_backups(document_id, private=private)
    if any(b.holds(data) for b in existing):
        return None
    path = _add(document_id, data, private=private, saved=False, now=now or _now())
    _prune(document_id, private)
    return path


def after_save(
    document_id: str,
    before: bytes | None,
    after: bytes,
    *,
    private: bool = False,
    now: _dt.datetime | None = None,
) -> Path | None:
    """The store has replaced ``before`` (None: no file) with ``after``: keep ``after``.

    The newest backup is replaced instead of kept when it is a version the program saved that
    lasted less than a minute (the file still held it: ``before``; nothing changed it elsewhere
    since) and the backup before it is less than a minute older: that one stands for its minute.
    So the saved versions kept are about a minute apart, and the newest is the one on disk.
    Returns None when the newest backup holds ``after`` already.
    """
    now = now or _now()
    existing = list_backups(document_id, private=private)
    if existing and existing[0].holds(after):
        return None
    drop = None
    if len(existing) > 1 and existing[0].saved and existing[0].holds(before):
        newest, previous = existing[0].time, existing[1].time
        if now - newest < COALESCE and newest - previous < COALESCE:
            drop = existing[0]
    path = _add(document_id, after, private=private, saved=True, now=now)
    if drop is not None:
        try:
            drop.path.unlink()
        except OSError:
            pass
    _prune(document_id, private)
    return path


def find_backup(document_id: str, backup_id: str | None = None) -> Backup | None:
    """A backup by id, or the newest shared one when ``backup_id`` is None."""
    if backup_id is None:
        found = list_backups(document_id, private=False)
        return found[0] if found else None
    return next((b for b in list_backups(document_id) if b.id == backup_id), None)


def _same(a: Annotation, b: Annotation) -> bool:
    """Equal but for the time of the edit (and the anchoring status)."""
    return replace(a, modified="", created="", status="anchored") == replace(
        b, modified="", created="", status="anchored"
    )


def to_restore(store: AnnotationStore, backup: Backup) -> list[Annotation]:
    """The annotations restoring ``backup`` would bring back (placed in the current text).

    Those whose current version differs from the backup's, or that were deleted since. Raises
    SidecarError when the backup cannot be read or was written by a newer version, OSError when
    it cannot be read.
    """
    parsed = sidecar.parse(backup.path.read_bytes())
    if parsed.newer:
        raise SidecarError("newer", "the backup was written by a newer version of the program")
    trusted = parsed.document.get("textSha256") == store.transcript.sha256
    wanted: list[Annotation] = []
    for raw in parsed.items:
        if not isinstance(raw, dict) or raw.get("deleted") is True:
            continue
        try:
            ann = from_w3c(raw)
        except ValueError:
            store.warnings.append(f"backup {backup.id}: an item this version cannot read skipped")
            continue
        ann.private = ann.private or backup.private
        ann = place(ann, store.transcript.text, trusted)
        current = store.get(ann.id)
        if current is None or not _same(current, ann):
            wanted.append(ann)
    return wanted


def latest_to_restore(store: AnnotationStore) -> Backup | None:
    """The newest shared backup that would bring something back (else the newest; None: none).

    The newest backup is, as a rule, what the sidecar holds now: restoring it would do nothing.
    """
    found = list_backups(store.document_id, private=False)
    for backup in found:
        try:
            if to_restore(store, backup):
                return backup
        except (OSError, SidecarError):
            continue
    return found[0] if found else None


def restore(store: AnnotationStore, backup: Backup) -> list[str]:
    """Bring back the annotations of ``backup`` into ``store`` as new versions; saves.

    Returns the ids brought back (see :func:`to_restore`). Annotations created since the backup
    are kept. Raises SidecarError when the backup cannot be read and StoreError when the result
    cannot be saved (it is kept).
    """
    stamp = now_iso()
    wanted = [replace(ann, modified=stamp) for ann in to_restore(store, backup)]
    store.put_many(wanted)
    return [a.id for a in wanted]
