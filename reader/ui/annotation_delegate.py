"""How one annotation is painted in the sidebar: a card, not a row of widgets.

Colour bar at the left edge; the quote in italics (two lines, then elided); the note; tags as
small rounded pills; a muted line speaker · author · date; a lock for private notes and a "moved"
pill until the user confirms the new position. Heights depend on the width, so the list view
lays rows out again when it is resized (`QListView.ResizeMode.Adjust`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPainterPath, QPen, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from reader.core.annotations import COLOR_HEX, Annotation
from reader.ui.theme import LIGHT, SPACE_M, SPACE_S, SPACE_XS, Theme, qcolor

Index = QModelIndex | QPersistentModelIndex

AnnotationRole = Qt.ItemDataRole.UserRole + 1
SpeakerRole = Qt.ItemDataRole.UserRole + 2

NOTE_MAX_LINES = 6
BAR_WIDTH = 4


def wrap_lines(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped to ``width`` in at most ``max_lines`` lines, the last one elided."""
    text = " ".join(text.split())
    if not text or width <= 0:
        return []
    layout = QTextLayout(text, font)
    layout.beginLayout()
    lines: list[str] = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start, length = line.textStart(), line.textLength()
        if len(lines) == max_lines - 1:
            rest = text[start:]
            lines.append(QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width))
            break
        lines.append(text[start : start + length].rstrip())
    layout.endLayout()
    return lines


def short_date(stamp: str) -> str:
    """``2024-05-01T10:20:30.000Z`` → ``2024-05-01``."""
    return stamp[:10]


@dataclass
class _Fonts:
    quote: QFont
    note: QFont
    small: QFont


class AnnotationDelegate(QStyledItemDelegate):
    """Paints an `Annotation` (from `AnnotationRole`) as a card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme: Theme = LIGHT
        self.color_meanings: dict[str, str] = {}

    def _fonts(self, option: QStyleOptionViewItem) -> _Fonts:
        quote = QFont(option.font)
        quote.setItalic(True)
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.86, 7.0))
        return _Fonts(quote=quote, note=QFont(option.font), small=small)

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        parent = self.parent()
        width = option.rect.width()
        if isinstance(parent, QWidget) and hasattr(parent, "viewport"):
            width = parent.viewport().width()
        return max(width - BAR_WIDTH - 2 * SPACE_M - 2 * SPACE_XS, 40)

    def _layout(self, option: QStyleOptionViewItem, ann: Annotation) -> dict[str, Any]:
        fonts = self._fonts(option)
        width = self._text_width(option)
        quote = wrap_lines(ann.exact, fonts.quote, width, 2)
        note = wrap_lines(ann.note, fonts.note, width, NOTE_MAX_LINES) if ann.note else []
        return {"fonts": fonts, "width": width, "quote": quote, "note": note}

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        ann: Annotation | None = index.data(AnnotationRole)
        if ann is None:
            return QSize(100, 40)
        lay = self._layout(option, ann)
        fonts: _Fonts = lay["fonts"]
        height = SPACE_S + SPACE_S
        height += len(lay["quote"]) * QFontMetrics(fonts.quote).lineSpacing()
        if lay["note"]:
            height += SPACE_XS + len(lay["note"]) * QFontMetrics(fonts.note).lineSpacing()
        if ann.tags:
            height += SPACE_S + QFontMetrics(fonts.small).height() + 2
        height += SPACE_XS + QFontMetrics(fonts.small).height()
        return QSize(lay["width"], height + SPACE_S + SPACE_XS)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        ann: Annotation | None = index.data(AnnotationRole)
        if ann is None:
            return
        theme = self.theme
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lay = self._layout(option, ann)
        fonts: _Fonts = lay["fonts"]
        card = QRectF(option.rect.adjusted(SPACE_XS, SPACE_XS // 2, -SPACE_XS, -SPACE_XS // 2))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        background = theme.selection if selected else theme.base
        painter.setPen(QPen(qcolor(theme.accent if selected else theme.separator), 1))
        painter.setBrush(qcolor(background))
        painter.drawRoundedRect(card.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        # Colour bar: the highlight's full colour, clipped to the card's rounded left edge.
        bar = QPainterPath()
        bar.addRoundedRect(card, 6, 6)
        painter.setClipPath(bar)
        painter.fillRect(
            QRectF(card.left(), card.top(), BAR_WIDTH, card.height()),
            qcolor(COLOR_HEX.get(ann.color, COLOR_HEX["yellow"])),
        )
        painter.setClipping(False)

        text_color = qcolor(theme.selection_text if selected else theme.text)
        muted = qcolor(theme.text if selected else theme.muted)
        left = int(card.left()) + BAR_WIDTH + SPACE_M
        width = lay["width"]
        y = int(card.top()) + SPACE_S

        painter.setFont(fonts.quote)
        painter.setPen(muted if ann.status == "orphaned" else text_color)
        metrics = QFontMetrics(fonts.quote)
        for line in lay["quote"]:
            painter.drawText(
                QRect(left, y, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, line
            )
            y += metrics.lineSpacing()

        if lay["note"]:
            y += SPACE_XS
            painter.setFont(fonts.note)
            painter.setPen(text_color)
            metrics = QFontMetrics(fonts.note)
            for line in lay["note"]:
                rect = QRect(left, y, width, metrics.height())
                painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, line)
                y += metrics.lineSpacing()

        small_metrics = QFontMetrics(fonts.small)
        painter.setFont(fonts.small)
        if ann.tags:
            y += SPACE_S
            self._paint_pills(painter, ann.tags, left, y, width, fonts.small, selected)
            y += small_metrics.height() + 2

        y += SPACE_XS
        x = left
        if ann.private:
            self._paint_lock(painter, QRect(x, y, small_metrics.height(), small_metrics.height()))
            x += small_metrics.height() + SPACE_XS
        if ann.status == "moved":
            x = self._paint_pill(painter, "moved", x, y, fonts.small, theme.speakers[5], True)
            x += SPACE_XS
        parts = [index.data(SpeakerRole) or "", ann.creator, short_date(ann.created)]
        meta = " · ".join(p for p in parts if p)
        painter.setPen(muted)
        meta = small_metrics.elidedText(meta, Qt.TextElideMode.ElideRight, left + width - x)
        painter.drawText(QRect(x, y, left + width - x, small_metrics.height()), 0, meta)
        painter.restore()

    def _paint_pills(
        self, painter: QPainter, tags: list[str], x: int, y: int, width: int, font: QFont, sel: bool
    ) -> None:
        right = x + width
        metrics = QFontMetrics(font)
        for i, tag in enumerate(tags):
            needed = metrics.horizontalAdvance(tag) + 2 * SPACE_S
            rest = len(tags) - i
            if x + needed > right - (0 if rest == 1 else 28):
                self._paint_pill(painter, f"+{rest}", x, y, font, self.theme.muted, False)
                return
            x = self._paint_pill(painter, tag, x, y, font, self.theme.accent, False) + SPACE_XS

    def _paint_pill(
        self, painter: QPainter, text: str, x: int, y: int, font: QFont, color: str, solid: bool
    ) -> int:
        """A rounded pill with ``text`` at (x, y); returns its right edge."""
        metrics = QFontMetrics(font)
        rect = QRect(x, y, metrics.horizontalAdvance(text) + 2 * SPACE_S, metrics.height() + 2)
        tint = qcolor(color)
        fill = qcolor(color)
        fill.setAlpha(255 if solid else 40)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(rect), rect.height() / 2, rect.height() / 2)
        painter.setPen(qcolor(self.theme.base) if solid else tint)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return rect.right()

    def _paint_lock(self, painter: QPainter, rect: QRect) -> None:
        """A small padlock line icon (private note)."""
        painter.save()
        pen = QPen(qcolor(self.theme.muted), 1.4)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = QRectF(rect).adjusted(2, 1, -2, -1)
        body = QRectF(r.left(), r.top() + r.height() * 0.45, r.width(), r.height() * 0.55)
        painter.drawRoundedRect(body, 1.5, 1.5)
        shackle = QRectF(r.left() + r.width() * 0.2, r.top(), r.width() * 0.6, r.height() * 0.8)
        painter.drawArc(shackle, 0, 180 * 16)
        painter.drawLine(
            QPointF(shackle.left(), shackle.center().y()), QPointF(shackle.left(), body.top())
        )
        painter.drawLine(
            QPointF(shackle.right(), shackle.center().y()), QPointF(shackle.right(), body.top())
        )
        painter.restore()
