"""HTML export: each transcript with its highlights painted and the notes below each passage.

The page is self-contained and safe to open anywhere: one inline stylesheet (with print rules:
A4 margins, each episode on a new page, colours kept, notes never split), no scripts, no remote
resources (a Content-Security-Policy of ``default-src 'none'`` says so to the browser), and every
string that comes from a file or a user (titles, transcript text, speakers, notes, tags, colours)
goes through :func:`html.escape`. Links to the episode's web page are plain ``<a>`` links to
``http(s)`` addresses.

Highlights are ``<mark class="hl-yellow" style="background-color: #ffd400">``; where highlights
overlap, the innermost (latest-starting) one gives the colour. Each annotation gets a number,
shown as a superscript where its passage ends and in front of its note in the ``<aside>`` below
the paragraph. ``qt=True`` renders the variant :mod:`reader.export_pdf` prints: QTextDocument
knows neither ``<mark>`` nor ``<aside>``, so it gets ``<span>``/``<div>`` with inline styles.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from reader.core.annotations import COLOR_HEX, DEFAULT_COLOR_MEANINGS, Annotation
from reader.core.citation import episode_url
from reader.core.export import Episode, ExportOptions
from reader.core.transcript import Block

__all__ = ["document_title", "to_html"]

_FALLBACK_HEX = "#dddddd"
_CSS = """
:root { color-scheme: light; }
body { font: 16px/1.55 Georgia, "Times New Roman", serif; color: #1d1d1f; background: #fff;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
.doc-title { font-size: 1rem; color: #555; font-weight: normal; margin-bottom: 2rem; }
header .meta, header .ref { font-size: .9rem; color: #444; margin: .2rem 0; }
article { margin-bottom: 3rem; }
article > header { border-bottom: 1px solid #ccc; padding-bottom: .6rem; margin-bottom: 1rem; }
p { margin: .5rem 0; }
.speaker { font-weight: bold; font-variant: small-caps; margin-right: .4em; }
.li { padding-left: 1.2em; text-indent: -1.2em; }
blockquote { margin: .5rem 1.5rem; font-style: italic; }
mark { color: inherit; padding: 0 .05em; border-radius: 2px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
sup.ref { font: bold .7rem/1 sans-serif; color: #555; }
aside.notes { margin: .3rem 0 1rem 1.5rem; padding: .4rem .8rem; border-left: 3px solid #bbb;
  background: #f7f7f7; font: .9rem/1.45 sans-serif; }
aside.notes p { margin: .25rem 0; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px;
  vertical-align: baseline; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tags { color: #555; }
.num { font-weight: bold; }
.orphans { border-top: 1px dashed #bbb; margin-top: 1.5rem; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  article + article { break-before: page; }
  aside.notes, blockquote, h1, h2, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


@dataclass(slots=True)
class _Numbered:
    number: int
    ann: Annotation


def _hex(color: str) -> str:
    return COLOR_HEX.get(color, _FALLBACK_HEX)


def _blocks(ep: Episode) -> list[Block]:
    """The transcript's blocks, or one paragraph per line when the parser gave none."""
    if ep.transcript.blocks or not ep.transcript.text:
        return ep.transcript.blocks
    out, pos = [], 0
    for line in ep.transcript.text.split("\n"):
        out.append(Block("paragraph", pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _last_block(blocks: list[Block], end: int) -> int:
    """Index of the block holding the last code point before ``end`` (0 if none)."""
    best = 0
    for i, b in enumerate(blocks):
        if b.start < end:
            best = i
    return best


class _Renderer:
    def __init__(self, options: ExportOptions, qt: bool) -> None:
        self.options = options
        self.qt = qt

    def mark(self, color: str, content: str) -> str:
        style = f"background-color: {_hex(color)}"
        if self.qt:
            return f'<span style="{style}">{content}</span>'
        return f'<mark class="hl-{_esc(color)}" style="{style}">{content}</mark>'

    def sup(self, n: int) -> str:
        if self.qt:
            return f'<sup style="color:#555555"><b>{n}</b></sup>'
        return f'<sup class="ref">{n}</sup>'

    def paint(self, text: str, block: Block, anns: list[_Numbered], ends_here: set[int]) -> str:
        """``text[block.start:block.end]`` with marks and the note numbers, escaped."""
        bs, be = block.start, block.end
        inside = [n for n in anns if n.ann.start < be and n.ann.end > bs]
        cuts = {bs, be}
        for n in inside:
            cuts.add(min(max(n.ann.start, bs), be))
            cuts.add(min(max(n.ann.end, bs), be))
        points = sorted(cuts)
        out = []
        for a, b in zip(points, points[1:], strict=False):
            piece = _esc(text[a:b])
            covering = [n for n in inside if n.ann.start <= a and n.ann.end >= b]
            if covering:
                top = max(covering, key=lambda n: (n.ann.start, -n.ann.end, n.number))
                piece = self.mark(top.ann.color, piece)
            out.append(piece)
            for n in inside:
                if n.number in ends_here and n.ann.end == b:
                    out.append(self.sup(n.number))
        return "".join(out)

    def note(self, ep: Episode, n: _Numbered) -> str:
        ann = n.ann
        meaning = DEFAULT_COLOR_MEANINGS.get(ann.color, ann.color)
        swatch_style = f"background-color: {_hex(ann.color)}"
        if self.qt:
            swatch = f'<span style="{swatch_style}">&nbsp;&nbsp;&nbsp;</span>'
        else:
            swatch = f'<span class="swatch" style="{swatch_style}"></span>'
        parts = [f'<span class="num">{n.number}</span> {swatch} {_esc(meaning)}']
        speaker = ep.speaker_of(ann)
        if speaker:
            parts.append(f" · {_esc(speaker)}")
        if ann.private:
            parts.append(" · private")
        if ann.creator:
            parts.append(f' · <span class="author">{_esc(ann.creator)}</span>')
        lines = ["".join(parts)]
        if ann.status == "orphaned":
            lines.append(f"“{_esc(ann.exact)}”")
        if ann.note:
            lines.append(_esc(ann.note).replace("\n", "<br>"))
        if ann.tags:
            tags = ", ".join(f"#{_esc(t)}" for t in ann.tags)
            lines.append(f'<span class="tags">{tags}</span>')
        return "".join(f"<p>{line}</p>" for line in lines)

    def aside(self, body: str) -> str:
        if self.qt:
            style = (
                "margin-left:24px; background-color:#f4f4f4; font-family:sans-serif; "
                "font-size:small"
            )
            return f'<div style="{style}">{body}</div>'
        return f'<aside class="notes">{body}</aside>'

    def block(self, ep: Episode, block: Block, inner: str) -> str:
        if block.kind == "heading":
            level = min(6, max(2, block.level + 1))
            return f"<h{level}>{inner}</h{level}>"
        if block.kind == "quote":
            return f"<blockquote>{inner}</blockquote>"
        if block.kind == "list_item":
            indent = "&nbsp;&nbsp;" * max(0, block.level - 1)
            return f'<p class="li">{indent}• {inner}</p>'
        if block.kind == "turn" and block.speaker:
            who = _esc(block.speaker)
            label = f"<b>{who}</b>" if self.qt else f'<span class="speaker">{who}</span>'
            return f'<p class="turn">{label} {inner}</p>'
        if block.kind == "speaker_key":
            return f'<p class="key"><small>{inner}</small></p>'
        return f"<p>{inner}</p>"

    def episode(self, ep: Episode) -> str:
        meta = ep.transcript.meta
        text = ep.transcript.text
        numbered = [_Numbered(i + 1, a) for i, a in enumerate(ep.annotations)]
        blocks = _blocks(ep)
        ends: dict[int, list[_Numbered]] = {}
        for n in numbered:
            ends.setdefault(_last_block(blocks, n.ann.end), []).append(n)
        out = ["<article>", "<header>", f"<h1>{_esc(meta.title)}</h1>"]
        if meta.subtitle:
            out.append(f'<p class="meta"><i>{_esc(meta.subtitle)}</i></p>')
        info = [_esc(meta.date.isoformat())] if meta.date else []
        if meta.speakers:
            info.append(_esc(", ".join(meta.speakers)))
        url = episode_url(meta)
        if url:
            info.append(f'<a href="{_esc(url)}">{_esc(url)}</a>')
        info.append(f"<code>{_esc(ep.relpath)}</code>")
        out.append(f'<p class="meta">{" · ".join(info)}</p>')
        out.append(f'<p class="ref">{self.options.reference(ep).html}</p>')
        out.append("</header>")
        for i, block in enumerate(blocks):
            mine = ends.get(i, [])
            ends_here = {n.number for n in mine}
            inner = self.paint(text, block, numbered, ends_here)
            # a passage that also takes the block's final newline ends here too
            inner += "".join(self.sup(n.number) for n in mine if n.ann.end > block.end)
            out.append(self.block(ep, block, inner))
            if mine:
                out.append(self.aside("".join(self.note(ep, n) for n in mine)))
        if ep.orphans:
            out.append('<section class="orphans"><h2>Notes whose passage was not found</h2>')
            first = len(numbered) + 1
            body = "".join(self.note(ep, _Numbered(first + k, a)) for k, a in enumerate(ep.orphans))
            out.append(self.aside(body))
            out.append("</section>")
        out.append("</article>")
        return "\n".join(out)


def document_title(episodes: list[Episode], options: ExportOptions) -> str:
    """The title of the HTML (and so of the PDF) export: the label, else the one episode's title."""
    if options.label:
        return options.label
    if len(episodes) == 1:
        return episodes[0].title
    return "Annotated transcripts"


def to_html(episodes: list[Episode], options: ExportOptions, *, qt: bool = False) -> str:
    """A complete HTML document of ``episodes`` (see the module docstring)."""
    r = _Renderer(options, qt)
    title = document_title(episodes, options)
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Transcript Reader">',
        f"<title>{_esc(title)}</title>",
    ]
    if not qt:
        head.append(f"<style>{_CSS}</style>")
    head += ["</head>", "<body>"]
    body = [r.episode(ep) for ep in episodes]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"
