"""One transcript file: its metadata, its body as blocks, and its canonical plain text.

The canonical text is the single source of every offset in the program: selections, annotation
selectors, search hits and exports are code-point offsets into `Transcript.text`. It is the body as
a reader sees it: Markdown markup and speaker labels removed, blocks separated by one ``"\\n"``,
the lines of one paragraph joined by a space, NFC-normalised. The view shows exactly this text
(speaker names, bullets and other decoration are drawn around it, never inserted into it).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

BlockKind = Literal["heading", "turn", "paragraph", "list_item", "quote", "speaker_key"]
SpanStyle = Literal["em", "strong", "code", "link", "timestamp", "strike"]


@dataclass(frozen=True, slots=True)
class InlineSpan:
    """A styled run inside a block; offsets are canonical code points."""

    start: int
    end: int
    style: SpanStyle
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the body: ``text[start:end]`` is its text, without the separating newline.

    ``kind == "turn"`` marks the first block of a speaker turn (its label, as written, is in
    ``label`` and is not part of the canonical text). Continuation paragraphs, list items and
    quotes inside a turn carry the same ``speaker`` with another kind. ``level`` is the heading
    level (1-6), or the nesting depth of a list item or quote.
    """

    kind: BlockKind
    start: int
    end: int
    speaker: str | None = None
    label: str | None = None
    level: int = 0
    spans: tuple[InlineSpan, ...] = ()


@dataclass(slots=True)
class EpisodeMeta:
    """What the episode list needs to know about one file, from its front matter and key."""

    path: Path
    title: str
    subtitle: str | None = None
    date: _dt.date | None = None
    duration_seconds: int | None = None
    speakers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    front_matter: Literal["yaml", "toml", "none"] = "none"
    encoding: str = "utf-8"
    size: int = 0
    mtime: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Transcript:
    """A parsed transcript: metadata, canonical text and its blocks (sorted, non-overlapping)."""

    meta: EpisodeMeta
    text: str
    blocks: list[Block]
    speaker_key: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.meta.path

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    def block_index_at(self, offset: int) -> int | None:
        """Index of the block containing ``offset`` (or ending exactly at it), else None."""
        starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset <= self.blocks[i].end:
            return i
        return None

    def block_at(self, offset: int) -> Block | None:
        i = self.block_index_at(offset)
        return None if i is None else self.blocks[i]

    def speaker_at(self, offset: int) -> str | None:
        block = self.block_at(offset)
        return block.speaker if block else None

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]


_WORD = re.compile(r"\w+(?:['’]\w+)*")


def text_sha256(text: str) -> str:
    """The hash recorded in sidecars: SHA-256 of the canonical text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
