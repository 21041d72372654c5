"""Small painted icons of the highlight colours (no image files needed)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from reader.core.annotations import COLOR_HEX, COLORS


def color_icon(color: str, size: int = 12) -> QIcon:
    """A round swatch of a highlight colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOR_HEX.get(color, "#888888")))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def all_colors_icon(size: int = 12) -> QIcon:
    """Five slices of the highlight colours: "any colour"."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    span = 360 * 16 // len(COLORS)
    for i, color in enumerate(COLORS):
        painter.setBrush(QColor(COLOR_HEX[color]))
        painter.drawPie(1, 1, size - 2, size - 2, 90 * 16 - i * span, -span)
    painter.end()
    return QIcon(pixmap)
