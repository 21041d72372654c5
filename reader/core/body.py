"""Transcript body → raw blocks → speaker turns → canonical text and `Block`s.

Three passes, each linear in the input:

1. `lex` splits the body (HTML already rewritten to Markdown) into raw blocks: paragraphs,
   ATX headings (``{#id}`` stripped), list items, block quotes, footnotes, table rows, fenced
   code (kept as plain paragraphs). Indented lines are prose, never code blocks.
2. `find_speaker_key` reads the key at the top (``PB - Peter Beresford``, ``MM = Michael McEwan``,
   ``Int. - Interviewer``, bare names next to real key lines).
3. `assemble` finds speaker labels (key labels, ``Name:``, ``**Name:**``, ``**Name**:``,
   ``**Name** text`` without a colon, a label alone on its line, ``Q:``/``A:``,
   ``SECOND SPEAKER``), plain-line headings, renders the inline markup and joins the blocks
   with ``"\\n"`` into the canonical text.

Decisions where the conventions are ambiguous (see also the module docstring of `transcript`):

* A plain ``Name:`` label counts when the name is known (front matter, key), is a generic role
  (``Q``, ``A``, ``Speaker 1``, ``Interviewer``, ``Audience``…), or starts two or more paragraphs
  of the file; this keeps ``Note: …`` or a one-off ``Example: …`` as text.
* Bold labels (``**Name:**``) count unless they are pseudo-speakers (``Break``, ``Intro``,
  ``Outro``…), common words (``Note``), or stand alone followed by a list or heading
  (``**Build Targets:**`` introducing a list): those stay as text.
* A bold name without a colon (``**Michael** So, Jason…``, iriss.fm) is a label only when it is
  1-4 capitalised words without punctuation and either a known name (front matter, key, a known
  speaker's first name, a generic role) or used so at least twice in a file where at least two
  such names are, followed by text that does not go on in lower case (``**Bitcoin Core** is…``
  is emphasis). Common words (``**Note** …``) never are.
* A one-word label that is the first name of exactly one person named in the front matter or
  the key gets that person's full name as its speaker (``Anne`` → ``Anne Begbie``; the label
  stays ``Anne``); a first name shared by two people (there or in the file's own full-name
  labels) stays as written, and so do roles (``Q``). An all-caps label keeps its capitals
  (``CB`` with the slug ``cb-averitt`` → ``CB Averitt``).
* A label alone on its line gives the speaker of the next paragraph (the turn block); if no
  paragraph follows, the label text is kept as an ordinary paragraph.
* Markdown headings end the current turn; plain-line headings (section titles read out within a
  talk) do not.
* A plain-line heading is a single short line alone in its paragraph, starting with a capital
  or digit, without final punctuation, without a year or conversational opener, whose
  neighbours are not short lines too (so quoted poems stay prose), not followed by a paragraph
  that resumes with an ellipsis (``... Bowden, from``), and not one or two words after a
  paragraph that trails off (``... Laertes ...``): those are words called out in speech.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .lexer import Raw, chunked_lines, lex, lex_lines
from .markup import render_inline
from .markup_html import has_html, has_templates, html_to_markdown, strip_templates
from .speakers import KEY_MAX_BLOCKS, Label, Speakers, find_speaker_key
from .transcript import Block, InlineSpan

__all__ = [
    "KEY_MAX_BLOCKS",
    "Raw",
    "find_speaker_key",
    "lex",
    "lex_head",
    "parse_body",
    "prepare",
    "turn_speakers",
]

_TRAILING_PUNCT = ".,;:!?…\"'”’)]»"
_CONVERSATIONAL = frozenset(
    "thank thanks yes yeah yep no nope okay ok right well so and but hello hi hey bye goodbye "
    "mm mmm mhm um uh er erm oh ah laughter laughs sure great absolutely indeed exactly cheers "
    "brilliant lovely good fine wow aye".split()
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|we|you)\b")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_MAX_HEADING_CHARS = 70
_SHORT_LINE = 60
_VERSE_LINE = 120
_SENTENCE_END = '.?!…"”’)'
MAX_INLINE_CHARS = 1_000_000  # longer blocks are kept as plain text (no inline Markdown)


def _is_year_or_chat(text: str) -> bool:
    first = re.split(r"[\s,.!?]+", text, maxsplit=1)[0].casefold()
    return first in _CONVERSATIONAL or bool(_YEAR.search(text))


def _short_line(raw: Raw | None, speakers: Speakers) -> bool:
    """A one-line unlabelled paragraph that could be a heading or a line of verse.

    Short lines, and longer ones without a sentence ending (verse rarely has one), count.
    """
    if raw is None or raw.kind != "para" or len(raw.lines) != 1:
        return False
    line = raw.lines[0]
    if len(line) > _SHORT_LINE and (len(line) > _VERSE_LINE or line[-1] in _SENTENCE_END):
        return False
    return speakers.match(line) is None


def _plain_heading(idx: int, raws: list[Raw], speakers: Speakers, key_blocks: set[int]) -> bool:
    raw = raws[idx]
    if not _short_line(raw, speakers) or idx + 1 >= len(raws):
        return False
    line = raw.lines[0]
    if len(line) > _MAX_HEADING_CHARS or len(line.split()) > 10:
        return False
    first = line[0]
    if not (first.isupper() or first.isdigit()) or line[-1] in _TRAILING_PUNCT:
        return False
    if _is_year_or_chat(line) or "http" in line or "@" in line or line.isupper():
        return False
    if (
        "..." in line
        or "…" in line
        or _FIRST_PERSON.search(line)
        or speakers.starts_with_name(line)
    ):
        return False
    prev = raws[idx - 1] if idx > 0 and idx - 1 not in key_blocks else None
    nxt = raws[idx + 1]
    if _short_line(prev, speakers) or _short_line(nxt, speakers):
        return False
    if _resumes(nxt) or (_trails_off(prev) and len(line.split()) <= 2):
        # a word called out in speech ("... Laertes ..." / "Laertes"), not a section title;
        # a longer title after a cut-off paragraph ("and then..." / "Part 2 - Challenges") stays
        return False
    return nxt.kind in ("para", "list_item", "quote")


_TRAILING_OFF = ("...", "…", "-", "–", "—")


def _trails_off(raw: Raw | None) -> bool:
    """The paragraph ends mid-utterance (an ellipsis or a dash): the speaker was interrupted."""
    if raw is None or raw.kind != "para" or not raw.lines:
        return False
    return raw.lines[-1].rstrip(" *_").endswith(_TRAILING_OFF)


def _resumes(raw: Raw) -> bool:
    """The paragraph picks up a sentence left open (starts with an ellipsis)."""
    return raw.kind == "para" and bool(raw.lines) and raw.lines[0].startswith(("...", "…"))


@dataclass(slots=True)
class _Builder:
    """Collects rendered blocks and the canonical text."""

    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    pos: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(
        self,
        kind: str,
        source: str,
        *,
        speaker: str | None = None,
        label: str | None = None,
        level: int = 0,
        plain: bool = False,
    ) -> bool:
        if not plain and len(source) > MAX_INLINE_CHARS:
            plain = True  # a megabyte "paragraph" is not prose anyone marked up: keep it fast
            if not self.warnings:
                self.warnings.append(
                    f"a paragraph of {len(source):,} characters is shown without formatting"
                )
        text, spans = render_inline(source, plain=plain)
        if not text:
            return False
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
            spans = tuple(
                InlineSpan(min(s.start, len(text)), min(s.end, len(text)), s.style, s.href)
                for s in spans
                if min(s.start, len(text)) < min(s.end, len(text))
            )
        if self.parts:
            self.parts.append("\n")
            self.pos += 1
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        if start:
            spans = tuple(
                InlineSpan(s.start + start, s.end + start, s.style, s.href) for s in spans
            )
        self.blocks.append(
            Block(kind, start, self.pos, speaker, label, level, spans)  # type: ignore[arg-type]
        )
        return True


def prepare(body: str) -> str:
    """NFC-normalise, drop templates and rewrite raw HTML (see `markup`)."""
    body = unicodedata.normalize("NFC", body)
    return html_to_markdown(strip_templates(body))


def lex_head(body: str, blocks: int, first: int = 1024) -> list[Raw]:
    """``lex(prepare(body))[:blocks]``, preparing and lexing only as much as those blocks need.

    The lexer reads lines left to right and never changes a block once a later one has begun,
    so it stops once it has ``blocks`` blocks, and the lines are split off a chunk at a time
    (``first`` characters, then twice as many each time).
    `prepare` is applied a chunk at a time too when it only normalises (NFC never joins across
    a ``"\\n"``, and it makes no ``<`` or ``{``); raw HTML and templates may span lines, so a
    body with them is prepared whole.
    """
    if has_templates(body) or has_html(body):
        return lex_lines(chunked_lines(prepare(body), first), stop=blocks)
    return lex_lines(chunked_lines(body, first, prepare=_nfc), stop=blocks)


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def parse_body(
    body: str, known_speakers: list[str] | None = None, warnings: list[str] | None = None
) -> tuple[str, list[Block], dict[str, str]]:
    """Canonical text, blocks and speaker key of a body (front matter already removed).

    Problems worth telling the reader about (a block too long to format) go to ``warnings``.
    """
    raws = lex(prepare(body))
    key, key_blocks = find_speaker_key(raws)
    speakers = Speakers(key, known_speakers or [], raws)
    out = _Builder()
    current: str | None = None
    pending: Label | None = None

    def flush_pending() -> None:
        nonlocal pending
        if pending is not None:
            out.add("paragraph", pending.label, speaker=None)
            pending = None

    for idx, raw in enumerate(raws):
        if idx in key_blocks:
            for line in raw.lines:
                out.add("speaker_key", line)
            continue
        if raw.kind == "heading":
            flush_pending()
            out.add("heading", " ".join(raw.lines), level=raw.level)
            current = None
            continue
        if raw.kind == "fence":
            out.add("paragraph", " ".join(raw.lines), speaker=current, plain=True)
            continue
        if raw.kind in ("list_item", "quote"):
            kind = raw.kind
            source = " ".join(raw.lines)
            if pending is not None:
                current = pending.speaker
                out.add(kind, source, speaker=current, label=pending.label, level=raw.level)
                pending = None
                continue
            flush_pending()
            out.add(kind, source, speaker=current, level=raw.level)
            continue
        if raw.kind == "footnote":
            flush_pending()
            out.add("paragraph", " ".join(raw.lines), speaker=None)
            continue
        # paragraphs: split at label lines, find plain-line headings
        if pending is None and _plain_heading(idx, raws, speakers, key_blocks):
            out.add("heading", raw.lines[0], level=2)
            continue
        chunk: list[str] = []
        chunk_label: Label | None = None
        for line in raw.lines:
            found = speakers.match(line)
            if found is not None and not _standalone_pseudo(found, raws, idx, len(raw.lines)):
                if chunk:
                    current = _emit(out, chunk, chunk_label, current)
                    chunk = []
                if found.rest:
                    if pending is not None:
                        flush_pending()
                    chunk_label = found
                    chunk = [found.rest]
                else:
                    flush_pending()
                    pending = found
                    chunk_label = None
                    current = found.speaker
                continue
            if not chunk and pending is not None:
                chunk_label = pending
                pending = None
            chunk.append(line)
        if chunk:
            current = _emit(out, chunk, chunk_label, current)
    flush_pending()
    if warnings is not None:
        warnings.extend(out.warnings)
    return "".join(out.parts), out.blocks, key


def turn_speakers(
    raws: list[Raw], known_speakers: list[str], key: dict[str, str], key_blocks: set[int]
) -> list[str]:
    """The speakers of the turns that `parse_body` finds in ``raws``, in order, without
    rendering anything (for `read_metadata`, on the head of a body).

    It follows `parse_body`'s walk: a label with text on its line starts a turn; a label alone
    starts a turn with the next paragraph (a list item or quote takes it without being a turn
    block, a heading or footnote drops it, a fenced block passes it on). Plain-line headings
    need no test: they never hold a label. One difference: a turn whose text renders empty
    (``Name: **``) counts here.
    """
    speakers = Speakers(key, known_speakers, raws)
    out: list[str] = []
    pending: Label | None = None
    match = speakers.match
    for idx, raw in enumerate(raws):
        kind = raw.kind
        if idx in key_blocks or kind == "fence":
            continue
        if kind in ("heading", "footnote"):
            pending = None
            continue
        if kind != "para":  # a list item or quote takes a pending label (it is no turn block)
            pending = None
            continue
        nlines = len(raw.lines)
        for line in raw.lines:
            found = match(line)
            if found is not None and not _standalone_pseudo(found, raws, idx, nlines):
                if found.rest:
                    out.append(found.speaker)
                    pending = None
                else:
                    pending = found
                continue
            if pending is not None:
                out.append(pending.speaker)
                pending = None
    return out


def _emit(out: _Builder, lines: list[str], label: Label | None, current: str | None) -> str | None:
    """Add one paragraph (a turn when labelled); returns the speaker now current."""
    source = " ".join(lines)
    if label is not None:
        if out.add("turn", source, speaker=label.speaker, label=label.label):
            return label.speaker
        return label.speaker
    out.add("paragraph", source, speaker=current)
    return current


def _standalone_pseudo(found: Label, raws: list[Raw], idx: int, nlines: int) -> bool:
    """A bold label alone in its paragraph that introduces a list or heading is no speaker."""
    if found.rest or nlines != 1:
        return False
    nxt = raws[idx + 1] if idx + 1 < len(raws) else None
    return nxt is None or nxt.kind in ("list_item", "heading")
