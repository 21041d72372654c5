"""Full-text search over a library: every passage of every transcript, each episode's title and
subtitle, and every annotation's note and tags, in an SQLite FTS5 index kept in the user cache
directory (never in the library).

The index is a cache: deleting it loses nothing. `Index.update` brings it up to date
incrementally (a file whose size and modification time are unchanged is not read; a changed one is
re-hashed, and re-read only when its bytes differ) and can run in a worker thread with a progress
callback and a cancel flag. `Index.search` ranks with bm25 and maps every hit to code-point
offsets into the transcript's canonical text (`Transcript.text`) and to its speaker.

What is indexed: one row per episode with its title and subtitle and its body as written (no
parse: an index build costs little more than the FTS5 inserts themselves), and one row per
annotation with a note or tags. A query ranks the episodes (and notes) in the index; the
passages of the episodes on the page returned are found then (`reader.core.search_passages`):
each is parsed once (and kept while unchanged), and its blocks matched with the index's
tokenizer, so a hit is a passage (a block of canonical text) with its offset, speaker and match
spans, and a query's words must all be in one passage, as if each block were indexed. A title
hit is a result of kind ``"title"`` at offset 0 (the top of the episode), first in its episode.

Modules: this one has the public API (`Index`, `search`, and the result types of
`reader.core.search_result`) and the update loop; the query language is in
`reader.core.search_query`, ranking and snippets in `reader.core.search_rank`, passages in
`reader.core.search_passages`, reading in worker processes in `reader.core.search_parallel`, what
is indexed per transcript in `reader.core.search_rows`, change detection in
`reader.core.search_changes`, the SQLite file in `reader.core.search_store`.

Speed: a large update reads files in worker processes (a fork server or spawned interpreters,
never a fork of the threaded caller) while the calling thread hashes and writes. A query is
ranked in one statement and only the page returned is matched and highlighted
(`reader.core.search_rank.PAGE_SIZE` results unless asked for more).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader.core import paths
from reader.core.search_changes import (
    IndexedFile,
    notes_key,
    notes_sha,
    notes_sources,
    read_file_state,
)
from reader.core.search_parallel import Job, Pipeline, Prepared, prepare
from reader.core.search_passages import PassageCache, PassageMatcher
from reader.core.search_query import ParsedQuery, QueryError, parse_query
from reader.core.search_rank import PAGE_SIZE, make_snippet, run_search, tune_for_reading
from reader.core.search_result import EpisodeHits, ResultKind, SearchResult, group_by_episode
from reader.core.search_store import SearchIndexError, Writer, check_fts5, connect
from reader.core.search_sync import unsynced_writes

__all__ = [
    "EpisodeHits",
    "Index",
    "QueryError",
    "ResultKind",
    "SearchIndexError",
    "SearchResult",
    "UpdateStats",
    "check_fts5",
    "group_by_episode",
    "index_path_for",
    "make_snippet",
    "search",
]

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(slots=True)
class UpdateStats:
    """What one `Index.update` did.

    ``total`` transcripts in the library; ``added`` new to the index; ``changed`` whose bytes or
    sidecar differ; ``unchanged`` skipped on size and time; ``rehashed`` re-read but identical;
    ``parsed`` transcripts read and indexed; ``removed`` gone from the library; ``texts`` and
    ``notes`` rows written; ``errors`` one line per file problem (such files are retried next
    time).
    """

    total: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rehashed: int = 0
    parsed: int = 0
    removed: int = 0
    texts: int = 0
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

    #: Files written between two commits, so work survives a cancel, a crash or a killed process,
    #: and searches see it (≈1 s of work; each commit flushes FTS5's pending terms to a new
    #: segment, which later merges rewrite: 200 cost ≈5 % more at 10k).
    BATCH = 1000
    #: Worker processes that read files during a large update (0: read in the calling thread).
    #: None: one per core but one (at least one, at most 4): the calling thread's writes to
    #: SQLite keep a core busy, and they are the pipeline's slowest stage.
    WORKERS: int | None = None
    #: Read this many files in the calling thread before starting workers and writing without
    #: syncing (unless at least this many files are new): small updates never pay for starting
    #: processes nor for the final fsyncs (a first build of 100 files: 117 ms so, 142 ms with
    #: a worker; preparing a file costs ≈0.5 ms, writing it ≈0.5 ms).
    PARALLEL_MIN = 256

    def __init__(self, root: Path | str, index_file: Path | None = None) -> None:
        self.root = Path(root).resolve()
        self.path = index_file or index_path_for(self.root)
        self._base = self.root.parent if self.root.is_file() else self.root
        self._local = threading.local()
        #: The transcripts whose passages were looked for, parsed (shared by the threads).
        self.passages = PassageCache()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self.shutdown()

    def shutdown(self) -> None:
        """Forget the parsed transcripts kept for searching (`close` closes the connection)."""
        self.passages.clear()

    def close(self) -> None:
        """Close the calling thread's search connection."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        matcher = getattr(self._local, "matcher", None)
        if matcher is not None:
            matcher.close()
            self._local.matcher = None
        self._local.streams = OrderedDict()

    def _search_db(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = connect(self.path, str(self.root))
            tune_for_reading(con)
            self._local.con = con
        return con

    def _matcher(self) -> PassageMatcher:
        matcher = getattr(self._local, "matcher", None)
        if matcher is None:
            matcher = self._local.matcher = PassageMatcher()
        return matcher

    def _streams(self) -> OrderedDict[str, Any]:
        streams = getattr(self._local, "streams", None)
        if streams is None:
            streams = self._local.streams = OrderedDict()
        return streams

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

        Files are written here; when many must be read, worker processes read and prepare them
        (see `WORKERS`), chunks ahead of the writes, and the writes wait for the disk only at
        the end (`reader.core.search_sync`).
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
        pipe: Pipeline | None = None
        unsynced = contextlib.ExitStack()
        unsynced_entered = False
        try:
            known = writer.known_files()
            if not known:  # a first build: a bigger page cache for the FTS5 merges
                con.execute("PRAGMA cache_size=-65536")
            seen: set[str] = set()
            done = 0

            def finish(job: Job, prepared: Prepared) -> bool:
                """Write one prepared file; false when cancelled before it."""
                nonlocal done
                if cancel is not None and cancel():
                    stats.cancelled = True
                    return False
                if job.state is None:  # a new file the worker read
                    if prepared.unreadable:
                        if not prepared.gone:  # (gone since the listing: not searchable now)
                            stats.errors.append(f"{job.path}: {prepared.error}")
                    else:
                        stats.added += 1
                        job = replace(job, state=prepared.state)
                if job.state is not None:
                    _index_file(writer, job, prepared, stats)
                if writer.pending >= self.BATCH:
                    writer.commit()
                done += 1
                if progress is not None:
                    progress(done, stats.total)
                return True

            def start_large() -> None:
                """Many writes: without waiting for the disk until the end (search_sync), and
                the files read and prepared in worker processes when there are any."""
                nonlocal pipe, unsynced_entered
                if not unsynced_entered:
                    unsynced_entered = True
                    writer.commit()  # (a safety level cannot change inside a transaction)
                    unsynced.enter_context(unsynced_writes(con, self.path))
                if pipe is None and workers > 0:
                    pipe = Pipeline(workers)

            workers = self._workers()
            new_files = len(files) - len(known)
            if new_files >= self.PARALLEL_MIN:
                start_large()
            parse_jobs = 0
            for path in files:
                if cancel is not None and cancel():
                    stats.cancelled = True
                    break
                rel = self._rel(path)
                seen.add(rel)
                row = known.get(rel)
                if row is None and pipe is not None:  # a new file: the worker reads it
                    pipe.submit(Job(path, rel, None, None))
                    if not pipe.drain(finish, block=False):
                        break
                    continue
                job = self._check_one(writer, path, rel, row, stats)
                if job is None:
                    done += 1
                    if progress is not None:
                        progress(done, stats.total)
                else:
                    parse_jobs += 1
                    if parse_jobs >= self.PARALLEL_MIN:
                        start_large()
                    if pipe is None:
                        assert job.state is not None
                        if not finish(job, prepare(job.path, job.state.data)):
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
            try:
                unsynced.close()  # (settles the writes: search_sync)
            finally:
                con.close()
        stats.seconds = time.perf_counter() - t0
        return stats

    def _workers(self) -> int:
        """How many worker processes parse (0: none, parse here, in the calling thread)."""
        if self.WORKERS is not None:
            return self.WORKERS
        if getattr(sys, "frozen", False):
            # A frozen app must call multiprocessing.freeze_support() for workers to start.
            return 0
        try:
            cpus = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = os.cpu_count() or 1
        return max(1, min(cpus - 1, 4))

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
                    assert job.state is not None
                    _index_file(writer, job, prepare(path, job.state.data), stats)
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
        self, query: str | ParsedQuery, limit: int = PAGE_SIZE, offset: int = 0
    ) -> list[SearchResult]:
        """Results for ``query``, best first (bm25); raises `QueryError` for an unusable query.

        Searches the index as it is: call `update` first (or in the background).
        """
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        if limit <= 0:
            return []
        return run_search(self, parsed, limit, max(0, offset))

    def _check_one(
        self, writer: Writer, path: Path, rel: str, row: IndexedFile | None, stats: UpdateStats
    ) -> Job | None:
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
            return Job(path, rel, row, state)
        return None


def _index_file(writer: Writer, job: Job, prepared: Prepared, stats: UpdateStats) -> None:
    """Write a file's row, its text row (if its text changed) and its notes."""
    path, row, state = job.path, job.row, job.state
    assert state is not None
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
        writer.write_text(file_id, prepared.title_text, prepared.body, fresh)
        stats.texts += 1
    stats.notes += writer.write_notes(file_id, prepared.notes, fresh)


def search(root: Path | str, query: str, limit: int = PAGE_SIZE) -> list[SearchResult]:
    """Update the index of the library at ``root``, then search it; results best first.

    Raises `QueryError` for an unusable query (before any indexing) and `SearchIndexError` when
    the library or the index cannot be used.
    """
    parsed = parse_query(query)
    with Index(root) as index:
        index.update()
        return index.search(parsed, limit)
