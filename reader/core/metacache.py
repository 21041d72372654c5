"""A cache of the episode list's metadata, so a library opens at once, whatever its size.

`load_library_cached(root)` gives exactly what `reader.core.library.load_library(root)` gives
(the same `EpisodeMeta` values, in the same order), but keeps each file's metadata in an SQLite
file in the user cache directory (``user_cache_dir()/metadata/<hash of the resolved root>.sqlite3``,
never in the library), keyed by the file's path relative to the root, its size and its
``st_mtime_ns``. A warm start walks the folder (`os.scandir`, the walk of
`reader.core.library.iter_transcript_paths`: hidden folders, symlink loops and sidecars skipped),
stats each file, and re-reads (`read_metadata`) only the new and changed ones; removed files are
dropped from the cache.

`cached_snapshot(root)` returns the list as last cached *without touching the library folder*, so
the window can show the episode list immediately and then refresh it with `load_library_cached`.

Many files to read (a first open) can be listed quickly first: with ``partial_from`` they are
read without the turns of their bodies (front matter, speaker key and title: half the cost), and
cached as partial rows, which the next load without it reads again in full (the window's loader
does both, one after the other: `QUICK_FROM`).

The cache is disposable: a cache that cannot be read (corrupt, another format, another parser
version) is deleted and rebuilt silently; a cache that cannot be written is simply not written.
`PARSER_VERSION` hashes the sources of the parser modules, so changing the parser invalidates
every cache. Values are stored as JSON (never pickle); the rows are made and read by
`reader.core.metacache_codec`.

Many files to read (a cold open: at least `PARALLEL_MIN`) are read in worker processes, in
chunks, while the calling thread only waits, decodes the rows sent back and writes them, in order
(the parsing neither runs on one core nor holds the interpreter lock the GUI thread needs); the
result is the serial path's, and a pool that cannot start or fails falls back to it.

A file modified less than `RACY_SECONDS` before a scan is stored as "to be re-read", because a
second change within the file system's timestamp granularity (up to 2 s on FAT) could keep both
size and mtime the same (the "racily clean" problem git solves the same way).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path

from reader.core import paths
from reader.core.metacache_codec import CACHE_FORMAT
from reader.core.metacache_codec import PathMaker as _PathMaker
from reader.core.metacache_codec import decode as _decode
from reader.core.metacache_codec import encode as _encode
from reader.core.metacache_db import Row as _Row
from reader.core.metacache_db import info as _info
from reader.core.metacache_db import open_db as _open_db
from reader.core.metacache_db import remove as _remove
from reader.core.metacache_db import write as _write

# The worker-process pool and the walk live in their own modules; their names stay importable
# (and replaceable by tests) here: the pool looks its settings and these functions up here.
from reader.core.metacache_pool import _PRELOAD as _PRELOAD
from reader.core.metacache_pool import Cancel, _Job, _prestart, _read_parallel, _read_serial
from reader.core.metacache_pool import _chunks as _chunks
from reader.core.metacache_pool import _pool_context as _pool_context
from reader.core.metacache_pool import _Read as _Read
from reader.core.metacache_pool import _read_chunk as _read_chunk
from reader.core.metacache_pool import _result as _result
from reader.core.metacache_pool import _shutdown as _shutdown
from reader.core.metacache_pool import _workers as _workers
from reader.core.metacache_pool import workers_for as _workers_for
from reader.core.metacache_walk import _base_str, _rel, _walk_files
from reader.core.metacache_walk import _sort_key as _sort_key
from reader.core.metacache_walk import _walk as _walk
from reader.core.transcript import EpisodeMeta
from reader.core.transcript import read_metadata as read_metadata

__all__ = [
    "PARSER_VERSION",
    "LoadCancelled",
    "cache_path_for",
    "cached_snapshot",
    "clear_cache",
    "load_library_cached",
]

Progress = Callable[[int, int], None]

#: The modules whose source decides what `read_metadata` returns (every module of
#: `reader.core` that `transcript` imports, directly or not: tests/core/test_metacache.py checks),
#: and the layout of the rows and of the table.
PARSER_MODULES = (
    *("transcript", "frontmatter_meta", "metadata_values", "stem_meta", "yaml_safe", "body"),
    *("speakers", "speaker_labels", "markup", "markup_html", "lexer", "metacache_codec"),
    "metacache_db",
)
#: Files modified this recently before a scan are re-read next time (timestamp granularity).
RACY_SECONDS = 3.0
#: Parsed files written between two commits (work survives a cancel or a killed process).
COMMIT_EVERY = 500
#: Minimum seconds between two progress calls while parsing (the first and last always come).
PROGRESS_INTERVAL = 0.05
#: While parsing, the young garbage is collected after this many files (no full collections).
YOUNG_EVERY = 100
#: At least this many files to read: they are read in worker processes (fewer: in this thread).
PARALLEL_MIN = 200
#: The window's ``partial_from``: at least this many files to read (≈0.2 s or more on 2 cores)
#: are listed quickly first, then read again for the speakers of their turns.
QUICK_FROM = 1000
#: Files per chunk sent to a worker process (the last ones smaller, down to CHUNK_MIN).
CHUNK = 64
CHUNK_MIN = 8
#: Worker processes beyond one per core: while some wait for the disk (a library not in the page
#: cache, as after a restart) the others parse. Measured on 2 cores, 10,000 files: with the page
#: cache dropped 3.06 s with 2 workers, 2.52 s with 4; with the files cached 1.74-1.79 s either way.
EXTRA_WORKERS = 2
#: ... but only for at least this many files (1,000 files: 0.20-0.23 s with 2 workers, 0.24-0.25 s
#: with 4, the page cache warm).
EXTRA_WORKERS_MIN = 3000
#: At most this many worker processes.
MAX_WORKERS = 6
#: How much lower the priority of the worker processes of a `background` load is (``nice``).
BACKGROUND_NICE = 10
#: While partial rows are completed, the list so far is handed over at most this often (the
#: first time sooner: the list's top is read first).
INTERIM_SECONDS = 1.0
INTERIM_FIRST_SECONDS = 0.25


def _parser_version() -> str:
    """A hash of the parser modules' sources (and of the cache format)."""
    digest = hashlib.sha256(f"format {CACHE_FORMAT}\n".encode())
    package = resources.files("reader.core")
    for name in PARSER_MODULES:
        try:
            source = (package / f"{name}.py").read_bytes()
        except (OSError, FileNotFoundError):  # a frozen bundle without sources: use the version
            from reader import __version__

            source = f"{name} of version {__version__}".encode()
        digest.update(name.encode() + b"\0" + source + b"\0")
    return digest.hexdigest()[:32]


#: Changes whenever a parser module's source changes: every cache written before is dropped.
PARSER_VERSION = _parser_version()


class LoadCancelled(Exception):
    """`load_library_cached` stopped because ``cancel()`` returned true (work done is kept)."""


def cache_path_for(root: Path | str) -> Path:
    """Where the metadata cache of the library at ``root`` lives (user cache directory)."""
    key = hashlib.sha256(os.path.realpath(root).encode("utf-8", "surrogatepass")).hexdigest()
    return paths.user_cache_dir() / "metadata" / f"{key[:32]}.sqlite3"


def clear_cache(root: Path | str) -> None:
    """Delete the cache of ``root`` (it is rebuilt by the next `load_library_cached`)."""
    _remove(cache_path_for(root))


# ---------------------------------------------------------------------------------------------
# Public API


def cached_snapshot(root: Path | str) -> list[EpisodeMeta]:
    """The episode list as last cached for ``root``, in path order, without reading the library.

    Nothing in the library folder is listed, stat-ed or read; an absent, unreadable or outdated
    cache gives ``[]``. Entries may be stale: refresh with `load_library_cached`.
    """
    root = Path(root)
    db = _open(cache_path_for(root), create=False)
    if db is None:
        return []
    base = _base_str(root)
    make = _PathMaker(base)
    found: list[tuple[int, EpisodeMeta]] = []
    append = found.append
    with _gc_paused(_frozen()):  # 10,000s of long-lived objects: never scanned while made
        try:  # row by row: the rows' JSON is never all in memory at once
            for order, rel, data in db.execute("SELECT ord, rel, data FROM files"):
                meta = _decode(base, rel, data, make)
                if meta is not None:
                    append((order, meta))
        except sqlite3.Error:
            db.close()
            _remove(cache_path_for(root))
            return []
        db.close()
        # sorted in Python: SQLite would sort the whole rows (data included) in a temp b-tree
        found.sort(key=_first)
        out = [meta for _, meta in found]
    return out


def _first(pair: tuple[int, EpisodeMeta]) -> int:
    return pair[0]


def _completed(shown: EpisodeMeta | None, meta: EpisodeMeta) -> EpisodeMeta:
    """``meta`` (a file read in full), as a copy of ``shown`` (its partial metadata in the list
    shown) with the speakers of the turns, when it is that: the two lists then share every
    other value (half the memory while both exist, and they compare quickly)."""
    if shown is None:
        return meta
    done = dataclasses.replace(shown, speakers=meta.speakers, partial=False)
    return done if done == meta else meta


def _list_order(shown: EpisodeMeta | None) -> tuple[int, int, str]:
    """Where a file to read comes in a completion: new and changed files (nothing shown) first,
    then in the episode list's default order (newest first, then by title)."""
    if shown is None:
        return (0, 0, "")
    day = shown.date.toordinal() if shown.date else 0
    return (1, -day, (shown.title or shown.path.stem).casefold())


def _reusable(
    meta: EpisodeMeta | None, st: os.stat_result, partial: bool = False
) -> EpisodeMeta | None:
    """``meta`` (an object of the list shown) if it is the row, complete or ``partial``, of an
    unchanged file."""
    if meta is None or meta.size != st.st_size or meta.mtime != st.st_mtime:
        return None
    return meta if meta.partial == partial else None


def load_library_cached(
    root: Path | str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    reuse: Iterable[EpisodeMeta] = (),
    partial_from: int = 0,
    background: bool = False,
    interim: Callable[[list[EpisodeMeta]], None] | None = None,
) -> list[EpisodeMeta]:
    """Metadata of every transcript below ``root``, in path order, like `load_library`.

    Files whose size and mtime match the cache are not read; new and changed files are read
    with `read_metadata` and the cache is updated. ``progress(done, total)`` is called with
    ``(0, total)`` first, then at most every `PROGRESS_INTERVAL` seconds while files are read,
    and with ``(total, total)`` at the end. When ``cancel()`` returns true the load stops after
    the current file (in worker processes: nothing more is submitted, and the chunks being read
    are awaited), keeps what it read in the cache and raises `LoadCancelled`.
    ``reuse``: metadata already decoded from this cache (the `cached_snapshot` shown
    meanwhile); for a file unchanged since, that very object is returned instead of a new copy,
    so a refresh neither decodes nor doubles the memory of an unchanged list (and comparing the
    two lists is quick). Never raises for a bad file or a bad cache; a folder that cannot be
    listed gives ``[]``.

    ``partial_from``: when at least this many files (and at least one) are to be read, they
    are read quickly, without their turns (`read_metadata` with ``turns=False``: about half
    the cost), and come back and are cached with ``partial`` set; files cached that way are
    then not read again. Otherwise (and always with the default, 0) every file cached
    partially is read again in full, so a second load completes what a quick one left.

    ``background``: a list is on screen already (this load refreshes or completes it): the
    worker processes run `BACKGROUND_NICE` steps below normal priority, so that on a busy
    machine the window's thread comes first.

    ``interim``: while partial rows of ``reuse`` are completed, called after
    `INTERIM_FIRST_SECONDS`, then at most every `INTERIM_SECONDS`, with the whole list so far
    (the files completed, and the partial objects of the others), once every new or changed
    file is read. The partial rows are completed newest first, as the episode list shows them
    by default, so its top fills in first.
    """
    root = Path(root)
    reused = {str(m.path): m for m in reuse}
    cache_file = cache_path_for(root)
    db = _open(cache_file, create=True)
    known: dict[str, tuple[int, int, int]] = {}
    if db is not None:
        try:  # sizes and times only: the rows' JSON is read below, for the rows decoded
            known = {
                rel: (size, mtime_ns, partial)
                for rel, size, mtime_ns, partial in db.execute(
                    "SELECT rel, size, mtime_ns, partial FROM files"
                )
            }
        except sqlite3.Error:
            db.close()
            _remove(cache_file)
            db = _open(cache_file, create=True)
            known = {}

    ordered = _info(db, "ordered") == "1" if db is not None else True
    scan_start = time.time_ns()
    racy_after = scan_start - int(RACY_SECONDS * 1e9)
    base = _base_str(root)
    make = _PathMaker(base)
    # 1. walk and stat; entries known and unchanged are reused, or decoded from the cache
    metas: list[EpisodeMeta | None] = []
    todo: list[_Job] = []  # (index, path, rel, size, mtime_ns)
    keep: list[tuple[str, int]] = []  # (rel, ord) of every file listed
    decode: dict[str, tuple[int, str, int, int]] = {}  # rel -> (index, path, size, mtime_ns)
    # unchanged, cached partially (and the object shown, if any): read again unless quick
    incomplete: list[tuple[_Job, EpisodeMeta | None]] = []
    completing: dict[int, EpisodeMeta] = {}  # index -> partial object shown, read in full now
    frozen = _frozen()  # (once: see `_promote`)
    with _gc_paused(frozen):  # thousands of acyclic objects: no collection passes meanwhile
        listing = list(_walk_files(root))
        for i, (path, st) in enumerate(listing):
            if cancel is not None and not i % 256 and cancel():
                if db is not None:
                    db.close()
                raise LoadCancelled
            rel = _rel(base, path)
            keep.append((rel, i))
            hit = known.get(rel)
            meta = None
            if hit is not None and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
                if hit[2]:
                    shown = _reusable(reused.get(path), st, partial=True)
                    incomplete.append(((i, path, rel, st.st_size, st.st_mtime_ns), shown))
                else:
                    meta = _reusable(reused.get(path), st)
                    if meta is None:
                        decode[rel] = (i, path, st.st_size, st.st_mtime_ns)
            else:
                todo.append((i, path, rel, st.st_size, st.st_mtime_ns))
                if len(todo) == PARALLEL_MIN:
                    _prestart()  # the fork server starts while the walk goes on
            metas.append(meta)
        quick = 0 < partial_from <= len(todo)
        if quick:  # the partial rows will do: as unchanged rows
            for (i, path, rel, size, mtime_ns), shown in incomplete:
                if shown is not None:
                    metas[i] = shown
                else:
                    decode[rel] = (i, path, size, mtime_ns)
        else:
            todo += [job for job, _ in incomplete]
            completing = {job[0]: shown for job, shown in incomplete if shown is not None}
        if decode and db is not None:
            try:
                for rel, size, mtime_ns, data in db.execute(
                    "SELECT rel, size, mtime_ns, data FROM files"
                ):
                    want = decode.get(rel)
                    if want is not None and want[2] == size and want[3] == mtime_ns:
                        metas[want[0]] = _decode(base, rel, data, make)
            except sqlite3.Error:
                pass  # what could not be decoded is read from the file
        for rel, (i, path, size, mtime_ns) in decode.items():
            if metas[i] is None:
                todo.append((i, path, rel, size, mtime_ns))
        todo.sort()
        if completing:  # new and changed files first, then the list's top: newest first
            todo.sort(key=lambda job: _list_order(completing.get(job[0])))
    total = len(metas)
    if progress is not None:
        progress(0, total)

    # 2. read the new and changed files (in worker processes when there are many), committing
    # every COMMIT_EVERY
    pending: list[_Row] = []
    young = gc.isenabled()
    workers = _workers_for(len(todo))
    turns = not quick
    nice = BACKGROUND_NICE if background else 0
    parsed = _read_parallel(todo, workers, cancel, base, make, turns, nice) if workers else None
    unread = sum(1 for job in todo if job[0] not in completing)  # new or changed files
    try:
        done = total - len(todo)
        last = time.monotonic()
        last_interim = last - INTERIM_SECONDS + INTERIM_FIRST_SECONDS
        gc.disable()  # no full collection of a large heap meanwhile (the GIL held 100+ ms)
        results = parsed if parsed is not None else _read_serial(todo, cancel, turns)
        for n, ((i, _path, rel, size, mtime_ns), meta, data) in enumerate(results, 1):
            if young and not n % YOUNG_EVERY:
                gc.collect(0)  # the parser's young garbage; the survivors are kept
                _promote(frozen)
            if completing:
                shown = completing.get(i)
                meta = _completed(shown, meta)
                unread -= shown is None
            metas[i] = meta
            if not meta.errors:  # a file that could not be read is tried again next time
                stored_size = size if mtime_ns < racy_after else -1
                row = data if data is not None else _encode(meta)
                pending.append((rel, i, stored_size, mtime_ns, row, int(meta.partial)))
            if db is not None and len(pending) >= COMMIT_EVERY:
                db = _write(db, cache_file, pending, None)
                pending = []
            if progress is not None:
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL or n == len(todo):
                    last = now
                    progress(done + n, total)
            if interim is not None and completing and not unread and n < len(todo):
                now = time.monotonic()
                if now - last_interim >= INTERIM_SECONDS:
                    last_interim = now
                    interim([m if m is not None else completing[k] for k, m in enumerate(metas)])
    finally:
        if parsed is not None:
            parsed.close()  # stops the workers (waiting only for the chunks they are reading)
        if young:
            gc.collect(0)
            _promote(frozen)
            gc.enable()
        # 3. drop the removed files, renumber, write what was read (also when interrupted)
        if db is not None:
            removed = known.keys() - {rel for rel, _ in keep}
            finished = all(m is not None for m in metas)
            if pending or removed or not ordered or (finished and len(todo)):
                # rows all written by this scan carry its numbers already: when the cache was
                # empty, or when it was in order and no file came or went (files read again,
                # such as a quick load's, keep their places)
                moved = not ordered or removed or any(job[2] not in known for job in todo)
                order = (keep if known and moved else []) if finished else None
                db = _write(db, cache_file, pending, order, removed)
            if db is not None:
                db.close()
    if progress is not None and not todo:
        progress(total, total)
    return metas  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Many long-lived objects made at once (the rows themselves: `reader.core.metacache_codec`)


@contextlib.contextmanager
def _gc_paused(frozen: bool | None = None) -> Iterator[None]:
    """No cyclic garbage collection while thousands of acyclic, long-lived objects are made.

    Pausing alone only postpones the work: the first allocation after ``gc.enable()`` would
    scan every object made meanwhile (≈50 ms for a 10,000-episode list, holding the GIL, so the
    GUI thread stalls too). So the objects made meanwhile are moved straight to the oldest
    generation (``gc.freeze()`` then ``gc.unfreeze()``: two list splices, no scan), as a
    collection would have done; they are still collected normally by later full collections.
    ``frozen``: see `_promote`.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            _promote(frozen)
            gc.enable()


def _promote(frozen: bool | None = None) -> None:
    """Move every object tracked by the collector out of the young generations, without a scan.

    To the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``); or, when the program keeps
    its long-lived data in the permanent generation (something is frozen already, see
    `reader.ui.library_loader`), there too: never thaw what someone else froze.

    ``frozen``: whether something is frozen, as `_frozen` found it at the start of the load
    (None: find it now). Finding it walks the whole permanent generation (``gc.get_freeze_count``
    counts it one object at a time: ≈2 million objects with 50,000 episodes listed), so a load
    finds it once, not at every one of its calls.
    """
    if not (_frozen() if frozen is None else frozen):
        gc.freeze()
        gc.unfreeze()
    else:
        gc.freeze()


def _frozen() -> bool:
    """Whether the permanent generation holds anything (a walk of it: see `_promote`)."""
    return gc.get_freeze_count() > 0


def _open(file: Path, *, create: bool) -> sqlite3.Connection | None:
    """`metacache_db.open_db` for this module's `PARSER_VERSION` (looked up at call time)."""
    return _open_db(file, create=create, version=PARSER_VERSION)
