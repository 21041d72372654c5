"""Text normalisation for anchoring, with an offset map back into the real text.

Re-exports and editors change things that are not edits to the words: line endings (CRLF),
reflowed whitespace, Unicode normal form (NFC vs NFD), typographic quotes and dashes. The anchoring
module compares texts in a *normalised* form where these differences vanish, then maps the span
found back to offsets (code points) in the real text.

The normalised form:

- is NFC (the text is composed per cluster: a base character and the combining marks after it);
- folds every run of whitespace (spaces, tabs, CR, LF, no-break spaces, …) to one ``" "``;
- folds typographic single quotes to ``'``, double quotes and guillemets to ``"``, dashes and
  hyphen variants to ``-``, the ellipsis character to ``...``;
- drops zero-width characters and soft hyphens.

Case, letters and punctuation otherwise stay as they are: those differences *are* edits.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

_FOLD: dict[str, str] = {}
for _c in "\u2018\u2019\u201a\u201b\u2032\u02bc":
    _FOLD[_c] = "'"
for _c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb":
    _FOLD[_c] = '"'
for _c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d":
    _FOLD[_c] = "-"
_FOLD["\u2026"] = "..."
for _c in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
    _FOLD[_c] = ""

#: Everything the fast path rewrites: whitespace that is not a lone space, and folded characters.
_SPECIAL = re.compile(
    r"\s{2,}|[^\S ]|[" + "".join(re.escape(c) for c in _FOLD) + "]",
)

#: Hangul vowel and trailing jamo compose with what precedes them although they are starters.
_JAMO_FOLLOWERS = re.compile(r"[\u1160-\u11ff\ud7b0-\ud7ff]")


def _fold(match: str) -> str:
    if match[0].isspace():
        return " "
    return "".join(_FOLD.get(c, c) for c in match)


@dataclass(slots=True)
class _Pieces:
    """The normalised text as pieces, each either copied verbatim or replaced."""

    norm_starts: list[int] = field(default_factory=list)
    raw_starts: list[int] = field(default_factory=list)
    raw_ends: list[int] = field(default_factory=list)
    verbatim: list[bool] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, raw_start: int, raw_end: int, norm: str, verbatim: bool) -> None:
        if raw_start == raw_end and not norm:
            return
        self.norm_starts.append(self.length)
        self.raw_starts.append(raw_start)
        self.raw_ends.append(raw_end)
        self.verbatim.append(verbatim)
        self.parts.append(norm)
        self.length += len(norm)

    def add_folded(self, raw: str, start: int, end: int) -> None:
        """Add ``raw[start:end]`` (already NFC), folding whitespace and typography."""
        pos = start
        for m in _SPECIAL.finditer(raw, start, end):
            if m.start() > pos:
                self.add(pos, m.start(), raw[pos : m.start()], True)
            self.add(m.start(), m.end(), _fold(m.group()), False)
            pos = m.end()
        if pos < end:
            self.add(pos, end, raw[pos:end], True)


def _clusters(raw: str) -> list[tuple[int, int]]:
    """Spans of a starter character and the combining marks (or conjoining jamo) after it."""
    spans: list[tuple[int, int]] = []
    start = 0
    combining = unicodedata.combining
    for i in range(1, len(raw)):
        c = raw[i]
        if combining(c) or _JAMO_FOLLOWERS.match(c):
            continue
        spans.append((start, i))
        start = i
    if raw:
        spans.append((start, len(raw)))
    return spans


def _build(raw: str) -> _Pieces:
    pieces = _Pieces()
    if unicodedata.is_normalized("NFC", raw):
        pieces.add_folded(raw, 0, len(raw))
        return pieces
    run_start = 0  # start of the current run of clusters that NFC leaves unchanged
    for c_start, c_end in _clusters(raw):
        cluster = raw[c_start:c_end]
        composed = unicodedata.normalize("NFC", cluster)
        if composed == cluster:
            continue
        if run_start < c_start:
            pieces.add_folded(raw, run_start, c_start)
        pieces.add(c_start, c_end, _SPECIAL.sub(lambda m: _fold(m.group()), composed), False)
        run_start = c_end
    if run_start < len(raw):
        pieces.add_folded(raw, run_start, len(raw))
    return pieces


def normalize(text: str) -> str:
    """The normalised form of ``text`` (see the module docstring)."""
    if not text:
        return ""
    if unicodedata.is_normalized("NFC", text) and not _SPECIAL.search(text):
        return text
    return "".join(_build(text).parts)


class NormalizedText:
    """A text in normalised form with maps between normalised and real offsets."""

    __slots__ = ("raw", "text", "_pieces", "identity")

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._pieces = _build(raw)
        self.text = "".join(self._pieces.parts)
        #: True when the normalised text is the real text (all maps are the identity).
        self.identity = self.text == raw

    def _piece(self, norm_index: int) -> int:
        return max(0, bisect_right(self._pieces.norm_starts, norm_index) - 1)

    def raw_start(self, norm_index: int) -> int:
        """Real offset where the normalised character at ``norm_index`` comes from."""
        if self.identity:
            return norm_index
        p = self._pieces
        if norm_index >= p.length:
            return len(self.raw)
        i = self._piece(norm_index)
        if p.verbatim[i]:
            return p.raw_starts[i] + norm_index - p.norm_starts[i]
        return p.raw_starts[i]

    def raw_end(self, norm_end: int) -> int:
        """Real (exclusive) end offset for a normalised span ending (exclusive) at ``norm_end``."""
        if self.identity:
            return norm_end
        p = self._pieces
        if norm_end <= 0:
            return 0
        i = self._piece(norm_end - 1)
        if p.verbatim[i]:
            return p.raw_starts[i] + norm_end - p.norm_starts[i]
        return p.raw_ends[i]

    def norm_offset(self, raw_index: int) -> int:
        """Normalised offset of the real offset ``raw_index`` (for position hints)."""
        if self.identity:
            return raw_index
        p = self._pieces
        if not p.raw_starts:
            return 0
        i = max(0, bisect_right(p.raw_starts, raw_index) - 1)
        if raw_index >= p.raw_ends[i]:
            return p.norm_starts[i] + len(p.parts[i])
        if p.verbatim[i]:
            return p.norm_starts[i] + raw_index - p.raw_starts[i]
        return p.norm_starts[i]
