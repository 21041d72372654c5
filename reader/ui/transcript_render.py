"""Build the reading document of a transcript: canonical text plus formats, nothing more.

The document's text is the transcript's canonical text, character for character: every
``"\\n"``-separated line is one `QTextBlock`, so a Qt position differs from a canonical offset only
by the UTF-16 surrogate pairs (see `reader.ui.offsets`). Everything else a reader sees (speaker
names, bullets, quote bars, spacing) is a format or is painted by the view, never inserted.

The text goes in with one ``setPlainText`` and the formats follow, from the top down, in one edit
block (`render_document`) or a slice at a time (`DocumentBuilder`, for long transcripts: the
reading view formats them between the event loop's turns). For a 250 KB transcript all of it
takes a few tens of milliseconds.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextList,
    QTextListFormat,
    QTextOption,
)

from reader.core.transcript import Block, InlineSpan, Transcript
from reader.ui.offsets import OffsetMap
from reader.ui.theme import SPACE_XS, Theme, qcolor, speaker_order, ui_font

#: Characters QTextDocument would turn into a block break; shown as a line separator (same
#: length, so offsets are unchanged). The parser never leaves them in canonical text.
_BLOCK_BREAKERS = str.maketrans({"\r": "\u2028", "\u2029": "\u2028", "\ufdd0": " ", "\ufdd1": " "})

#: Relative size steps of `QTextCharFormat.FontSizeAdjustment` (Qt: 0.7, 0.8, 1, 1.2, 1.5, 2, 2.4).
_HEADING_ADJUST = {1: 2, 2: 1, 3: 1}
#: A sample line of English to estimate the width of an average character of running text.
_SAMPLE = "The quick brown fox jumps over the lazy dog, and then she said: well, maybe."
COLUMN_CHARS = 70
#: Line height as a multiple of the font size (CSS ``line-height: 1.5``).
LINE_HEIGHT = 1.5
#: Size of the speaker key's small type relative to the reading size.
KEY_SCALE = 0.74
#: The label at the start of a speaker key line (``PB`` of ``PB - Peter Beresford``).
_KEY_LABEL = re.compile(r"[ \t*_]*(?P<label>[A-Za-z]{1,6}\d?\.?)")


@dataclass(frozen=True, slots=True)
class TurnLabel:
    """A speaker name painted above the QTextBlock ``block_number``."""

    block_number: int
    name: str
    color: QColor


@dataclass(slots=True)
class RenderResult:
    """What the view needs after building: offset conversion and the painted decorations."""

    offsets: OffsetMap
    labels: dict[int, TurnLabel] = field(default_factory=dict)
    #: QTextBlock number → nesting depth of a quote block (a bar is painted at its left).
    quotes: dict[int, int] = field(default_factory=dict)
    speaker_colors: dict[str, QColor] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Metrics:
    """Pixel sizes derived from the reading font (they scale with zoom)."""

    em: float
    line_height_percent: int
    paragraph_gap: float
    label_font: QFont
    label_height: float
    indent: float

    @classmethod
    def for_font(cls, font: QFont) -> Metrics:
        fm = QFontMetricsF(font)
        em = fm.height()
        label = QFont(font)
        label.setFamilies([QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()])
        label.setPointSizeF(max(7.0, font.pointSizeF() * 0.74))
        label.setWeight(QFont.Weight.DemiBold)
        label.setCapitalization(QFont.Capitalization.AllUppercase)
        label.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        lfm = QFontMetricsF(label)
        # Qt's proportional height is relative to the font's own line height, not its size.
        percent = round(LINE_HEIGHT * QFontInfo(font).pixelSize() / em * 100)
        return cls(
            em=em,
            line_height_percent=max(100, percent),
            paragraph_gap=round(em * 0.75),
            label_font=label,
            label_height=lfm.height(),
            indent=round(em * 1.4),
        )


def column_width(font: QFont, chars: int = COLUMN_CHARS) -> int:
    """Pixel width of a line of about ``chars`` characters of running text in ``font``."""
    fm = QFontMetricsF(font)
    return round(fm.horizontalAdvance(_SAMPLE) / len(_SAMPLE) * chars)


def document_text(doc: QTextDocument) -> str:
    """The document's text with block breaks as ``"\\n"`` (no-break spaces kept, unlike
    ``toPlainText``)."""
    return doc.toRawText().replace("\u2029", "\n")


def render_document(
    doc: QTextDocument, transcript: Transcript, theme: Theme, font: QFont
) -> RenderResult:
    """Fill ``doc`` with ``transcript`` in ``theme`` and ``font``; return what the view paints."""
    builder = DocumentBuilder(doc, transcript, theme, font)
    builder.finish()
    return builder.result


def _plain(text: str) -> str:
    """``text`` with the characters QTextDocument would split blocks at made harmless (a
    `str.translate` of 2 MB takes ≈0.1 s, so only when one is there)."""
    if any(ch in text for ch in "\r\u2029\ufdd0\ufdd1"):
        return text.translate(_BLOCK_BREAKERS)
    return text


class DocumentBuilder:
    """Builds the reading document: the whole text at once, then the formats from the top down.

    The constructor puts the text in (so the document's text is the canonical text from the
    start) and works out the painted decoration (speaker names, quote bars) without touching the
    document; `step` then formats the next lines, one edit block per step, so a long transcript
    can be formatted a slice at a time between the event loop's turns (`finish` does the rest at
    once). The result is the same document however the steps are cut (tests compare them).
    Everything before `frontier16` is formatted, nothing after it.
    """

    def __init__(self, doc: QTextDocument, transcript: Transcript, theme: Theme, font: QFont):
        text = transcript.text
        self.doc = doc
        self.transcript = transcript
        self.theme = theme
        self.font = font
        self.offsets = offsets = OffsetMap(text)
        self.metrics = metrics = Metrics.for_font(font)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(font)
        doc.setIndentWidth(metrics.indent)
        option = QTextOption(doc.defaultTextOption())
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setPlainText(_plain(text))
        self.length16 = doc.characterCount() - 1

        result = self.result = RenderResult(offsets=offsets)
        order = speaker_order(b.speaker for b in transcript.blocks)
        result.speaker_colors = {s: qcolor(theme.speaker_color(i)) for s, i in order.items()}

        line_starts = [0]
        pos = text.find("\n")
        while pos != -1:
            line_starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        count = doc.blockCount()
        #: (transcript block, its QTextBlock number, that line's UTF-16 position), by position.
        self._blocks: list[tuple[Block, int, int]] = []
        for b in transcript.blocks:
            number = bisect.bisect_right(line_starts, b.start) - 1
            if not 0 <= number < count:
                continue
            self._blocks.append((b, number, offsets.to_utf16(line_starts[number])))
            if b.kind == "quote":
                result.quotes[number] = max(1, b.level)
            elif b.kind == "turn" and (b.speaker or b.label):
                name = b.speaker or b.label or ""
                color = result.speaker_colors.get(b.speaker or "", qcolor(theme.muted))
                result.labels[number] = TurnLabel(number, name, color)
        self._line16 = [pos16 for _, _, pos16 in self._blocks]
        self._base_fmt = _paragraph_format(metrics)
        self._next_line = doc.begin()  # the next QTextBlock to get the default look
        self._next = 0  # the next transcript block to format
        self._lists: dict[int, QTextList] = {}
        self._previous: Block | None = None
        self.steps = 0

    @property
    def done(self) -> bool:
        return self._next >= len(self._blocks) and not self._next_line.isValid()

    @property
    def frontier16(self) -> int:
        """UTF-16 position up to which the document is formatted (its length when done)."""
        if self._next >= len(self._blocks):
            return self.length16 if not self._next_line.isValid() else self._next_line.position()
        return self._line16[self._next]

    def step(self, chars: int) -> None:
        """Format about ``chars`` more UTF-16 units (whole lines, at least one block's)."""
        if self.done:
            return
        target = self.frontier16 + max(chars, 1)
        end = max(bisect.bisect_left(self._line16, target, self._next), self._next + 1)
        self._format(min(end, len(self._blocks)))

    def step_to(self, pos16: int) -> None:
        """Format everything up to and including the line holding ``pos16``."""
        if self.done or pos16 < self.frontier16:
            return
        self._format(max(bisect.bisect_right(self._line16, pos16), self._next))

    def finish(self) -> None:
        """Format everything left (in one edit block)."""
        if not self.done:
            self._format(len(self._blocks))

    def _format(self, end: int) -> None:
        """Format the lines before transcript block ``end`` (all of them when it is the last)."""
        doc, cursor = self.doc, QTextCursor(self.doc)
        limit = self._line16[end] if end < len(self._blocks) else self.length16 + 1
        self.steps += 1
        cursor.beginEditBlock()
        line, base_fmt = self._next_line, self._base_fmt
        while line.isValid() and line.position() < limit:  # the default look of every line
            cursor.setPosition(line.position())
            cursor.setBlockFormat(base_fmt)
            line = line.next()
        self._next_line = line
        metrics, theme, font, offsets = self.metrics, self.theme, self.font, self.offsets
        lists, previous = self._lists, self._previous
        for b, number, pos16 in self._blocks[self._next : end]:
            cursor.setPosition(pos16)
            if b.kind != "list_item":
                lists.clear()
            cursor.setBlockFormat(_block_format(b, previous, metrics))
            if b.kind == "list_item":
                _add_to_list(cursor, lists, max(1, b.level), doc.findBlockByNumber(number))
            block_cf = _block_char_format(b, theme, font)
            if block_cf is not None:
                _merge(cursor, offsets, b.start, b.end, block_cf)
            if b.kind == "speaker_key":
                _mark_key_label(cursor, offsets, self.transcript, b)
            for span in b.spans:
                _merge(cursor, offsets, span.start, span.end, _span_format(span, theme))
            previous = b
        self._previous = previous
        self._next = max(self._next, end)
        cursor.endEditBlock()


def _paragraph_format(metrics: Metrics) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    fmt.setLineHeight(
        metrics.line_height_percent, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
    )
    fmt.setBottomMargin(metrics.paragraph_gap)
    return fmt


def _block_format(b: Block, previous: Block | None, metrics: Metrics) -> QTextBlockFormat:
    """Block format for one transcript block (margins collapse: Qt takes the larger one)."""
    fmt = _paragraph_format(metrics)
    gap = metrics.paragraph_gap
    if b.kind == "turn":
        top = gap * 1.6 + metrics.label_height + SPACE_XS
        fmt.setTopMargin(round(top) if previous is not None else round(top - gap))
    elif b.kind == "heading":
        level = min(max(b.level, 1), 6)
        fmt.setHeadingLevel(level)
        fmt.setLineHeight(110, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setTopMargin(round(metrics.em * (1.6 if level <= 2 else 1.2)))
        fmt.setBottomMargin(round(gap * 0.6))
    elif b.kind == "list_item":
        fmt.setBottomMargin(round(gap * 0.4))
    elif b.kind == "quote":
        fmt.setLeftMargin(metrics.indent * max(1, b.level))
        fmt.setRightMargin(metrics.indent * 0.5)
    elif b.kind == "speaker_key":
        # A quiet, compact list in small type: it repeats the header's speakers.
        fmt.setLineHeight(100, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setBottomMargin(round(SPACE_XS * 0.5))
    if previous is not None and previous.kind == "list_item" and b.kind != "list_item":
        fmt.setTopMargin(max(fmt.topMargin(), gap))
    if previous is not None and previous.kind == "speaker_key" and b.kind != "speaker_key":
        fmt.setTopMargin(max(fmt.topMargin(), round(gap * 1.6)))
    return fmt


def _block_char_format(b: Block, theme: Theme, font: QFont) -> QTextCharFormat | None:
    if b.kind == "heading":
        cf = QTextCharFormat()
        level = min(max(b.level, 1), 6)
        cf.setFontWeight(QFont.Weight.Bold if level <= 2 else QFont.Weight.DemiBold)
        cf.setProperty(QTextFormat.Property.FontSizeAdjustment, _HEADING_ADJUST.get(level, 0))
        return cf
    if b.kind == "speaker_key":
        cf = QTextCharFormat()
        cf.setForeground(qcolor(theme.muted))
        cf.setFontFamilies([ui_font().family()])
        cf.setFontPointSize(max(7.0, font.pointSizeF() * KEY_SCALE))
        cf.setFontCapitalization(QFont.Capitalization.SmallCaps)
        cf.setFontLetterSpacingType(QFont.SpacingType.PercentageSpacing)
        cf.setFontLetterSpacing(104)
        return cf
    if b.kind == "quote":
        cf = QTextCharFormat()
        cf.setFontItalic(True)
        return cf
    return None


def _mark_key_label(
    cursor: QTextCursor, offsets: OffsetMap, transcript: Transcript, b: Block
) -> None:
    """Set the label of a speaker key line ("PB" of "PB - Peter Beresford") in semibold: the
    key reads as a legend, in the same quiet tone as the rest of it (no speaker colours: with
    twenty speakers a coloured key would shout, and the turns already name their speakers)."""
    m = _KEY_LABEL.match(transcript.text, b.start, b.end)
    if m is None or m["label"] not in transcript.speaker_key:
        return
    cf = QTextCharFormat()
    cf.setFontWeight(QFont.Weight.DemiBold)
    _merge(cursor, offsets, m.start("label"), m.end("label"), cf)


def _span_format(span: InlineSpan, theme: Theme) -> QTextCharFormat:
    cf = QTextCharFormat()
    if span.style == "em":
        cf.setFontItalic(True)
    elif span.style == "strong":
        cf.setFontWeight(QFont.Weight.Bold)
    elif span.style == "strike":
        cf.setFontStrikeOut(True)
    elif span.style == "code":
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        cf.setFontFamilies([fixed.family()])
        cf.setProperty(QTextFormat.Property.FontSizeAdjustment, -1)
        cf.setBackground(qcolor(theme.alternate_base))
    elif span.style == "timestamp":
        cf.setForeground(qcolor(theme.muted))
        cf.setProperty(QTextFormat.Property.FontSizeAdjustment, -1)
    elif span.style == "link":
        cf.setAnchor(True)
        if span.href:
            cf.setAnchorHref(span.href)
            cf.setToolTip(span.href)
        cf.setForeground(qcolor(theme.link))
        cf.setFontUnderline(True)
        cf.setUnderlineColor(qcolor(theme.link))
    return cf


def _merge(cursor: QTextCursor, offsets: OffsetMap, start: int, end: int, cf: QTextCharFormat):
    if end <= start:
        return
    cursor.setPosition(offsets.to_utf16(start))
    cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
    cursor.mergeCharFormat(cf)


def _add_to_list(cursor: QTextCursor, lists: dict[int, QTextList], level: int, qblock) -> None:
    """Put the block under the cursor into the bulleted list of its nesting ``level``."""
    for deeper in [lv for lv in lists if lv > level]:
        del lists[deeper]
    existing = lists.get(level)
    if existing is not None:
        existing.add(qblock)
        return
    lf = QTextListFormat()
    lf.setIndent(level)
    styles = (
        QTextListFormat.Style.ListDisc,
        QTextListFormat.Style.ListCircle,
        QTextListFormat.Style.ListSquare,
    )
    lf.setStyle(styles[(level - 1) % len(styles)])
    lists[level] = cursor.createList(lf)
