"""The read-only text edit inside `TranscriptView`, and everything it paints over the text.

Layout of the viewport: the document fills it; the root frame's left and right margins centre a
column of about 70 characters, and its top margin leaves room for the header widget, which is a
child of the viewport and moves with the scroll value. Speaker names, quote bars, note markers,
the current annotation's outline and the jump flash are painted here after the text.

The caret: a blinking text cursor in a read-only page makes it look editable, so Qt's caret is
never drawn (cursor width 0). Keyboard selection still works as in any text edit (Shift+arrows,
Shift+Ctrl+arrows, Shift+Home/End…); while the reader moves with those keys this class paints
its own thin, non-blinking caret in the accent colour, and a mouse press or a new transcript
hides it again. The first navigation key starts from the top of the visible text when the
cursor is out of view, so the page never jumps back to where the cursor last was.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
)
from PySide6.QtWidgets import QFrame, QTextEdit, QToolTip, QWidget

from reader.ui.highlights import AnnotationIndex, Placed, char_at, range_rects
from reader.ui.scrollmarks import MarkedScrollBar
from reader.ui.theme import LIGHT, SPACE_XL, SPACE_XS, Theme, qcolor, with_alpha
from reader.ui.transcript_header import TranscriptHeader
from reader.ui.transcript_render import TurnLabel

FLASH_MS = 900
#: Keys that move the text cursor: pressing one shows the keyboard caret.
NAVIGATION_KEYS = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }
)
#: Longest note shown whole in a tooltip (longer ones are cut with an ellipsis).
TOOLTIP_CHARS = 600


class ReadingEdit(QTextEdit):
    """A read-only, keyboard- and mouse-selectable `QTextEdit` with painted decoration."""

    #: A click (no drag) on the character at this UTF-16 position.
    charClicked = Signal(int)
    linkClicked = Signal(str)
    #: The header or top margin changed: the view recomputes marks.
    geometryChanged = Signal()
    #: The left button was released with text selected (a drag or a double click).
    mouseSelectionFinished = Signal()
    #: Escape was pressed in the text.
    escapePressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingEdit")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBar(MarkedScrollBar(self))
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.document().setDocumentMargin(0)
        self.setCursorWidth(0)  # no blinking caret: see the module docstring
        self._keyboard_caret = False
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self.header = TranscriptHeader(self.viewport())
        self.theme: Theme = LIGHT
        self.labels: dict[int, TurnLabel] = {}
        self.quotes: dict[int, int] = {}
        self.label_font = QFont()
        self.indent = 24.0
        self.index: AnnotationIndex | None = None
        self.current: Placed | None = None
        self.column_width = 640
        self._column = (0.0, 0.0, 0.0)  # left, top, right margins of the root frame
        self._press: QPoint | None = None
        self._flash_range: tuple[int, int] | None = None
        self._flash_level = 0.0
        self._flash = QVariantAnimation(self)
        self._flash.setStartValue(1.0)
        self._flash.setEndValue(0.0)
        self._flash.setDuration(FLASH_MS)
        self._flash.valueChanged.connect(self._on_flash_step)
        self._flash.finished.connect(self._on_flash_done)

    # --- geometry ---------------------------------------------------------------------------
    def marked_scroll_bar(self) -> MarkedScrollBar:
        bar = self.verticalScrollBar()
        assert isinstance(bar, MarkedScrollBar)
        return bar

    def column_rect(self) -> QRectF:
        """The reading column in document coordinates (x and width; y spans the document)."""
        left, _, right = self._column
        width = self.document().size().width()
        return QRectF(left, 0, max(width - left - right, 0), self.document().size().height())

    def update_column(self, force: bool = False) -> None:
        """Centre a column of `column_width` px and make room for the header above it."""
        view_w = self.viewport().width()
        text_w = min(self.column_width, max(view_w - 2 * SPACE_XL, 120))
        left = max(float(SPACE_XL), (view_w - text_w) / 2)
        right = max(float(SPACE_XL), view_w - left - text_w)
        header_h = self.header.height_for(int(text_w))
        top = float(SPACE_XL * 2 + header_h + (SPACE_XL if header_h else 0))
        # Qt ignores the top margin of the first block: add it here (room for a speaker label).
        top += self.document().begin().blockFormat().topMargin()
        if force or (left, top, right) != self._column:
            self._column = (left, top, right)
            root = self.document().rootFrame()
            fmt = root.frameFormat()
            fmt.setLeftMargin(left)
            fmt.setRightMargin(right)
            fmt.setTopMargin(top)
            fmt.setBottomMargin(SPACE_XL * 3)
            root.setFrameFormat(fmt)
        self.header.setGeometry(
            int(left), int(SPACE_XL * 2) - self.verticalScrollBar().value(), int(text_w), header_h
        )
        self.header.setVisible(header_h > 0)
        self.geometryChanged.emit()

    def column_margins(self) -> tuple[float, float, float]:
        """The column's (left, top, right) margins as last set by `update_column`."""
        return self._column

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_column()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        geo = self.header.geometry()
        geo.moveTop(int(SPACE_XL * 2) - self.verticalScrollBar().value())
        self.header.setGeometry(geo)

    def to_viewport(self, rect: QRectF) -> QRectF:
        return rect.translated(
            -self.horizontalScrollBar().value(), -self.verticalScrollBar().value()
        )

    def doc_point(self, pos: QPoint | QPointF) -> QPointF:
        """Viewport coordinates → document coordinates."""
        return QPointF(pos) + QPointF(
            self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        )

    # --- flash ------------------------------------------------------------------------------
    def flash(self, start16: int, end16: int) -> None:
        """Briefly tint ``[start16, end16)``, fading out."""
        self._flash.stop()
        self._flash_range = (start16, end16)
        self._flash_level = 1.0
        self._flash.start()
        self.viewport().update()

    def is_flashing(self) -> bool:
        return self._flash_range is not None

    def _on_flash_step(self, value: object) -> None:
        self._flash_level = float(value)  # type: ignore[arg-type]
        self.viewport().update()

    def _on_flash_done(self) -> None:
        self._flash_range = None
        self.viewport().update()

    # --- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            self._paint_decoration(painter)
        finally:
            painter.end()

    def _visible_blocks(self) -> list[QTextBlock]:
        doc = self.document()
        layout = doc.documentLayout()
        top = float(self.verticalScrollBar().value())
        bottom = top + self.viewport().height()
        first = doc.findBlock(layout.hitTest(QPointF(0, top), Qt.HitTestAccuracy.FuzzyHit))
        if not first.isValid():
            first = doc.begin()
        if first.previous().isValid():
            first = first.previous()
        blocks = []
        block = first
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.top() > bottom + SPACE_XL * 3:
                break
            blocks.append(block)
            block = block.next()
        return blocks

    def _paint_decoration(self, painter: QPainter) -> None:
        theme = self.theme
        blocks = self._visible_blocks()
        if not blocks:
            return
        dy = -self.verticalScrollBar().value()
        left = self._column[0]
        fm = QFontMetricsF(self.label_font)
        painter.setFont(self.label_font)
        for block in blocks:
            number = block.blockNumber()
            layout = block.layout()
            origin = layout.position()
            label = self.labels.get(number)
            if label is not None:
                baseline = origin.y() + dy - SPACE_XS - fm.descent()
                painter.setPen(label.color)
                painter.drawText(QPointF(left, baseline), label.name)
            depth = self.quotes.get(number)
            if depth:
                rect = layout.boundingRect()
                bar_x = left + self.indent * (depth - 1) + self.indent * 0.35
                painter.fillRect(
                    QRectF(bar_x, origin.y() + dy + 2, 3, rect.height() - 4),
                    qcolor(theme.separator),
                )
        lo = blocks[0].position()
        hi = blocks[-1].position() + blocks[-1].length()
        doc = self.document()
        if self.index is not None:
            for placed in self.index.noted_between(lo, hi):
                rects = range_rects(doc, placed.start16, placed.end16)
                if rects:
                    self._paint_note_marker(painter, self.to_viewport(rects[-1]), placed)
        if self.current is not None and self.current.end16 >= lo and self.current.start16 <= hi:
            pen = QPen(with_alpha(theme.highlight(self.current.ann.color), 255), 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in range_rects(doc, self.current.start16, self.current.end16):
                painter.drawRoundedRect(self.to_viewport(rect).adjusted(-2, -1, 2, 1), 3, 3)
        if self._flash_range is not None:
            color = qcolor(theme.flash)
            color.setAlphaF(color.alphaF() * self._flash_level)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            for rect in range_rects(doc, *self._flash_range):
                painter.drawRoundedRect(self.to_viewport(rect).adjusted(-3, -2, 3, 2), 3, 3)
        if self.hasFocus():
            painter.fillRect(
                QRectF(0, 0, 2, self.viewport().height()), with_alpha(theme.accent, 160)
            )
        if self.caret_visible():
            painter.fillRect(self.caret_rect(), qcolor(theme.accent))

    def _paint_note_marker(self, painter: QPainter, rect: QRectF, placed: Placed) -> None:
        """A small dot in the highlight's hue just above the end of a noted highlight."""
        radius = 3.5
        center = QPointF(rect.right() + radius * 0.6, rect.top() + radius * 0.4)
        painter.setPen(QPen(qcolor(self.theme.note_marker), 1.2))
        painter.setBrush(with_alpha(self.theme.highlight(placed.ann.color), 255))
        painter.drawEllipse(center, radius, radius)

    # --- keyboard caret ----------------------------------------------------------------------
    def caret_visible(self) -> bool:
        """Whether the keyboard caret is shown (after a navigation key, while focused)."""
        return self._keyboard_caret and self.hasFocus()

    def caret_rect(self) -> QRectF:
        """The painted caret: 1.5 px wide, the height of the text (not of the line spacing)."""
        rect = QRectF(self.cursorRect())
        fm = QFontMetricsF(self.textCursor().charFormat().font())
        height = min(rect.height(), fm.height())
        return QRectF(rect.left(), rect.bottom() - height - fm.descent() * 0.5, 1.5, height)

    def hide_caret(self) -> None:
        """Stop showing the keyboard caret (a new text, a mouse press)."""
        if self._keyboard_caret:
            self._keyboard_caret = False
            self.viewport().update()

    def _on_cursor_moved(self) -> None:
        if self._keyboard_caret:
            self.viewport().update()  # Qt repaints only its own (zero-width) caret's rectangle

    def _start_at_visible_text(self) -> None:
        """Put the cursor at the first visible line if it is out of view and selects nothing."""
        cursor = self.textCursor()
        if cursor.hasSelection() or self.viewport().rect().intersects(self.cursorRect()):
            return
        left = int(self._column[0]) + 1
        top = self.cursorForPosition(QPoint(left, SPACE_XS))
        if self.cursorRect(top).top() < 0:  # a line cut at the top edge: take the next one
            top.movePosition(QTextCursor.MoveOperation.Down)
            top.movePosition(QTextCursor.MoveOperation.StartOfLine)
        self.setTextCursor(top)

    # --- mouse, tooltips ----------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        self.hide_caret()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.textCursor().hasSelection():  # a drag, or a double click on a word
            self.mouseSelectionFinished.emit()
            return
        pos = event.position().toPoint()
        if press is None or (pos - press).manhattanLength() > 4:
            return
        href = self.anchorAt(pos)
        if href:
            self.linkClicked.emit(href)
            return
        hit = char_at(self.document(), self.doc_point(pos))
        if hit is not None:
            self.charClicked.emit(hit)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            over_link = bool(self.anchorAt(event.position().toPoint()))
            self.viewport().setCursor(
                Qt.CursorShape.PointingHandCursor if over_link else Qt.CursorShape.IBeamCursor
            )

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPoint) -> str | None:
        """The note of the innermost noted highlight under ``pos``, else a link's address."""
        hit = char_at(self.document(), self.doc_point(pos))
        if hit is not None and self.index is not None:
            for placed in self.index.at(hit):
                note = placed.ann.note.strip()
                if note:
                    if len(note) > TOOLTIP_CHARS:
                        note = note[: TOOLTIP_CHARS - 1].rstrip() + "…"
                    return note
        href = self.anchorAt(pos)
        return href or None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escapePressed.emit()
            event.accept()
            return
        if event.key() in NAVIGATION_KEYS:
            if not self._keyboard_caret:
                self._start_at_visible_text()
            self._keyboard_caret = True
            self.viewport().update()
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.viewport().update()
