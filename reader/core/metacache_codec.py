"""The rows of the metadata cache (`reader.core.metacache`): one `EpisodeMeta` as compact JSON.

A row stores every field of an `EpisodeMeta` but its path, as one JSON array (the path, the size
and the mtime are columns of the table); `encode` makes it, `decode` turns it back into an
`EpisodeMeta` (None for a row it cannot read: the file is then read again). `PathMaker` builds
the paths of many rows quickly. Changing the layout of a row means bumping `CACHE_FORMAT`, so
every cache written before is dropped.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.core.transcript import EpisodeMeta

__all__ = ["CACHE_FORMAT", "PathMaker", "decode", "encode", "round_trips"]

#: Bump when the layout of the stored rows changes.
CACHE_FORMAT = 2


class PathMaker:
    """``Path(base, rel)``, ≈4× faster for many files: one parsed folder per folder, then a
    child per file name (`pathlib`'s own fast path for names read from a directory)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.folders: dict[str, Path] = {}

    def __call__(self, rel: str) -> Path:
        folder, _, name = rel.rpartition("/")
        parent = self.folders.get(folder)
        if parent is None:
            parent = self.folders[folder] = Path(self.base, folder) if folder else Path(self.base)
        if _FAST_CHILD and name not in ("", ".", "..") and os.sep not in name:
            return parent._make_child_relpath(name)  # type: ignore[attr-defined]
        return parent / name


def _fast_child_works() -> bool:
    try:
        made = Path("/lib", "sub")._make_child_relpath("a b.md")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - another Python: use the public API
        return False
    plain = Path("/lib", "sub/a b.md")
    return made == plain and str(made) == str(plain) and made.parts == plain.parts


_FAST_CHILD = _fast_child_works()


def _row(meta: EpisodeMeta) -> list[Any]:
    """The values a row stores, in its order (the date as ISO text)."""
    return [
        meta.title, meta.subtitle, meta.date.isoformat() if meta.date else None,
        meta.duration_seconds, meta.speakers, meta.tags, meta.source_urls, meta.fields,
        meta.front_matter, meta.encoding, meta.size, meta.mtime, meta.warnings, meta.errors,
        meta.partial,
    ]  # fmt: skip


def encode(meta: EpisodeMeta) -> str:
    return json.dumps(_row(meta), ensure_ascii=False, separators=(",", ":"), default=str)


def _exact(value: Any) -> bool:
    """Whether JSON gives ``value`` back equal and of the same types: strings, integers,
    booleans, None, floats but NaN (``repr`` round-trips them; NaN is never equal), lists of
    those and dicts with string keys. A date, a tuple or an integer key come back different."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return value == value  # not NaN
    if kind is list:
        return all(map(_exact, value))
    if kind is dict:
        return all(type(k) is str and _exact(v) for k, v in value.items())
    return False


def round_trips(meta: EpisodeMeta) -> bool:
    """Whether ``decode`` of ``encode(meta)`` equals ``meta`` (its path aside), found from the
    values' types alone: several times cheaper than decoding and comparing."""
    return (meta.date is None or type(meta.date) is _dt.date) and _exact(_row(meta))


#: The C scanner behind `json.loads`, without its two Python layers per call (≈30 % of the
#: decoding time of a 10,000-row snapshot); rows are our own compact JSON, no whitespace around.
_scan: Callable[[str, int], tuple[Any, int]]
_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__, not in typeshed
_date = _dt.date.fromisoformat


def _loads(data: str) -> Any:
    value, end = _scan(data, 0)
    if end != len(data):
        raise ValueError("trailing data")
    return value


def decode(
    base: str, rel: str, data: str, make: Callable[[str], Path] | None = None
) -> EpisodeMeta | None:
    try:
        (title, subtitle, date, duration, speakers, tags, urls, fields, fm, enc, size, mtime,
         warnings, errors, partial) = _loads(data)  # fmt: skip
        return EpisodeMeta(
            make(rel) if make is not None else Path(base, rel), title, subtitle,
            _date(date) if date else None, duration,
            speakers, tags, urls, fields, fm, enc, size, mtime, warnings, errors, partial is True,
        )  # fmt: skip
    except (ValueError, TypeError, StopIteration):
        return None  # an odd row: the file is read again
