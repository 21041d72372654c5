"""One sidecar file's items in memory, and the rules that order versions and place them.

The store (``reader.core.store``) keeps a :class:`Replica` per file (shared sidecar, private
notes); each holds one :class:`Item` per id: the raw W3C dict as it will be written, the parsed
annotation and the item's serialised text, cached so a save re-encodes only what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reader.core import anchoring, sidecar
from reader.core.annotations import Annotation, Status, _bump, now_iso
from reader.core.sidecar import item_key, newer, time_key


def place(ann: Annotation, text: str, trusted: bool) -> Annotation:
    """``ann`` anchored in ``text`` (the same object when nothing changed).

    ``trusted``: the text is the one the offsets were recorded for, so a position that still holds
    the quote is kept without a search (and an orphan stays one). Otherwise the quote is looked
    for: found → new position ("moved" stays until the user confirms); not found → "orphaned",
    keeping the last known selectors. Quote and context are never rewritten here.
    """
    if ann.deleted:
        return ann
    if trusted:
        if ann.status == "orphaned":
            return ann
        if 0 <= ann.start <= ann.end <= len(text) and text[ann.start : ann.end] == ann.exact:
            return ann
    found = anchoring.anchor(text, ann.exact, ann.prefix, ann.suffix, ann.start, ann.end)
    if found is None:
        return ann if ann.status == "orphaned" else replace(ann, status="orphaned")
    status: Status = "moved" if "moved" in (found.status, ann.status) else "anchored"
    if (found.start, found.end, status) == (ann.start, ann.end, ann.status):
        return ann
    return replace(ann, start=found.start, end=found.end, status=status)


@dataclass(slots=True)
class Item:
    """One version of one item of a file: the raw W3C dict, the annotation, cached bytes."""

    raw: Any
    ann: Annotation | None  # None: this version cannot read it; kept and written verbatim
    chunk: bytes | None = None
    order: tuple[int, int, str] | None = None

    def serialised(self) -> bytes:
        if self.chunk is None:
            self.chunk = sidecar.item_chunk(self.raw)
        return self.chunk

    def sort_key(self) -> tuple[int, int, str]:
        if self.order is None:
            self.order = sidecar.sort_key(self.raw)
        return self.order


class Replica:
    """One sidecar file (shared or private) and the items that belong in it."""

    def __init__(self, path: Path, private: bool) -> None:
        self.path = path
        self.private = private
        self.header: dict[str, Any] | None = None  # as last read or written
        self.items: dict[str, Item] = {}
        self.seen: dict[str, Any] = {}  # raw items as last read from / written to disk
        self.disk: bytes | None = None  # bytes last read or written; None: no file
        self.dirty = False
        self.blocked: str | None = None  # why this file must never be written
        self.swept = False  # stale temp files removed (once per session)

    def put(self, key: str, item: Item) -> None:
        self.items[key] = item
        self.dirty = True


def by_key(items: list[Any]) -> dict[str, Any]:
    """A file's items by merge key (the same id twice in one file: the newer version)."""
    out: dict[str, Any] = {}
    for raw in items:
        key = item_key(raw)
        out[key] = newer(out[key], raw) if key in out else raw
    return out


def wins_across_files(a: Annotation, b: Annotation) -> bool:
    """Whether ``a`` beats ``b`` when the two files hold a version of the same id.

    Newer ``modified`` wins; on a tie the live version wins (moving an annotation between the
    shared and the private file writes the live copy and the tombstone with the same time).
    """
    ka, kb = time_key(a.modified), time_key(b.modified)
    if ka != kb:
        return ka > kb
    return b.deleted and not a.deleted


def later_than(stamp: str) -> str:
    """Now, or just after ``stamp`` if the clock is behind it."""
    now = now_iso()
    return now if time_key(now) > time_key(stamp) else _bump(stamp)
