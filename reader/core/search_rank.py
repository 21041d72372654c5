"""Ranking a query over the index and turning the page of rows returned into `SearchResult`s:
the SQL, the (optional) parallel ranking of a large index, match spans and snippets.

bm25 ranks every match (called directly, with `BM25`'s weights); only the page returned is joined
with its entries and files and highlighted.
"""

from __future__ import annotations

import heapq
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.search_query import ParsedQuery, QueryError
from reader.core.search_result import SearchResult
from reader.core.search_rows import KIND_NOTE, KIND_TEXT, KIND_TITLE, MARK_CLOSE, MARK_OPEN
from reader.core.search_store import BM25, SearchIndexError

if TYPE_CHECKING:
    from reader.core.search import Index

#: Results per page when the caller does not say: a first screenful (the search panel shows about
#: 20 rows at once, the CLI prints 20). Each result of a page costs a seek of its row and
#: ``highlight()``; the ranking itself costs the same whatever the page.
PAGE_SIZE = 20

#: The page cache of a searching connection, in KiB (SQLite's default is 2 MiB): bm25 looks up
#: every match's length in ``fts_docsize`` and reads its position lists, all over the file; a
#: frequent word's matches touch far more pages than 2 MiB hold, so each query read them again.
READ_CACHE_KIB = 32 * 1024

#: Characters of context kept before the first match in a snippet, and a snippet's length.
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 200


def tune_for_reading(con: sqlite3.Connection) -> None:
    """Settings of a connection that only searches (each searching thread has its own)."""
    con.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")


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


#: The columns of a page row: rank, the entry, the file, and the highlighted text of the column
#: that holds the entry's text (``title`` for a title row, else ``body``) and of ``tags``.
_COLUMNS = (
    'e.kind, e.start, e."end", e.speaker, e.annotation_id, e.tags, e.orphaned, f.path, f.title, '
    f"highlight(fts, CASE e.kind WHEN {KIND_TITLE} THEN 2 ELSE 0 END, {{m}}, {{m2}}), "
    "highlight(fts, 1, {m}, {m2}) "
)

#: Rank every match with bm25 (called directly: cheaper than FTS5's ``ORDER BY rank`` sorter,
#: same weights as the ``rank`` configured in the index), keep one page, then join the entry, the
#: file and the highlights for that page only: FTS5 re-seeks each kept row by rowid, so
#: ``highlight()`` runs ``limit`` times, not once per match. One statement, one snapshot.
PAGE = (
    "SELECT t.r, "
    + _COLUMNS.format(m="?4", m2="?5")
    + f"FROM (SELECT rowid AS id, {BM25} AS r FROM fts WHERE fts MATCH ?1 "
    "ORDER BY r LIMIT ?2 OFFSET ?3) AS t "
    "CROSS JOIN fts ON fts.rowid = t.id AND fts MATCH ?1 "
    "CROSS JOIN entries e ON e.id = t.id "
    "CROSS JOIN files f ON f.id = e.file_id "
    "ORDER BY t.r, t.id"
)

#: The ranking alone over a range of rows (for `_search_parallel`).
RANK_RANGE = (
    f"SELECT {BM25} AS r, rowid FROM fts WHERE fts MATCH ? AND rowid >= ? "
    "AND rowid < ? ORDER BY r, rowid LIMIT ?"
)


def page_of(n: int) -> str:
    """`PAGE` for ``n`` rows already ranked: their ids and ranks are the first 2n parameters."""
    values = ", ".join(["(?, ?)"] * n)
    k = 2 * n
    return (
        f"WITH t(id, r) AS (VALUES {values}) "
        "SELECT t.r, "
        + _COLUMNS.format(m=f"?{k + 2}", m2=f"?{k + 3}")
        + f"FROM t CROSS JOIN fts ON fts.rowid = t.id AND fts MATCH ?{k + 1} "
        "CROSS JOIN entries e ON e.id = t.id "
        "CROSS JOIN files f ON f.id = e.file_id "
        "ORDER BY t.r, t.id"
    )


def run_search(index: Index, parsed: ParsedQuery, limit: int, offset: int) -> list[SearchResult]:
    """Rank in SQL and fetch entries and highlights for the returned rows only, in one statement
    (one consistent snapshot while an update may be writing); or, for a large index, rank in
    parallel threads first (`_search_parallel`)."""
    con = index._search_db()
    try:
        threads = index._search_threads()
        rows: list[Any] | None = None
        if threads > 1:
            (top,) = con.execute("SELECT COALESCE(MAX(id), 0) FROM entries").fetchone()
            if top >= index.PARALLEL_ROWS:
                rows = _search_parallel(index, con, parsed.fts, limit, offset, threads, top)
        if rows is None:
            rows = con.execute(PAGE, (parsed.fts, limit, offset, MARK_OPEN, MARK_CLOSE)).fetchall()
    except sqlite3.Error as exc:
        message = str(exc)
        if "fts5" in message or "syntax" in message or "unterminated" in message:
            # A safety net: parse_query quotes every term, so the expression should always parse.
            raise QueryError(f"This search cannot be run ({message}).") from exc
        raise SearchIndexError(f"the search index could not be read: {message}") from exc
    base = index._base
    return [_result(base, row) for row in rows]


def _search_parallel(
    index: Index,
    con: sqlite3.Connection,
    expr: str,
    limit: int,
    offset: int,
    threads: int,
    top: int,
) -> list[Any]:
    """Rank ``threads`` ranges of rows at once, each in a thread with its own connection (the
    ranking is SQLite's C code, which runs without the GIL), merge the pages, then fetch the
    entries and highlights for the page only.

    bm25's statistics (row count, average length, how many rows have each term) are over the
    whole table whatever the range, so the scores are those of a single query. While an update
    commits, the ranges may see different snapshots: the results are then as of either.
    """
    pool = index._ranking_pool(threads)
    step = top // threads + 1
    want = limit + offset

    def rank(lo: int) -> list[tuple[float, int]]:
        return index._search_db().execute(RANK_RANGE, (expr, lo, lo + step, want)).fetchall()

    futures = [pool.submit(rank, lo) for lo in range(0, top + 1, step)]
    ranked = list(heapq.merge(*(f.result() for f in futures)))[offset:want]
    if not ranked:
        return []
    params: list[Any] = [v for r, rowid in ranked for v in (rowid, r)]
    params += [expr, MARK_OPEN, MARK_CLOSE]
    return con.execute(page_of(len(ranked)), params).fetchall()


def _result(base: Path, row: tuple[Any, ...]) -> SearchResult:
    """A result from a `PAGE` row: rank, the ``entries`` and ``files`` columns, highlights."""
    rank, kind, start, end, speaker, ann_id, tags, orphaned, rel, title, marked, marked_tags = row
    text, spans = unmark(marked)
    if kind == KIND_TEXT:
        matches = tuple((start + s, start + e) for s, e in spans)
        hit_start, hit_end = matches[0] if matches else (start, start)
    elif kind == KIND_NOTE:
        matches = ((start, end),)
        hit_start, hit_end = start, end
        if not spans:  # the match is in the tags
            text, spans = unmark(marked_tags)
    else:  # the title row: open the episode at its top
        matches, hit_start, hit_end = (), 0, 0
    snippet, snippet_spans = make_snippet(text, spans)
    return SearchResult(
        path=base / rel,
        title=title,
        speaker=speaker,
        start=hit_start,
        end=hit_end,
        snippet=snippet,
        kind="text" if kind == KIND_TEXT else "note" if kind == KIND_NOTE else "title",
        annotation_id=ann_id,
        score=float(rank),
        matches=matches,
        snippet_matches=snippet_spans,
        tags=tuple(t for t in (tags or "").split("\n") if t),
        orphaned=bool(orphaned),
    )
