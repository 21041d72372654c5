"""Pass 1 of body parsing: the body's lines → raw blocks (see `reader.core.body`).

Paragraphs, ATX headings (``{#id}`` stripped), list items, block quotes, footnotes, table rows
and fenced code (kept as plain paragraphs). Indented lines are prose, never code blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class Raw:
    """A block before inline rendering: its kind, source lines and level."""

    kind: str  # "para", "heading", "list_item", "quote", "fence", "footnote"
    lines: list[str] = field(default_factory=list)
    level: int = 0
    marker: str | None = None


MAX_LEVEL = 6  # deepest list or quote level reported (10,000 ">" are level 6)

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# The patterns below avoid adjacent optional runs of the same characters (``[ \t]*`` next to
# ``[ \t]*``, a lazy ``.*?`` before ``[ \t]*$``): on a line with a long run of spaces such a
# pattern backtracks quadratically. Trailing parts are stripped in Python instead.
_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+(.*))?$")
_THEMATIC = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^[ \t]{0,3}=+[ \t]*$")
_QUOTE = re.compile(r"^[ \t]{0,3}((?:>[ \t]?)+)(.*)$")
_LIST = re.compile(r"^([ \t]*)([-*+•]|\d{1,4}[.)])[ \t]+(\S.*)$")
_FOOTNOTE = re.compile(r"^\[\^([^\]\s]{1,40})\]:[ \t]*(.*)$")
_TABLE_CELL_SEP = re.compile(r":?-{2,}:?")
_BOLD_OPENERS = ("**", "__")
# the characters a marker can start with (after up to three spaces or tabs; a list item any)
_FENCE_CHARS = frozenset("`~")
_THEMATIC_CHARS = frozenset("-*_")
_LIST_CHARS = frozenset("-*+•")


def _heading_text(text: str) -> str:
    """An ATX heading's text without closing hashes (``## Title ##``) and ``{#id}``/``{.cls}``."""
    text = text.rstrip(" \t")
    for _ in range(3):
        before = text
        if text.endswith("}"):
            k = text.rfind("{")
            if k != -1 and text[k + 1 : k + 2] in ("#", ".") and "}" not in text[k + 1 : -1]:
                text = text[:k].rstrip(" \t")
        bare = text.rstrip("#")
        if bare != text and (not bare or bare[-1] in " \t"):
            text = bare.rstrip(" \t")
        if text == before:
            break
    return text


def _is_table_row(line: str) -> bool:
    s = line.strip(" \t")
    return len(s) >= 2 and s[0] == "|" and s[-1] == "|"


def _is_table_separator(line: str) -> bool:
    """``|---|:--:|`` (a row of dashes between pipes, optional colons)."""
    cells = line.strip(" \t").strip("|").split("|")
    return all(_TABLE_CELL_SEP.fullmatch(c.strip(" \t")) for c in cells)


def _indent(prefix: str) -> int:
    return len(prefix.expandtabs(4))


def lex(body: str, stop: int = 0) -> list[Raw]:
    """Split the body into raw blocks (see the module docstring).

    With ``stop``, lexing ends as soon as ``stop`` blocks are out: all of them are final (a
    block is never changed once a later one has begun), so they are ``lex(body)[:stop]``.
    """
    return lex_lines(body.split("\n"), stop)


def lex_lines(lines: Iterable[str], stop: int = 0) -> list[Raw]:
    """`lex` of the text whose lines (split at ``"\\n"``) are ``lines``, read only as far as
    needed: with ``stop``, no line after the one that completes the ``stop`` first blocks."""
    out: list[Raw] = []
    cur: Raw | None = None
    fence: str | None = None
    list_stack: list[int] = []

    def flush() -> None:
        nonlocal cur
        if cur is not None and cur.lines:
            out.append(cur)
        cur = None

    for line in lines:
        if stop and len(out) >= stop:
            return out[:stop]
        if not line:
            # a blank line (nearly half of all lines) ends the block, in a fence too
            if cur is not None:
                if cur.lines:
                    out.append(cur)
                cur = None
            continue
        if fence is None and (
            line[:1].isalpha() or (line[:2] in _BOLD_OPENERS and line[2:3].isalpha())
        ):
            # prose (the common line): no block marker starts with a letter, or with "**" or
            # "__" then a letter (a bold label), so this is the paragraph branch at the end of
            # the loop
            if cur is None:
                list_stack.clear()
                cur = Raw("para")
            stripped = line.rstrip()
            if stripped.endswith("\\") and not stripped.endswith("\\\\"):
                stripped = stripped[:-1].rstrip()  # a hard line break
            cur.lines.append(stripped)
            continue
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                flush()
                fence = None
            elif not stripped:
                flush()
            else:
                if cur is None:
                    cur = Raw("fence")
                cur.lines.append(stripped)
            continue
        if not line.strip():
            flush()
            continue
        # the first character after the indent: each marker pattern below is tried only when
        # it can match (most of these lines are indented prose, which none of them matches)
        c = line.lstrip(" \t")[:1]
        if c in _FENCE_CHARS:
            m = _FENCE.match(line)
            if m:
                flush()
                fence = m[1]
                continue
        if c == "#":
            m = _ATX.match(line)
            if m:
                flush()
                list_stack.clear()
                text = _heading_text(m[2] or "")
                if text.strip():
                    out.append(Raw("heading", [text], len(m[1])))
                continue
        if c in _THEMATIC_CHARS and _THEMATIC.match(line) and not (cur and cur.kind == "list_item"):
            flush()
            continue
        if (
            c == "="
            and _SETEXT.match(line)
            and cur is not None
            and cur.kind == "para"
            and len(cur.lines) == 1
        ):
            cur.kind = "heading"
            cur.level = 1
            flush()
            continue
        if c == ">":
            m = _QUOTE.match(line)
            if m:
                level = min(m[1].count(">"), MAX_LEVEL)
                content = m[2].strip()
                if not content:
                    flush()
                    continue
                if cur is None or cur.kind != "quote" or cur.level != level:
                    flush()
                    cur = Raw("quote", level=level)
                cur.lines.append(content)
                continue
        m = _LIST.match(line) if c in _LIST_CHARS or c.isdigit() else None
        if m and not (cur is not None and cur.kind == "para" and _para_continues(m)):
            flush()
            indent = _indent(m[1])
            while list_stack and list_stack[-1] >= indent:
                list_stack.pop()
            list_stack.append(indent)
            cur = Raw("list_item", [m[3]], min(len(list_stack), MAX_LEVEL), m[2])
            continue
        m = _FOOTNOTE.match(line) if line[:1] == "[" else None
        if m:
            flush()
            cur = Raw("footnote", [f"[{m[1]}] {m[2]}"])
            continue
        if c == "|" and _is_table_row(line):
            flush()
            if not _is_table_separator(line):
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                out.append(Raw("para", [" | ".join(cell for cell in cells if cell)]))
            continue
        if cur is None:
            list_stack.clear()
            cur = Raw("para")
        stripped = line.strip()
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            stripped = stripped[:-1].rstrip()  # a hard line break
        if stripped:
            cur.lines.append(stripped)
    flush()
    return out[:stop] if stop else out


def _para_continues(m: re.Match[str]) -> bool:
    """An ordered marker other than ``1.`` does not interrupt a paragraph (hard-wrapped prose)."""
    marker = m[2]
    return marker[0].isdigit() and marker[:-1] != "1"


def chunked_lines(
    text: str, first: int = 1024, prepare: Callable[[str], str] | None = None
) -> Iterator[str]:
    """``text.split("\\n")``, lazily: the text is split a chunk at a time (``first``
    characters then twice as many each time, each cut before a ``"\\n"``), and each chunk is
    passed through ``prepare`` first when given (a rewrite that never crosses a line end)."""
    pos = 0
    size = first
    while True:
        end = text.find("\n", pos + size)
        chunk = text[pos:] if end < 0 else text[pos:end]
        if prepare is not None:
            chunk = prepare(chunk)
        yield from chunk.split("\n")
        if end < 0:
            return
        pos = end + 1
        size *= 2
