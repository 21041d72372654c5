"""`transcript-reader backups FILE` and `transcript-reader restore FILE`: the notes' backups.

The store keeps the last versions of every sidecar in the user data folder
(``reader.core.backups``). ``backups`` lists them; ``restore`` brings one back without losing
anything: the annotations of that version return as new versions, annotations made since stay.
Exit codes: 0 success, 1 nothing could be restored / saved, 2 bad usage or unusable FILE.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["cmd_backups", "cmd_restore"]


def _transcript_path(value: str, prog: str) -> Path | None:
    """FILE may be the transcript or its sidecar; None (after a message) when unusable."""
    from reader.core.locations import transcript_of_sidecar
    from reader.core.sidecar import SUFFIX

    path = Path(value)
    if path.name.endswith(SUFFIX):
        path = transcript_of_sidecar(path)
    if not path.is_file():
        print(f"transcript-reader {prog}: no such transcript: {value}", file=sys.stderr)
        return None
    return path


def _open(path: Path, *, read_only: bool):  # noqa: ANN202 - AnnotationStore, imported late
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    return AnnotationStore.open(load_transcript(path), read_only=read_only)


def _local(t: _dt.datetime) -> str:
    return t.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def cmd_backups(argv: Sequence[str]) -> int:
    """List the backups of a transcript's notes, newest first."""
    from reader.core.backups import with_current

    p = argparse.ArgumentParser(
        prog="transcript-reader backups",
        description="List the saved versions of a transcript's notes (newest first).",
    )
    p.add_argument("file", metavar="FILE", help="the transcript (or its .annotations.json)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    ns = p.parse_args(list(argv))
    path = _transcript_path(ns.file, "backups")
    if path is None:
        return 2
    store = _open(path, read_only=True)
    found = with_current(store.document_id, store.sidecar_path, store.private_path)
    rows = [
        {
            "id": b.id,
            "time": b.time.isoformat().replace("+00:00", "Z"),
            "annotations": b.annotations(),
            "private": b.private,
            "saved": b.saved,
            "current": current,
            "path": str(b.path),
        }
        for b, current in found
    ]
    if ns.json:
        print(json.dumps({"file": str(path), "backups": rows}, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"No backups of the notes on {path.name} yet.")
        return 0
    print(f"Backups of the notes on {path.name} (newest first):")
    for (b, _current), row in zip(found, rows, strict=True):
        count = "?" if row["annotations"] is None else row["annotations"]
        kind = "  private" if b.private else ""
        kind += "  (as now)" if row["current"] else "" if b.saved else "  (found on disk)"
        print(f"  {b.id}  {_local(b.time)}  {count:>4} annotations{kind}")
    return 0


def cmd_restore(argv: Sequence[str]) -> int:
    """Bring back the annotations of one backup (nothing made since is lost)."""
    from reader.core.backups import find_backup, latest_to_restore, restore
    from reader.core.sidecar import SidecarError
    from reader.core.store import StoreError

    p = argparse.ArgumentParser(
        prog="transcript-reader restore",
        description="Bring back the annotations of a saved version as new versions. Annotations "
        "made since are kept; deleted ones come back.",
    )
    p.add_argument("file", metavar="FILE", help="the transcript (or its .annotations.json)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--backup", metavar="ID", help="a backup id from `backups FILE`")
    which.add_argument(
        "--latest",
        action="store_true",
        help="the newest backup that brings something back (the newest is usually the notes "
        "as they are now)",
    )
    ns = p.parse_args(list(argv))
    path = _transcript_path(ns.file, "restore")
    if path is None:
        return 2
    store = _open(path, read_only=False)
    if store.read_only:
        print(f"transcript-reader restore: {path}: {'; '.join(store.warnings)}", file=sys.stderr)
        return 1
    backup = latest_to_restore(store) if ns.latest else find_backup(store.document_id, ns.backup)
    if backup is None:
        what = "no backups" if ns.latest else f"no backup {ns.backup!r}"
        print(f"transcript-reader restore: {what} of the notes on {path.name}", file=sys.stderr)
        return 1
    try:
        ids = restore(store, backup)
    except (OSError, SidecarError, StoreError) as exc:
        print(f"transcript-reader restore: {exc}", file=sys.stderr)
        return 1
    print(
        f"Restored {len(ids)} annotation{'s' * (len(ids) != 1)} from the backup of "
        f"{_local(backup.time)} ({backup.id}); {len(store.annotations)} now on {path.name}."
    )
    for notice in store.take_notices():
        print(notice)
    return 0
