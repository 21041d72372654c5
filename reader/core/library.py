"""Scanning a folder of transcripts: which files are episodes, and their metadata.

The walk is recursive and sorted (folders and files by name, case-insensitively, so the list is
stable across platforms), skips hidden folders and files (``.git``, ``.obsidian``), annotation
sidecars, unreadable folders and symlink loops (each real folder is visited once). It never
raises for a bad entry. A folder is never a transcript, whatever its name: a folder named like
one (``2021.md/``, an export or a bundle) is scanned like any other folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .transcript import EpisodeMeta, read_metadata

TRANSCRIPT_SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt")
SIDECAR_SUFFIX = ".annotations.json"


def is_transcript_name(name: str) -> bool:
    """True for a visible file name with a transcript suffix (case-insensitive)."""
    lower = name.lower()
    return (
        not name.startswith(".")
        and lower.endswith(TRANSCRIPT_SUFFIXES)
        and not lower.endswith(SIDECAR_SUFFIX)
    )


def _sort_key(entry: os.DirEntry[str]) -> tuple[str, str]:
    return (entry.name.casefold(), entry.name)


def iter_transcript_paths(root: Path) -> Iterator[Path]:
    """Every transcript file below ``root`` (or ``root`` itself when it is a file), sorted."""
    root = Path(root)
    try:
        if root.is_file():
            if is_transcript_name(root.name):
                yield root
            return
    except OSError:
        return
    visited: set[object] = set()
    yield from _walk(root, visited)


def folder_identity(folder: str | Path) -> object:
    """What tells two paths to the same folder apart from two folders: its device and inode
    (one ``stat``, where resolving the path costs one per component), or its resolved path where
    the file system gives no inode numbers (0). Raises OSError or ValueError."""
    st = os.stat(folder)
    if st.st_ino:
        return (st.st_dev, st.st_ino)
    return os.path.realpath(folder)


def _walk(folder: Path, visited: set[object]) -> Iterator[Path]:
    try:
        real = folder_identity(folder)
    except (OSError, ValueError):
        return
    if real in visited:
        return  # a symlink loop or a second link to a folder already listed
    visited.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_sort_key)
    except OSError:
        return  # unreadable folder: skip it
    subdirs: list[Path] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()  # follows symlinks
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            subdirs.append(Path(entry.path))  # even "x.md/": its contents can be transcripts
        elif is_file and is_transcript_name(name):
            yield Path(entry.path)
    for sub in subdirs:
        yield from _walk(sub, visited)


def load_library(
    root: Path, progress: Callable[[int, int], None] | None = None
) -> list[EpisodeMeta]:
    """Metadata of every transcript below ``root``, in path order.

    ``progress(done, total)`` is called after each file (and once with ``(0, total)`` first).
    A file that cannot be read still gives an entry whose ``errors`` say why.
    """
    paths = list(iter_transcript_paths(root))
    total = len(paths)
    if progress is not None:
        progress(0, total)
    metas: list[EpisodeMeta] = []
    for done, path in enumerate(paths, 1):
        metas.append(read_metadata(path))
        if progress is not None:
            progress(done, total)
    return metas
