"""Inline Markdown → plain text with styled spans (raw HTML → Markdown-ish text: `markup_html`).

`render_inline` turns one block's source (its lines already joined by spaces) into the text a
reader sees plus `InlineSpan`s (em, strong, code, link, strike, timestamp) with offsets into that
text. It resolves backslash escapes, decodes HTML entities and never fetches anything: images
become their alt text. `html_to_markdown` rewrites the raw HTML found in transcripts into the
plain Markdown the block parser understands (block tags split blocks, ``<strong>`` becomes
``**``) and drops every other tag, comments and scripts; nothing is ever executed.

Template code is dropped: Hugo shortcodes (``{{< … >}}``, ``{{% … %}}``) and Liquid
(``{{ page.x }}``, ``{% … %}``) are not part of what was said.
"""

from __future__ import annotations

import bisect
import html
import re

from .markup_html import has_html, has_templates, html_to_markdown, strip_templates
from .transcript import InlineSpan

__all__ = [
    "has_html",
    "has_templates",
    "html_to_markdown",
    "render_inline",
    "safe_href",
    "strip_templates",
]


# ---------------------------------------------------------------------------------------------
# Inline Markdown

_SPECIAL = re.compile(r"[\\`*_~\[!<&]")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^\s<>]*)>", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# ``(?=(?P<w>\s*))(?P=w)`` is an atomic whitespace run (no backtracking into it): the plain
# ``\s*…\s+…\s*`` version is quadratic on "(" followed by a long run of spaces.
_LINK_TAIL = re.compile(
    r"\((?=(?P<w1>\s*))(?P=w1)<?(?P<dest>[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?"
    r"(?:(?=(?P<w2>\s+))(?P=w2)(?:\"[^\"]*\"|'[^']*'))?(?=(?P<w3>\s*))(?P=w3)\)"
)
# A destination with spaces is not a link in CommonMark, but real show notes have them
# (``[The threat …](https://…/the-threat-to-open source-comes-from)``, a slug mangled by a
# find-and-replace): accept an absolute URL whose space-separated pieces hold no quotes or
# brackets (so ``(http://x "title")`` is still read by `_LINK_TAIL`). Linear: the pieces are
# separated by single spaces and bounded in number.
_LINK_TAIL_SPACED = re.compile(
    r"\([ \t]*((?:https?|ftp)://[^\s()<>]+(?: [^\s()<>\"']+){1,8})[ \t]*\)", re.I
)
_REF_TAIL = re.compile(r"\[[^\]]{0,100}\]")
_TIMESTAMP = re.compile(
    r"\[\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?\]"
    r"|\(\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?\)"
    r"|^\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?$"
)
EMPHASIS_WINDOW = 3000
MAX_DEPTH = 12


class _Out:
    """Accumulates rendered text and spans."""

    __slots__ = ("parts", "length", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[InlineSpan] = []

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)


_TICKS = re.compile(r"`+")
_DELIM_RUNS = {ch: re.compile(re.escape(ch) + "+") for ch in "*_~"}
_BRACKET_SCAN = re.compile(r"\\.|`+|[\[\]]", re.S)


class _Index:
    """Where the delimiters of one source are, found once in linear passes.

    Every closer lookup of `_render` is then a dictionary hit or a binary search, so hostile
    input (100,000 ``[``, 50,000 ``*``, thousands of unmatched backtick runs) stays linear
    instead of rescanning the rest of the line for each opener.
    """

    __slots__ = ("brackets", "runs", "s", "ticks")

    def __init__(self, s: str) -> None:
        self.s = s
        self.ticks: dict[int, list[int]] = {}
        if "`" in s:
            for m in _TICKS.finditer(s):
                self.ticks.setdefault(m.end() - m.start(), []).append(m.start())
        self.brackets: dict[int, int] = self._match_brackets() if "[" in s else {}
        self.runs: dict[tuple[str, int], tuple[list[int], list[int]]] = {}

    def tick_close(self, j: int, n: int, end: int) -> int:
        """Start of the first run of exactly ``n`` backticks after ``j`` and before ``end``."""
        starts = self.ticks.get(n)
        if not starts:
            return -1
        k = bisect.bisect_right(starts, j)
        if k < len(starts) and starts[k] + n <= end:
            return starts[k]
        return -1

    def _match_brackets(self) -> dict[int, int]:
        """``[`` position → matching ``]`` (escapes skipped, code spans hide brackets)."""
        s = self.s
        out: dict[int, int] = {}
        stack: list[int] = []
        pos = 0
        n = len(s)
        while True:
            m = _BRACKET_SCAN.search(s, pos)
            if m is None:
                return out
            c = s[m.start()]
            if c == "\\":
                pos = m.end()
            elif c == "`":
                width = m.end() - m.start()
                k = self.tick_close(m.start(), width, n)
                pos = k + width if k != -1 else m.end()
            elif c == "[":
                stack.append(m.start())
                pos = m.end()
            else:
                if stack:
                    out[stack.pop()] = m.start()
                pos = m.end()

    def close_bracket(self, i: int, end: int) -> int:
        k = self.brackets.get(i, -1)
        return k if k != -1 and k < min(end, i + EMPHASIS_WINDOW) else -1

    def _closer_runs(self, ch: str, use: int) -> tuple[list[int], list[int]]:
        """Runs of ``ch`` that can close emphasis of width ``use``: (starts, lengths)."""
        key = (ch, use)
        found = self.runs.get(key)
        if found is not None:
            return found
        s = self.s
        starts: list[int] = []
        lengths: list[int] = []
        for m in _DELIM_RUNS[ch].finditer(s):
            j, r = m.start(), m.end() - m.start()
            if j and s[j - 1] == "\\":
                j, r = j + 1, r - 1  # the first one is escaped
            if not r or not j or s[j - 1].isspace():
                continue
            if ch == "_" and j + r < len(s) and s[j + r].isalnum():
                continue
            if r == use or r >= 3:
                starts.append(j)
                lengths.append(r)
        self.runs[key] = (starts, lengths)
        return starts, lengths

    def find_closer(self, i: int, end: int, ch: str, use: int) -> int:
        """Start of the closing ``use`` x ``ch`` after ``i`` (within the window), or -1."""
        starts, lengths = self._closer_runs(ch, use)
        limit = min(end, i + EMPHASIS_WINDOW)
        k = bisect.bisect_right(starts, i)
        while k < len(starts) and starts[k] < limit:
            j, r = starts[k], lengths[k]
            if j + r > end:  # a run cut by the end of this range
                r = end - j
                if r != use and r < 3:
                    k += 1
                    continue
            return j + r - use
        return -1


_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})


def safe_href(href: str | None) -> str | None:
    """``href`` when following it is harmless (http(s), mailto, ftp, relative), else None.

    ``javascript:``, ``data:``, ``file:``, ``vbscript:`` links keep their text but lose the
    target, so no click can run or open anything.
    """
    if not href:
        return None
    m = _SCHEME.match(href)
    if m and m[1].lower() not in SAFE_SCHEMES:
        return None
    return href


def _link_tail(s: str, pos: int, end: int) -> tuple[int, str | None] | None:
    """(end, href) of a link destination ``(…)`` at ``pos``, or None."""
    m = _LINK_TAIL.match(s, pos, end)
    if m:
        return m.end(), safe_href(m["dest"])
    m = _LINK_TAIL_SPACED.match(s, pos, end)
    if m:
        return m.end(), safe_href(m[1].replace(" ", "%20"))
    return None


def _run(s: str, i: int, ch: str, end: int) -> int:
    n = 0
    while i + n < end and s[i + n] == ch:
        n += 1
    return n


def _render(s: str, start: int, end: int, out: _Out, depth: int, idx: _Index) -> None:
    """Render ``s[start:end]`` into ``out`` (recursive for nested markup, at most `MAX_DEPTH`)."""
    i = start
    while i < end:
        m = _SPECIAL.search(s, i, end)
        if m is None:
            out.add(s[i:end])
            return
        j = m.start()
        if j > i:
            out.add(s[i:j])
        c = s[j]
        i = j
        if c == "\\":
            if j + 1 < end and s[j + 1] in _ASCII_PUNCT:
                out.add(s[j + 1])
                i = j + 2
            else:
                out.add("\\")
                i = j + 1
            continue
        if c == "&":
            em = _ENTITY.match(s, j, end)
            if em:
                out.add(html.unescape(em.group()))
                i = em.end()
            else:
                out.add("&")
                i = j + 1
            continue
        if c == "`":
            n = _run(s, j, "`", end)
            k = idx.tick_close(j, n, end)
            if k == -1:
                out.add("`" * n)
                i = j + n
                continue
            content = s[j + n : k]
            if len(content) > 2 and content[0] == " " and content[-1] == " ":
                content = content[1:-1]
            if content:
                begin = out.length
                out.add(content)
                out.spans.append(InlineSpan(begin, out.length, "code"))
            i = k + n
            continue
        if c == "<":
            am = _AUTOLINK.match(s, j, end)
            if am:
                begin = out.length
                out.add(am[1])
                out.spans.append(InlineSpan(begin, out.length, "link", am[1]))
                i = am.end()
            else:
                out.add("<")
                i = j + 1
            continue
        if c == "!":
            if j + 1 < end and s[j + 1] == "[":
                close = idx.close_bracket(j + 1, end)
                tail = _link_tail(s, close + 1, end) if close != -1 else None
                if tail and depth < MAX_DEPTH:
                    _render(s, j + 2, close, out, depth + 1, idx)  # alt text only: never fetched
                    i = tail[0]
                    continue
            out.add("!")
            i = j + 1
            continue
        if c == "[":
            close = idx.close_bracket(j, end)
            if close != -1 and depth < MAX_DEPTH:
                label = s[j + 1 : close]
                tail = _link_tail(s, close + 1, end)
                if tail:
                    begin = out.length
                    _render(s, j + 1, close, out, depth + 1, idx)
                    if out.length > begin:
                        out.spans.append(InlineSpan(begin, out.length, "link", tail[1]))
                    i = tail[0]
                    continue
                if label.startswith("^") and 1 < len(label) <= 40:
                    out.add(f"[{label[1:]}]")
                    i = close + 1
                    continue
                ref = _REF_TAIL.match(s, close + 1, end)
                if ref and ref.group() != "[]" and not _TIMESTAMP.fullmatch(s[j : close + 1]):
                    _render(s, j + 1, close, out, depth + 1, idx)
                    i = ref.end()
                    continue
            out.add("[")
            i = j + 1
            continue
        # emphasis: * _ ~
        n = _run(s, j, c, end)
        nxt = s[j + n] if j + n < end else " "
        prev = s[j - 1] if j > start else " "
        can_open = not nxt.isspace() and (c != "_" or not prev.isalnum())
        if c == "~" and n != 2:
            can_open = False
        if not can_open or depth >= MAX_DEPTH:
            out.add(s[j : j + n])
            i = j + n
            continue
        use = 2 if (n >= 2 or c == "~") else 1
        k = idx.find_closer(j + use, end, c, use)
        if k == -1 and use == 2 and c != "~":
            use = 1
            k = idx.find_closer(j + use, end, c, use)
        if k == -1:
            out.add(s[j : j + n])
            i = j + n
            continue
        begin = out.length
        _render(s, j + use, k, out, depth + 1, idx)
        if out.length > begin:
            style = "strike" if c == "~" else ("strong" if use == 2 else "em")
            out.spans.append(InlineSpan(begin, out.length, style))  # type: ignore[arg-type]
        i = k + use


_WS = re.compile(r"\s+")


def render_inline(source: str, plain: bool = False) -> tuple[str, tuple[InlineSpan, ...]]:
    """Plain text and spans of one block's Markdown source; whitespace collapsed and trimmed.

    ``plain=True`` (fenced code) keeps the source as written, only collapsing whitespace.
    Timestamps such as ``[00:12:34]``, ``(00:00)`` or a bare ``00:00:16`` block get spans.
    """
    if plain:
        text = _WS.sub(" ", source).strip()
        return text, _timestamps(text, ())
    if _SPECIAL.search(source) is None:
        # no markup at all (two blocks in three of real transcripts): nothing to render
        text, spans = _collapse(source, [])
        return text, _timestamps(text, spans)
    out = _Out()
    _render(source, 0, len(source), out, 0, _Index(source))
    raw = "".join(out.parts)
    text, spans = _collapse(raw, out.spans)
    return text, _timestamps(text, spans)


# whitespace runs that change when collapsed: leading, trailing, 2+ long, or not a plain space
_WS_CHANGE = re.compile(r"^\s+|\s{2,}|[^\S ]| $")
# every character but " " that `str.isspace` (and so ``\s``) accepts, spelled out: a search for
# a set of literals is several times faster than the ``[^\S ]`` class (tests check the set)
_OTHER_WS = re.compile(
    "[\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)


def _ws_changes(raw: str) -> bool:
    """Whether `_collapse` changes ``raw``'s whitespace (what ``_WS_CHANGE.search`` tells, at a
    fraction of its cost: that alternation scans every block of every transcript)."""
    if not raw:
        return False
    return raw[0].isspace() or raw[-1].isspace() or "  " in raw or _OTHER_WS.search(raw) is not None


def _collapse(raw: str, spans: list[InlineSpan]) -> tuple[str, tuple[InlineSpan, ...]]:
    """Collapse whitespace runs to one space and trim, remapping span offsets.

    One pass over the runs that change, mapping only the span ends (memory stays O(spans), not
    O(characters), so a 20 MB paragraph costs no per-character table).
    """
    if not _ws_changes(raw):
        return raw, tuple(sorted(spans, key=lambda sp: (sp.start, -sp.end)))
    points = sorted({p for sp in spans for p in (sp.start, sp.end)})
    mapped: dict[int, int] = {}
    parts: list[str] = []
    pos = 0
    last = 0
    pi = 0
    n = len(raw)
    for m in _WS_CHANGE.finditer(raw):
        a, b = m.span()
        while pi < len(points) and points[pi] < a:
            mapped[points[pi]] = pos + (points[pi] - last)
            pi += 1
        parts.append(raw[last:a])
        pos += a - last
        while pi < len(points) and points[pi] < b:
            mapped[points[pi]] = pos
            pi += 1
        if a != 0 and b != n:
            parts.append(" ")
            pos += 1
        last = b
    while pi < len(points):
        mapped[points[pi]] = pos + (points[pi] - last)
        pi += 1
    parts.append(raw[last:])
    text = "".join(parts)
    new_spans = []
    for sp in spans:
        a, b = mapped[sp.start], mapped[sp.end]
        # do not let a span start on or end with a collapsed space
        while a < b and text[a] == " ":
            a += 1
        while b > a and text[b - 1] == " ":
            b -= 1
        if b > a:
            new_spans.append(InlineSpan(a, b, sp.style, sp.href))
    new_spans.sort(key=lambda sp: (sp.start, -sp.end))
    return text, tuple(new_spans)


def _timestamps(text: str, spans: tuple[InlineSpan, ...]) -> tuple[InlineSpan, ...]:
    if ":" not in text or not ("[" in text or "(" in text or text[:1].isdigit()):
        return spans  # every `_TIMESTAMP` has a colon and a bracket or a leading digit
    found = [InlineSpan(m.start(), m.end(), "timestamp") for m in _TIMESTAMP.finditer(text)]
    if not found:
        return spans
    return tuple(sorted((*spans, *found), key=lambda sp: (sp.start, -sp.end)))
