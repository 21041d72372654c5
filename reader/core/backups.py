"""Versioned backups of sidecars in the user data folder, and restoring one.

Before the store overwrites a sidecar (or a private-notes file) it copies the old bytes to
``user_data_dir()/backups/<document uuid>/<id>.json``. Backups are coalesced to at most one per
minute per file, except before a save that merged changes made elsewhere (those old bytes are
always kept). The newest ``KEEP`` backups of each file are kept.

Restoring merges nothing away: the annotations of the backup come back as new versions
(``modified`` = now), so they win over later deletions and edits, and annotations made since
are kept.
"""

from __future__ import annotations

import datetime as _dt
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

__all__ = ["KEEP", "Backup", "list_backups", "restore", "write_backup"]

KEEP = 10
COALESCE = _dt.timedelta(seconds=60)
_STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True, slots=True)
class Backup:
    """One saved version of a document's sidecar (or of its private notes)."""

    id: str  # e.g. "20250101T120000.123456Z" or "…Z-private"
    path: Path
    time: _dt.datetime  # UTC
    private: bool

    def annotations(self) -> int | None:
        """The number of live annotations in it (None when it cannot be read)."""
        try:
            parsed = sidecar.parse(self.path.read_bytes())
        except (OSError, SidecarError):
            return None
        return sum(1 for raw in parsed.items if not (isinstance(raw, dict) and raw.get("deleted")))


def _folder(document_id: str) -> Path:
    return backups_root() / document_key(document_id)


def _parse_id(backup_id: str) -> tuple[_dt.datetime, bool] | None:
    private = backup_id.endswith("-private")
    stamp = backup_id.removesuffix("-private")
    try:
        seconds, micros = stamp.removesuffix("Z").split(".")
        t = _dt.datetime.strptime(seconds, _STAMP).replace(
            microsecond=int(micros), tzinfo=_dt.timezone.utc
        )
    except ValueError:
        return None
    return t, private


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
        out.append(Backup(file.stem, file, parsed[0], parsed[1]))
    out.sort(key=lambda b: (b.time, b.id), reverse=True)
    return out


def write_backup(
    document_id: str,
    data: bytes,
    *,
    private: bool = False,
    force: bool = False,
    now: _dt.datetime | None = None,
) -> Path | None:
    """Keep ``data`` (a file's bytes about to be overwritten) as a backup; prune old ones.

    Skipped (returns None) when the newest backup of this file is less than a minute old, unless
    ``force`` (the save merged changes made elsewhere) or it already holds these bytes.
    """
    now = now or _dt.datetime.now(_dt.timezone.utc)
    existing = list_backups(document_id, private=private)
    if existing:
        newest = existing[0]
        try:
            if newest.path.read_bytes() == data:
                return None
        except OSError:
            pass
        if not force and now - newest.time < COALESCE:
            return None
    folder = _folder(document_id)
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        backup_id = now.strftime(_STAMP) + f".{now.microsecond:06d}Z" + ("-private" * private)
        path = folder / f"{backup_id}.json"
        if not path.exists():
            break
        now += _dt.timedelta(microseconds=1)
    sidecar.atomic_write(path, data)
    for old in list_backups(document_id, private=private)[KEEP:]:
        try:
            old.path.unlink()
        except OSError:
            pass
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


def restore(store: AnnotationStore, backup: Backup) -> list[str]:
    """Bring back the annotations of ``backup`` into ``store`` as new versions; saves.

    Returns the ids brought back (those whose current version differs from the backup's, or that
    were deleted since). Annotations created since the backup are kept. Raises SidecarError when
    the backup cannot be read and StoreError when the result cannot be saved (it is kept).
    """
    parsed = sidecar.parse(backup.path.read_bytes())
    if parsed.newer:
        raise SidecarError("newer", "the backup was written by a newer version of the program")
    trusted = parsed.document.get("textSha256") == store.transcript.sha256
    stamp = now_iso()
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
        if current is not None and _same(current, ann):
            continue
        wanted.append(replace(ann, modified=stamp))
    store.put_many(wanted)
    return [a.id for a in wanted]
