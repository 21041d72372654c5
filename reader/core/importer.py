"""Import W3C Web Annotations (our JSON-LD export, or another tool's) into a library.

Input: one annotation, a JSON list of them, an ``AnnotationPage`` (``items``, following embedded
``next`` pages), an ``AnnotationCollection`` with an embedded ``first`` page, or a Hypothesis
API answer (``{"rows": [...]}``, whose annotations carry ``uri``, ``text``, ``tags``, ``user`` and
``target: [{"source", "selector"}]``).

Each annotation is matched to one transcript of the library, trying in order:

1. ``target.source`` equal to a transcript's document ``urn:uuid`` (its sidecar header);
2. the app field ``x-path`` (our export's path relative to the exported folder) equal to a path
   relative to the library, or else to the file name of exactly one transcript;
3. ``target.source`` (or Hypothesis ``uri``) equal to one of a transcript's source URLs (front
   matter), compared without scheme, ``www.``, trailing slash or fragment;
4. the quote found in exactly one transcript (verbatim; among several, the one that also holds
   the stored prefix and suffix; with none verbatim, the one transcript where
   :func:`reader.core.anchoring.anchor` finds it).

It is then re-anchored by its quote (the position, if any, is a hint) and saved with
:meth:`AnnotationStore.add`. Nothing is overwritten: an id already present in the transcript's
notes is a *duplicate* and skipped. A passage not found is saved as an orphan (kept with its quote,
shown in the orphan list) and counted as *orphaned*; an annotation matched to no transcript is
*unmatched* and not saved; an item that is not a usable annotation is *invalid*.
Ids: an IRI is kept; a Hypothesis id becomes ``https://hypothes.is/a/<id>``; a missing or other
id becomes a ``urn:uuid`` derived from the item's content, so importing twice still finds it.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.core import anchoring, sidecar
from reader.core.annotations import ANNO_CONTEXT, COLORS, Annotation, from_w3c, now_iso
from reader.core.export_jsonld import PATH_KEY, PRIVATE_KEY
from reader.core.library import iter_transcript_paths
from reader.core.transcript import Transcript, load_transcript, read_metadata

__all__ = ["ImportInputError", "ImportReport", "import_annotations", "read_items"]

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


class ImportInputError(ValueError):
    """The input file cannot be used at all (not JSON, or no annotations in a known shape)."""


@dataclass(slots=True)
class ImportReport:
    """What an import did; ``problems`` has one line per item not imported (and why)."""

    imported: int = 0
    duplicates: int = 0
    orphaned: int = 0
    unmatched: int = 0
    invalid: int = 0
    failed: int = 0
    per_file: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        counts = (self.imported, self.duplicates, self.orphaned, self.unmatched, self.invalid)
        return sum(counts) + self.failed

    def summary(self) -> str:
        return (
            f"{self.imported} imported, {self.duplicates} duplicate(s) skipped, "
            f"{self.orphaned} orphaned, {self.unmatched} unmatched, {self.invalid} invalid, "
            f"{self.failed} not saved"
        )


# --- reading the input ------------------------------------------------------------------------


def _types(obj: Any) -> set[str]:
    t = obj.get("type", obj.get("@type")) if isinstance(obj, dict) else None
    return {x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


def _page_items(page: dict[str, Any], depth: int = 0) -> list[Any]:
    items = page.get("items")
    out = list(items) if isinstance(items, list) else []
    nxt = page.get("next")
    if isinstance(nxt, dict) and depth < 1000:
        out += _page_items(nxt, depth + 1)
    return out


def read_items(data: bytes) -> list[Any]:
    """The raw annotation items of an input file. Raises ImportInputError for unusable input."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportInputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ImportInputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        raise ImportInputError("expected a JSON object or list of annotations")
    types = _types(doc)
    if "AnnotationCollection" in types:
        first = doc.get("first")
        if isinstance(first, dict):
            return _page_items(first)
        if doc.get("total") == 0:
            return []
        raise ImportInputError("the AnnotationCollection has no embedded first page")
    if "AnnotationPage" in types or isinstance(doc.get("items"), list):
        return _page_items(doc)
    if isinstance(doc.get("rows"), list):  # Hypothesis API search answer
        return doc["rows"]
    if "Annotation" in types or "target" in doc:
        return [doc]
    raise ImportInputError(
        "no annotations found: expected an Annotation, a list, an AnnotationPage or an "
        "AnnotationCollection"
    )


# --- normalising one item to our W3C shape ----------------------------------------------------


@dataclass(slots=True)
class _Incoming:
    ann: Annotation
    sources: list[str]
    path: str | None
    raw_position: bool


def _utc(stamp: Any) -> str:
    """A timestamp as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` when it is a time with an offset."""
    import datetime as _dt

    if not isinstance(stamp, str) or not stamp:
        return ""
    if stamp.endswith(("Z", "z")):
        return stamp
    try:
        t = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if t.tzinfo is None:
        return stamp
    t = t.astimezone(_dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _content_id(raw: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, sidecar.canonical(raw))}"


def _pick_target(target: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The first specific resource with a TextQuoteSelector, and every source named."""
    candidates = target if isinstance(target, list) else [target]
    sources = []
    chosen = None
    for t in candidates:
        if isinstance(t, str):
            sources.append(t)
            continue
        if not isinstance(t, dict):
            continue
        if isinstance(t.get("source"), str):
            sources.append(t["source"])
        sels = t.get("selector")
        sels = sels if isinstance(sels, list) else [sels]
        if chosen is None and any(
            isinstance(s, dict) and s.get("type") == "TextQuoteSelector" for s in sels
        ):
            chosen = t
    return chosen, sources


def _hypothesis_to_w3c(raw: dict[str, Any]) -> dict[str, Any]:
    """A Hypothesis API annotation (``text``, ``tags``, ``user``) in W3C form."""
    body = []
    if isinstance(raw.get("text"), str) and raw["text"]:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": raw["text"]})
    for tag in raw.get("tags") or []:
        if isinstance(tag, str) and tag:
            body.append({"type": "TextualBody", "purpose": "tagging", "value": tag})
    out: dict[str, Any] = {"@context": ANNO_CONTEXT, "type": "Annotation"}
    ident = raw.get("id")
    if isinstance(ident, str) and ident and not _IRI.match(ident):
        ident = f"https://hypothes.is/a/{ident}"
    out["id"] = ident
    out["created"] = raw.get("created", "")
    out["modified"] = raw.get("updated", raw.get("created", ""))
    info = raw.get("user_info")
    name = info.get("display_name") if isinstance(info, dict) else None
    user = raw.get("user")
    if not name and isinstance(user, str):
        name = user.removeprefix("acct:").split("@")[0]
    if isinstance(name, str) and name:
        out["creator"] = {"type": "Person", "name": name}
    if body:
        out["body"] = body
    out["target"] = raw.get("target")
    if isinstance(raw.get("uri"), str):
        out["x-uri"] = raw["uri"]
    return out


def _normalise(raw: Any) -> _Incoming:
    """One input item as an Annotation plus what identifies its transcript (ValueError if not)."""
    if not isinstance(raw, dict):
        raise ValueError("an item is not a JSON object")
    hypothesis = "body" not in raw and ("text" in raw or "uri" in raw or "user" in raw)
    item = _hypothesis_to_w3c(raw) if hypothesis else dict(raw)
    item.setdefault("type", "Annotation")
    uri = item.pop("x-uri", None)
    if not _types(item) & {"Annotation"}:
        raise ValueError(f"{item.get('id', 'an item')}: not of type Annotation")
    if item.get("deleted") is True:
        raise ValueError(f"{item.get('id', 'an item')}: a deleted annotation (tombstone)")
    ident = item.get("id")
    if not isinstance(ident, str) or not ident:
        item["id"] = _content_id(raw)
    elif not _IRI.match(ident):
        item["id"] = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ident)}"
    path = item.pop(PATH_KEY, None)
    private = item.pop(PRIVATE_KEY, None) is True
    item.pop("x-status", None)  # the import re-anchors: status is found again
    target, sources = _pick_target(item.get("target"))
    if target is None:
        raise ValueError(f"{item['id']}: no target with a TextQuoteSelector")
    if isinstance(uri, str):
        sources.append(uri)
    sels = target.get("selector")
    sels = sels if isinstance(sels, list) else [sels]
    has_position = any(
        isinstance(s, dict) and s.get("type") == "TextPositionSelector" for s in sels
    )
    if set(target) - {"source", "styleClass", "selector"} or not isinstance(
        target.get("selector"), list
    ):
        target = {**target, "selector": sels}
    item["target"] = target
    for key in ("created", "modified"):
        if key in item:
            item[key] = _utc(item[key])
    if not item.get("created"):
        item["created"] = item.get("modified") or now_iso()
    ann = from_w3c(item)
    ann.exact = unicodedata.normalize("NFC", ann.exact)
    ann.prefix = unicodedata.normalize("NFC", ann.prefix)
    ann.suffix = unicodedata.normalize("NFC", ann.suffix)
    if not ann.exact.strip():
        raise ValueError(f"{ann.id}: the quote is empty")
    if ann.color not in COLORS:
        ann.color = COLORS[0]
    ann.private = private
    return _Incoming(ann, sources, path if isinstance(path, str) else None, has_position)


# --- the library ------------------------------------------------------------------------------


def url_key(url: str) -> str:
    """A URL compared loosely: no scheme, ``www.``, fragment or trailing slash; host lowercased."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url.strip()
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")


class _Library:
    """The transcripts under a folder, indexed lazily by document id, path, URL and text."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths = list(iter_transcript_paths(root))
        self._by_doc: dict[str, Path] | None = None
        self._by_url: dict[str, list[Path]] | None = None
        self._transcripts: dict[Path, Transcript] = {}

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def by_doc(self) -> dict[str, Path]:
        if self._by_doc is None:
            self._by_doc = {}
            from reader.core.store import sidecar_path

            for path in self.paths:
                try:
                    data = sidecar.read_bytes(sidecar_path(path))
                    doc_id = sidecar.parse(data).document_id if data else None
                except (OSError, sidecar.SidecarError):
                    continue
                if doc_id:
                    self._by_doc.setdefault(doc_id, path)
        return self._by_doc

    def by_url(self) -> dict[str, list[Path]]:
        if self._by_url is None:
            self._by_url = {}
            for path in self.paths:
                for url in read_metadata(path).source_urls:
                    hits = self._by_url.setdefault(url_key(url), [])
                    if path not in hits:
                        hits.append(path)
        return self._by_url

    def transcript(self, path: Path) -> Transcript:
        if path not in self._transcripts:
            self._transcripts[path] = load_transcript(path)
        return self._transcripts[path]

    def by_path(self, rel: str) -> Path | None:
        rel = rel.replace("\\", "/").lstrip("/")
        for path in self.paths:
            if self.rel(path) == rel:
                return path
        name = rel.rsplit("/", 1)[-1]
        named = [p for p in self.paths if p.name == name]
        return named[0] if len(named) == 1 else None

    def by_quote(self, ann: Annotation) -> Path | None:
        exact = [p for p in self.paths if ann.exact in self.transcript(p).text]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            whole = ann.prefix + ann.exact + ann.suffix
            framed = [p for p in exact if whole in self.transcript(p).text]
            return framed[0] if len(framed) == 1 else None
        found = [
            p
            for p in self.paths
            if anchoring.anchor(self.transcript(p).text, ann.exact, ann.prefix, ann.suffix)
        ]
        return found[0] if len(found) == 1 else None

    def match(self, inc: _Incoming) -> Path | None:
        for source in inc.sources:
            if source in self.by_doc():
                return self.by_doc()[source]
        if inc.path:
            hit = self.by_path(inc.path)
            if hit is not None:
                return hit
        for source in inc.sources:
            hits = self.by_url().get(url_key(source), [])
            if len(hits) == 1:
                return hits[0]
        return self.by_quote(inc.ann)


# --- import -----------------------------------------------------------------------------------


def import_annotations(file: Path, root: Path | None = None) -> ImportReport:
    """Import the annotations of ``file`` into the transcripts under ``root``.

    ``root`` defaults to the file's folder. Raises ImportInputError for an unusable input file or
    root; every per-annotation problem is counted in the report instead.
    """
    from reader.core.store import AnnotationStore, StoreError

    file = Path(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportInputError(f"cannot read {file}: {exc.strerror or exc}") from None
    items = read_items(data)
    root = Path(root) if root is not None else file.resolve().parent
    if not root.is_dir():
        raise ImportInputError(f"not a folder: {root}")
    library = _Library(root)
    stores: dict[Path, AnnotationStore] = {}
    report = ImportReport()
    for index, raw in enumerate(items):
        try:
            inc = _normalise(raw)
        except ValueError as exc:
            report.invalid += 1
            report.problems.append(f"item {index + 1}: not imported: {exc}")
            continue
        path = library.match(inc)
        if path is None:
            report.unmatched += 1
            report.problems.append(
                f"{inc.ann.id}: no transcript in {root} matches it (quote: {inc.ann.exact[:60]!r})"
            )
            continue
        if path not in stores:
            stores[path] = AnnotationStore.open(library.transcript(path))
        store = stores[path]
        if store.get(inc.ann.id) is not None:
            report.duplicates += 1
            continue
        ann = inc.ann
        text = library.transcript(path).text
        found = anchoring.anchor(
            text,
            ann.exact,
            ann.prefix,
            ann.suffix,
            ann.start if inc.raw_position else None,
            ann.end if inc.raw_position else None,
        )
        if found is None:
            ann = replace(ann, status="orphaned")
        else:
            ann = replace(ann, start=found.start, end=found.end, status=found.status)
        try:
            store.add(ann)
        except (StoreError, ValueError) as exc:
            report.failed += 1
            report.problems.append(f"{ann.id}: not saved in {library.rel(path)}: {exc}")
            continue
        if found is None:
            report.orphaned += 1
            report.problems.append(
                f"{ann.id}: passage not found in {library.rel(path)}; kept as orphan"
            )
        else:
            report.imported += 1
        rel = library.rel(path)
        report.per_file[rel] = report.per_file.get(rel, 0) + 1
    return report
