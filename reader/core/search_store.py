"""The search index's SQLite file: schema, connection, per-file change detection and writes.

Tables (the database is a cache: a version or parser change rebuilds it from scratch):

- ``files``: one row per transcript: the size, ``mtime_ns`` and SHA-256 of its bytes, the same
  for its annotation files (sidecar and private notes) as ``notes_key``/``notes_sha``, its title;
- ``entries``: one row per indexed unit, a block of canonical text (``kind`` 0) or an annotation
  (``kind`` 1), with its offsets, speaker, annotation id and tags;
- ``fts``: the FTS5 table (``body``, ``tags``) whose rowid is the entry's id.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from reader.core.annotations import Annotation
from reader.core.transcript import Transcript

SCHEMA_VERSION = 1
#: Porter stemming over unicode61 without diacritics: "involve" finds "involvement", "cafe"
#: finds "café", case never matters.
TOKENIZER = "porter unicode61 remove_diacritics 2"
#: A modification time this close to now cannot be trusted to change with the next write (the
#: file system's clock granularity), so it is not recorded: the next update re-hashes the file.
RACY_NS = 2_000_000_000
KIND_TEXT, KIND_NOTE = 0, 1
#: Markers around matches in ``highlight()`` output: control characters, which the tokenizer
#: treats as separators; any in the text are indexed as spaces (same length, same tokens).
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_MARKERS = str.maketrans({MARK_OPEN: " ", MARK_CLOSE: " "})

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
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (body, tags, tokenize='{TOKENIZER}');
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
        return _open(path, root)
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
                con.execute("INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(1.0, 2.0)')")
                con.executemany("INSERT INTO meta VALUES (?, ?)", expected.items())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except BaseException:
        con.close()
        raise
    return con


# --- change detection --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """What the index recorded about a transcript and its annotation files when it read them.

    ``notes_key`` is the sizes and times of the annotation files (the sidecar, and the private
    notes file once known), ``notes_sha`` the hash of their bytes.
    """

    id: int
    size: int
    mtime_ns: int
    sha256: str
    notes_key: str
    notes_sha: str
    private_path: str | None


@dataclass(frozen=True, slots=True)
class FileState:
    """A transcript as it is now.

    ``kind`` is "unchanged" (same sizes and times), "touched" (new times, same bytes) or "changed"
    (``data`` holds the transcript's bytes; ``text_changed`` is false when only its annotation
    files changed).
    """

    kind: str
    size: int
    mtime_ns: int
    sha256: str
    notes_key: str
    notes_sha: str
    data: bytes | None = None
    text_changed: bool = True


def sidecar_of(path: Path) -> Path:
    """The annotation sidecar beside ``path`` (the store's rule)."""
    from reader.core.store import sidecar_path

    return sidecar_path(path)


def notes_sources(path: Path, private_path: str | None) -> list[Path]:
    """The files a transcript's annotations are read from."""
    return [sidecar_of(path)] + ([Path(private_path)] if private_path else [])


def _racy(mtime_ns: int, now_ns: int) -> bool:
    return now_ns - mtime_ns <= RACY_NS


def notes_key(sources: list[Path], now_ns: int) -> tuple[str, bool]:
    """The sizes and times of ``sources`` as one string, and whether a time is too recent to
    trust (then the key must not be recorded)."""
    parts: list[str] = []
    racy = False
    for src in sources:
        try:
            st = src.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        racy = racy or _racy(st.st_mtime_ns, now_ns)
    return "|".join(parts), racy


def notes_sha(sources: list[Path]) -> str:
    """The hash of the bytes of ``sources`` (a missing file counts as a distinct value)."""
    h = hashlib.sha256()
    for src in sources:
        try:
            data = src.read_bytes()
        except FileNotFoundError:
            h.update(b"-")
            continue
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def read_file_state(path: Path, row: IndexedFile | None) -> FileState:
    """Compare ``path`` and its annotation files with ``row``; reads only what may differ."""
    now = time.time_ns()
    st = path.stat()
    sources = notes_sources(path, row.private_path if row else None)
    key, key_racy = notes_key(sources, now)
    same_text = row is not None and (row.size, row.mtime_ns) == (st.st_size, st.st_mtime_ns)
    same_notes = row is not None and row.notes_key == key
    if same_text and same_notes:
        assert row is not None
        return FileState("unchanged", row.size, row.mtime_ns, row.sha256, key, row.notes_sha)
    mtime = -1 if _racy(st.st_mtime_ns, now) else st.st_mtime_ns
    recorded_key = "" if key_racy else key
    data: bytes | None = None
    if row is not None and same_text:
        sha = row.sha256
    else:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
    n_sha = row.notes_sha if (row is not None and same_notes) else notes_sha(sources)
    text_changed = row is None or sha != row.sha256
    if not text_changed and row is not None and n_sha == row.notes_sha:
        return FileState("touched", st.st_size, mtime, sha, recorded_key, n_sha)
    if data is None:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:  # written in between: index what was read
            sha, text_changed = hashlib.sha256(data).hexdigest(), True
    return FileState("changed", st.st_size, mtime, sha, recorded_key, n_sha, data, text_changed)


# --- reading transcripts and their annotations -------------------------------------------------


def transcript_from_bytes(data: bytes, path: Path) -> Transcript:
    """The transcript parsed from ``data`` (the parser never raises for bad content)."""
    from reader.core.transcript import parse_transcript

    return parse_transcript(data, path)


@dataclass(slots=True)
class Notes:
    """A transcript's annotations with a note or tags, and where its private notes live."""

    annotations: list[Annotation]
    private_path: str | None
    problems: list[str]


def load_notes(transcript: Transcript) -> Notes:
    """The annotations of ``transcript`` that carry a note or tags, anchored on its current text
    through the annotation store (which re-anchors and adds the private notes)."""
    from reader.core.store import AnnotationStore

    if not sidecar_of(transcript.path).exists():
        # No sidecar, no notes: even private notes need the document id a sidecar records.
        return Notes([], None, [])
    store = AnnotationStore.open(transcript, read_only=True)
    notes = [a for a in store.annotations if a.note.strip() or any(t.strip() for t in a.tags)]
    # The private file is keyed by the document id in the sidecar: known once a sidecar exists.
    private = store.private_path if store.sidecar_path.exists() else None
    return Notes(notes, None if private is None else str(private), list(store.errors))


# --- rows, prepared where the transcript was parsed (possibly in a worker process) -----------

#: A block row: start, end, speaker, the block's text as indexed.
BlockRow = tuple[int, int, "str | None", str]
#: A note row: start, end, speaker, annotation id, tags ("\n"-joined), orphaned, note, tags text.
NoteRow = tuple[int, int, "str | None", str, str, int, str, str]


def _indexable(text: str) -> str:
    """``text`` with the highlight markers (rare control characters) blanked, same length."""
    if MARK_OPEN in text or MARK_CLOSE in text:
        return text.translate(_MARKERS)
    return text


def block_rows(transcript: Transcript) -> list[BlockRow]:
    """One row per non-empty block of the transcript's canonical text."""
    text = transcript.text
    rows: list[BlockRow] = []
    for b in transcript.blocks:
        body = text[b.start : b.end]
        if body.strip():
            rows.append((b.start, b.end, b.speaker, _indexable(body)))
    return rows


def note_rows(transcript: Transcript, notes: list[Annotation]) -> list[NoteRow]:
    """One row per annotation with a note or tags."""
    rows: list[NoteRow] = []
    for a in notes:
        orphaned = a.status == "orphaned"
        speaker = None if orphaned else transcript.speaker_at(a.start)
        rows.append(
            (
                a.start, a.end, speaker, a.id, "\n".join(a.tags), int(orphaned),
                _indexable(a.note), _indexable(", ".join(a.tags)),
            )
        )  # fmt: skip
    return rows


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

    def _delete_entries(self, file_ids: list[int], kind: int | None) -> None:
        self._begin()
        where = "file_id = ?" + ("" if kind is None else f" AND kind = {int(kind)}")
        for file_id in file_ids:
            self.con.execute(
                f"DELETE FROM fts WHERE rowid IN (SELECT id FROM entries WHERE {where})",
                (file_id,),
            )
            self.con.execute(f"DELETE FROM entries WHERE {where}", (file_id,))

    def replace_blocks(self, file_id: int, transcript: Transcript) -> int:
        """Index every non-empty block of the transcript's canonical text; returns the count."""
        return self.write_blocks(file_id, block_rows(transcript), fresh=False)

    def write_blocks(self, file_id: int, rows: list[BlockRow], fresh: bool) -> int:
        """Index prepared `block_rows`; ``fresh`` when the file has nothing indexed yet (a new
        file: no delete needed). Returns the count."""
        if not fresh:
            self._delete_entries([file_id], KIND_TEXT)
        ids = self._ids(len(rows))
        first = ids.start
        con = self.con
        con.executemany(
            'INSERT INTO entries (id, file_id, kind, start, "end", speaker) '
            "VALUES (?, ?, 0, ?, ?, ?)",
            [(first + k, file_id, r[0], r[1], r[2]) for k, r in enumerate(rows)],
        )
        con.executemany(
            "INSERT INTO fts (rowid, body, tags) VALUES (?, ?, '')",
            [(first + k, r[3]) for k, r in enumerate(rows)],
        )
        self.pending += 1
        return len(rows)

    def replace_notes(self, file_id: int, transcript: Transcript, notes: list[Annotation]) -> int:
        """Index the note and tags of each annotation; returns the count."""
        return self.write_notes(file_id, note_rows(transcript, notes), fresh=False)

    def write_notes(self, file_id: int, rows: list[NoteRow], fresh: bool) -> int:
        """Index prepared `note_rows` (see `write_blocks`); returns the count."""
        if not fresh:
            self._delete_entries([file_id], KIND_NOTE)
        if not rows:
            self.pending += 1
            return 0
        ids = self._ids(len(rows))
        first = ids.start
        self.con.executemany(
            "INSERT INTO entries "
            '(id, file_id, kind, start, "end", speaker, annotation_id, tags, orphaned) '
            "VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
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
