"""The reading pane: document text, offsets, selection, highlights, find, theme, position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QTextEdit

from reader.core.annotations import Annotation
from reader.core.transcript import Block, EpisodeMeta, InlineSpan, Transcript
from reader.ui.highlights import char_at
from reader.ui.theme import DARK, LIGHT, qcolor
from reader.ui.transcript_view import TranscriptView

# The offscreen platform says this whenever a top-level window is shown; it is not ours.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def build(parts: list[tuple[str, str, dict[str, Any]]], **meta: Any) -> Transcript:
    """A Transcript from (kind, text, Block fields) parts; span offsets are block-relative."""
    blocks: list[Block] = []
    pos = 0
    for kind, body, fields in parts:
        fields = dict(fields)
        spans = tuple(
            InlineSpan(pos + s, pos + e, style, href)
            for s, e, style, href in fields.pop("spans", ())
        )
        blocks.append(Block(kind, pos, pos + len(body), spans=spans, **fields))  # type: ignore[arg-type]
        pos += len(body) + 1
    text = "\n".join(body for _, body, _ in parts)
    info = EpisodeMeta(path=Path("episode.md"), title=meta.pop("title", "An episode"), **meta)
    return Transcript(meta=info, text=text, blocks=blocks)


PARTS: list[tuple[str, str, dict[str, Any]]] = [
    ("heading", "Part one: 始まり", {"level": 1}),
    ("turn", "Hello 😀 world, café and cafe\u0301.", {"speaker": "Ann Smith", "label": "AS"}),
    ("paragraph", "漢字 and 𠜎 (astral CJK) with\u00a0no-break space.", {"speaker": "Ann Smith"}),
    (
        "turn",
        "[00:12] See the link and *this* 👩\u200d💻 here.",
        {
            "speaker": "Bob",
            "label": "B",
            "spans": [(0, 7, "timestamp", None), (16, 20, "link", "https://example.org/")],
        },
    ),
    ("list_item", "first 🎉 item", {"speaker": "Bob", "level": 1}),
    ("list_item", "second item", {"speaker": "Bob", "level": 1}),
    ("quote", "A quoted line, the end.", {"speaker": "Bob", "level": 1}),
    ("paragraph", "Last paragraph: THE end, the End.", {}),
]


@pytest.fixture
def transcript() -> Transcript:
    return build(PARTS, subtitle="A subtitle", source_urls=["https://example.org/ep"])


@pytest.fixture
def view(qtbot, transcript: Transcript) -> TranscriptView:
    v = TranscriptView(theme=LIGHT)
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    qtbot.waitExposed(v)
    v.set_transcript(transcript, [])
    return v


def ann(text: str, needle: str, ident: str, **kw: Any) -> Annotation:
    start = text.index(needle)
    return Annotation(id=ident, exact=needle, start=start, end=start + len(needle), **kw)


def point_of(view: TranscriptView, offset: int, dx: float = 1.0) -> QPoint:
    """Viewport point inside the character at canonical ``offset``."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets().to_utf16(offset))
    rect = view.text_edit().cursorRect(cursor)
    return QPoint(int(rect.left() + dx + 1), int(rect.center().y()))


# --- the document is the canonical text ----------------------------------------------------
def test_document_text_is_the_canonical_text(view: TranscriptView, transcript) -> None:
    assert view.document_text() == transcript.text
    assert view.document().blockCount() == transcript.text.count("\n") + 1
    for block in transcript.blocks:
        qblock = view.document().findBlock(view.offsets().to_utf16(block.start))
        assert qblock.text() == transcript.text[block.start : block.end]


def test_decoration_is_not_text(view: TranscriptView, transcript) -> None:
    doc = view.document()
    edit = view.text_edit()
    # speaker names are painted above the turn blocks, not inserted
    labels = {lab.block_number: lab.name for lab in edit.labels.values()}
    assert labels == {1: "Ann Smith", 3: "Bob"}
    assert "Ann Smith" not in view.document_text()
    # headings, lists and quotes are formats
    assert doc.findBlockByNumber(0).blockFormat().headingLevel() == 1
    assert doc.findBlockByNumber(4).textList() is not None
    assert doc.findBlockByNumber(4).textList() == doc.findBlockByNumber(5).textList()
    assert doc.findBlockByNumber(6).blockFormat().leftMargin() > 0
    assert edit.quotes == {6: 1}
    # line height 1.5 and paragraph spacing larger than the leading
    fmt = doc.findBlockByNumber(2).blockFormat()
    assert fmt.lineHeightType() == 1 and fmt.lineHeight() > 100
    assert fmt.bottomMargin() > 0
    assert doc.findBlockByNumber(1).blockFormat().topMargin() > fmt.bottomMargin()
    # spans: timestamp small and muted, link anchored
    text = transcript.text
    ts = text.index("[00:12]")
    cursor = QTextCursor(doc)
    cursor.setPosition(view.offsets().to_utf16(ts) + 1)
    assert cursor.charFormat().foreground().color() == qcolor(LIGHT.muted)
    link = text.index("link")
    cursor.setPosition(view.offsets().to_utf16(link) + 1)
    assert cursor.charFormat().isAnchor()
    assert cursor.charFormat().anchorHref() == "https://example.org/"


def test_header_is_outside_the_document(view: TranscriptView) -> None:
    header = view.text_edit().header
    assert header.title.text() == "An episode"
    assert header.subtitle.text() == "A subtitle"
    assert "example.org" in header.links.text()
    assert header.isVisible() and header.height() > 0
    # the header sits in the document's top margin, above the first line
    top = view.document().rootFrame().frameFormat().topMargin()
    assert header.geometry().bottom() < top


def test_empty_and_cleared(qtbot) -> None:
    v = TranscriptView(theme=DARK)
    qtbot.addWidget(v)
    v.set_transcript(build([]), [])
    assert v.document_text() == ""
    assert v.selection_offsets() is None
    assert v.find_all("x") == 0
    v.clear()
    assert v.transcript() is None and v.reading_offset() == 0


# --- selection ------------------------------------------------------------------------------
def test_cursor_selection_maps_to_canonical_offsets(view: TranscriptView, transcript) -> None:
    text = transcript.text
    edit = view.text_edit()
    for needle in ("😀 world", "𠜎 (astral", "👩\u200d💻 here", "cafe\u0301.", "🎉 item\nsecond"):
        start = text.index(needle)
        u16 = view.offsets()
        cursor = QTextCursor(view.document())
        cursor.setPosition(u16.to_utf16(start))
        cursor.setPosition(u16.to_utf16(start + len(needle)), QTextCursor.MoveMode.KeepAnchor)
        edit.setTextCursor(cursor)
        assert view.selection_offsets() == (start, start + len(needle))
        assert view.selected_text() == needle
        assert cursor.selectedText().replace("\u2029", "\n") == needle


def test_set_selection_round_trip_and_signal(view: TranscriptView, transcript, qtbot) -> None:
    start = transcript.text.index("漢字")
    with qtbot.waitSignal(view.selectionOffsetsChanged) as blocker:
        view.set_selection(start, start + 8)
    assert blocker.args == [start, start + 8]
    assert view.selection_offsets() == (start, start + 8)
    view.clear_selection()
    assert view.selection_offsets() is None


def test_keyboard_shift_right_selects_code_points(view: TranscriptView, transcript, qtbot):
    text = transcript.text
    start = text.index("😀")
    edit = view.text_edit()
    edit.setFocus()
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets().to_utf16(start))
    edit.setTextCursor(cursor)
    seen: list[tuple[int, int]] = []
    view.selectionOffsetsChanged.connect(lambda s, e: seen.append((s, e)))
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_offsets() == (start, start + 1)  # one emoji: one code point
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_offsets() == (start, start + 2)
    assert view.selected_text() == "😀 "
    assert seen[-1] == (start, start + 2)


def test_mouse_drag_selects_canonical_range(view: TranscriptView, transcript, qtbot) -> None:
    text = transcript.text
    start = text.index("astral CJK")
    end = start + len("astral CJK")
    viewport = view.text_edit().viewport()
    a = point_of(view, start, dx=0)
    b = point_of(view, end, dx=0)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, pos=QPoint((a.x() + b.x()) // 2, a.y()))
    qtbot.mouseMove(viewport, pos=b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    assert view.selection_offsets() == (start, end)
    assert view.selected_text() == "astral CJK"


# --- highlights -----------------------------------------------------------------------------
def _backgrounds(view: TranscriptView) -> list[tuple[int, int, QColor]]:
    conv = view.offsets()
    return [
        (
            conv.to_code_point(s.cursor.selectionStart()),
            conv.to_code_point(s.cursor.selectionEnd()),
            s.format.background().color(),
        )
        for s in view.text_edit().extraSelections()
    ]


def test_annotations_are_painted_in_one_list(view: TranscriptView, transcript) -> None:
    text = transcript.text
    anns = [
        ann(text, "😀 world", "a1", color="green", note="about the world"),
        ann(text, "漢字", "a2", color="purple"),
        ann(text, "second item", "a3", status="orphaned"),
        ann(text, "quoted", "a4", deleted=True),
    ]
    view.set_annotations(anns)
    painted = _backgrounds(view)
    assert [(s, e) for s, e, _ in painted] == [
        (anns[0].start, anns[0].end),
        (anns[1].start, anns[1].end),
    ]
    assert painted[0][2] == qcolor(LIGHT.highlight("green"))
    assert painted[1][2] == qcolor(LIGHT.highlight("purple"))
    assert view.painted_annotation_ids() == ["a1", "a2"]
    assert view.annotations_at(anns[0].start + 1) == ["a1"]
    # scroll bar: one mark per painted annotation, in its colour
    view.update_scroll_marks()
    marks = view.text_edit().marked_scroll_bar().marks()
    assert len(marks) == 2 and 0 <= marks[0][0] <= marks[1][0] <= 1

    view.update_annotation(anns[1].touched(color="blue"))
    assert _backgrounds(view)[1][2] == qcolor(LIGHT.highlight("blue"))
    view.remove_annotation("a1")
    assert view.painted_annotation_ids() == ["a2"]


def test_note_tooltip_click_and_current(view: TranscriptView, transcript, qtbot) -> None:
    text = transcript.text
    a1 = ann(text, "Hello 😀 world", "a1", note="A note on hello")
    a2 = ann(text, "world", "a2", color="blue")
    view.set_annotations([a1, a2])
    edit = view.text_edit()
    hello = point_of(view, a1.start + 1)
    assert edit.tooltip_at(hello) == "A note on hello"
    world = point_of(view, a2.start + 1)
    assert edit.tooltip_at(world) == "A note on hello"  # innermost with a note
    assert char_at(view.document(), edit.doc_point(world)) == view.offsets().to_utf16(a2.start + 1)
    with qtbot.waitSignal(view.annotationActivated) as blocker:
        qtbot.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, pos=world)
    assert blocker.args == ["a2"]  # the innermost one
    view.set_current_annotation("a1")
    assert edit.current is not None and edit.current.ann.id == "a1"
    view.set_current_annotation(None)
    assert edit.current is None
    edit.grab()  # paints labels, note markers, outlines without warnings


def test_link_click_emits_link_activated(view: TranscriptView, transcript, qtbot) -> None:
    pos = point_of(view, transcript.text.index("link") + 1)
    with qtbot.waitSignal(view.linkActivated) as blocker:
        qtbot.mouseClick(view.text_edit().viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["https://example.org/"]


def test_context_menu_request_is_a_signal(view: TranscriptView, qtbot) -> None:
    viewport = view.text_edit().viewport()
    local = QPoint(100, 100)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, local, viewport.mapToGlobal(local))
    with qtbot.waitSignal(view.contextMenuRequested) as blocker:
        QApplication.sendEvent(viewport, event)
    assert blocker.args == [viewport.mapToGlobal(local)]


def test_many_annotations(qtbot, transcript) -> None:
    long = build(
        [("paragraph", f"Sentence number {i} with 😀 some words.", {}) for i in range(3000)]
    )
    anns = [
        Annotation(id=f"n{i}", exact="x", start=i * 50 + 3, end=i * 50 + 20, color="yellow")
        for i in range(2000)
    ]
    v = TranscriptView(theme=DARK)
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.set_transcript(long, anns)
    assert len(v.text_edit().extraSelections()) == 2000
    assert v.document_text() == long.text


# --- find -----------------------------------------------------------------------------------
def test_find_all_counts_case_insensitively(view: TranscriptView, transcript) -> None:
    expected = transcript.text.lower().count("the")
    assert view.find_all("the") == expected >= 4
    hits = view.find_hits()
    assert all(transcript.text[s:e].lower() == "the" for s, e in hits)
    selections = _backgrounds(view)
    assert len(selections) == expected
    assert all(c == qcolor(LIGHT.find) for _, _, c in selections)
    assert view.find_all("no such words") == 0
    view.find_all("the")
    view.clear_find()
    assert view.text_edit().extraSelections() == []


def test_find_next_previous_and_wrap(view: TranscriptView, transcript) -> None:
    text = transcript.text
    starts = [i for i in range(len(text)) if text[i : i + 3].lower() == "end"]
    assert len(starts) == 3
    assert view.find("END")
    assert view.selection_offsets() == (starts[0], starts[0] + 3)
    assert view.find("end")
    assert view.selection_offsets()[0] == starts[1]
    assert view.find("end", backwards=True)
    assert view.selection_offsets()[0] == starts[0]
    assert view.find("end", backwards=True)  # wraps to the last one
    assert view.selection_offsets()[0] == starts[2]
    assert view.find("end")  # wraps to the first
    assert view.selection_offsets()[0] == starts[0]
    assert not view.find("absent")
    assert not view.find("")


# --- appearance -----------------------------------------------------------------------------
def test_theme_switch_repaints_from_the_new_palette(view: TranscriptView, transcript) -> None:
    view.set_annotations([ann(transcript.text, "漢字", "a", color="yellow")])
    view.set_selection(3, 9)
    assert _backgrounds(view)[0][2] == qcolor(LIGHT.highlight("yellow"))
    edit = view.text_edit()
    light_label = edit.labels[1].color
    view.set_theme(DARK)
    assert view.theme() is DARK
    assert _backgrounds(view)[0][2] == qcolor(DARK.highlight("yellow"))
    assert edit.viewport().palette().color(edit.viewport().backgroundRole()) == qcolor(DARK.base)
    assert edit.labels[1].color != light_label
    assert edit.labels[1].color == qcolor(DARK.speakers[0])
    assert view.document_text() == transcript.text
    assert view.selection_offsets() == (3, 9)  # kept across the rebuild


def test_zoom_and_font(view: TranscriptView, transcript) -> None:
    size = view.font_point_size()
    view.zoom_in()
    assert view.font_point_size() == size + 1
    assert view.document().defaultFont().pointSizeF() == size + 1
    view.zoom_out()
    view.zoom_out()
    assert view.font_point_size() == size - 1
    view.set_font("DejaVu Sans", 200)
    assert view.font_point_size() == 40 and view.font_family() == "DejaVu Sans"
    assert view.document_text() == transcript.text


def test_column_is_centred_and_limited(view: TranscriptView, qtbot) -> None:
    view.resize(1600, 800)
    qtbot.wait(10)
    edit = view.text_edit()
    col = edit.column_rect()
    assert col.width() <= edit.column_width
    assert abs(col.left() - (edit.viewport().width() - col.right())) <= 2
    view.resize(400, 800)
    qtbot.wait(10)
    col = edit.column_rect()
    assert col.left() >= 24 and col.width() < 400


# --- position -------------------------------------------------------------------------------
def test_reading_offset_round_trip(qtbot) -> None:
    t = build(
        [
            ("turn" if i % 5 == 0 else "paragraph", f"Paragraph {i} " * 12, {"speaker": "S"})
            for i in range(200)
        ]
    )
    v = TranscriptView(theme=LIGHT)
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    v.set_transcript(t, [])
    assert v.reading_offset() == 0
    for block in (t.blocks[37], t.blocks[100], t.blocks[150]):
        v.set_reading_offset(block.start)
        assert v.reading_offset() == block.start
    v.set_reading_offset(0)
    assert v.text_edit().verticalScrollBar().value() == 0


def test_scroll_to_offset_flashes(view: TranscriptView, transcript, qtbot) -> None:
    view.resize(900, 300)
    qtbot.wait(10)
    start = transcript.text.index("Last paragraph")
    view.scroll_to_offset(start, flash=True)
    assert view.is_flashing()
    rect = view.text_edit().cursorRect(
        QTextCursor(view.document().findBlock(view.offsets().to_utf16(start)))
    )
    assert 0 <= rect.top() < view.text_edit().viewport().height()
    qtbot.waitUntil(lambda: not view.is_flashing(), timeout=3000)


def test_keyboard_focus_and_interaction_flags(view: TranscriptView) -> None:
    edit = view.text_edit()
    flags = edit.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert edit.isReadOnly()
    assert view.focusProxy() is edit
    assert isinstance(edit, QTextEdit)


def _caret_pixels(view: TranscriptView) -> int:
    """Pixels of the accent colour (the keyboard caret) in the rendered viewport."""
    edit = view.text_edit()
    image = edit.viewport().grab().toImage()
    rect = edit.caret_rect().toAlignedRect().adjusted(-1, -1, 1, 1)  # type: ignore[attr-defined]
    accent = qcolor(view.theme().accent)
    hits = 0
    for x in range(max(rect.left(), 0), min(rect.right() + 1, image.width())):
        for y in range(max(rect.top(), 0), min(rect.bottom() + 1, image.height())):
            c = image.pixelColor(x, y)
            if abs(c.red() - accent.red()) + abs(c.blue() - accent.blue()) < 40:
                hits += 1
    return hits


def test_no_caret_until_the_keyboard_moves_it(view: TranscriptView, transcript, qtbot) -> None:
    edit = view.text_edit()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    assert edit.cursorWidth() == 0  # Qt's blinking caret is never drawn
    assert not edit.caret_visible()  # type: ignore[attr-defined]
    assert _caret_pixels(view) == 0
    # Shift+arrows still select, and then a quiet, steady caret shows where the cursor is.
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_offsets() == (0, 3)
    assert view.selected_text() == transcript.text[:3]
    assert edit.caret_visible()  # type: ignore[attr-defined]
    assert _caret_pixels(view) > 0
    # A click hides it again; so does a new transcript.
    qtbot.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, 10))
    assert not edit.caret_visible()  # type: ignore[attr-defined]
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert edit.caret_visible()  # type: ignore[attr-defined]
    view.set_transcript(transcript, [])
    assert not edit.caret_visible()  # type: ignore[attr-defined]


def test_keyboard_caret_starts_at_the_visible_text(qtbot) -> None:
    t = build([("paragraph", f"Paragraph {i} " * 12, {}) for i in range(200)])
    v = TranscriptView(theme=LIGHT)
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    v.set_transcript(t, [])
    v.set_reading_offset(t.blocks[100].start)
    value = v.text_edit().verticalScrollBar().value()
    edit = v.text_edit()
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    start, end = v.selection_offsets() or (0, 0)
    assert t.blocks[100].start <= start < t.blocks[101].start and end == start + 1
    assert abs(edit.verticalScrollBar().value() - value) < 60  # the page did not jump to the top


def test_speaker_key_is_small_quiet_and_still_text(qtbot) -> None:
    parts: list[tuple[str, str, dict[str, Any]]] = [
        ("speaker_key", "PB - Peter Beresford", {}),
        ("speaker_key", "AL - Ann Lee", {}),
        ("turn", "Welcome to the programme.", {"speaker": "Peter Beresford", "label": "PB"}),
    ]
    t = build(parts)
    t.speaker_key = {"PB": "Peter Beresford", "AL": "Ann Lee"}
    v = TranscriptView(theme=LIGHT)
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    v.set_transcript(t, [])
    assert v.document_text() == t.text  # the key stays in the document, character for character
    doc = v.document()

    def char_format(pos16: int) -> QTextCharFormat:
        cursor = QTextCursor(doc)
        cursor.setPosition(pos16 + 1)  # the format of the character before the cursor
        return cursor.charFormat()

    label, name = char_format(0), char_format(len("PB - P"))
    body = char_format(t.blocks[2].start + 3)
    assert name.font().pointSizeF() < body.font().pointSizeF() * 0.8
    assert name.fontCapitalization() == QFont.Capitalization.SmallCaps
    assert name.foreground().color() == qcolor(LIGHT.muted)
    assert label.fontWeight() > body.fontWeight()  # the label "PB" reads as a legend
    layout = doc.documentLayout()
    first, second = (
        layout.blockBoundingRect(doc.findBlockByNumber(0)),
        layout.blockBoundingRect(doc.findBlockByNumber(1)),
    )
    turn = layout.blockBoundingRect(doc.findBlockByNumber(2))
    assert 0 < second.top() - first.top() < QFontMetricsF(body.font()).height()  # tight lines
    assert turn.top() - second.bottom() > 2 * (second.top() - first.bottom())  # then a gap


# --- long transcripts are built progressively ------------------------------------------------
def long_transcript(repeats: int = 12) -> Transcript:
    return build(PARTS * repeats, title="A long episode")


def formats_of(doc) -> list[tuple[Any, ...]]:
    """Block formats (with list membership) and char formats at every position."""
    out: list[tuple[Any, ...]] = []
    block = doc.begin()
    while block.isValid():
        listed = block.textList()
        out.append(("block", block.blockNumber(), block.blockFormat(), listed is not None))
        block = block.next()
    cursor = QTextCursor(doc)
    for pos in range(1, doc.characterCount()):
        cursor.setPosition(pos)
        out.append(("char", pos, cursor.charFormat()))
    return out


def test_stepwise_build_equals_the_one_go_build(qtbot) -> None:
    from PySide6.QtGui import QTextDocument

    from reader.ui.theme import reading_font
    from reader.ui.transcript_render import DocumentBuilder, render_document

    t = long_transcript(5)
    font = reading_font(14, None)
    whole = QTextDocument()
    render_document(whole, t, LIGHT, font)
    stepped = QTextDocument()
    builder = DocumentBuilder(stepped, t, LIGHT, font)
    assert stepped.toRawText() == whole.toRawText()  # the text is all there before any format
    while not builder.done:
        before = builder.frontier16
        builder.step(30)
        assert builder.frontier16 > before or builder.done
    assert builder.steps > 5
    assert formats_of(stepped) == formats_of(whole)


def test_long_transcript_is_built_in_slices(
    qtbot, monkeypatch: pytest.MonkeyPatch, view: TranscriptView
) -> None:
    monkeypatch.setattr(TranscriptView, "PROGRESSIVE_CHARS", 200)
    monkeypatch.setattr(TranscriptView, "STEP_CHARS", 60)
    monkeypatch.setattr(TranscriptView, "SLICE_MS", 0)  # one step per slice
    t = long_transcript()
    text = t.text
    late = Annotation(id="late", exact=text[-8:-1], start=len(text) - 8, end=len(text) - 1)
    anns = [ann(text, "quoted line", "q"), late]
    view.set_transcript(t, anns)
    assert view.is_building()
    assert view.document_text() == text  # the identity holds during the build
    builder = view._builder
    assert builder is not None
    # only the highlights the build has reached are handed to Qt, none past the frontier
    reached = view.offsets().to_utf16(anns[0].start) < builder.frontier16
    assert len(view.text_edit().extraSelections()) == int(reached)  # never "late"
    assert view.text_edit().marked_scroll_bar().marks() == []  # marks come at the end
    with qtbot.waitSignal(view.buildFinished, timeout=10_000):
        pass
    assert not view.is_building()
    assert builder.steps > 3
    assert view.document_text() == text
    assert len(view.text_edit().extraSelections()) == 2
    assert len(view.text_edit().marked_scroll_bar().marks()) == 2
    assert view.painted_annotation_ids() == ["q", "late"]
    # the same document as a build in one go
    monkeypatch.setattr(TranscriptView, "PROGRESSIVE_CHARS", 10**9)
    other = TranscriptView(theme=LIGHT)
    qtbot.addWidget(other)
    other.resize(900, 700)
    other.set_transcript(t, anns)
    assert not other.is_building()
    assert formats_of(view.document()) == formats_of(other.document())


def test_jumps_during_a_build_format_their_target_first(
    qtbot, monkeypatch: pytest.MonkeyPatch, view: TranscriptView
) -> None:
    monkeypatch.setattr(TranscriptView, "PROGRESSIVE_CHARS", 200)
    monkeypatch.setattr(TranscriptView, "STEP_CHARS", 60)
    monkeypatch.setattr(TranscriptView, "SLICE_MS", 0)
    t = long_transcript()
    text = t.text
    view.set_transcript(t, [])
    assert view.is_building()
    end = len(text) - 2
    view.set_selection(end - 5, end)  # past the frontier: formatted up to there first
    assert view.selection_offsets() == (end - 5, end)
    assert view.selected_text() == text[end - 5 : end]
    builder = view._builder
    assert builder is None or builder.frontier16 > view.offsets().to_utf16(end)
    last = view.document().findBlock(view.offsets().to_utf16(end))
    assert last.blockFormat().lineHeight() > 100  # formatted
    assert view.find("quoted line", backwards=True)
    assert view.selected_text() == "quoted line"
    assert view.find_all("the end") == text.casefold().count("the end")
    view.finish_building()
    assert not view.is_building()
    assert len(view.text_edit().extraSelections()) == text.casefold().count("the end")


def test_reading_position_waits_for_the_build(
    qtbot, monkeypatch: pytest.MonkeyPatch, view: TranscriptView
) -> None:
    monkeypatch.setattr(TranscriptView, "PROGRESSIVE_CHARS", 200)
    monkeypatch.setattr(TranscriptView, "STEP_CHARS", 60)
    monkeypatch.setattr(TranscriptView, "SLICE_MS", 0)
    t = long_transcript(30)
    view.set_transcript(t, [])
    target = t.blocks[len(t.blocks) // 2].start
    view.set_reading_offset(target)
    assert view.reading_offset() == target  # remembered (saved as such) until it is reached
    with qtbot.waitSignal(view.buildFinished, timeout=10_000):
        pass
    assert view.text_edit().verticalScrollBar().value() > 0
    assert view.reading_offset() == target


def test_reused_highlights_and_marks_follow_the_theme_and_the_layout(
    view: TranscriptView, transcript, qtbot
) -> None:
    """Highlights and scroll-bar marks are kept from one change to the next; a new theme, a
    font change or a narrower column (text laid out anew) never shows stale ones."""
    from reader.ui.text_geometry import y_fraction
    from reader.ui.theme import theme_for

    text = transcript.text
    view.resize(900, 700)
    anns = [ann(text, "Hello 😀 world", "a1", color="green"), ann(text, "THE end", "a2")]
    view.set_annotations(anns)

    def fresh_marks() -> list[float]:
        doc = view.document()
        height = doc.documentLayout().documentSize().height()
        return [y_fraction(doc, view.offsets().to_utf16(a.start), height) for a in anns]

    view.update_scroll_marks()
    assert [f for f, _ in view.text_edit().marked_scroll_bar().marks()] == fresh_marks()
    before = [f for f, _ in view.text_edit().marked_scroll_bar().marks()]
    view.resize(420, 700)  # the column narrows: lines wrap elsewhere
    qtbot.waitUntil(lambda: fresh_marks() != before)
    view.update_scroll_marks()
    assert [f for f, _ in view.text_edit().marked_scroll_bar().marks()] == fresh_marks()

    dark = theme_for("dark")
    view.set_theme(dark)
    assert _backgrounds(view)[0][2] == qcolor(dark.highlight("green"))
    view.set_font(None, view.font_point_size() + 4)
    view.update_scroll_marks()
    assert [f for f, _ in view.text_edit().marked_scroll_bar().marks()] == fresh_marks()
    assert [(s, e) for s, e, _ in _backgrounds(view)] == [(a.start, a.end) for a in anns]
