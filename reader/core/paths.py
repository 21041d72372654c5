"""Where the program keeps its own files: never inside the user's library folder.

`TRANSCRIPT_READER_HOME`, when set, puts config, data and cache below one folder (used by tests
and portable installs); otherwise the platform's user directories are used (platformdirs).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

_APP = "transcript-reader"


def _base(kind: str) -> Path:
    home = os.environ.get("TRANSCRIPT_READER_HOME")
    if home:
        return Path(home) / kind
    if kind == "data":
        return Path(platformdirs.user_data_dir(_APP, appauthor=False))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(_APP, appauthor=False))
    return Path(platformdirs.user_config_dir(_APP, appauthor=False))


def user_data_dir() -> Path:
    """Private notes, fallback sidecars and backups live here."""
    return _base("data")


def user_cache_dir() -> Path:
    """Metadata cache, search index and lock files live here (safe to delete)."""
    return _base("cache")


def user_config_dir() -> Path:
    """Settings live here."""
    return _base("config")


def sample_library() -> Path:
    """The bundled sample library, found through importlib.resources (wheel, editable, bundle)."""
    return Path(str(resources.files("reader.resources") / "sample"))


def user_sample_library() -> Path:
    """A writable copy of the bundled sample library in the user data directory.

    The packaged sample may sit in a read-only install; practising highlights on it must still
    save beside the files. Episodes missing from the copy are added; files already there (and the
    user's annotations) are never overwritten.
    """
    source = sample_library()
    target = user_data_dir() / "sample"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for item in source.iterdir():
            if item.is_file() and item.suffix in (".md", ".markdown", ".txt"):
                dest = target / item.name
                if not dest.exists():
                    dest.write_bytes(item.read_bytes())
    except OSError:
        return source
    return target
