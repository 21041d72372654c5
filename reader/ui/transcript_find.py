"""Find in `reader.ui.transcript_view.TranscriptView`: the next match, and every match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCursor, QTextDocument

from reader.ui.highlights import find_hits

if TYPE_CHECKING:
    from reader.ui.reading_edit import ReadingEdit
    from reader.ui.transcript_render import RenderResult


class TranscriptFind:
    """Find in `TranscriptView` (a mixin: the view holds the state)."""

    if TYPE_CHECKING:  # what the view provides
        _edit: ReadingEdit
        _render: RenderResult
        _find_text: str
        _find_hits: list[tuple[int, int]]
        _pending_offset: int | None
        _pending_selection: tuple[int, int] | None

        def scroll_to_offset(
            self, offset: int, flash: bool = False, end: int | None = None
        ) -> None: ...
        def update_scroll_marks(self) -> None: ...
        def _ensure_built(self, pos16: int) -> None: ...
        def _refresh_extra_selections(self) -> None: ...

    # Shadows the static QWidget.find(WId) in the view (a window lookup, never called on a view).
    def find(self, text: str, backwards: bool = False) -> bool:
        """Select the next (or previous) case-insensitive match, wrapping around."""
        if not text:
            return False
        doc = self._edit.document()
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        found = doc.find(text, self._edit.textCursor(), flags)
        if found.isNull():
            wrap = QTextCursor(doc)
            if backwards:
                wrap.movePosition(QTextCursor.MoveOperation.End)
            found = doc.find(text, wrap, flags)
        if found.isNull():
            return False
        self._ensure_built(found.selectionEnd())
        self._pending_offset = self._pending_selection = None
        self._edit.setTextCursor(found)
        conv = self._render.offsets
        start = conv.to_code_point(found.selectionStart())
        self.scroll_to_offset(start, end=conv.to_code_point(found.selectionEnd()))
        return True

    def find_all(self, text: str) -> int:
        """Highlight every case-insensitive match of ``text``; return how many there are."""
        self._find_text = text
        self._find_hits = find_hits(self._edit.document(), text)
        self._refresh_extra_selections()
        self.update_scroll_marks()
        return len(self._find_hits)

    def find_hits(self) -> list[tuple[int, int]]:
        """The current find-all matches as code-point ranges."""
        conv = self._render.offsets
        return [(conv.to_code_point(s), conv.to_code_point(e)) for s, e in self._find_hits]

    def clear_find(self) -> None:
        self._find_text = ""
        self._find_hits = []
        self._refresh_extra_selections()
        self.update_scroll_marks()
