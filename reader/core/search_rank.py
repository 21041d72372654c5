"""Running a query: the episodes ranked in the index, their passages found for the page
returned (`reader.core.search_passages`), and each hit turned into a `SearchResult` with its
snippet.

The index ranks every episode text and note that holds the query's words (bm25, in SQLite's C
code, one statement); results are then made candidate by candidate, best first, until the page
is full: a note that matches the whole query is one result, an episode text gives its title and
passages that do (none, when its words are in different passages). Results beyond the first
page continue from where the previous page stopped (`_Stream`), while the index is unchanged.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.search_passages import Passage, PassageMatcher
from reader.core.search_query import ParsedQuery, QueryError
from reader.core.search_result import SearchResult
from reader.core.search_rows import KIND_NOTE, KIND_TEXT, MARK_CLOSE, MARK_OPEN
from reader.core.search_store import BM25, SearchIndexError

if TYPE_CHECKING:
    from reader.core.search import Index

#: Results per page when the caller does not say: a first screenful (the search panel shows about
#: 20 rows at once, the CLI prints 20).
PAGE_SIZE = 20

#: The page cache of a searching connection, in KiB (SQLite's default is 2 MiB): bm25 reads the
#: position lists of every match, all over the file.
READ_CACHE_KIB = 32 * 1024

#: Characters of context kept before the first match in a snippet, and a snippet's length.
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 200

#: Candidates ranked at first, then twice as many each time more are needed.
FIRST_CANDIDATES = 32
#: Queries whose results are kept for their next pages, per searching thread.
STREAMS = 8

CANDIDATES = (
    f"SELECT rowid, {BM25} AS r FROM fts WHERE fts MATCH ?1 ORDER BY r, rowid LIMIT ?2 OFFSET ?3"
)
DETAILS = (
    'SELECT e.id, e.kind, e.start, e."end", e.speaker, e.annotation_id, e.tags, e.orphaned, '
    "f.path, f.title FROM entries e CROSS JOIN files f ON f.id = e.file_id WHERE e.id = ?"
)
NOTE_MATCH = (
    "SELECT highlight(fts, 0, ?1, ?2), highlight(fts, 1, ?1, ?2) FROM fts "
    "WHERE fts MATCH ?3 AND rowid = ?4"
)
TITLE_OF = "SELECT title FROM fts WHERE rowid = ?"


def tune_for_reading(con: sqlite3.Connection) -> None:
    """Settings of a connection that only searches (each searching thread has its own)."""
    con.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")


@dataclass(slots=True)
class _Stream:
    """The results of one query so far, and where its candidates stopped."""

    version: int
    hits: list[SearchResult] = field(default_factory=list)
    ranked: int = 0
    pending: deque[tuple[int, float]] = field(default_factory=deque)
    last: bool = False  # the ranking returned every candidate left
    done: bool = False


def run_search(index: Index, parsed: ParsedQuery, limit: int, offset: int) -> list[SearchResult]:
    """The results ``offset`` to ``offset + limit`` of ``parsed``, best first."""
    con = index._search_db()
    try:
        (version,) = con.execute("PRAGMA data_version").fetchone()
        streams: OrderedDict[str, _Stream] = index._streams()
        stream = streams.pop(parsed.fts, None)
        if stream is None or stream.version != version or offset == 0:
            stream = _Stream(version)
        streams[parsed.fts] = stream
        while len(streams) > STREAMS:
            streams.popitem(last=False)
        want = offset + limit
        while len(stream.hits) < want and not stream.done:
            _more(index, con, parsed, stream)
    except sqlite3.Error as exc:
        index._streams().pop(parsed.fts, None)
        message = str(exc)
        if "fts5" in message or "syntax" in message or "unterminated" in message:
            # A safety net: parse_query quotes every term, so the expression should always parse.
            raise QueryError(f"This search cannot be run ({message}).") from exc
        raise SearchIndexError(f"the search index could not be read: {message}") from exc
    return stream.hits[offset:want]


def _more(index: Index, con: sqlite3.Connection, parsed: ParsedQuery, stream: _Stream) -> None:
    """Add the results of the next candidate to ``stream`` (ranking more when none is left)."""
    if not stream.pending:
        n = max(FIRST_CANDIDATES, stream.ranked)
        ranked = con.execute(CANDIDATES, (parsed.candidates_fts, n, stream.ranked)).fetchall()
        stream.ranked += len(ranked)
        stream.pending.extend(ranked)
        stream.last = len(ranked) < n
    if stream.pending:
        rowid, score = stream.pending.popleft()
        row = con.execute(DETAILS, (rowid,)).fetchone()
        if row is None:  # removed by an update since the ranking
            pass
        elif row[1] == KIND_NOTE:
            stream.hits += _note_hits(index, con, parsed, row, score)
        elif row[1] == KIND_TEXT:
            stream.hits += _text_hits(index, con, parsed, row, score)
    stream.done = stream.last and not stream.pending


def _note_hits(
    index: Index, con: sqlite3.Connection, parsed: ParsedQuery, row: Any, score: float
) -> list[SearchResult]:
    """The note's result when it matches the whole query (its words left out included)."""
    rowid, _kind, start, end, speaker, ann_id, tags, orphaned, rel, title = row
    marked = con.execute(NOTE_MATCH, (MARK_OPEN, MARK_CLOSE, parsed.fts, rowid)).fetchone()
    if marked is None:
        return []
    text, spans = unmark(marked[0])
    if not spans:  # the match is in the tags
        text, spans = unmark(marked[1])
    snippet, snippet_spans = make_snippet(text, spans)
    return [
        SearchResult(
            path=index._base / rel,
            title=title,
            speaker=speaker,
            start=start,
            end=end,
            snippet=snippet,
            kind="note",
            annotation_id=ann_id,
            score=float(score),
            matches=((start, end),),
            snippet_matches=snippet_spans,
            tags=tuple(t for t in (tags or "").split("\n") if t),
            orphaned=bool(orphaned),
        )
    ]


def _text_hits(
    index: Index, con: sqlite3.Connection, parsed: ParsedQuery, row: Any, score: float
) -> list[SearchResult]:
    """The episode's title (when it matches) and its passages that match, best first."""
    rowid, rel, title = row[0], row[8], row[9]
    path = index._base / rel
    passages = index.passages.get(path)
    if passages is None:  # gone or unreadable since it was indexed
        return []
    (title_text,) = con.execute(TITLE_OF, (rowid,)).fetchone() or ("",)
    matcher: PassageMatcher = index._matcher()
    return [
        _passage_result(path, title, p, score)
        for p in matcher.match(passages, title_text or "", parsed)
    ]


def _passage_result(path: Path, title: str, passage: Passage, score: float) -> SearchResult:
    text, spans = unmark(passage.marked)
    snippet, snippet_spans = make_snippet(text, spans)
    if passage.block is None:  # the title: open the episode at its top
        return SearchResult(
            path=path, title=title, speaker=None, start=0, end=0, snippet=snippet,
            kind="title", score=float(score), snippet_matches=snippet_spans,
        )  # fmt: skip
    start, _end, speaker = passage.block
    matches = tuple((start + s, start + e) for s, e in spans)
    hit_start, hit_end = matches[0] if matches else (start, start)
    return SearchResult(
        path=path, title=title, speaker=speaker, start=hit_start, end=hit_end, snippet=snippet,
        kind="text", score=float(score), matches=matches, snippet_matches=snippet_spans,
    )  # fmt: skip


def unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The text of ``highlight()`` output without its markers, and the marked spans in it."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, start = 0, -1
    for piece_index, piece in enumerate(marked.split(MARK_OPEN)):
        if piece_index > 0:
            start = pos
        inside, sep, after = piece.partition(MARK_CLOSE)
        out.append(inside)
        pos += len(inside)
        if sep:
            if start >= 0:
                spans.append((start, pos))
                start = -1
            out.append(after)
            pos += len(after)
    return "".join(out), spans


def make_snippet(
    text: str, spans: list[tuple[int, int]], length: int = SNIPPET_LENGTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of ``text`` around the first span, cut at spaces, "…" where it is cut; and the
    spans shifted into it."""
    text_len = len(text)
    if text_len <= length:
        return text, tuple(spans)
    first = spans[0][0] if spans else 0
    lo = max(0, first - SNIPPET_BEFORE)
    if lo > 0:
        space = text.find(" ", lo, first)
        lo = space + 1 if space >= 0 else lo
    hi = min(text_len, lo + length)
    if hi < text_len:
        space = text.rfind(" ", max(first + 1, lo + length // 2), hi)
        hi = space if space > 0 else hi
    lead = "…" if lo > 0 else ""
    trail = "…" if hi < text_len else ""
    shift = len(lead) - lo
    inside = tuple((max(s, lo) + shift, min(e, hi) + shift) for s, e in spans if s < hi and e > lo)
    return lead + text[lo:hi] + trail, inside
