"""Inline Markdown → plain text with styled spans, and raw HTML → Markdown-ish text.

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

import html
import re

from .transcript import InlineSpan

# ---------------------------------------------------------------------------------------------
# Raw HTML and templates

_HTML_TAGS = (
    "a|abbr|address|article|aside|audio|b|bdi|bdo|big|blockquote|body|br|button|caption|center|"
    "cite|code|col|colgroup|dd|del|details|dfn|dialog|div|dl|dt|em|embed|fieldset|figcaption|"
    "figure|font|footer|form|h1|h2|h3|h4|h5|h6|head|header|hr|html|i|iframe|img|input|ins|kbd|"
    "label|legend|li|link|main|mark|meta|nav|noscript|object|ol|option|p|param|picture|pre|q|s|"
    "samp|section|select|small|source|span|strike|strong|sub|summary|sup|table|tbody|td|"
    "template|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul|var|video|wbr"
)
_TAG = re.compile(rf"</?(?:{_HTML_TAGS})\b(?:\s[^<>]*)?/?>", re.I)
_HAS_HTML = re.compile(rf"<(?:/?(?:{_HTML_TAGS})\b|!--)", re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DROP_CONTENT = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.I | re.S
)
_TEMPLATE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_STRONG_LABEL = re.compile(
    r"<p\b[^>]*>\s*<(?:strong|b)>\s*([^<>\n]{1,40}?)\s*(:?)\s*</(?:strong|b)>\s*(:?)\s*"
    r"(?:</p\s*>|<br\s*/?>)",
    re.I,
)
_HEADING_OPEN = re.compile(r"<h([1-6])\b[^>]*>", re.I)
_HEADING_CLOSE = re.compile(r"</h[1-6]\s*>", re.I)
_LI_OPEN = re.compile(r"<li\b[^>]*>", re.I)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|details|summary|ul|ol|li|table|thead|tbody|tfoot|tr|td|th|section|article|"
    r"header|footer|aside|nav|main|figure|figcaption|audio|video|blockquote|pre|dl|dt|dd|center|"
    r"body|html|head|form|iframe|object|picture)\b(?:\s[^<>]*)?/?>",
    re.I,
)
_STRONG = re.compile(r"</?(?:strong|b)\s*>", re.I)
_EM = re.compile(r"</?(?:em|i|cite)\s*>", re.I)
_CODE = re.compile(r"</?(?:code|kbd|samp|tt)\s*>", re.I)
_ANCHOR = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"'<>]*)[\"'][^>]*>(.*?)</a\s*>", re.I | re.S)


def strip_templates(text: str) -> str:
    """Remove Hugo shortcodes and Liquid tags (template code, not transcript content)."""
    if "{{" not in text and "{%" not in text:
        return text
    return _TEMPLATE.sub("", text)


def html_to_markdown(text: str) -> str:
    """Rewrite raw HTML into Markdown-ish text; a cheap no-op when there is no HTML."""
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    if not _HAS_HTML.search(text):
        return text
    text = _DROP_CONTENT.sub("", text)
    # <p><strong>Nic</strong><br>text</p> and <p><strong>Nicolas</strong></p><p>text</p>:
    # a label alone on its line, which the block parser reads as a speaker label.
    text = _STRONG_LABEL.sub(lambda m: f"\n\n**{m[1]}:**\n\n", text)
    text = _ANCHOR.sub(lambda m: f"[{m[2]}]({m[1]})" if m[1].strip() else m[2], text)
    text = _HEADING_OPEN.sub(lambda m: "\n\n" + "#" * int(m[1]) + " ", text)
    text = _HEADING_CLOSE.sub("\n\n", text)
    text = _LI_OPEN.sub("\n\n- ", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = _STRONG.sub("**", text)
    text = _EM.sub("*", text)
    text = _CODE.sub("`", text)
    text = _TAG.sub("", text)
    return text


# ---------------------------------------------------------------------------------------------
# Inline Markdown

_SPECIAL = re.compile(r"[\\`*_~\[!<&]")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^\s<>]*)>", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINK_TAIL = re.compile(
    r"\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
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


def _find_close_bracket(s: str, i: int, end: int) -> int:
    """Index of the ``]`` matching the ``[`` at ``i`` (nesting and escapes aware), or -1."""
    depth = 0
    j = i
    limit = min(end, i + EMPHASIS_WINDOW)
    while j < limit:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j
        elif c == "`":
            # code spans hide brackets
            n = _run(s, j, "`", end)
            k = s.find("`" * n, j + n, limit)
            if k != -1:
                j = k + n
                continue
            j += n
            continue
        j += 1
    return -1


def _run(s: str, i: int, ch: str, end: int) -> int:
    n = 0
    while i + n < end and s[i + n] == ch:
        n += 1
    return n


def _find_closer(s: str, i: int, end: int, ch: str, use: int) -> int:
    """Start of a closing run of ``use`` x ``ch`` after ``i``, or -1 (bounded search)."""
    j = i
    limit = min(end, i + EMPHASIS_WINDOW)
    while True:
        j = s.find(ch, j, limit)
        if j == -1:
            return -1
        if s[j - 1] == "\\":
            j += 1
            continue
        r = _run(s, j, ch, end)
        after = s[j + r] if j + r < end else " "
        if (
            j > i
            and not s[j - 1].isspace()
            and (ch != "_" or not after.isalnum())
            and (r == use or r >= 3)
        ):
            return j + r - use
        j += r


def _render(s: str, start: int, end: int, out: _Out, depth: int) -> None:
    """Render ``s[start:end]`` into ``out`` (recursive for nested markup)."""
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
            k = s.find("`" * n, j + n, end)
            while k != -1 and (k + n < end and s[k + n] == "`"):
                k = s.find("`" * n, k + _run(s, k, "`", end), end)
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
                close = _find_close_bracket(s, j + 1, end)
                tail = _LINK_TAIL.match(s, close + 1, end) if close != -1 else None
                if tail and depth < MAX_DEPTH:
                    _render(s, j + 2, close, out, depth + 1)  # alt text only: never fetched
                    i = tail.end()
                    continue
            out.add("!")
            i = j + 1
            continue
        if c == "[":
            close = _find_close_bracket(s, j, end)
            if close != -1 and depth < MAX_DEPTH:
                label = s[j + 1 : close]
                tail = _LINK_TAIL.match(s, close + 1, end)
                if tail:
                    begin = out.length
                    _render(s, j + 1, close, out, depth + 1)
                    if out.length > begin:
                        out.spans.append(InlineSpan(begin, out.length, "link", tail[1] or None))
                    i = tail.end()
                    continue
                if label.startswith("^") and 1 < len(label) <= 40:
                    out.add(f"[{label[1:]}]")
                    i = close + 1
                    continue
                ref = _REF_TAIL.match(s, close + 1, end)
                if ref and ref.group() != "[]" and not _TIMESTAMP.fullmatch(s[j : close + 1]):
                    _render(s, j + 1, close, out, depth + 1)
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
        k = _find_closer(s, j + use, end, c, use)
        if k == -1 and use == 2 and c != "~":
            use = 1
            k = _find_closer(s, j + use, end, c, use)
        if k == -1:
            out.add(s[j : j + n])
            i = j + n
            continue
        begin = out.length
        _render(s, j + use, k, out, depth + 1)
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
    out = _Out()
    _render(source, 0, len(source), out, 0)
    raw = "".join(out.parts)
    text, spans = _collapse(raw, out.spans)
    return text, _timestamps(text, spans)


def _collapse(raw: str, spans: list[InlineSpan]) -> tuple[str, tuple[InlineSpan, ...]]:
    """Collapse whitespace runs to one space and trim, remapping span offsets."""
    if not _needs_collapse(raw):
        return raw, tuple(sorted(spans, key=lambda sp: (sp.start, -sp.end)))
    mapping = [0] * (len(raw) + 1)
    parts: list[str] = []
    pos = 0
    last = 0
    for m in _WS.finditer(raw):
        seg = raw[last : m.start()]
        for k in range(last, m.start()):
            mapping[k] = pos + (k - last)
        parts.append(seg)
        pos += len(seg)
        leading = m.start() == 0
        trailing = m.end() == len(raw)
        for k in range(m.start(), m.end()):
            mapping[k] = pos
        if not leading and not trailing:
            parts.append(" ")
            pos += 1
        last = m.end()
    for k in range(last, len(raw)):
        mapping[k] = pos + (k - last)
    parts.append(raw[last:])
    pos += len(raw) - last
    mapping[len(raw)] = pos
    text = "".join(parts)
    new_spans = []
    for sp in spans:
        a, b = mapping[sp.start], mapping[sp.end]
        # do not let a span start on or end with a collapsed space
        while a < b and text[a] == " ":
            a += 1
        while b > a and text[b - 1] == " ":
            b -= 1
        if b > a:
            new_spans.append(InlineSpan(a, b, sp.style, sp.href))
    new_spans.sort(key=lambda sp: (sp.start, -sp.end))
    return text, tuple(new_spans)


def _needs_collapse(raw: str) -> bool:
    if not raw:
        return False
    if raw[0].isspace() or raw[-1].isspace():
        return True
    return any(m.group() != " " for m in _WS.finditer(raw))


def _timestamps(text: str, spans: tuple[InlineSpan, ...]) -> tuple[InlineSpan, ...]:
    if ":" not in text:
        return spans
    found = [InlineSpan(m.start(), m.end(), "timestamp") for m in _TIMESTAMP.finditer(text)]
    if not found:
        return spans
    return tuple(sorted((*spans, *found), key=lambda sp: (sp.start, -sp.end)))
