"""What a search gives: `SearchResult` (one hit) and `EpisodeHits` (the hits of one episode).

Re-exported by `reader.core.search`, where callers import them from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ResultKind = Literal["text", "note", "title"]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One hit: a block of a transcript (``kind == "text"``), an annotation's note or tags
    (``"note"``), or the episode's title or subtitle (``"title"``).

    ``start``/``end`` are code points into the transcript's canonical text: for a text hit the
    first match in the block (``matches`` holds every match in it), for a note the annotated
    passage (as last anchored; ``orphaned`` when the passage is no longer found), for a title
    hit 0 and 0: the top of the episode (``matches`` is empty; the title is not in the
    canonical text, and its snippet is the title, with the subtitle after a new line).
    ``snippet`` is plain text; ``snippet_matches`` are the spans of the matches inside it.
    ``score`` is bm25's: lower is better, and results come best first; a title hit ranks above
    the episode's blocks and notes (see `reader.core.search_store.BM25_WEIGHTS`).
    """

    path: Path
    title: str
    speaker: str | None
    start: int
    end: int
    snippet: str
    kind: ResultKind = "text"
    annotation_id: str | None = None
    score: float = 0.0
    matches: tuple[tuple[int, int], ...] = ()
    snippet_matches: tuple[tuple[int, int], ...] = ()
    tags: tuple[str, ...] = ()
    orphaned: bool = False

    def marked_snippet(self, open_mark: str = "[", close_mark: str = "]") -> str:
        """The snippet with every match wrapped in ``open_mark`` … ``close_mark``."""
        out: list[str] = []
        pos = 0
        for s, e in self.snippet_matches:
            out += [self.snippet[pos:s], open_mark, self.snippet[s:e], close_mark]
            pos = e
        out.append(self.snippet[pos:])
        return "".join(out)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values: the CLI's ``--json`` keys first, then the others."""
        return {
            "path": str(self.path),
            "title": self.title,
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
            "kind": self.kind,
            "annotation_id": self.annotation_id,
            "score": self.score,
            "matches": [list(m) for m in self.matches],
            "snippet_matches": [list(m) for m in self.snippet_matches],
            "tags": list(self.tags),
            "orphaned": self.orphaned,
        }


@dataclass(frozen=True, slots=True)
class EpisodeHits:
    """The results of one episode, best first."""

    path: Path
    title: str
    results: tuple[SearchResult, ...]


def group_by_episode(results: Iterable[SearchResult]) -> list[EpisodeHits]:
    """Group ``results`` (best first) by episode; episodes come in the order of their best hit."""
    groups: dict[Path, list[SearchResult]] = {}
    for r in results:
        groups.setdefault(r.path, []).append(r)
    return [EpisodeHits(p, rs[0].title, tuple(rs)) for p, rs in groups.items()]
