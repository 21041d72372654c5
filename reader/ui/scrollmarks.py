"""A vertical scroll bar that shows where the annotations (and find hits) are."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider, QWidget

#: A mark: relative position in the document (0.0 top, 1.0 bottom) and its colour.
Mark = tuple[float, QColor]


class MarkedScrollBar(QScrollBar):
    """A `QScrollBar` painting a short tick per mark over its groove."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self._marks: list[Mark] = []
        self._find_marks: list[Mark] = []

    def set_marks(self, marks: list[Mark]) -> None:
        """Replace the annotation marks."""
        self._marks = [(min(max(f, 0.0), 1.0), c) for f, c in marks]
        self.update()

    def set_find_marks(self, marks: list[Mark]) -> None:
        """Replace the find-hit marks (drawn narrower, on the left half)."""
        self._find_marks = [(min(max(f, 0.0), 1.0), c) for f, c in marks]
        self.update()

    def marks(self) -> list[Mark]:
        return list(self._marks)

    def groove_rect(self) -> QRectF:
        """Where marks go: the groove, or the whole bar when the style has none."""
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        rect = self.style().subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, opt, QStyle.SubControl.SC_ScrollBarGroove, self
        )
        return QRectF(rect if rect.isValid() and rect.height() > 0 else self.rect())

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._marks and not self._find_marks:
            return
        groove = self.groove_rect()
        painter = QPainter(self)
        painter.setPen(Qt.PenStyle.NoPen)
        tick = 3.0
        span = max(groove.height() - tick, 1.0)
        inset = 3.0
        drawn: set[tuple[int, int]] = set()  # one tick per pixel row and colour is enough
        for fraction, color in self._marks:
            y = round(groove.top() + fraction * span)
            if (y, color.rgba()) in drawn:
                continue
            drawn.add((y, color.rgba()))
            painter.fillRect(
                QRectF(groove.left() + inset, y, groove.width() - 2 * inset, tick), color
            )
        drawn.clear()
        half = groove.width() / 2
        for fraction, color in self._find_marks:
            y = round(groove.top() + fraction * span)
            if (y, color.rgba()) in drawn:
                continue
            drawn.add((y, color.rgba()))
            painter.fillRect(QRectF(groove.left() + 1, y, half - 1, 2.0), color)
        painter.end()
