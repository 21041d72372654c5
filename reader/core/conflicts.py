"""Copies of a sidecar that sync tools leave on a conflict: finding them and setting them aside.

When two computers change a sidecar at once, the sync tool keeps the loser beside it:

- Syncthing: ``episode.md.annotations.sync-conflict-20240101-120000-ABCDEFG.json``;
- Dropbox: ``episode.md.annotations (Jo's conflicted copy 2024-01-01).json``;
- Nextcloud / ownCloud: ``episode.md.annotations (conflicted copy 2024-01-01 120000).json``.

The store merges such a copy and, once the merged sidecar is durably saved, moves the copy into
``user_data_dir()/conflicts/<date>/`` (keeping its name), so the synced folder is not cluttered
and nothing is deleted. ``index.jsonl`` there records where each copy came from.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from reader.core import sidecar
from reader.core.locations import conflicts_root

__all__ = ["SetAside", "find_conflict_copies", "is_conflict_copy", "list_set_aside", "set_aside"]

_SYNCTHING = r"\.sync-conflict-\d{8}-\d{6}-[0-9A-Za-z]{7}"
_CONFLICTED = r" \([^()/\\]*conflicted copy[^()/\\]*\)"
INDEX = "index.jsonl"


def _pattern(sidecar_name: str) -> re.Pattern[str]:
    stem = re.escape(sidecar_name.removesuffix(".json"))
    return re.compile(f"{stem}(?:{_SYNCTHING}|{_CONFLICTED})\\.json", re.IGNORECASE)


def is_conflict_copy(name: str, sidecar_name: str) -> bool:
    """Whether ``name`` is a sync tool's conflict copy of the sidecar named ``sidecar_name``."""
    return _pattern(sidecar_name).fullmatch(name) is not None


def find_conflict_copies(sidecar_file: Path) -> list[Path]:
    """The conflict copies beside ``sidecar_file``, sorted by name (empty if none or unreadable)."""
    pattern = _pattern(sidecar_file.name)
    try:
        return sorted(
            p for p in sidecar_file.parent.iterdir() if pattern.fullmatch(p.name) and p.is_file()
        )
    except OSError:
        return []


def set_aside(
    copy: Path, expected: bytes | None = None, *, into: Path | None = None
) -> Path | None:
    """Move ``copy`` into ``<into>/<today>/`` keeping its name; returns where it went.

    ``into`` defaults to ``conflicts_root()``; every move is logged in its ``index.jsonl``.
    With ``expected``, the copy is moved only if it still holds exactly those bytes (the ones that
    were merged); a copy that changed meanwhile is left for the next merge (returns None).
    """
    root = into or conflicts_root()
    try:
        data = copy.read_bytes()
    except OSError:
        return None
    if expected is not None and data != expected:
        return None
    origin = copy.parent.resolve() / copy.name
    day = _dt.datetime.now().strftime("%Y-%m-%d")
    folder = root / day
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / copy.name
    n = 2
    while dest.exists():
        dest = folder / f"{copy.stem} ({n}){copy.suffix}"
        n += 1
    try:
        os.rename(copy, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        sidecar.atomic_write(dest, data)  # another file system: copy durably, then remove
        copy.unlink()
    _log(root, origin, dest)
    return dest


def _log(root: Path, source: Path, dest: Path) -> None:
    record = {
        "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "from": str(source),
        "to": str(dest),
    }
    with open(root / INDEX, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


@dataclass(frozen=True, slots=True)
class SetAside:
    """A conflict copy that was merged and moved out of the library."""

    original: Path  # where it was
    stored: Path  # where it is now
    time: str  # when it was moved (ISO 8601)


def list_set_aside(under: Path | None = None, *, root: Path | None = None) -> list[SetAside]:
    """Files set aside (newest first) that still exist; only those from ``under``.

    ``root`` is the folder they were moved into (default: ``conflicts_root()``).
    """
    try:
        lines = ((root or conflicts_root()) / INDEX).read_text("utf-8").splitlines()
    except OSError:
        return []
    out: list[SetAside] = []
    for line in lines:
        try:
            rec = json.loads(line)
            item = SetAside(Path(rec["from"]), Path(rec["to"]), str(rec["time"]))
        except (ValueError, KeyError, TypeError):
            continue
        if not item.stored.exists():
            continue
        if under is not None and not item.original.is_relative_to(under):
            continue
        out.append(item)
    return out[::-1]
