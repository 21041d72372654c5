"""The search index's SQLite file: schema, connection and writes.

Tables (the database is a cache: a version or parser change rebuilds it from scratch):

- ``files``: one row per transcript: the size, ``mtime_ns`` and SHA-256 of its bytes, the same
  for its annotation files (sidecar and private notes) as ``notes_key``/``notes_sha``, its title;
- ``entries``: one row per indexed unit: an episode's text (``kind`` 0, one per file, offsets 0)
  or an annotation (``kind`` 1) with its offsets, speaker, annotation id and tags;
- ``fts``: the FTS5 table (``body``, ``tags``, ``title``) whose rowid is the entry's id. A text
  row fills ``title`` (title and subtitle) and ``body`` (the body as written, see
  `reader.core.search_rows.searchable_body`), a note ``body`` (its note) and ``tags``.

What is indexed per transcript is in `reader.core.search_rows`, change detection in
`reader.core.search_changes`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import sqlite3
from pathlib import Path

from reader.core.search_changes import FileState, IndexedFile
from reader.core.search_rows import KIND_NOTE, KIND_TEXT, NoteRow
from reader.core.search_sync import recover

#: Bump when what is indexed or how changes: the ``search*`` modules are not part of
#: `_code_fingerprint`. 2: the ``title`` column and title rows. 3: one text row per episode.
SCHEMA_VERSION = 3
#: Porter stemming over unicode61 without diacritics: "involve" finds "involvement", "cafe"
#: finds "café", case never matters.
TOKENIZER = "porter unicode61 remove_diacritics 2"
#: bm25 weights of the columns ``body``, ``tags``, ``title``. bm25 saturates with a term's
#: weighted count, so a title (its column weighted 1000) scores, for each query term it holds,
#: all but the most any row can: an episode whose title or subtitle has the words of a query
#: ranks above the others (in practice: a body would need hundreds of repetitions of the word).
BM25_WEIGHTS = "1.0, 2.0, 1000.0"
#: The ranking function of every query (also configured as the table's ``rank``).
BM25 = f"bm25(fts, {BM25_WEIGHTS})"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    notes_key TEXT NOT NULL,
    notes_sha TEXT NOT NULL,
    private_path TEXT,
    title TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker TEXT,
    annotation_id TEXT,
    tags TEXT,
    orphaned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entries_file ON entries (file_id, kind);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (body, tags, title, tokenize='{TOKENIZER}');
"""


class SearchIndexError(RuntimeError):
    """The index cannot be built or used; ``str(error)`` says why, for the user."""


def check_fts5() -> None:
    """Raise `SearchIndexError` with a clear message when this Python's SQLite lacks FTS5."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute(f"CREATE VIRTUAL TABLE t USING fts5 (x, tokenize='{TOKENIZER}')")
    except sqlite3.OperationalError as exc:
        raise SearchIndexError(
            f"Search needs SQLite with the FTS5 extension, which this Python's SQLite "
            f"{sqlite3.sqlite_version} lacks ({exc}). Install a Python built with FTS5 "
            f"(python.org and most Linux distributions have it)."
        ) from exc
    finally:
        con.close()


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Identifies the code that makes canonical text and anchors annotations.

    Offsets in the index are only valid for the parser that computed them, so a different
    version (or, in a source checkout, different source) means the index is rebuilt.
    """
    import reader

    h = hashlib.sha256(reader.__version__.encode())
    core = Path(__file__).parent
    for path in sorted(core.glob("*.py")):
        if not path.name.startswith("search"):
            with contextlib.suppress(OSError):
                h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _expected_meta(root: str) -> dict[str, str]:
    return {
        "schema": str(SCHEMA_VERSION),
        "tokenizer": TOKENIZER,
        "code": _code_fingerprint(),
        "root": root,
    }


def connect(path: Path, root: str) -> sqlite3.Connection:
    """Open (creating or rebuilding as needed) the index at ``path`` for the library ``root``."""
    check_fts5()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SearchIndexError(
            f"cannot create the search index folder {path.parent}: {exc}"
        ) from exc
    try:
        recover(path)
        return _open(path, root)
    except OSError as exc:
        raise SearchIndexError(f"cannot open the search index {path}: {exc}") from exc
    except sqlite3.OperationalError as exc:  # locked, read-only, disk full: not a reason to delete
        raise SearchIndexError(f"cannot open the search index {path}: {exc}") from exc
    except sqlite3.DatabaseError:
        # Not a database any more (a crash, a disk error): it is a cache, start again.
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(path) + suffix).unlink()
        try:
            return _open(path, root)
        except sqlite3.Error as exc:
            raise SearchIndexError(f"cannot open the search index {path}: {exc}") from exc


def _read_meta(con: sqlite3.Connection) -> dict[str, str]:
    exists = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    return dict(con.execute("SELECT key, value FROM meta").fetchall()) if exists else {}


def _open(path: Path, root: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        expected = _expected_meta(root)
        if _read_meta(con) == expected:  # the usual case: no write lock needed
            return con
        con.execute("BEGIN IMMEDIATE")
        try:
            if _read_meta(con) != expected:  # (re)build: another process may have just done it
                for table in ("fts", "entries", "files", "meta"):
                    con.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        con.execute(statement)
                con.execute(
                    "INSERT INTO fts (fts, rank) VALUES ('rank', ?)", (f"bm25({BM25_WEIGHTS})",)
                )
                con.executemany("INSERT INTO meta VALUES (?, ?)", expected.items())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except BaseException:
        con.close()
        raise
    return con


# --- writing -----------------------------------------------------------------------------------


class Writer:
    """Writes to the index in batches: one IMMEDIATE transaction until `commit`."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.pending = 0
        self._next_id: int | None = None

    def _begin(self) -> None:
        if not self.con.in_transaction:
            self.con.execute("BEGIN IMMEDIATE")
            (top,) = self.con.execute("SELECT COALESCE(MAX(id), 0) FROM entries").fetchone()
            self._next_id = top + 1

    def _ids(self, n: int) -> range:
        self._begin()
        assert self._next_id is not None
        first = self._next_id
        self._next_id += n
        return range(first, first + n)

    def commit(self) -> None:
        if self.con.in_transaction:
            self.con.execute("COMMIT")
        self.pending = 0

    def rollback(self) -> None:
        if self.con.in_transaction:
            self.con.execute("ROLLBACK")
        self.pending = 0

    def known_files(self) -> dict[str, IndexedFile]:
        """Every indexed file by its path relative to the library root."""
        rows = self.con.execute(
            "SELECT path, id, size, mtime_ns, sha256, notes_key, notes_sha, private_path FROM files"
        )
        return {r[0]: IndexedFile(*r[1:]) for r in rows}

    def set_state(self, file_id: int, state: FileState) -> None:
        """Record new sizes, times and hashes for a file whose indexed content stays valid."""
        self._begin()
        self.con.execute(
            "UPDATE files SET size=?, mtime_ns=?, sha256=?, notes_key=?, notes_sha=? WHERE id=?",
            (state.size, state.mtime_ns, state.sha256, state.notes_key, state.notes_sha, file_id),
        )

    def forget_state(self, file_id: int) -> None:
        """Make the next look at this file re-read it and its annotation files."""
        self._begin()
        self.con.execute(
            "UPDATE files SET mtime_ns=-1, sha256='', notes_key='', notes_sha='' WHERE id=?",
            (file_id,),
        )

    def upsert_file(
        self, rel: str, title: str, state: FileState, private_path: str | None, file_id: int | None
    ) -> int:
        """Insert or update a file's row; returns its id."""
        self._begin()
        if file_id is not None:
            self.set_state(file_id, state)
            self.con.execute(
                "UPDATE files SET title=?, private_path=? WHERE id=?",
                (title, private_path, file_id),
            )
            return file_id
        cur = self.con.execute(
            "INSERT INTO files (path, size, mtime_ns, sha256, notes_key, notes_sha, private_path, "
            "title) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rel, state.size, state.mtime_ns, state.sha256,
                state.notes_key, state.notes_sha, private_path, title,
            ),
        )  # fmt: skip
        assert cur.lastrowid is not None
        return cur.lastrowid

    def _delete_entries(self, file_ids: list[int], kinds: tuple[int, ...] | None) -> None:
        self._begin()
        where = "file_id = ?"
        if kinds is not None:
            where += f" AND kind IN ({', '.join(str(int(k)) for k in kinds)})"
        for file_id in file_ids:
            self.con.execute(
                f"DELETE FROM fts WHERE rowid IN (SELECT id FROM entries WHERE {where})",
                (file_id,),
            )
            self.con.execute(f"DELETE FROM entries WHERE {where}", (file_id,))

    def write_text(self, file_id: int, title: str, body: str, fresh: bool) -> None:
        """Index the episode's text row: its title (``title``: `search_rows.title_text`) and its
        body (`search_rows.searchable_body`); ``fresh`` when the file has nothing indexed yet (a
        new file: no delete needed)."""
        if not fresh:
            self._delete_entries([file_id], (KIND_TEXT,))
        (row_id,) = self._ids(1)
        self.con.execute(
            'INSERT INTO entries (id, file_id, kind, start, "end") VALUES (?, ?, ?, 0, 0)',
            (row_id, file_id, KIND_TEXT),
        )
        self.con.execute(
            "INSERT INTO fts (rowid, body, tags, title) VALUES (?, ?, '', ?)", (row_id, body, title)
        )
        self.pending += 1

    def write_notes(self, file_id: int, rows: list[NoteRow], fresh: bool) -> int:
        """Index prepared `note_rows` (see `write_text`); returns the count."""
        if not fresh:
            self._delete_entries([file_id], (KIND_NOTE,))
        if not rows:
            self.pending += 1
            return 0
        ids = self._ids(len(rows))
        first = ids.start
        self.con.executemany(
            "INSERT INTO entries "
            '(id, file_id, kind, start, "end", speaker, annotation_id, tags, orphaned) '
            f"VALUES (?, ?, {KIND_NOTE}, ?, ?, ?, ?, ?, ?)",
            [(first + k, file_id, *r[:6]) for k, r in enumerate(rows)],
        )
        self.con.executemany(
            "INSERT INTO fts (rowid, body, tags) VALUES (?, ?, ?)",
            [(first + k, r[6], r[7]) for k, r in enumerate(rows)],
        )
        self.pending += 1
        return len(rows)

    def remove_files(self, file_ids: list[int]) -> None:
        """Remove files and everything indexed for them."""
        if not file_ids:
            return
        self._delete_entries(file_ids, None)
        self.con.executemany("DELETE FROM files WHERE id = ?", [(i,) for i in file_ids])
        self.pending += len(file_ids)
