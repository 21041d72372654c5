"""Raw HTML → Markdown-ish text, and template code dropped (see `reader.core.markup`).

`html_to_markdown` rewrites the raw HTML found in transcripts into the plain Markdown the block
parser understands (block tags split blocks, ``<strong>`` becomes ``**``, a bold name alone in a
``<p>`` becomes a label line) and drops every other tag, comments and scripts; nothing is ever
executed. `strip_templates` drops Hugo shortcodes (``{{< … >}}``, ``{{% … %}}``) and Liquid
(``{{ page.x }}``, ``{% … %}``): they are not part of what was said.
"""

from __future__ import annotations

import bisect
import re

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
    r"<(script|style|template|noscript|svg|math|object|applet|iframe|frameset|canvas)\b[^<>]*>"
    r".*?(?:</\1\s*>|\Z)",
    re.I | re.S,
)
# a tag body never contains another opener, so an unclosed "{{" stops at the next "{{" instead
# of making every later "{{" rescan the rest of the file (``{{< x >}}`` is the first form)
_TEMPLATE = re.compile(r"\{\{(?:(?!\{\{|\}\}).){0,2000}\}\}|\{%(?:(?!\{%|%\}).){0,2000}%\}", re.S)
# tag bodies are ``[^<>]*`` (not ``[^>]*``): an unclosed "<p" must not scan the rest of the file
_STRONG_LABEL = re.compile(
    r"<p\b[^<>]*>\s*<(?:strong|b)>\s*([^<>\n]{1,40}?)\s*(?::\s*)?</(?:strong|b)>\s*(?::\s*)?"
    r"(?:</p\s*>|<br\s*/?>)",
    re.I,
)
_HEADING_OPEN = re.compile(r"<h([1-6])\b[^<>]*>", re.I)
_HEADING_CLOSE = re.compile(r"</h[1-6]\s*>", re.I)
_LI_OPEN = re.compile(r"<li\b[^<>]*>", re.I)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|details|summary|ul|ol|li|table|thead|tbody|tfoot|tr|td|th|section|article|"
    r"header|footer|aside|nav|main|figure|figcaption|audio|video|blockquote|pre|dl|dt|dd|center|"
    r"body|html|head|form|iframe|object|picture)\b(?:\s[^<>]*)?/?>",
    re.I,
)
_STRONG = re.compile(r"</?(?:strong|b)\s*>", re.I)
_EM = re.compile(r"</?(?:em|i|cite)\s*>", re.I)
_CODE = re.compile(r"</?(?:code|kbd|samp|tt)\s*>", re.I)
_ANCHOR_OPEN = re.compile(r"<a\b[^<>]*?\bhref\s*=\s*[\"']([^\"'<>]*)[\"'][^<>]*>", re.I)
_ANCHOR_CLOSE = re.compile(r"</a\s*>", re.I)
_ANCHOR_TEXT_MAX = 2000


def strip_templates(text: str) -> str:
    """Remove Hugo shortcodes and Liquid tags (template code, not transcript content)."""
    if not has_templates(text):  # one-character search first: fast on long text
        return text
    return _TEMPLATE.sub("", text)


def _anchors_to_markdown(text: str) -> str:
    """``<a href="u">t</a>`` → ``[t](u)``; each opener pairs with the next ``</a>`` (found by
    binary search in one list of closers, so many unclosed ``<a>`` stay linear)."""
    closes = [m.start() for m in _ANCHOR_CLOSE.finditer(text)]
    if not closes:
        return text
    out: list[str] = []
    last = 0
    for m in _ANCHOR_OPEN.finditer(text):
        if m.start() < last:
            continue
        k = bisect.bisect_left(closes, m.end())
        if k == len(closes):
            break
        c = closes[k]
        if c - m.end() > _ANCHOR_TEXT_MAX:
            continue
        inner, href = text[m.end() : c], m[1]
        out.append(text[last : m.start()])
        out.append(f"[{inner}]({href})" if href.strip() else inner)
        last = _ANCHOR_CLOSE.match(text, c).end()  # type: ignore[union-attr]
    out.append(text[last:])
    return "".join(out)


def has_html(text: str) -> bool:
    """True when `html_to_markdown` would change ``text`` (an HTML tag or comment in it)."""
    return "<" in text and ("<!--" in text or _HAS_HTML.search(text) is not None)


def has_templates(text: str) -> bool:
    """True when `strip_templates` may change ``text`` (a ``{{`` or ``{%`` in it)."""
    return "{" in text and ("{{" in text or "{%" in text)


def html_to_markdown(text: str) -> str:
    """Rewrite raw HTML into Markdown-ish text; a cheap no-op when there is no HTML."""
    if "<" not in text:
        return text
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    if not _HAS_HTML.search(text):
        return text
    text = _DROP_CONTENT.sub("", text)
    # <p><strong>Nic</strong><br>text</p> and <p><strong>Nicolas</strong></p><p>text</p>:
    # a label alone on its line, which the block parser reads as a speaker label.
    text = _STRONG_LABEL.sub(lambda m: f"\n\n**{m[1]}:**\n\n", text)
    text = _anchors_to_markdown(text)
    text = _HEADING_OPEN.sub(lambda m: "\n\n" + "#" * int(m[1]) + " ", text)
    text = _HEADING_CLOSE.sub("\n\n", text)
    text = _LI_OPEN.sub("\n\n- ", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = _STRONG.sub("**", text)
    text = _EM.sub("*", text)
    text = _CODE.sub("`", text)
    text = _TAG.sub("", text)
    return text
