"""Highlights of the reading pane: the annotation index, extra selections and geometry helpers.

All highlights go to Qt in one `QTextEdit.setExtraSelections` call built from a list made once
(translucent backgrounds, so overlapping highlights blend); the document itself is never edited
to show them. What extra selections cannot draw (the outline of the current annotation, the note
marker at the end of a highlight, the jump flash) the view paints from `range_rects`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QTextCharFormat, QTextCursor, QTextDocument, QTextLine
from PySide6.QtWidgets import QTextEdit

from reader.core.annotations import Annotation
from reader.ui.offsets import OffsetMap
from reader.ui.theme import Theme, qcolor


@dataclass(frozen=True, slots=True)
class Placed:
    """An annotation with its range in document (UTF-16) positions."""

    ann: Annotation
    start16: int
    end16: int


def is_paintable(ann: Annotation, length: int) -> bool:
    """Whether ``ann`` is drawn: live, not orphaned, a non-empty range inside the text."""
    return not ann.deleted and ann.status != "orphaned" and 0 <= ann.start < ann.end <= length


class AnnotationIndex:
    """The painted annotations by start, with fast lookup of those covering a position."""

    def __init__(self, annotations: Iterable[Annotation], offsets: OffsetMap) -> None:
        live = [a for a in annotations if is_paintable(a, offsets.length)]
        live.sort(key=lambda a: (a.start, a.end, a.id))
        self.items: list[Placed] = [
            Placed(a, offsets.to_utf16(a.start), offsets.to_utf16(a.end)) for a in live
        ]
        self._starts = [p.start16 for p in self.items]
        self._longest = max((p.end16 - p.start16 for p in self.items), default=0)
        self.by_id: dict[str, Placed] = {p.ann.id: p for p in self.items}
        noted = sorted((p for p in self.items if p.ann.note.strip()), key=lambda p: p.end16)
        self._noted = noted
        self._noted_ends = [p.end16 for p in noted]

    def __len__(self) -> int:
        return len(self.items)

    def at(self, pos16: int) -> list[Placed]:
        """Annotations covering the character at ``pos16``, shortest (innermost) first."""
        hi = bisect.bisect_right(self._starts, pos16)
        lo = bisect.bisect_left(self._starts, pos16 - self._longest)
        hits = [p for p in self.items[lo:hi] if p.start16 <= pos16 < p.end16]
        hits.sort(key=lambda p: p.end16 - p.start16)
        return hits

    def noted_between(self, lo16: int, hi16: int) -> list[Placed]:
        """Annotations with a note whose end lies in ``[lo16, hi16]``."""
        i = bisect.bisect_left(self._noted_ends, lo16)
        j = bisect.bisect_right(self._noted_ends, hi16)
        return self._noted[i:j]


@contextmanager
def no_layout(doc: QTextDocument) -> Iterator[None]:
    """Place cursors without laying out their lines: outside an edit block every
    `QTextCursor.setPosition` lays out the document up to the cursor (to know its x)."""
    guard = QTextCursor(doc)
    guard.beginEditBlock()
    try:
        yield
    finally:
        guard.endEditBlock()


def _selection(doc: QTextDocument, start16: int, end16: int, fmt: QTextCharFormat):
    sel = QTextEdit.ExtraSelection()
    cursor = QTextCursor(doc)
    cursor.setPosition(start16)
    cursor.setPosition(end16, QTextCursor.MoveMode.KeepAnchor)
    sel.cursor = cursor
    sel.format = fmt
    return sel


#: Extra selections already made, by (annotation id, start16, end16, colour): see
#: `highlight_selections`.
SelectionCache = dict[tuple[str, int, int, str], Any]


def highlight_selections(
    doc: QTextDocument,
    index: AnnotationIndex,
    theme: Theme,
    cache: SelectionCache | None = None,
) -> list[QTextEdit.ExtraSelection]:
    """One extra selection per painted annotation, tinted with its theme colour.

    ``cache``: the selections of the previous call on the same document text and theme; those
    still wanted are reused as they are (placing a cursor for each of 2,000 highlights is most
    of a re-index after one change), and it then holds this call's selections only.
    """
    old = dict(cache) if cache else {}
    keys = [(p.ann.id, p.start16, p.end16, p.ann.color) for p in index.items]
    missing = [(k, p) for k, p in zip(keys, index.items, strict=True) if k not in old]
    if missing:
        formats: dict[str, QTextCharFormat] = {}
        with no_layout(doc):
            for key, p in missing:
                fmt = formats.get(p.ann.color)
                if fmt is None:
                    fmt = QTextCharFormat()
                    fmt.setBackground(QBrush(qcolor(theme.highlight(p.ann.color))))
                    formats[p.ann.color] = fmt
                old[key] = _selection(doc, p.start16, p.end16, fmt)
    out = [old[k] for k in keys]
    if cache is not None:
        cache.clear()
        cache.update(zip(keys, out, strict=True))
    return out


def find_selections(
    doc: QTextDocument, hits: list[tuple[int, int]], theme: Theme
) -> list[QTextEdit.ExtraSelection]:
    """Extra selections for find hits (UTF-16 ranges) in the theme's find colour."""
    fmt = QTextCharFormat()
    fmt.setBackground(QBrush(qcolor(theme.find)))
    if not hits:
        return []
    with no_layout(doc):
        return [_selection(doc, s, e, fmt) for s, e in hits]


def find_hits(doc: QTextDocument, needle: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``needle`` as UTF-16 ranges, in order."""
    hits: list[tuple[int, int]] = []
    if not needle:
        return hits
    cursor = QTextCursor(doc)
    with no_layout(doc):
        while True:
            cursor = doc.find(needle, cursor)
            if cursor.isNull():
                return hits
            hits.append((cursor.selectionStart(), cursor.selectionEnd()))


def range_rects(doc: QTextDocument, start16: int, end16: int) -> list[QRectF]:
    """Rectangles (document coordinates) covering ``[start16, end16)``, one per line piece."""
    rects: list[QRectF] = []
    if end16 <= start16:
        return rects
    block = doc.findBlock(start16)
    while block.isValid() and block.position() <= end16:
        layout = block.layout()
        origin = layout.position()
        bpos = block.position()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            ls = bpos + line.textStart()
            le = ls + line.textLength()
            a, b = max(start16, ls), min(end16, le)
            if a >= b:
                continue
            x1 = _x(line, a - bpos)
            x2 = _x(line, b - bpos)
            rects.append(
                QRectF(
                    origin.x() + min(x1, x2),
                    origin.y() + line.y(),
                    max(abs(x2 - x1), 1.0),
                    line.height(),
                )
            )
        block = block.next()
    return rects


def _x(line: QTextLine, pos: int) -> float:
    x: Any = line.cursorToX(pos)  # PySide6 returns (x, pos); the stub says ``object``
    return float(x[0] if isinstance(x, tuple) else x)


def char_at(doc: QTextDocument, point: QPointF) -> int | None:
    """UTF-16 position of the character under ``point`` (document coordinates), if any."""
    hit = doc.documentLayout().hitTest(point, Qt.HitTestAccuracy.FuzzyHit)
    if hit < 0:
        return None
    block = doc.findBlock(hit)
    if not block.isValid():
        return None
    layout = block.layout()
    origin = layout.position()
    local = point - origin
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        if line.y() <= local.y() < line.y() + line.height():
            if not 0 <= local.x() - line.x() <= line.naturalTextWidth():
                return None
            pos = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
            if pos >= line.textStart() + line.textLength():
                return None
            return block.position() + pos
    return None
