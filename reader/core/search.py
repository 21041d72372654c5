"""Full-text search over a library: every block of every transcript, and every annotation's note
and tags, in an SQLite FTS5 index kept in the user cache directory (never in the library).

The index is a cache: deleting it loses nothing. `Index.update` brings it up to date
incrementally (a file whose size and modification time are unchanged is not read; a changed one is
re-hashed, and re-parsed only when its bytes differ) and can run in a worker thread with a
progress callback and a cancel flag. `Index.search` ranks with bm25 and maps every hit to
code-point offsets into the transcript's canonical text (`Transcript.text`) and to its speaker.

Each block of the canonical text is one row, so a hit knows its block's offset and speaker; the
exact match spans inside the block come from FTS5's ``highlight()``, computed only for the results
returned, like the snippets. The query language is in `reader.core.search_query`, the SQLite side
in `reader.core.search_store`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from reader.core import paths
from reader.core.search_query import ParsedQuery, QueryError, parse_query
from reader.core.search_store import (
    KIND_TEXT,
    MARK_CLOSE,
    MARK_OPEN,
    FileState,
    IndexedFile,
    Notes,
    SearchIndexError,
    Writer,
    check_fts5,
    connect,
    load_notes,
    notes_key,
    notes_sha,
    notes_sources,
    read_file_state,
    transcript_from_bytes,
)

__all__ = [
    "EpisodeHits",
    "Index",
    "QueryError",
    "SearchIndexError",
    "SearchResult",
    "UpdateStats",
    "check_fts5",
    "group_by_episode",
    "index_path_for",
    "search",
]

ResultKind = Literal["text", "note"]
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

#: Characters of context kept before the first match in a snippet, and a snippet's length.
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 200


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One hit: a block of a transcript (``kind == "text"``) or an annotation's note or tags.

    ``start``/``end`` are code points into the transcript's canonical text: for a text hit the
    first match in the block (``matches`` holds every match in it), for a note the annotated
    passage (as last anchored; ``orphaned`` when the passage is no longer found).
    ``snippet`` is plain text; ``snippet_matches`` are the spans of the matches inside it.
    ``score`` is bm25's: lower is better, and results come best first.
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


@dataclass(slots=True)
class UpdateStats:
    """What one `Index.update` did.

    ``total`` transcripts in the library; ``added`` new to the index; ``changed`` whose bytes or
    sidecar differ; ``unchanged`` skipped on size and time; ``rehashed`` re-read but identical;
    ``parsed`` transcripts parsed; ``removed`` gone from the library; ``blocks`` and ``notes``
    rows written; ``errors`` one line per file problem (such files are retried next time).
    """

    total: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rehashed: int = 0
    parsed: int = 0
    removed: int = 0
    blocks: int = 0
    notes: int = 0
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0


def index_path_for(root: Path | str) -> Path:
    """Where the index of the library at ``root`` lives: under the user cache directory."""
    key = hashlib.sha256(str(Path(root).resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return paths.user_cache_dir() / "search" / f"{key[:32]}.sqlite3"


class Index:
    """The search index of one library (a folder, or a single transcript file).

    Thread-safe in the way the window needs: `update` opens its own connection (run it in a
    worker thread), and each thread that searches gets its own connection; WAL lets searches
    run while an update writes. `close` closes the calling thread's search connection.
    """

    #: Files written between two commits, so work survives a cancel, a crash or a killed process.
    BATCH = 200

    def __init__(self, root: Path | str, index_file: Path | None = None) -> None:
        self.root = Path(root).resolve()
        self.path = index_file or index_path_for(self.root)
        self._base = self.root.parent if self.root.is_file() else self.root
        self._local = threading.local()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the calling thread's search connection."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    def _search_db(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = connect(self.path, str(self.root))
            self._local.con = con
        return con

    def _rel(self, path: Path) -> str:
        path = Path(path).absolute()
        try:
            return path.relative_to(self._base).as_posix()
        except ValueError:
            return path.resolve().relative_to(self._base).as_posix()

    # --- update --------------------------------------------------------------------------------

    def _library_files(self) -> list[Path]:
        if self.root.is_file():
            return [self.root]
        from reader.core.library import iter_transcript_paths

        return list(iter_transcript_paths(self.root))

    def update(self, progress: Progress | None = None, cancel: Cancel | None = None) -> UpdateStats:
        """Bring the index up to date with the library and return what was done.

        ``progress(done, total)`` is called after each file; when ``cancel()`` returns true the
        update stops after the current file, keeps what it indexed and sets ``cancelled``.
        Raises `SearchIndexError` when the library cannot be listed or the index not written.
        """
        t0 = time.perf_counter()
        if not self.root.exists():
            raise SearchIndexError(f"no such file or folder: {self.root}")
        try:
            files = self._library_files()
        except OSError as exc:
            raise SearchIndexError(f"cannot list {self.root}: {exc}") from exc
        stats = UpdateStats(total=len(files))
        con = connect(self.path, str(self.root))
        writer = Writer(con)
        try:
            known = writer.known_files()
            seen: set[str] = set()
            for done, path in enumerate(files, 1):
                if cancel is not None and cancel():
                    stats.cancelled = True
                    break
                rel = self._rel(path)
                seen.add(rel)
                self._update_one(writer, path, rel, known.get(rel), stats)
                if writer.pending >= self.BATCH:
                    writer.commit()
                if progress is not None:
                    progress(done, stats.total)
            if not stats.cancelled:
                gone = [row.id for rel, row in known.items() if rel not in seen]
                writer.remove_files(gone)
                stats.removed += len(gone)
            writer.commit()
        except sqlite3.Error as exc:
            writer.rollback()
            raise SearchIndexError(f"the search index could not be updated: {exc}") from exc
        finally:
            con.close()
        stats.seconds = time.perf_counter() - t0
        return stats

    def refresh_file(self, path: Path | str) -> None:
        """Re-index one transcript's text and notes now, whatever its size and time say.

        For the window to call after saving an annotation: private notes live outside the
        sidecar, where `update` does not see them change.
        """
        path = Path(path)
        rel = self._rel(path)
        con = connect(self.path, str(self.root))
        writer = Writer(con)
        try:
            row = writer.known_files().get(rel)
            if row is not None:
                writer.forget_state(row.id)
                row = writer.known_files().get(rel)
            if path.is_file():
                self._update_one(writer, path, rel, row, UpdateStats())
            elif row is not None:
                writer.remove_files([row.id])
            writer.commit()
        except sqlite3.Error as exc:
            writer.rollback()
            raise SearchIndexError(f"the search index could not be updated: {exc}") from exc
        finally:
            con.close()

    # --- search --------------------------------------------------------------------------------

    def search(
        self, query: str | ParsedQuery, limit: int = 50, offset: int = 0
    ) -> list[SearchResult]:
        """Results for ``query``, best first (bm25); raises `QueryError` for an unusable query.

        Searches the index as it is: call `update` first (or in the background).
        """
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        if limit <= 0:
            return []
        return _search(self, parsed, limit, max(0, offset))

    def _update_one(
        self, writer: Writer, path: Path, rel: str, row: IndexedFile | None, stats: UpdateStats
    ) -> None:
        try:
            state = read_file_state(path, row)
        except OSError as exc:  # gone since the listing, or unreadable: not searchable now
            if not isinstance(exc, FileNotFoundError):
                stats.errors.append(f"{path}: cannot be read: {exc.strerror or exc}")
            if row is not None:
                writer.remove_files([row.id])
                stats.removed += 1
            return
        if row is None:
            stats.added += 1
        if state.kind == "unchanged":
            stats.unchanged += 1
        elif state.kind == "touched":
            assert row is not None
            stats.rehashed += 1
            writer.set_state(row.id, state)
        else:
            if row is not None:
                stats.changed += 1
            _index_file(writer, path, rel, row, state, stats)


def _index_file(
    writer: Writer,
    path: Path,
    rel: str,
    row: IndexedFile | None,
    state: FileState,
    stats: UpdateStats,
) -> None:
    """Parse the bytes ``state`` holds; write the file's blocks (if they changed) and notes."""
    assert state.data is not None
    try:
        transcript = transcript_from_bytes(state.data, path)
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the index
        stats.errors.append(f"{path}: not indexed: {type(exc).__name__}: {exc}")
        if row is not None:  # what was indexed may no longer be true
            writer.remove_files([row.id])
        return  # not recorded: tried again next time
    stats.parsed += 1
    try:
        notes = load_notes(transcript)
    except Exception as exc:  # noqa: BLE001 - one bad sidecar must not stop the whole index
        notes = Notes([], None, [f"annotations not indexed: {type(exc).__name__}: {exc}"])
    stats.errors += [f"{path}: {p}" for p in notes.problems]
    if notes.private_path != (row.private_path if row else None):
        # The private notes file became known (or changed): fingerprint it from now on.
        sources = notes_sources(path, notes.private_path)
        key, racy = notes_key(sources, time.time_ns())
        state = replace(state, notes_key="" if racy else key, notes_sha=notes_sha(sources))
    title = transcript.meta.title or path.stem
    file_id = writer.upsert_file(
        rel, title, state, notes.private_path, None if row is None else row.id
    )
    if state.text_changed or row is None:
        stats.blocks += writer.replace_blocks(file_id, transcript)
    stats.notes += writer.replace_notes(file_id, transcript, notes.annotations)


# --- searching ---------------------------------------------------------------------------------


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
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


_RANKED = "SELECT rowid, rank FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?"
_ENTRY = (
    'SELECT e.kind, e.start, e."end", e.speaker, e.annotation_id, e.tags, e.orphaned, f.path, '
    "f.title FROM entries e JOIN files f ON f.id = e.file_id WHERE e.id = ?"
)
_MARKED = (
    "SELECT highlight(fts, 0, ?, ?), highlight(fts, 1, ?, ?) FROM fts "
    "WHERE fts MATCH ? AND rowid = ?"
)


def _search(index: Index, parsed: ParsedQuery, limit: int, offset: int) -> list[SearchResult]:
    """Rank in SQL, then fetch entries and highlights for the returned rows only, in one read
    transaction (one consistent snapshot while an update may be writing)."""
    con = index._search_db()
    expr = parsed.fts
    rows = []
    try:
        con.execute("BEGIN")
        try:
            for rowid, rank in con.execute(_RANKED, (expr, limit, offset)).fetchall():
                entry = con.execute(_ENTRY, (rowid,)).fetchone()
                marked = con.execute(
                    _MARKED, (MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, expr, rowid)
                )
                rows.append((rank, entry, marked.fetchone()))
        finally:
            con.execute("COMMIT")
    except sqlite3.Error as exc:
        message = str(exc)
        if "fts5" in message or "syntax" in message or "unterminated" in message:
            # A safety net: parse_query quotes every term, so the expression should always parse.
            raise QueryError(f"This search cannot be run ({message}).") from exc
        raise SearchIndexError(f"the search index could not be read: {message}") from exc
    return [
        _result(index._base, rank, entry, marked)
        for rank, entry, marked in rows
        if entry is not None and marked is not None
    ]


def _result(
    base: Path, rank: float, entry: tuple[Any, ...], marked: tuple[str, str]
) -> SearchResult:
    """A result from an ``entries`` row and its ``highlight()`` output."""
    kind, start, end, speaker, ann_id, tags, orphaned, rel, title = entry
    text, spans = _unmark(marked[0])
    if kind == KIND_TEXT:
        matches = tuple((start + s, start + e) for s, e in spans)
        hit_start, hit_end = matches[0] if matches else (start, start)
    else:
        matches = ((start, end),)
        hit_start, hit_end = start, end
        if not spans:  # the match is in the tags
            text, spans = _unmark(marked[1])
    snippet, snippet_spans = make_snippet(text, spans)
    return SearchResult(
        path=base / rel,
        title=title,
        speaker=speaker,
        start=hit_start,
        end=hit_end,
        snippet=snippet,
        kind="text" if kind == KIND_TEXT else "note",
        annotation_id=ann_id,
        score=float(rank),
        matches=matches,
        snippet_matches=snippet_spans,
        tags=tuple(t for t in (tags or "").split("\n") if t),
        orphaned=bool(orphaned),
    )


def search(root: Path | str, query: str, limit: int = 50) -> list[SearchResult]:
    """Update the index of the library at ``root``, then search it; results best first.

    Raises `QueryError` for an unusable query (before any indexing) and `SearchIndexError` when
    the library or the index cannot be used.
    """
    parsed = parse_query(query)
    with Index(root) as index:
        index.update()
        return index.search(parsed, limit)
