"""The sidecar file format: parsing, byte-stable serialisation, the merge order, atomic writes.

A sidecar is a W3C ``AnnotationPage`` with a header (see ``docs/sidecar-format.md``)::

    {"@context": ..., "id": ..., "type": "AnnotationPage",
     "format": "transcript-reader-annotations", "formatVersion": 1,
     "document": {"id", "path", "textSha256", "textLength", "textNormalization"},
     ...unknown keys..., "items": [annotations by start then id, then tombstones by id]}

Output is ``json.dumps(page, indent=2, ensure_ascii=False) + "\\n"`` exactly; each item is
serialised once and cached by the caller, so a save after one change re-encodes one item.
The store, not this module, decides what to merge and when to write.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import re
import secrets
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core.annotations import ANNO_CONTEXT

FORMAT_NAME = "transcript-reader-annotations"
FORMAT_VERSION = 1
SUFFIX = ".annotations.json"
#: How the text that offsets and the hash refer to was made (see reader/core/transcript.py).
TEXT_NORMALIZATION = "canonical text: Markdown markup and speaker labels removed, NFC, LF"
_HEADER_ORDER = ("@context", "id", "type", "format", "formatVersion", "document")
_DOCUMENT_ORDER = ("id", "path", "textSha256", "textLength", "textNormalization")


class UnwritableFolder(OSError):
    """A new file cannot be created in the folder (permission denied, read-only file system)."""


_UNWRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


class SidecarError(ValueError):
    """The bytes are not a sidecar this version may write: ``kind`` is corrupt or foreign."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(slots=True)
class Parsed:
    """A parsed sidecar: its header (everything but ``items``) and its raw items.

    ``newer`` is set when the file was written by a newer format version: its items are read where
    possible, but the file must never be written by this version.
    """

    header: dict[str, Any]
    items: list[Any]
    newer: bool = False

    @property
    def document(self) -> dict[str, Any]:
        doc = self.header.get("document")
        return doc if isinstance(doc, dict) else {}

    @property
    def document_id(self) -> str | None:
        doc_id = self.document.get("id")
        return doc_id if isinstance(doc_id, str) and doc_id else None


def parse(data: bytes) -> Parsed:
    """Parse sidecar bytes; raise SidecarError for anything that is not our format."""
    try:
        page = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError("corrupt", f"not valid JSON ({exc})") from None
    if not isinstance(page, dict):
        raise SidecarError("foreign", "not a JSON object")
    name = page.get("format")
    if name != FORMAT_NAME:
        raise SidecarError("foreign", f"format is {name!r}, not {FORMAT_NAME!r}")
    version = page.get("formatVersion")
    if type(version) is not int or version < 1:
        raise SidecarError("corrupt", f"formatVersion {version!r} is not a positive integer")
    items = page.get("items", [])
    if not isinstance(items, list):
        raise SidecarError("corrupt", "items is not a list")
    if not isinstance(page.get("document", {}), dict):
        raise SidecarError("corrupt", "document is not an object")
    header = {k: v for k, v in page.items() if k != "items"}
    return Parsed(header=header, items=items, newer=version > FORMAT_VERSION)


def new_document_id() -> str:
    """A fresh ``urn:uuid:`` identity for a transcript (kept in its sidecar header for good)."""
    return f"urn:uuid:{uuid.uuid4()}"


def page_id(document_id: str) -> str:
    """The AnnotationPage id of a new sidecar: derived from the document id, so it is stable."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, document_id + '#annotations')}"


def make_header(
    old: dict[str, Any] | None, *, document_id: str, path: str, sha256: str, length: int
) -> dict[str, Any]:
    """The header to write: known keys in a fixed order, unknown ones kept (sorted) after them."""
    old = old or {}
    old_document = old.get("document")
    old_doc: dict[str, Any] = old_document if isinstance(old_document, dict) else {}
    doc: dict[str, Any] = {
        "id": document_id,
        "path": path,
        "textSha256": sha256,
        "textLength": length,
        "textNormalization": TEXT_NORMALIZATION,
    }
    doc.update((k, old_doc[k]) for k in sorted(old_doc) if k not in _DOCUMENT_ORDER)
    old_page_id = old.get("id")
    header: dict[str, Any] = {
        "@context": old.get("@context", ANNO_CONTEXT),
        "id": old_page_id if isinstance(old_page_id, str) else page_id(document_id),
        "type": "AnnotationPage",
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "document": doc,
    }
    header.update((k, old[k]) for k in sorted(old) if k not in _HEADER_ORDER and k != "items")
    return header


# --- serialisation ----------------------------------------------------------------------------


def _json(obj: Any) -> bytes:
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (read from an escape): keep it escaped
        return json.dumps(obj, indent=2, ensure_ascii=True).encode("ascii")


def item_chunk(raw: Any) -> bytes:
    """One item as it appears inside ``items``: UTF-8, indented for its depth, no comma."""
    return b"    " + _json(raw).replace(b"\n", b"\n    ")


def dumps(header: dict[str, Any], chunks: list[bytes]) -> bytes:
    """The file's bytes from its header and its items' chunks (already in file order).

    Equal to ``json.dumps({**header, "items": items}, indent=2, ensure_ascii=False) + "\n"``
    encoded as UTF-8; joining cached chunks keeps a save after one change cheap.
    """
    head = _json(header)
    head = b"{\n" if head == b"{}" else head[:-2] + b",\n"
    if not chunks:
        return head + b'  "items": []\n}\n'
    return b"".join((head, b'  "items": [\n', b",\n".join(chunks), b"\n  ]\n}\n"))


def sort_key(raw: Any) -> tuple[int, int, str]:
    """File order: live annotations by start then id, unreadable ones, then tombstones by id."""
    if not isinstance(raw, dict):
        return (3, 0, json.dumps(raw, sort_keys=True))
    raw_id = raw.get("id")
    ident = raw_id if isinstance(raw_id, str) else ""
    if raw.get("deleted") is True:
        return (2, 0, ident)
    target = raw.get("target")
    selectors = target.get("selector") if isinstance(target, dict) else None
    for sel in selectors if isinstance(selectors, list) else [selectors]:
        if isinstance(sel, dict) and sel.get("type") == "TextPositionSelector":
            start = sel.get("start")
            if type(start) is int:
                return (0, start, ident)
    return (1, 0, ident)


# --- merge order ------------------------------------------------------------------------------

_STAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|z|[+-]\d\d:\d\d)$"
)


def time_key(stamp: Any) -> tuple[int, int, str]:
    """A total order on timestamps: real instants by time (microseconds), unparseable first."""
    if not isinstance(stamp, str):
        return (0, 0, json.dumps(stamp, sort_keys=True))
    m = _STAMP.match(stamp)
    if not m:
        return (0, 0, stamp)
    try:
        tz = _dt.timezone.utc
        if m.group(8) not in ("Z", "z"):
            sign = 1 if m.group(8)[0] == "+" else -1
            hours, minutes = int(m.group(8)[1:3]), int(m.group(8)[4:6])
            tz = _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes))
        year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
        t = _dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return (0, 0, stamp)
    micros = int((m.group(7) or "0").ljust(6, "0")[:6])
    epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return (1, (t - epoch) // _dt.timedelta(microseconds=1) + micros, stamp)


def canonical(raw: Any) -> str:
    """A canonical JSON text of one version, the last tie-break of the merge order."""
    return json.dumps(raw, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def _stamp_of(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return None
    return raw.get("modified", raw.get("created"))


def newer(a: Any, b: Any) -> Any:
    """The winning one of two versions of the same item (a total order, so merges converge).

    Greater ``modified`` wins; on equal ``modified`` a tombstone wins; then the larger canonical
    JSON. ``max`` over a total order is commutative, associative and idempotent.
    """
    ka, kb = time_key(_stamp_of(a)), time_key(_stamp_of(b))
    if ka != kb:
        return a if ka > kb else b
    da = isinstance(a, dict) and a.get("deleted") is True
    db = isinstance(b, dict) and b.get("deleted") is True
    if da != db:
        return a if da else b
    return a if canonical(a) >= canonical(b) else b


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Merge two replicas (id → raw version): for every id the newer version."""
    out = dict(a)
    for key, version in b.items():
        out[key] = newer(out[key], version) if key in out else version
    return out


def item_key(raw: Any) -> str:
    """The merge key of an item: its id, or (for an item without one) a hash of its content."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return raw["id"]
    return "\0" + canonical(raw)


# --- files ------------------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist (other OSErrors propagate)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically: temp file beside it, fsync, replace, fsync dir.

    On any failure the temp file is removed and ``path`` is left as it was; the OSError propagates.
    When the folder does not let us create a file at all it is :class:`UnwritableFolder`.
    The new file keeps the old one's permission bits (a new one gets the umask's).
    ``durable=False`` leaves out both fsyncs: still atomic for every reader, but a crash of the
    machine soon after may leave the old file or none; only for copies of bytes that are durable
    elsewhere.
    """
    folder = path.parent
    tmp = folder / _temp_name(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        if exc.errno in _UNWRITABLE:
            raise UnwritableFolder(exc.errno, exc.strerror, str(folder)) from exc
        raise
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass
        _replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        _fsync_dir(folder)


def _temp_name(path: Path) -> str:
    return f".{path.name}.{secrets.token_hex(4)}.tmp"


def remove_stale_temp_files(path: Path) -> None:
    """Remove temp files a killed save of ``path`` left behind (call with the lock held)."""
    pattern = re.compile(re.escape(f".{path.name}.") + r"[0-9a-f]{8}\.tmp")
    try:
        names = [p for p in path.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return
    for stale in names:
        try:
            stale.unlink()
        except OSError:
            pass


def _replace(src: Path, dst: Path) -> None:
    # Windows: a sync client or virus scanner may hold the target for a moment.
    for attempt in range(5):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 4:
                raise
            time.sleep(0.05 * 2**attempt)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
