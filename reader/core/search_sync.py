"""Large index updates that do not wait for the disk, made safe.

A first build writes the whole library's text into the index (hundreds of megabytes for 10,000
episodes). With ``synchronous=NORMAL`` every WAL checkpoint waits for the disk twice, ≈15 % of
the build. The index is a cache, so a large update runs with ``synchronous=OFF`` and makes its
writes durable once, at the end:

1. it holds the index's lock file (one such update at a time) and writes a mark file beside the
   index, durably, holding the machine's boot id;
2. it writes without syncing;
3. at the end (finished, cancelled or failed) it checkpoints with ``synchronous=FULL``, syncs
   the database and WAL files, then removes the mark.

A process that stops in step 2 leaves the mark. Whoever opens the index next looks at it (see
`reader.core.search_store.connect`): while the lock is held, an update is still running; in the
same boot, the operating system has every write, so the writes are made durable and the mark
removed; after a restart, the file may be corrupt, so the index is rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import filelock

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str:
    """This boot of the machine ("" where the system does not say: Linux does)."""
    try:
        return _BOOT_ID.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def lock_path(index: Path) -> Path:
    return index.with_name(index.name + ".lock")


def mark_path(index: Path) -> Path:
    """The mark of an update writing ``index`` without syncing."""
    return index.with_name(index.name + ".unsynced")


def recover(index: Path) -> None:
    """Before opening ``index``: settle or delete what an update that wrote it without syncing
    left, unless it is still running (see the module's documentation)."""
    mark = mark_path(index)
    if not mark.exists():
        return
    lock = filelock.FileLock(lock_path(index))
    try:
        lock.acquire(timeout=0)
    except (filelock.Timeout, OSError):
        return  # running (or no lock can be taken here: leave it)
    try:
        try:
            written = mark.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return  # it just finished
        except (OSError, UnicodeDecodeError):
            written = ""
        boot = boot_id()
        if boot and written == boot and index.exists():
            # The process stopped, the system did not: every write is in the page cache.
            con = sqlite3.connect(index, timeout=30, isolation_level=None)
            try:
                settle(con, index)
            finally:
                con.close()
            return
        # The machine restarted in the middle: the file may be corrupt. It is a cache.
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(index) + suffix).unlink()
        mark.unlink(missing_ok=True)
        _sync_dir(index.parent)
    finally:
        lock.release()


def _write_mark(index: Path) -> None:
    mark = mark_path(index)
    fd = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        os.write(fd, (boot_id() or "-").encode("ascii") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_dir(index.parent)


def _sync_dir(folder: Path) -> None:
    """Make a file's creation or removal in ``folder`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_files(index: Path) -> None:
    for suffix in ("", "-wal"):
        try:
            fd = os.open(str(index) + suffix, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            continue
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def settle(con: sqlite3.Connection, index: Path) -> None:
    """Make every write to ``index`` durable, then remove the mark."""
    con.execute("PRAGMA synchronous=FULL")
    try:
        con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        _sync_files(index)  # also what earlier checkpoints wrote without syncing
        mark_path(index).unlink(missing_ok=True)
    finally:
        con.execute("PRAGMA synchronous=NORMAL")


@contextlib.contextmanager
def unsynced_writes(con: sqlite3.Connection, index: Path) -> Iterator[None]:
    """Write without waiting for the disk inside the block (see the module's documentation);
    writes as usual when another process holds the lock, or when called inside a transaction
    (the safety level cannot change there). Commit or roll back before leaving the block: what
    is pending then is rolled back."""
    if con.in_transaction:
        yield
        return
    lock = filelock.FileLock(lock_path(index))
    try:
        lock.acquire(timeout=0)
    except (filelock.Timeout, OSError):
        yield
        return
    try:
        try:
            _write_mark(index)
        except OSError:
            yield  # no mark, no unsynced writes
            return
        con.execute("PRAGMA synchronous=OFF")
        try:
            yield
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
            with contextlib.suppress(sqlite3.Error, OSError):  # the mark stays: see connect
                settle(con, index)
    finally:
        lock.release()
