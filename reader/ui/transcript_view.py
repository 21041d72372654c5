"""The reading pane: one transcript as a calm column of text, with highlights and find.

Offsets in this API are canonical code points (see `reader.core.transcript`); the document holds
exactly the canonical text, so the only conversion is UTF-16 ↔ code point (`reader.ui.offsets`).

Parts: `transcript_render` builds the document, `reading_edit.ReadingEdit` shows it and paints the
decoration, `highlights` turns annotations into one list of extra selections, `scrollmarks` puts
their marks on the scroll bar, `text_geometry` finds lines in the layout, `transcript_header`
is the header above the text, and `transcript_build` (building the document, progressively) and
`transcript_find` (find) hold those parts of the view.

A long transcript is built progressively: its whole text goes in at once, then its formats and
layout follow from the top down in slices of about `SLICE_MS` between the event loop's turns, so
opening a 2 MB transcript never freezes the window. Highlights and find hits are handed to Qt as
the slices reach them (Qt would lay out everything up to a selection to repaint it); the scroll
bar's marks come when the build is done. Whatever needs a position further down (a selection,
a jump, find) first formats up to it; a reading position to restore waits for the slices.
Transcripts up to `PROGRESSIVE_CHARS` are built in one go, as before.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit, QVBoxLayout, QWidget

from reader.core.annotations import Annotation
from reader.core.transcript import Transcript
from reader.ui.highlights import (
    AnnotationIndex,
    SelectionCache,
    find_selections,
    highlight_selections,
    range_rects,
)
from reader.ui.offsets import OffsetMap
from reader.ui.reading_edit import ReadingEdit
from reader.ui.text_geometry import first_visible_position, line_end, line_top, y_fraction
from reader.ui.theme import (
    MAX_POINT_SIZE,
    MIN_POINT_SIZE,
    READING_POINT_SIZE,
    SPACE_S,
    SPACE_XS,
    Theme,
    make_palette,
    qcolor,
    reading_font,
    reading_font_family,
    theme_for,
)
from reader.ui.transcript_build import TranscriptBuild
from reader.ui.transcript_find import TranscriptFind
from reader.ui.transcript_render import (
    DocumentBuilder,
    Metrics,
    RenderResult,
    document_text,
)


# `TranscriptFind.find` shadows the static QWidget.find(WId) (a window lookup, never called here).
class TranscriptView(TranscriptBuild, TranscriptFind, QWidget):  # type: ignore[misc]
    """Shows one transcript; reports selections and clicks in canonical code-point offsets."""

    #: The selection changed: (start, end) code points; start == end when nothing is selected.
    selectionOffsetsChanged = Signal(int, int)
    #: A click (without dragging) on a highlight: the annotation's id (innermost one).
    annotationActivated = Signal(str)
    #: A context menu was asked for, at this global (screen) position.
    contextMenuRequested = Signal(QPoint)
    #: A link in the text or the header was clicked: its address (opening it is the window's job).
    linkActivated = Signal(str)
    #: The text scrolled (the reading position may have changed).
    scrolled = Signal()
    #: A selection made with the mouse is complete (the button is up).
    mouseSelectionFinished = Signal()
    #: Escape was pressed in the text.
    escapePressed = Signal()
    #: A progressive build (see the module docstring) is complete.
    buildFinished = Signal()

    #: Documents longer than this (UTF-16 units) are formatted and laid out in slices.
    PROGRESSIVE_CHARS = 300_000
    #: Time for formatting and layout in a slice of a progressive build, in milliseconds of the
    #: GUI thread (handing the highlights it reached to Qt comes on top: ≈10 ms).
    SLICE_MS = 25
    #: Characters formatted (and laid out) per step of a slice.
    STEP_CHARS = 40_000

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptView")
        self._edit = ReadingEdit(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._edit)
        self.setFocusProxy(self._edit)

        self._theme = theme or theme_for("system")
        self._family = reading_font_family()
        self._point_size = float(READING_POINT_SIZE)
        self._transcript: Transcript | None = None
        self._render = RenderResult(offsets=OffsetMap(""))
        self._annotations: dict[str, Annotation] = {}
        self._index = AnnotationIndex([], self._render.offsets)
        self._current_id: str | None = None
        self._highlights: list[QTextEdit.ExtraSelection] = []
        # kept across re-indexes of the same document text and theme (cleared by `_rebuild`)
        self._selection_cache: SelectionCache = {}
        self._marks_cache: dict[int, float] = {}  # pos16 → fraction, for `_marks_layout`
        self._marks_layout: object = None
        self._find_text = ""
        self._find_hits: list[tuple[int, int]] = []
        self._find_extra: list[QTextEdit.ExtraSelection] = []
        self._last_selection: tuple[int, int] | None = None
        self._building = False
        self._builder: DocumentBuilder | None = None
        self._highlight_starts: list[int] = []
        self._given16: int | None = None  # extra selections handed to Qt up to here (None: all)
        self._pending_offset: int | None = None  # a reading position waiting for the build
        self._pending_selection: tuple[int, int] | None = None
        self._scrolling = False  # our own scroll bar changes (they keep a pending position)
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_slice)
        self._metrics = Metrics.for_font(reading_font(self._point_size, self._family))
        self._marks_timer = QTimer(self)
        self._marks_timer.setSingleShot(True)
        self._marks_timer.setInterval(60)
        self._marks_timer.timeout.connect(self.update_scroll_marks)

        self._connect_signals()
        self._apply_palette()
        self._rebuild(keep_state=False)

    def _connect_signals(self) -> None:
        edit = self._edit
        edit.selectionChanged.connect(self._on_selection_changed)
        edit.cursorPositionChanged.connect(self._on_selection_changed)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._on_context_menu)
        edit.charClicked.connect(self._on_char_clicked)
        edit.linkClicked.connect(self.linkActivated)
        edit.header.linkActivated.connect(self.linkActivated)
        edit.geometryChanged.connect(self._marks_timer.start)
        edit.verticalScrollBar().valueChanged.connect(self._on_scroll_value)
        edit.verticalScrollBar().valueChanged.connect(self.scrolled)
        edit.mouseSelectionFinished.connect(self.mouseSelectionFinished)
        edit.escapePressed.connect(self.escapePressed)
        edit.document().documentLayout().documentSizeChanged.connect(self._marks_timer.start)

    # --- content ------------------------------------------------------------------------------
    def set_transcript(
        self, transcript: Transcript | None, annotations: Iterable[Annotation] = ()
    ) -> None:
        """Show ``transcript`` (None: nothing) with ``annotations``, from the top."""
        self._transcript = transcript
        self._annotations = {a.id: a for a in annotations}
        self._current_id = None
        self._find_text = ""
        self._find_hits = []
        self._rebuild(keep_state=False)

    def clear(self) -> None:
        self.set_transcript(None)

    def transcript(self) -> Transcript | None:
        return self._transcript

    def document_text(self) -> str:
        """The text the document holds (equal to the transcript's canonical text)."""
        return document_text(self._edit.document())

    def text_edit(self) -> QTextEdit:
        """The inner text edit (for focus handling and tests)."""
        return self._edit

    def document(self) -> QTextDocument:
        return self._edit.document()

    def offsets(self) -> OffsetMap:
        """Code point ↔ UTF-16 conversion for the current text."""
        return self._render.offsets

    # --- annotations ------------------------------------------------------------------------
    def set_annotations(self, annotations: Iterable[Annotation]) -> None:
        """Paint exactly ``annotations`` (orphaned and deleted ones are skipped)."""
        self._annotations = {a.id: a for a in annotations}
        self._reindex()
        self._refresh_extra_selections()
        self.update_scroll_marks()

    def update_annotation(self, ann: Annotation) -> None:
        """Add ``ann`` or replace the annotation with its id."""
        self._annotations[ann.id] = ann
        self.set_annotations(list(self._annotations.values()))

    def remove_annotation(self, annotation_id: str) -> None:
        if self._annotations.pop(annotation_id, None) is not None:
            self.set_annotations(list(self._annotations.values()))

    def set_current_annotation(self, annotation_id: str | None) -> None:
        """Outline ``annotation_id`` more strongly (None: no current annotation)."""
        self._current_id = annotation_id
        self._edit.current = self._index.by_id.get(annotation_id) if annotation_id else None
        self._edit.viewport().update()

    def current_annotation(self) -> str | None:
        return self._current_id

    def painted_annotation_ids(self) -> list[str]:
        """Ids of the annotations shown, by start."""
        return [p.ann.id for p in self._index.items]

    def annotations_at(self, offset: int) -> list[str]:
        """Ids of the painted annotations covering the character at ``offset``, innermost first."""
        return [p.ann.id for p in self._index.at(self._render.offsets.to_utf16(offset))]

    def _reindex(self) -> None:
        self._index = AnnotationIndex(self._annotations.values(), self._render.offsets)
        self._edit.index = self._index
        self._edit.current = self._index.by_id.get(self._current_id) if self._current_id else None
        self._highlights = highlight_selections(
            self._edit.document(), self._index, self._theme, self._selection_cache
        )
        self._highlight_starts = [p.start16 for p in self._index.items]

    def _refresh_extra_selections(self) -> None:
        doc = self._edit.document()
        self._find_extra = find_selections(doc, self._find_hits, self._theme)
        frontier = self._frontier16()
        self._given16 = frontier
        if frontier is None:
            selections = self._highlights + self._find_extra
        else:
            # Only what the build has reached: Qt lays out the text up to a selection to know
            # the rectangle to repaint.
            shown = bisect.bisect_left(self._highlight_starts, frontier)
            finds = bisect.bisect_left(self._find_hits, (frontier, 0))
            selections = self._highlights[:shown] + self._find_extra[:finds]
        # Qt asks for a repaint of each new selection's rectangle, and merging thousands of
        # them into the update region takes longer than repainting the whole viewport.
        viewport = self._edit.viewport()
        viewport.setUpdatesEnabled(False)
        try:
            self._edit.setExtraSelections(selections)
        finally:
            viewport.setUpdatesEnabled(True)

    def update_scroll_marks(self) -> None:
        """Recompute the scroll bar's marks (annotations and find hits) from the layout."""
        self._marks_timer.stop()
        if self._builder is not None:
            return  # when the build is done (the marks need the whole layout)
        doc = self._edit.document()
        layout = doc.documentLayout()
        height = layout.documentSize().height()
        bar = self._edit.marked_scroll_bar()
        if height <= 0 or self._transcript is None:
            bar.set_marks([])
            bar.set_find_marks([])
            return

        # Where a position is depends on the text (a rebuild clears the cache), the column
        # and the height: the same three give the same layout, so the fractions are reused.
        layout_key = (doc.textWidth(), height, self._edit.column_margins())
        if layout_key != self._marks_layout:
            self._marks_layout = layout_key
            self._marks_cache = {}
        cache = self._marks_cache

        def fraction(pos16: int) -> float:
            found = cache.get(pos16)
            if found is None:
                found = cache[pos16] = y_fraction(doc, pos16, height)
            return found

        colors: dict[str, QColor] = {}
        marks = []
        for p in self._index.items:
            color = colors.get(p.ann.color)
            if color is None:
                color = colors[p.ann.color] = qcolor(self._theme.highlight(p.ann.color))
                color.setAlpha(255)
            marks.append((fraction(p.start16), color))
        bar.set_marks(marks)
        find_color = qcolor(self._theme.find)
        find_color.setAlpha(255)
        # (find hits are not kept: a session of searches would fill the cache)
        bar.set_find_marks([(y_fraction(doc, s, height), find_color) for s, _ in self._find_hits])

    # --- selection --------------------------------------------------------------------------
    def selection_offsets(self) -> tuple[int, int] | None:
        """The selected range as canonical code points, or None when nothing is selected."""
        if self._pending_selection is not None:
            return self._pending_selection
        cursor = self._edit.textCursor()
        if not cursor.hasSelection():
            return None
        conv = self._render.offsets
        return conv.to_code_point(cursor.selectionStart()), conv.to_code_point(
            cursor.selectionEnd()
        )

    def set_selection(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points) and bring it into view."""
        conv = self._render.offsets
        self._pending_selection = None
        self._ensure_built(conv.to_utf16(max(start, end)))
        cursor = QTextCursor(self._edit.document())
        cursor.setPosition(conv.to_utf16(start))
        cursor.setPosition(conv.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self._edit.setTextCursor(cursor)
        self._edit.ensureCursorVisible()

    def selection_rect(self) -> QRect | None:
        """From the selection's first line to its last, in viewport coordinates (None: none)."""
        cursor = self._edit.textCursor()
        if not cursor.hasSelection():
            return None
        edge = QTextCursor(self._edit.document())
        edge.setPosition(cursor.selectionStart())
        first = self._edit.cursorRect(edge)
        edge.setPosition(cursor.selectionEnd())
        last = self._edit.cursorRect(edge)
        return first.united(last)

    def clear_selection(self) -> None:
        self._pending_selection = None
        cursor = self._edit.textCursor()
        cursor.clearSelection()
        self._edit.setTextCursor(cursor)

    def selected_text(self) -> str:
        """The canonical text of the selection ("" when none)."""
        sel = self.selection_offsets()
        if sel is None or self._transcript is None:
            return ""
        return self._transcript.text[sel[0] : sel[1]]

    def _on_selection_changed(self) -> None:
        if self._building:
            return
        self._pending_selection = None
        cursor = self._edit.textCursor()
        conv = self._render.offsets
        current = (
            conv.to_code_point(cursor.selectionStart()),
            conv.to_code_point(cursor.selectionEnd()),
        )
        if current != self._last_selection:
            self._last_selection = current
            self.selectionOffsetsChanged.emit(*current)

    def _on_context_menu(self, pos: QPoint) -> None:
        self.contextMenuRequested.emit(self._edit.viewport().mapToGlobal(pos))

    def _on_char_clicked(self, pos16: int) -> None:
        hits = self._index.at(pos16)
        if hits:
            self.annotationActivated.emit(hits[0].ann.id)

    # --- position ---------------------------------------------------------------------------
    def reading_offset(self) -> int:
        """Code-point offset of the first (even partly) visible line's first character."""
        if self._pending_offset is not None:
            return self._pending_offset
        y = float(self._edit.verticalScrollBar().value())
        if self._transcript is None or y <= 0:
            return 0
        return self._render.offsets.to_code_point(first_visible_position(self._edit.document(), y))

    def set_reading_offset(self, offset: int) -> None:
        """Scroll so that the line holding ``offset`` is the first one (0: the very top).

        While a long transcript is still being built this happens when the build gets there."""
        self._pending_offset = None
        frontier = self._frontier16()
        far = frontier is not None and self._render.offsets.to_utf16(offset) >= frontier
        if offset > 0 and far:
            self._pending_offset = offset
            return
        if not self._scroll_to_reading(offset) and self._builder is not None:
            self._pending_offset = offset

    def _scroll_to_reading(self, offset: int) -> bool:
        """Scroll to ``offset``; False when the scroll bar cannot go that far (yet)."""
        self._scrolling = True
        try:
            return self._set_reading_value(offset)
        finally:
            self._scrolling = False

    def _set_reading_value(self, offset: int) -> bool:
        bar = self._edit.verticalScrollBar()
        if offset <= 0 or self._transcript is None:
            bar.setValue(0)
            return True
        doc = self._edit.document()
        pos16 = self._render.offsets.to_utf16(offset)
        top, first_line = line_top(doc, pos16)
        metrics = self._metrics
        lead = min(float(SPACE_S), metrics.em * 0.25)  # stays inside the leading above the line
        if first_line and doc.findBlock(pos16).blockNumber() in self._render.labels:
            lead += metrics.label_height + SPACE_XS  # the speaker's name painted above
        value = max(0, round(top - lead))
        bar.setValue(value)
        return bar.value() == value

    def scroll_to_offset(self, offset: int, flash: bool = False, end: int | None = None) -> None:
        """Bring ``offset`` into view (about a third down unless already well visible);
        ``flash`` briefly tints ``[offset, end)``, or the line holding ``offset``."""
        if self._transcript is None:
            return
        conv = self._render.offsets
        doc = self._edit.document()
        s16 = conv.to_utf16(offset)
        self._pending_offset = None
        self._ensure_built(conv.to_utf16(max(offset, end or 0)))
        e16 = conv.to_utf16(end) if end is not None and end > offset else line_end(doc, s16)
        rects = range_rects(doc, s16, max(e16, s16 + 1))
        top = rects[0].top() if rects else line_top(doc, s16)[0]
        bottom = rects[-1].bottom() if rects else top
        bar = self._edit.verticalScrollBar()
        view_h = self._edit.viewport().height()
        value = bar.value()
        if not (top >= value + 0.1 * view_h and bottom <= value + 0.85 * view_h):
            bar.setValue(max(0, round(top - 0.3 * view_h)))
        if flash and e16 > s16:
            self._edit.flash(s16, e16)

    def jump_to(self, offset: int) -> None:
        """Make the line holding ``offset`` the first one and flash it (outline jumps)."""
        if self._transcript is not None:
            self._ensure_built(self._render.offsets.to_utf16(offset))
        self.set_reading_offset(offset)
        if self._transcript is None:
            return
        s16 = self._render.offsets.to_utf16(offset)
        e16 = line_end(self._edit.document(), s16)
        if e16 > s16:
            self._edit.flash(s16, e16)

    def is_flashing(self) -> bool:
        return self._edit.is_flashing()

    # --- appearance -------------------------------------------------------------------------
    def theme(self) -> Theme:
        return self._theme

    def set_theme(self, theme: Theme) -> None:
        """Repaint everything from ``theme``."""
        self._theme = theme
        self._apply_palette()
        self._rebuild()

    def _apply_palette(self) -> None:
        palette = make_palette(self._theme)
        self.setPalette(palette)
        self._edit.setPalette(palette)
        self._edit.viewport().setPalette(palette)
        self._edit.verticalScrollBar().setPalette(palette)

    def font_family(self) -> str:
        return self._family

    def font_point_size(self) -> float:
        return self._point_size

    def set_font(self, family: str | None, point_size: float) -> None:
        """Use ``family`` (None: the preferred reading face) at ``point_size`` points."""
        self._family = family or reading_font_family()
        self._point_size = float(min(max(point_size, MIN_POINT_SIZE), MAX_POINT_SIZE))
        self._rebuild()

    def zoom_in(self) -> None:
        self.set_font(self._family, self._point_size + 1)

    def zoom_out(self) -> None:
        self.set_font(self._family, self._point_size - 1)
