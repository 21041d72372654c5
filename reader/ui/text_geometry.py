"""Where lines are in a laid-out `QTextDocument`: line tops and ends, the first visible line.

Positions here are UTF-16 (Qt's); `reader.ui.transcript_view` converts to and from code points.
Each function finishes the layout of the block it looks at, so it works before a paint.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextBlock, QTextDocument, QTextLine


def line_at(doc: QTextDocument, pos16: int) -> tuple[QTextBlock, QTextLine]:
    """The block holding ``pos16`` and its line there (the line may be invalid: empty block)."""
    block = doc.findBlock(pos16)
    doc.documentLayout().blockBoundingRect(block)
    return block, block.layout().lineForTextPosition(pos16 - block.position())


def line_top(doc: QTextDocument, pos16: int) -> tuple[float, bool]:
    """Document y of the line holding ``pos16``, and whether it is its block's first line."""
    block, line = line_at(doc, pos16)
    y = block.layout().position().y() + (line.y() if line.isValid() else 0.0)
    return y, not line.isValid() or line.lineNumber() == 0


def line_end(doc: QTextDocument, pos16: int) -> int:
    """The position just after the last character of the line holding ``pos16``."""
    block, line = line_at(doc, pos16)
    if not line.isValid():
        return pos16
    return block.position() + line.textStart() + line.textLength()


def y_fraction(doc: QTextDocument, pos16: int, height: float) -> float:
    """How far down a document ``height`` px tall the line holding ``pos16`` is (0 to 1)."""
    return line_top(doc, pos16)[0] / height


def first_visible_position(doc: QTextDocument, y: float) -> int:
    """Position of the first character of the first line reaching below document ``y``."""
    layout = doc.documentLayout()
    block = doc.findBlock(layout.hitTest(QPointF(0, y), Qt.HitTestAccuracy.FuzzyHit))
    if not block.isValid():
        block = doc.begin()
    if block.previous().isValid():
        block = block.previous()
    while block.isValid():
        layout.blockBoundingRect(block)
        lay = block.layout()
        top = lay.position().y()
        for i in range(lay.lineCount()):
            line = lay.lineAt(i)
            if top + line.y() + line.height() > y:
                return block.position() + line.textStart()
        block = block.next()
    return max(0, doc.characterCount() - 1)
