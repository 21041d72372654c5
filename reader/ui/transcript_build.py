"""Building `reader.ui.transcript_view.TranscriptView`'s document, at once or progressively.

A long transcript is built progressively (see `reader.ui.transcript_view`): its whole text goes
in at once, then its formats and layout follow from the top down in slices between the event
loop's turns. `TranscriptBuild` holds that part of the view: `TranscriptView` inherits it, and
keeps the settings (`PROGRESSIVE_CHARS`, `SLICE_MS`, `STEP_CHARS`) and the state it uses.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtGui import QTextCursor

from reader.core.transcript import Transcript
from reader.ui.highlights import find_hits
from reader.ui.offsets import OffsetMap
from reader.ui.text_geometry import first_visible_position
from reader.ui.theme import reading_font
from reader.ui.transcript_render import DocumentBuilder, Metrics, RenderResult, column_width

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer, SignalInstance

    from reader.ui.reading_edit import ReadingEdit
    from reader.ui.theme import Theme


class TranscriptBuild:
    """The document building of `TranscriptView` (a mixin: the view holds the state)."""

    if TYPE_CHECKING:  # what the view provides
        PROGRESSIVE_CHARS: ClassVar[int]
        SLICE_MS: ClassVar[int]
        STEP_CHARS: ClassVar[int]
        buildFinished: SignalInstance
        _edit: ReadingEdit
        _theme: Theme
        _family: str
        _point_size: float
        _transcript: Transcript | None
        _render: RenderResult
        _metrics: Metrics
        _find_text: str
        _find_hits: list[tuple[int, int]]
        _last_selection: tuple[int, int] | None
        _building: bool
        _builder: DocumentBuilder | None
        _given16: int | None
        _pending_offset: int | None
        _pending_selection: tuple[int, int] | None
        _scrolling: bool
        _build_timer: QTimer
        _selection_cache: dict[Any, Any]
        _marks_cache: dict[int, float]

        def reading_offset(self) -> int: ...
        def set_reading_offset(self, offset: int) -> None: ...
        def selection_offsets(self) -> tuple[int, int] | None: ...
        def set_selection(self, start: int, end: int) -> None: ...
        def update_scroll_marks(self) -> None: ...
        def _reindex(self) -> None: ...
        def _refresh_extra_selections(self) -> None: ...
        def _scroll_to_reading(self, offset: int) -> bool: ...

    def _rebuild(self, keep_state: bool = True) -> None:
        """Build the document from the transcript, theme and font; keep position and selection."""
        reading = self.reading_offset() if keep_state else 0
        selection = self.selection_offsets() if keep_state else None
        edit = self._edit
        if not keep_state:
            edit.hide_caret()
        self._build_timer.stop()
        self._builder = None
        self._pending_offset = self._pending_selection = None
        self._selection_cache.clear()  # the text, the theme or the font changes
        self._marks_cache.clear()
        font = reading_font(self._point_size, self._family)
        metrics = self._metrics = Metrics.for_font(font)
        edit.theme = self._theme
        edit.label_font = metrics.label_font
        edit.indent = metrics.indent
        edit.column_width = column_width(font)
        edit.current = None
        edit.header.set_style(self._theme, font)
        self._building = True
        try:
            doc = edit.document()
            if self._transcript is None:
                edit.header.set_transcript(None, [])
                doc.setDefaultFont(font)
                doc.clear()
                self._render = RenderResult(offsets=OffsetMap(""))
            else:
                speakers = list(_speakers(self._transcript))
                edit.header.set_transcript(self._transcript, speakers)
                # Off the document while its text is replaced: setPlainText would move the
                # cursor to the end, and moving it back would lay out the whole text.
                edit.setTextCursor(QTextCursor())
                builder = DocumentBuilder(doc, self._transcript, self._theme, font)
                self._render = builder.result
                if builder.length16 <= self.PROGRESSIVE_CHARS:
                    builder.finish()
                else:
                    self._builder = builder
            edit.labels = self._render.labels
            edit.quotes = self._render.quotes
            edit.update_column(force=True)
            if self._builder is None:
                layout = doc.documentLayout()
                layout.blockBoundingRect(doc.lastBlock())  # finish the layout now, not lazily
            else:
                self._run_slice(first=True)  # the top now, the rest between the event loop's turns
            self._reindex()
            if self._find_text:
                self._find_hits = find_hits(doc, self._find_text)
            self._refresh_extra_selections()
            cursor = QTextCursor(doc)
            edit.setTextCursor(cursor)
        finally:
            self._building = False
        if self._builder is not None:
            self._pending_selection = selection
            self._pending_offset = reading if reading > 0 else None
            self._apply_pending()
            self._build_timer.start()
        else:
            if selection is not None:
                self.set_selection(*selection)
            self.set_reading_offset(reading)
        self._last_selection = None
        self.update_scroll_marks()

    # --- progressive build ------------------------------------------------------------------
    def is_building(self) -> bool:
        """Whether a long transcript is still being formatted (see the module docstring)."""
        return self._builder is not None

    def finish_building(self) -> None:
        """Format and lay out whatever is left now (no-op when the document is complete)."""
        if self._builder is not None:
            self._ensure_built(self._builder.length16)

    def _run_slice(self, first: bool = False) -> None:
        """Format and lay out from the frontier on for up to `SLICE_MS` (``first``: one step,
        the top of the text, while the window has the rest of the episode to show)."""
        builder = self._builder
        assert builder is not None
        doc = self._edit.document()
        layout = doc.documentLayout()
        deadline = time.perf_counter() + self.SLICE_MS / 1000
        while not builder.done:
            builder.step(self.STEP_CHARS)
            layout.blockBoundingRect(doc.findBlock(max(builder.frontier16 - 1, 0)))
            if first or time.perf_counter() >= deadline:
                break

    def _build_slice(self) -> None:
        if self._builder is None:
            return
        self._run_slice()
        self._after_progress()

    def _ensure_built(self, pos16: int) -> None:
        """Format (and lay out) at least up to the line after ``pos16`` before using it."""
        builder = self._builder
        if builder is None or pos16 < builder.frontier16:
            return
        builder.step_to(pos16)
        builder.step(self.STEP_CHARS)  # and a little beyond: the lines shown below it
        doc = self._edit.document()
        doc.documentLayout().blockBoundingRect(doc.findBlock(max(builder.frontier16 - 1, 0)))
        self._after_progress()

    def _after_progress(self) -> None:
        """The build moved on: hand Qt what it reached, and finish or go on."""
        builder = self._builder
        if builder is None:
            return
        if builder.done:
            self._builder = None
            self._build_timer.stop()
        # Every slice hands Qt the highlights it reached: Qt works out each new one's
        # rectangle (≈0.1 ms), too long for all 2,000 of a long transcript at the end.
        self._refresh_extra_selections()
        self._apply_pending()
        if self._builder is None:
            self.update_scroll_marks()
            self.buildFinished.emit()
        else:
            self._build_timer.start()

    def _apply_pending(self) -> None:
        """Restore the selection and reading position once the build has reached them."""
        frontier = self._frontier16()
        conv = self._render.offsets
        sel = self._pending_selection
        if sel is not None and (frontier is None or conv.to_utf16(sel[1]) < frontier):
            self._pending_selection = None
            cursor = QTextCursor(self._edit.document())
            cursor.setPosition(conv.to_utf16(sel[0]))
            cursor.setPosition(conv.to_utf16(sel[1]), QTextCursor.MoveMode.KeepAnchor)
            self._building = True
            try:
                self._edit.setTextCursor(cursor)
            finally:
                self._building = False
        offset = self._pending_offset
        if offset is not None and (frontier is None or conv.to_utf16(offset) < frontier):
            self._pending_offset = None
            if not self._scroll_to_reading(offset) and frontier is not None:
                self._pending_offset = offset  # the text laid out ends too soon below it

    def _needs_selections(self) -> bool:
        """Whether the text shown reaches past the highlights handed to Qt so far (they are
        handed over when needed, and all at once when the build is done)."""
        given = self._given16
        if given is None:
            return False
        doc = self._edit.document()
        bottom = self._edit.verticalScrollBar().value() + 2 * self._edit.viewport().height()
        return first_visible_position(doc, float(bottom)) + self.STEP_CHARS >= given

    def _frontier16(self) -> int | None:
        """Where the progressive build has got to (None: the document is complete)."""
        return self._builder.frontier16 if self._builder is not None else None

    def _on_scroll_value(self, _value: int) -> None:
        if not self._scrolling and not self._building:
            self._pending_offset = None  # the reader scrolled: that is the position now
        if self._builder is not None and not self._building and self._needs_selections():
            self._refresh_extra_selections()


def _speakers(transcript: Transcript) -> Iterable[str]:
    seen: set[str] = set()
    for block in transcript.blocks:
        if block.speaker and block.speaker not in seen:
            seen.add(block.speaker)
            yield block.speaker
