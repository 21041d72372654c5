"""The walk of `reader.core.metacache`: the same files, in the same order, as
`reader.core.library.iter_transcript_paths` (each with its stat), and the cache keys."""

from __future__ import annotations

import os
import stat as _stat
from collections.abc import Iterator
from pathlib import Path

from reader.core.library import folder_identity, is_transcript_name


def _base_str(root: Path) -> str:
    """The folder paths are relative to: ``root``, or its parent when it is a file."""
    s = os.fspath(root)
    try:
        if os.path.isfile(s):
            return os.path.dirname(s) or "."
    except OSError:
        pass
    return s.rstrip(os.sep) or os.sep


def _rel(base: str, path: str) -> str:
    """``path`` relative to ``base``, with "/" separators (the cache key)."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    rel = path[len(prefix) :] if path.startswith(prefix) else os.path.basename(path)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _walk_files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(path, stat) of every transcript below ``root``; see `iter_transcript_paths`."""
    s = os.fspath(root)
    try:
        if os.path.isfile(s):
            if is_transcript_name(os.path.basename(s)):
                yield s, os.stat(s)
            return
    except OSError:
        return
    yield from _walk(s, set())


def _sort_key(entry: os.DirEntry[str]) -> tuple[str, str]:
    return (entry.name.casefold(), entry.name)


def _walk(folder: str, visited: set[object]) -> Iterator[tuple[str, os.stat_result]]:
    # Mirrors reader.core.library._walk (tests/core/test_metacache.py checks they agree).
    try:
        real = folder_identity(folder)
    except (OSError, ValueError):
        return
    if real in visited:
        return
    visited.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_sort_key)
    except OSError:
        return
    subdirs: list[str] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            if is_dir:  # even "x.md/": a folder is never a transcript, but is scanned
                subdirs.append(entry.path)
                continue
            if not is_transcript_name(name):
                continue
            st = entry.stat()  # follows symlinks, like is_file()
        except OSError:
            continue
        if _stat.S_ISREG(st.st_mode):
            yield entry.path, st
    for sub in subdirs:
        yield from _walk(sub, visited)
