"""Where the store's files live: sidecars, private notes, locks, fallbacks, conflicts, backups.

The sidecar is beside the transcript; everything else the store keeps goes into the user's own
folders (``reader.core.paths``), never into the library, so synced folders stay uncluttered.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reader.core import paths
from reader.core.sidecar import SUFFIX

__all__ = [
    "backups_root",
    "conflicts_root",
    "document_key",
    "fallback_path",
    "lock_path",
    "private_path",
    "sidecar_path",
    "transcript_of_sidecar",
]


def sidecar_path(transcript_path: Path | str) -> Path:
    """``<file name>.annotations.json`` beside the transcript (``episode.md.annotations.json``)."""
    path = Path(transcript_path)
    return path.with_name(path.name + SUFFIX)


def transcript_of_sidecar(sidecar: Path | str) -> Path:
    """The transcript a sidecar belongs to (``episode.md.annotations.json`` → ``episode.md``)."""
    path = Path(sidecar)
    if not path.name.endswith(SUFFIX):
        raise ValueError(f"{path.name} is not a sidecar name (…{SUFFIX})")
    return path.with_name(path.name[: -len(SUFFIX)])


def document_key(document_id: str) -> str:
    """A file-name-safe key of a document id: the bare UUID, or a hash of another id."""
    m = re.fullmatch(r"urn:uuid:([0-9a-fA-F-]{36})", document_id)
    return m.group(1).lower() if m else hashlib.sha256(document_id.encode()).hexdigest()[:32]


def _path_digest(file: Path) -> str:
    return hashlib.sha256(str(file.resolve()).encode("utf-8", "surrogatepass")).hexdigest()


def private_path(document_id: str) -> Path:
    """Where the private annotations of a document live (user data folder, keyed by its id)."""
    return paths.user_data_dir() / "private" / (document_key(document_id) + SUFFIX)


def lock_path(file: Path) -> Path:
    """The lock file guarding ``file``'s read-merge-write cycle, in the user cache folder.

    Keyed by a hash of the resolved path, so every process of this user finds the same lock and
    synced library folders are never cluttered with lock files.
    """
    return paths.user_cache_dir() / "locks" / f"{_path_digest(file)[:32]}.lock"


def fallback_path(sidecar: Path) -> Path:
    """Where a sidecar's notes go while its folder cannot be written (user data folder).

    Keyed by a hash of the sidecar's resolved path (so the store finds it again), followed by the
    sidecar's name so that a person looking in the folder can tell whose notes these are.
    """
    name = sidecar.name[-120:]
    return paths.user_data_dir() / "fallback" / f"{_path_digest(sidecar)[:16]}-{name}"


def conflicts_root() -> Path:
    """Sync-conflict copies that were merged are set aside here, in ``<date>/`` folders."""
    return paths.user_data_dir() / "conflicts"


def backups_root() -> Path:
    """Versioned backups of sidecars, in ``<document uuid>/`` folders."""
    return paths.user_data_dir() / "backups"
