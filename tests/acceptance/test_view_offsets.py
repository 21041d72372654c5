"""Over the whole corpus: the view shows exactly the canonical text, and selections made with
Qt's UTF-16 positions map to canonical code-point offsets holding the same text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor

from reader.core.transcript import load_transcript
from reader.ui.theme import LIGHT
from reader.ui.transcript_view import TranscriptView

pytestmark = [
    pytest.mark.acceptance,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

SPANS_PER_FILE = 8


def _corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".md", ".txt"})


def test_view_text_and_selection_offsets_over_corpus(qtbot, corpus_dir: Path) -> None:
    files = _corpus_files(corpus_dir)
    assert files, "the corpus is empty"
    view = TranscriptView(theme=LIGHT)
    qtbot.addWidget(view)
    view.resize(900, 800)
    rng = random.Random(20240601)
    for path in files:
        transcript = load_transcript(path)
        view.set_transcript(transcript, [])
        name = str(path.relative_to(corpus_dir))
        assert view.document_text() == transcript.text, name
        doc = view.document()
        length16 = doc.characterCount() - 1
        assert length16 == view.offsets().length16, name
        if length16 < 2:
            continue
        for _ in range(SPANS_PER_FILE):
            a = rng.randrange(0, length16)
            b = min(length16, a + rng.randrange(1, 400))
            cursor = QTextCursor(doc)
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            view.text_edit().setTextCursor(cursor)
            shown = view.text_edit().textCursor()
            selected = shown.selectedText().replace("\u2029", "\n")
            if not selected:
                continue
            start, end = view.selection_offsets()
            assert transcript.text[start:end] == selected, (name, a, b)
            assert view.offsets().to_utf16(start) == shown.selectionStart(), name
