"""The SQLite file of `reader.core.metacache`: its schema, opening (dropped when written for
another parser version), and the writes of a load. A cache: ``synchronous=OFF``, and a file
that cannot be read or written is removed or simply not written, never an error.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reader.core.metacache_codec import CACHE_FORMAT

__all__ = ["Row", "info", "open_db", "remove", "write"]

#: A row to write: rel, ord, size, mtime_ns, data, partial (0 or 1).
Row = tuple[str, int, int, int, str, int]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    rel TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    data TEXT NOT NULL,
    partial INTEGER NOT NULL DEFAULT 0
);
"""


def _connect(file: Path) -> sqlite3.Connection:
    db = sqlite3.connect(file, timeout=5.0, isolation_level=None, check_same_thread=True)
    db.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is detected and rebuilt
    db.execute("PRAGMA journal_mode=TRUNCATE")
    return db


def open_db(file: Path, *, create: bool, version: str) -> sqlite3.Connection | None:
    """The cache database if it was written for parser ``version``; else None (or, with
    ``create``, a fresh one)."""
    if not file.exists():
        if not create:
            return None
        return _create(file, version)
    try:
        db = _connect(file)
        rows = dict(db.execute("SELECT key, value FROM info").fetchall())
        if rows.get("parser") == version:
            return db
        db.close()
    except sqlite3.Error:
        pass
    remove(file)  # outdated or corrupt: rebuilt silently
    return _create(file, version) if create else None


def _create(file: Path, version: str) -> sqlite3.Connection | None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        db = _connect(file)
        db.executescript(_SCHEMA)
        db.execute(
            "INSERT OR REPLACE INTO info VALUES ('parser', ?), ('format', ?)",
            (version, str(CACHE_FORMAT)),
        )
        return db
    except (OSError, sqlite3.Error):
        remove(file)
        return None  # cannot cache: load without it


def remove(file: Path) -> None:
    """Delete the cache file and its journals (never raises)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(f"{file}{suffix}")
        except OSError:
            pass


def info(db: sqlite3.Connection, key: str) -> str | None:
    """A value of the ``info`` table (None: absent or unreadable)."""
    try:
        row = db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def write(
    db: sqlite3.Connection,
    file: Path,
    rows: list[Row],
    order: list[tuple[str, int]] | None,
    removed: set[str] | frozenset[str] = frozenset(),
) -> sqlite3.Connection | None:
    """Store ``rows``, drop ``removed``, renumber with ``order`` (``[]``: the rows are numbered
    already) or mark the numbers stale (None); None when it cannot be written."""
    try:
        db.execute("BEGIN IMMEDIATE")
        if removed:
            db.executemany("DELETE FROM files WHERE rel = ?", [(r,) for r in removed])
        if rows:
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", rows)
        if order:
            db.executemany("UPDATE files SET ord = ? WHERE rel = ?", [(i, r) for r, i in order])
        # rows written by an unfinished scan carry that scan's numbers: renumber next time
        ordered = "1" if order is not None else "0"
        db.execute("INSERT OR REPLACE INTO info VALUES ('ordered', ?)", (ordered,))
        db.execute("COMMIT")
        return db
    except sqlite3.OperationalError:  # busy (another process writing), disk full, read-only
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        return db  # not cached this time; the next load tries again
    except sqlite3.Error:  # corrupt: start again next time
        try:
            db.close()
        except sqlite3.Error:
            pass
        remove(file)
        return None
