"""Reading transcripts for the search index, in worker processes during a large update.

`prepare` turns a transcript's bytes into plain rows (`Prepared`), in any process: its title,
its body as written and its annotations' notes. It parses the body only when there are
annotations (their speakers). `Pipeline`
runs it over chunks of files in a process pool (a fork server or spawned interpreters, never a
fork of the threaded caller), a bounded number of chunks ahead of the writes, and falls back to
parsing in the calling thread when the workers fail.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader.core.search_changes import FileState, IndexedFile, read_file_state
from reader.core.search_rows import (
    NoteRow,
    Notes,
    episode_title,
    load_notes,
    note_rows,
    searchable_body,
    sidecar_of,
    title_text,
    transcript_from_bytes,
)
from reader.core.search_store import _code_fingerprint
from reader.core.transcript import index_fields


@dataclass(frozen=True, slots=True)
class Job:
    """A file to read and write: its index row (None when new) and its state with its bytes;
    for a new file, the state may be None: the worker reads it (`Prepared.state`)."""

    path: Path
    rel: str
    row: IndexedFile | None
    state: FileState | None


@dataclass(slots=True)
class Prepared:
    """What reading one file gives the writer: plain values, cheap to send between processes.

    ``title`` is shown in results, ``title_text`` indexed (title and subtitle), ``body`` the
    body as indexed (`searchable_body`).
    ``error`` set: the file could not be read or parsed (nothing else is set)."""

    title: str = ""
    title_text: str = ""
    body: str = ""
    notes: list[NoteRow] = field(default_factory=list)
    private_path: str | None = None
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    #: Read here (a job without a state): the file's state without its bytes, else None.
    state: FileState | None = None
    #: The file could not be read here: ``error`` says why; ``gone``: it no longer exists.
    unreadable: bool = False
    gone: bool = False


def prepare_new(path: Path) -> Prepared:
    """Read a new file's state (size, time, hash) and `prepare` its bytes."""
    try:
        state = read_file_state(path, None)
    except OSError as exc:
        return Prepared(
            error=f"cannot be read: {exc.strerror or exc}",
            unreadable=True,
            gone=isinstance(exc, FileNotFoundError),
        )
    prepared = prepare(path, state.data)
    prepared.state = replace(state, data=None)  # the bytes are not sent back
    return prepared


def prepare(path: Path, data: bytes | None) -> Prepared:
    """Read a transcript's bytes and its annotations into rows (in any process)."""
    assert data is not None
    try:
        meta, body = index_fields(data, path)
        transcript = None
        if sidecar_of(path).exists():
            transcript = transcript_from_bytes(data, path)
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the index
        return Prepared(error=f"{type(exc).__name__}: {exc}")
    prepared = Prepared(
        title=episode_title(meta),
        title_text=title_text(meta),
        body=searchable_body(body),
    )
    if transcript is None:
        return prepared
    try:
        notes = load_notes(transcript)
    except Exception as exc:  # noqa: BLE001 - one bad sidecar must not stop the whole index
        notes = Notes([], None, [f"annotations not indexed: {type(exc).__name__}: {exc}"])
    prepared.notes = note_rows(transcript, notes.annotations)
    prepared.private_path = notes.private_path
    prepared.problems = list(notes.problems)
    return prepared


def prepare_chunk(
    chunk: list[tuple[Path, bytes | None]],
    environ: dict[str, str] | None = None,
    code: str | None = None,
) -> list[Prepared]:
    """`prepare` for a chunk of files: what a worker process runs, with the environment of the
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
    return [prepare_new(path) if data is None else prepare(path, data) for path, data in chunk]


@functools.lru_cache(maxsize=1)
def _worker_fingerprint() -> str:
    """The fingerprint of the parser this process runs (its modules imported first)."""
    from reader.core import body, frontmatter_meta, markup  # noqa: F401 - what parsing imports

    return _code_fingerprint()


def _pool_context() -> Any:
    """Worker processes started safely from a threaded (Qt) process: never a plain fork.

    The fork server starts once per program, shared with the metadata cache's workers and with
    what either needs already loaded (`reader.core.metacache_pool._pool_context`, whose preload
    list has this module): had the index started it with this module alone, every later
    metadata worker would import the cache's modules itself (≈45 ms more per 1,000 files).
    """
    from reader.core.metacache_pool import _pool_context as shared

    return shared()


class Pipeline:
    """Parses jobs in worker processes, in chunks, a bounded number of chunks ahead; results
    are handed back in submission order. When the workers fail (a crash, no processes allowed),
    the remaining chunks are parsed in the calling thread."""

    CHUNK = 8
    #: Chunks in flight per worker before the writer waits for the oldest (≈4 MB of bytes at
    #: 16): the workers keep reading while the writer commits, which takes tens of
    #: milliseconds (3 chunks: the workers idled, the writer then waited for them; 10k
    #: benchmark build 11.8–12.2 s against 10.5–11.1 s).
    AHEAD = 16

    def __init__(self, workers: int) -> None:
        self.ahead = workers * self.AHEAD
        self._chunk: list[Job] = []
        self._inflight: deque[tuple[list[Job], Future[list[Prepared]] | None]] = deque()
        self._pool: ProcessPoolExecutor | None
        try:
            self._pool = ProcessPoolExecutor(workers, mp_context=_pool_context())
        except (OSError, ValueError, NotImplementedError):
            self._pool = None

    def submit(self, job: Job) -> None:
        self._chunk.append(job)
        if len(self._chunk) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self._chunk:
            return
        jobs, self._chunk = self._chunk, []
        future: Future[list[Prepared]] | None = None
        if self._pool is not None:
            try:
                future = self._pool.submit(
                    prepare_chunk,
                    [(j.path, None if j.state is None else j.state.data) for j in jobs],
                    dict(os.environ),
                    _code_fingerprint(),
                )
            except Exception:  # noqa: BLE001 - a broken pool: parse here instead
                self._pool = None
        self._inflight.append((jobs, future))

    def _results(self, jobs: list[Job], future: Future[list[Prepared]] | None) -> list[Prepared]:
        if future is not None:
            try:
                return future.result()
            except Exception:  # noqa: BLE001 - a worker died: parse this chunk here
                self._pool = None
        return prepare_chunk([(j.path, None if j.state is None else j.state.data) for j in jobs])

    def drain(self, finish: Callable[[Job, Prepared], bool], block: bool) -> bool:
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
