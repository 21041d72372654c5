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

Speed: a large update parses in worker processes (a fork server or spawned interpreters, never a
fork of the threaded caller) while the calling thread reads, hashes and writes; a large index is
ranked by a few threads at once, each over a range of rows (bm25 in SQLite's C code, without the
GIL), and only the page returned is joined with its entries and highlighted.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import multiprocessing
import os
import sqlite3
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from reader.core import paths
from reader.core.search_query import ParsedQuery, QueryError, parse_query
from reader.core.search_store import (
    KIND_TEXT,
    MARK_CLOSE,
    MARK_OPEN,
    BlockRow,
    FileState,
    IndexedFile,
    NoteRow,
    Notes,
    SearchIndexError,
    Writer,
    _code_fingerprint,
    block_rows,
    check_fts5,
    connect,
    load_notes,
    note_rows,
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
    #: Processes that parse during a large update; None: one per core (at most 4), 1: none.
    WORKERS: int | None = None
    #: Parse this many files in the calling thread before starting workers (unless at least
    #: this many files are new): small updates never pay for starting processes.
    PARALLEL_MIN = 64
    #: Threads that rank a query's matches in parallel (each over a range of rows, with its own
    #: connection); None: one per core (at most 4), 1: rank in the calling thread.
    SEARCH_THREADS: int | None = None
    #: Rank in one thread below this many indexed rows (blocks and notes): small libraries rank
    #: in a millisecond, and one statement gives one snapshot.
    PARALLEL_ROWS = 150_000

    def __init__(self, root: Path | str, index_file: Path | None = None) -> None:
        self.root = Path(root).resolve()
        self.path = index_file or index_path_for(self.root)
        self._base = self.root.parent if self.root.is_file() else self.root
        self._local = threading.local()
        self._rankers: ThreadPoolExecutor | None = None
        self._rankers_lock = threading.Lock()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the ranking threads (and close their connections); searching starts them again."""
        with self._rankers_lock:
            rankers, self._rankers = self._rankers, None
        if rankers is not None:
            rankers.shutdown(wait=True)

    def _search_threads(self) -> int:
        if self.SEARCH_THREADS is not None:
            return self.SEARCH_THREADS
        return min(os.cpu_count() or 1, 4)

    def _ranking_pool(self, threads: int) -> ThreadPoolExecutor:
        with self._rankers_lock:
            if self._rankers is None:
                self._rankers = ThreadPoolExecutor(threads, thread_name_prefix="search-rank")
                # Threads end (closing their thread-local connections) when the index is dropped.
                weakref.finalize(self, self._rankers.shutdown, wait=False)
            return self._rankers

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

        Files are read and written here; when many must be parsed, the parsing runs in worker
        processes (see `WORKERS`), a few chunks ahead of the writes.
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
        pipe: _Pipeline | None = None
        try:
            known = writer.known_files()
            if not known:  # a first build: a bigger page cache for the FTS5 merges
                con.execute("PRAGMA cache_size=-65536")
            seen: set[str] = set()
            done = 0

            def finish(job: _Job, prepared: _Prepared) -> bool:
                """Write one parsed file; false when cancelled before it."""
                nonlocal done
                if cancel is not None and cancel():
                    stats.cancelled = True
                    return False
                _index_file(writer, job, prepared, stats)
                if writer.pending >= self.BATCH:
                    writer.commit()
                done += 1
                if progress is not None:
                    progress(done, stats.total)
                return True

            workers = self._workers()
            new_files = len(files) - len(known)
            parse_jobs = 0
            for path in files:
                if cancel is not None and cancel():
                    stats.cancelled = True
                    break
                rel = self._rel(path)
                seen.add(rel)
                job = self._check_one(writer, path, rel, known.get(rel), stats)
                if job is None:
                    done += 1
                    if progress is not None:
                        progress(done, stats.total)
                else:
                    parse_jobs += 1
                    if (
                        pipe is None
                        and workers > 1
                        and (parse_jobs >= self.PARALLEL_MIN or new_files >= self.PARALLEL_MIN)
                    ):
                        pipe = _Pipeline(workers)
                    if pipe is None:
                        if not finish(job, _prepare(job.path, job.state.data)):
                            break
                    else:
                        pipe.submit(job)
                        if not pipe.drain(finish, block=False):
                            break
                if writer.pending >= self.BATCH:
                    writer.commit()
            if pipe is not None and not stats.cancelled:
                pipe.flush()
                pipe.drain(finish, block=True)
            if not stats.cancelled:
                gone = [row.id for rel, row in known.items() if rel not in seen]
                writer.remove_files(gone)
                stats.removed += len(gone)
            writer.commit()
        except sqlite3.Error as exc:
            writer.rollback()
            raise SearchIndexError(f"the search index could not be updated: {exc}") from exc
        finally:
            if pipe is not None:
                pipe.close()
            con.close()
        stats.seconds = time.perf_counter() - t0
        return stats

    def _workers(self) -> int:
        """How many processes parse in parallel (1: parse here, in the calling thread)."""
        if self.WORKERS is not None:
            return self.WORKERS
        if getattr(sys, "frozen", False):
            # A frozen app must call multiprocessing.freeze_support() for workers to start.
            return 1
        return min(os.cpu_count() or 1, 4)

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
                stats = UpdateStats()
                job = self._check_one(writer, path, rel, row, stats)
                if job is not None:
                    _index_file(writer, job, _prepare(path, job.state.data), stats)
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

    def _check_one(
        self, writer: Writer, path: Path, rel: str, row: IndexedFile | None, stats: UpdateStats
    ) -> _Job | None:
        """Compare one file with the index; returns the job when it must be parsed."""
        try:
            state = read_file_state(path, row)
        except OSError as exc:  # gone since the listing, or unreadable: not searchable now
            if not isinstance(exc, FileNotFoundError):
                stats.errors.append(f"{path}: cannot be read: {exc.strerror or exc}")
            if row is not None:
                writer.remove_files([row.id])
                stats.removed += 1
            return None
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
            return _Job(path, rel, row, state)
        return None


@dataclass(frozen=True, slots=True)
class _Job:
    """A file to parse and write: its index row (None when new) and its state with its bytes."""

    path: Path
    rel: str
    row: IndexedFile | None
    state: FileState


@dataclass(slots=True)
class _Prepared:
    """What parsing one file gives the writer: plain values, cheap to send between processes.

    ``error`` set: the parser failed (nothing else is set)."""

    title: str = ""
    blocks: list[BlockRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    private_path: str | None = None
    problems: list[str] = field(default_factory=list)
    error: str | None = None


def _prepare(path: Path, data: bytes | None) -> _Prepared:
    """Parse a transcript's bytes and read its annotations into rows (in any process)."""
    assert data is not None
    try:
        transcript = transcript_from_bytes(data, path)
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the index
        return _Prepared(error=f"{type(exc).__name__}: {exc}")
    try:
        notes = load_notes(transcript)
    except Exception as exc:  # noqa: BLE001 - one bad sidecar must not stop the whole index
        notes = Notes([], None, [f"annotations not indexed: {type(exc).__name__}: {exc}"])
    return _Prepared(
        title=transcript.meta.title or path.stem,
        blocks=block_rows(transcript),
        notes=note_rows(transcript, notes.annotations),
        private_path=notes.private_path,
        problems=list(notes.problems),
    )


def _prepare_chunk(
    chunk: list[tuple[Path, bytes | None]],
    environ: dict[str, str] | None = None,
    code: str | None = None,
) -> list[_Prepared]:
    """`_prepare` for a chunk of files: what a worker process runs, with the environment of the
    process that asked (where private notes live depends on it; the fork server's may be older).

    ``code`` is the asking process's `_code_fingerprint`: a worker whose parser differs (the
    source changed in between, in a checkout or an upgrade) refuses, and the asking process
    parses itself, so an index never mixes offsets from two parsers.
    """
    if code is not None and code != _worker_fingerprint():
        raise RuntimeError("this worker's parser differs from the indexing process's")
    if environ is not None and environ != os.environ:
        os.environ.clear()
        os.environ.update(environ)
    return [_prepare(path, data) for path, data in chunk]


@functools.lru_cache(maxsize=1)
def _worker_fingerprint() -> str:
    """The fingerprint of the parser this process runs (its modules imported first)."""
    from reader.core import body, frontmatter_meta, markup  # noqa: F401 - what parsing imports

    return _code_fingerprint()


def _pool_context() -> Any:
    """Worker processes started safely from a threaded (Qt) process: never a plain fork.

    The fork server starts once per program with this module loaded, so later pools start fast.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


class _Pipeline:
    """Parses jobs in worker processes, in chunks, a bounded number of chunks ahead; results
    are handed back in submission order. When the workers fail (a crash, no processes allowed),
    the remaining chunks are parsed in the calling thread."""

    CHUNK = 8

    def __init__(self, workers: int) -> None:
        self.ahead = workers * 3
        self._chunk: list[_Job] = []
        self._inflight: deque[tuple[list[_Job], Future[list[_Prepared]] | None]] = deque()
        self._pool: ProcessPoolExecutor | None
        try:
            self._pool = ProcessPoolExecutor(workers, mp_context=_pool_context())
        except (OSError, ValueError, NotImplementedError):
            self._pool = None

    def submit(self, job: _Job) -> None:
        self._chunk.append(job)
        if len(self._chunk) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self._chunk:
            return
        jobs, self._chunk = self._chunk, []
        future: Future[list[_Prepared]] | None = None
        if self._pool is not None:
            try:
                future = self._pool.submit(
                    _prepare_chunk,
                    [(j.path, j.state.data) for j in jobs],
                    dict(os.environ),
                    _code_fingerprint(),
                )
            except Exception:  # noqa: BLE001 - a broken pool: parse here instead
                self._pool = None
        self._inflight.append((jobs, future))

    def _results(self, jobs: list[_Job], future: Future[list[_Prepared]] | None) -> list[_Prepared]:
        if future is not None:
            try:
                return future.result()
            except Exception:  # noqa: BLE001 - a worker died: parse this chunk here
                self._pool = None
        return _prepare_chunk([(j.path, j.state.data) for j in jobs])

    def drain(self, finish: Callable[[_Job, _Prepared], bool], block: bool) -> bool:
        """Hand finished chunks to ``finish`` in order: all of them when ``block``, else those
        done (and the oldest when too many are in flight). False when ``finish`` said stop."""
        while self._inflight:
            jobs, future = self._inflight[0]
            ready = future is None or future.done()
            if not (block or ready or len(self._inflight) > self.ahead):
                break
            self._inflight.popleft()
            for job, prepared in zip(jobs, self._results(jobs, future), strict=True):
                if not finish(job, prepared):
                    return False
        return True

    def close(self) -> None:
        """Drop what was not written and stop the workers (waiting at most for one chunk)."""
        self._chunk.clear()
        for _jobs, future in self._inflight:
            if future is not None:
                future.cancel()
        self._inflight.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _index_file(writer: Writer, job: _Job, prepared: _Prepared, stats: UpdateStats) -> None:
    """Write a parsed file's row, its blocks (if its text changed) and its notes."""
    path, row, state = job.path, job.row, job.state
    if prepared.error is not None:
        stats.errors.append(f"{path}: not indexed: {prepared.error}")
        if row is not None:  # what was indexed may no longer be true
            writer.remove_files([row.id])
        return  # not recorded: tried again next time
    stats.parsed += 1
    stats.errors += [f"{path}: {p}" for p in prepared.problems]
    if prepared.private_path != (row.private_path if row else None):
        # The private notes file became known (or changed): fingerprint it from now on.
        sources = notes_sources(path, prepared.private_path)
        key, racy = notes_key(sources, time.time_ns())
        state = replace(state, notes_key="" if racy else key, notes_sha=notes_sha(sources))
    file_id = writer.upsert_file(
        job.rel, prepared.title, state, prepared.private_path, None if row is None else row.id
    )
    fresh = row is None
    if state.text_changed or fresh:
        stats.blocks += writer.write_blocks(file_id, prepared.blocks, fresh)
    stats.notes += writer.write_notes(file_id, prepared.notes, fresh)


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


#: Rank every match with bm25 (called directly: cheaper than FTS5's ``ORDER BY rank`` sorter,
#: same weights as the ``rank`` configured in the index), keep one page, then join the entry, the
#: file and the highlights for that page only: FTS5 re-seeks each kept row by rowid, so
#: ``highlight()`` runs ``limit`` times, not once per match. One statement, one snapshot.
_PAGE = (
    'SELECT t.r, e.kind, e.start, e."end", e.speaker, e.annotation_id, e.tags, e.orphaned, '
    "f.path, f.title, highlight(fts, 0, ?4, ?5), highlight(fts, 1, ?4, ?5) "
    "FROM (SELECT rowid AS id, bm25(fts, 1.0, 2.0) AS r FROM fts WHERE fts MATCH ?1 "
    "ORDER BY r LIMIT ?2 OFFSET ?3) AS t "
    "CROSS JOIN fts ON fts.rowid = t.id AND fts MATCH ?1 "
    "CROSS JOIN entries e ON e.id = t.id "
    "CROSS JOIN files f ON f.id = e.file_id "
    "ORDER BY t.r, t.id"
)


#: The ranking alone over a range of rows (for `_search_parallel`).
_RANK_RANGE = (
    "SELECT bm25(fts, 1.0, 2.0) AS r, rowid FROM fts WHERE fts MATCH ? AND rowid >= ? "
    "AND rowid < ? ORDER BY r, rowid LIMIT ?"
)


def _page_of(n: int) -> str:
    """`_PAGE` for ``n`` rows already ranked: their ids and ranks are the first 2n parameters."""
    values = ", ".join(["(?, ?)"] * n)
    k = 2 * n
    return (
        f"WITH t(id, r) AS (VALUES {values}) "
        'SELECT t.r, e.kind, e.start, e."end", e.speaker, e.annotation_id, e.tags, e.orphaned, '
        f"f.path, f.title, highlight(fts, 0, ?{k + 2}, ?{k + 3}), "
        f"highlight(fts, 1, ?{k + 2}, ?{k + 3}) "
        f"FROM t CROSS JOIN fts ON fts.rowid = t.id AND fts MATCH ?{k + 1} "
        "CROSS JOIN entries e ON e.id = t.id "
        "CROSS JOIN files f ON f.id = e.file_id "
        "ORDER BY t.r, t.id"
    )


def _search(index: Index, parsed: ParsedQuery, limit: int, offset: int) -> list[SearchResult]:
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
            rows = con.execute(_PAGE, (parsed.fts, limit, offset, MARK_OPEN, MARK_CLOSE)).fetchall()
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
        return index._search_db().execute(_RANK_RANGE, (expr, lo, lo + step, want)).fetchall()

    futures = [pool.submit(rank, lo) for lo in range(0, top + 1, step)]
    ranked = list(heapq.merge(*(f.result() for f in futures)))[offset:want]
    if not ranked:
        return []
    params: list[Any] = [v for r, rowid in ranked for v in (rowid, r)]
    params += [expr, MARK_OPEN, MARK_CLOSE]
    return con.execute(_page_of(len(ranked)), params).fetchall()


def _result(base: Path, row: tuple[Any, ...]) -> SearchResult:
    """A result from a `_PAGE` row: rank, the ``entries`` and ``files`` columns, highlights."""
    rank, kind, start, end, speaker, ann_id, tags, orphaned, rel, title, marked0, marked1 = row
    text, spans = _unmark(marked0)
    if kind == KIND_TEXT:
        matches = tuple((start + s, start + e) for s, e in spans)
        hit_start, hit_end = matches[0] if matches else (start, start)
    else:
        matches = ((start, end),)
        hit_start, hit_end = start, end
        if not spans:  # the match is in the tags
            text, spans = _unmark(marked1)
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
