"""The worker-process pool of `reader.core.metacache`: the files to cache are read in this
thread, or in worker processes when there are many.

Parsing is pure Python: in a thread it holds the interpreter lock most of the time, so a large
cold open both runs on one core and starves the GUI thread. In worker processes it uses every
core and this thread only waits on futures (the lock released), decodes the rows sent back and
writes them to the cache, in order.

The settings (`CHUNK`, `CHUNK_MIN`, `MAX_WORKERS`, `PARSER_VERSION`) and the functions a test
may replace (`read_metadata`, `_read_chunk`, `_result`, `_workers`) are looked up at call time
through `reader.core.metacache`, which re-exports everything here.
"""

from __future__ import annotations

import functools
import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.metacache_codec import PathMaker as _PathMaker
from reader.core.metacache_codec import decode as _decode
from reader.core.metacache_codec import encode as _encode
from reader.core.metacache_codec import round_trips as _round_trips
from reader.core.transcript import EpisodeMeta

if TYPE_CHECKING:  # multiprocessing is imported only for a load that reads many files
    from concurrent.futures import Future, ProcessPoolExecutor

Cancel = Callable[[], bool]
#: A file to read: (index in the list, path, rel, size, mtime_ns).
_Job = tuple[int, str, str, int, int]
#: A file read: its job, its metadata and its row (None: not encoded yet).
_Read = tuple[_Job, EpisodeMeta, "str | None"]


def _read_serial(
    todo: Iterable[_Job], cancel: Cancel | None, turns: bool = True
) -> Iterator[_Read]:
    """The files of ``todo`` read in this thread (``turns``: see `read_metadata`)."""
    from reader.core import metacache

    read = metacache.read_metadata
    for job in todo:
        if cancel is not None and cancel():
            raise metacache.LoadCancelled
        yield job, read(Path(job[1]), turns=turns), None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _workers() -> int:
    """How many worker processes to read with (0: read in this thread)."""
    if getattr(sys, "frozen", False):
        # A frozen app must call multiprocessing.freeze_support() for workers to start.
        return 0
    # even one worker keeps the parsing off this process's interpreter lock (the GUI thread);
    # a few more than the cores keep the cores busy while some workers wait for the disk
    from reader.core import metacache

    return max(1, min(_cores() + metacache.EXTRA_WORKERS, metacache.MAX_WORKERS))


def workers_for(files: int) -> int:
    """`_workers` for ``files`` files to read: none below `PARALLEL_MIN`, and no more than the
    cores below `EXTRA_WORKERS_MIN` (starting the extra processes costs more than the disk
    waits they would cover)."""
    from reader.core import metacache

    if files < metacache.PARALLEL_MIN:
        return 0
    workers = metacache._workers()
    if files < metacache.EXTRA_WORKERS_MIN:
        workers = min(workers, max(1, _cores()))
    return workers


#: What the fork server imports ahead, so a worker does not import it again: `read_metadata`
#: imports the parser on first use; the search index's workers (`reader.core.search_parallel`)
#: share the fork server, whichever starts it.
_PRELOAD = (
    *("reader.core.body", "reader.core.frontmatter_meta", "reader.core.markup"),
    "reader.core.search_parallel",
)


def _pool_context() -> Any:
    """Worker processes started safely from a threaded (Qt) process: never a plain fork.

    The fork server starts once per program (with this module and the parser loaded), so later
    pools start in milliseconds; without one, spawned interpreters.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["reader.core.metacache", __name__, *_PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")


def _prestart() -> None:
    """Start the fork server now, if it is to be used and is not running: it imports the parser
    (≈0.15 s) in its own process while this one walks the folder. Never raises."""
    from reader.core import metacache

    if not metacache._workers():
        return
    try:
        ctx = _pool_context()
        if ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()
    except Exception:  # noqa: BLE001 - the pool will try again, or the files are read here
        pass


def _read_chunk(
    version: str, base: str, files: list[tuple[str, str]], turns: bool = True
) -> list[str | EpisodeMeta]:
    """What a worker process runs: each file's metadata as its cache row (compact JSON, cheap to
    send back), or as the `EpisodeMeta` itself in the odd case its row would not decode to an
    equal value (`round_trips`: so the result is exactly the serial path's).

    ``version`` is the asking process's `PARSER_VERSION`: a worker whose parser differs (its
    sources changed since the fork server started) refuses, and the asking process reads.
    ``turns``: see `read_metadata`.
    """
    from reader.core import metacache

    if version != metacache.PARSER_VERSION:
        raise RuntimeError("this worker's parser differs from the loading process's")
    out: list[str | EpisodeMeta] = []
    for path, _rel in files:
        meta = metacache.read_metadata(Path(path), turns=turns)
        out.append(_encode(meta) if _round_trips(meta) else meta)
    return out


def _read_parallel(
    todo: list[_Job],
    workers: int,
    cancel: Cancel | None,
    base: str,
    make: _PathMaker,
    turns: bool = True,
    nice: int = 0,
) -> Generator[_Read, None, None]:
    """The files of ``todo`` read by ``workers`` processes, in chunks (`_chunks`), a bounded
    number of chunks ahead, handed back in order. When the pool cannot start or a chunk fails
    (a worker died, another parser), the rest is read in this thread. On a cancel, or when the
    generator is closed, nothing more is submitted and the pool is shut down, waiting only for
    the chunks the workers have already taken. ``nice``: the workers run this many steps below
    normal priority (`_lower_priority`)."""
    from concurrent import futures

    from reader.core import metacache

    chunks = _chunks(todo, workers)
    try:
        pool: ProcessPoolExecutor | None = futures.ProcessPoolExecutor(
            workers,
            mp_context=_pool_context(),
            initializer=functools.partial(_lower_priority, nice) if nice else None,
        )
    except (OSError, ValueError, NotImplementedError, ImportError):
        yield from _read_serial(todo, cancel, turns)
        return
    inflight: deque[tuple[list[_Job], Future[list[str | EpisodeMeta]]]] = deque()
    ahead = workers * 2 + 1
    submitted = 0
    try:
        while submitted < len(chunks) or inflight:
            while pool is not None and submitted < len(chunks) and len(inflight) < ahead:
                chunk = chunks[submitted]
                try:
                    files = [(path, rel) for _, path, rel, _, _ in chunk]
                    future = pool.submit(
                        metacache._read_chunk, metacache.PARSER_VERSION, base, files, turns
                    )
                except Exception:  # noqa: BLE001 - a broken pool: read here instead
                    _shutdown(pool)
                    pool = None
                    break
                inflight.append((chunk, future))
                submitted += 1
            if not inflight:  # the pool broke before anything was in flight
                break
            chunk, future = inflight.popleft()
            rows = metacache._result(future, cancel)
            if rows is None:  # the workers failed: this chunk and the rest are read here
                inflight.appendleft((chunk, future))
                break
            for job, row in zip(chunk, rows, strict=True):
                if not isinstance(row, str):
                    yield job, row, None
                    continue
                meta = _decode(base, job[2], row, make)
                if meta is None:  # cannot happen (the worker checked): read it here
                    yield next(_read_serial([job], None, turns))
                else:
                    yield job, meta, row
        else:
            return
        rest = [job for chunk, _ in inflight for job in chunk]
        rest += [job for chunk in chunks[submitted:] for job in chunk]
        inflight.clear()
        _shutdown(pool)
        pool = None
        yield from _read_serial(rest, cancel, turns)
    finally:
        for _, future in inflight:
            future.cancel()
        _shutdown(pool)


def _lower_priority(nice: int) -> None:
    """A worker's initializer: run ``nice`` steps below normal priority, so that on a busy
    machine the program's own threads (the GUI thread) come first. Never raises."""
    try:
        os.nice(nice)
    except (AttributeError, OSError):  # no os.nice (Windows), or not allowed
        pass


def _chunks(todo: list[_Job], workers: int) -> list[list[_Job]]:
    """``todo`` cut in chunks of `CHUNK` files, smaller towards the end (down to `CHUNK_MIN`), so
    the workers finish together rather than one waiting for the other's last chunk."""
    from reader.core import metacache

    chunks = []
    start = 0
    while start < len(todo):
        size = max(metacache.CHUNK_MIN, min(metacache.CHUNK, (len(todo) - start) // (workers * 4)))
        chunks.append(todo[start : start + size])
        start += size
    return chunks


def _result(
    future: Future[list[str | EpisodeMeta]], cancel: Cancel | None
) -> list[str | EpisodeMeta] | None:
    """The rows of a chunk (waiting with the interpreter lock released); None when it failed."""
    from concurrent.futures import TimeoutError as FuturesTimeout

    from reader.core import metacache

    while True:
        if cancel is not None and cancel():
            raise metacache.LoadCancelled
        try:
            return future.result(timeout=0.05)
        except FuturesTimeout:
            continue
        except Exception:  # noqa: BLE001 - a worker died, or refused: read here instead
            return None


def _shutdown(pool: ProcessPoolExecutor | None) -> None:
    """Stop the workers: what was not started is dropped, what runs is awaited (one chunk)."""
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
