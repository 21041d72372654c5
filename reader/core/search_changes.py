"""Change detection for the search index: what it recorded about each transcript and its
annotation files, and how they are now (reading only what may differ)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from reader.core.search_rows import sidecar_of

#: A modification time this close to now cannot be trusted to change with the next write (the
#: file system's clock granularity), so it is not recorded: the next update re-hashes the file.
RACY_NS = 2_000_000_000


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
