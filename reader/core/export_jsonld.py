"""JSON-LD export: one W3C Web Annotation ``AnnotationCollection`` with its page embedded.

Shape (every MUST of the W3C annotation-model test suite holds; see
tests/acceptance/test_export_w3c.py)::

    {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:uuid:…",
     "type": "AnnotationCollection", "label": "…", "total": N, "created": "…Z",
     "generator": {...}, "first": {"id": "urn:uuid:…", "type": "AnnotationPage",
                                   "startIndex": 0, "items": [annotation, …]}}

Each item is the annotation exactly as the sidecar stores it (:func:`reader.core.annotations.
to_w3c`: bodies with ``purpose``, ``target.source`` = the transcript's document ``urn:uuid``,
a TextQuoteSelector and a TextPositionSelector), plus two app fields that ``import`` reads and
removes again: ``x-path`` (the transcript's path relative to the exported folder, so an import
finds the file in a copy of the library that has no sidecars) and ``x-private`` (only on private
notes, exported with ``--include-private``). Tombstones are never exported.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from reader import __version__
from reader.core.annotations import ANNO_CONTEXT, new_id, now_iso, to_w3c
from reader.core.export import Episode, ExportOptions

__all__ = ["PATH_KEY", "PRIVATE_KEY", "to_jsonld", "to_jsonld_text"]

#: App field on each exported annotation: the transcript's path relative to the export root.
PATH_KEY = "x-path"
#: App field on a private note (present and true only then).
PRIVATE_KEY = "x-private"
GENERATOR = {
    "id": "urn:x-transcript-reader:app",
    "type": "Software",
    "name": f"Transcript Reader {__version__}",
}


def to_jsonld(episodes: list[Episode], options: ExportOptions) -> dict[str, Any]:
    """The AnnotationCollection of every exported annotation, as a JSON-ready dict."""
    items: list[dict[str, Any]] = []
    for ep in episodes:
        for ann in [*ep.annotations, *ep.orphans]:
            if ann.deleted:
                continue
            item = to_w3c(ann, ep.document_id)
            item[PATH_KEY] = ep.relpath
            if ann.private:
                item[PRIVATE_KEY] = True
            items.append(item)
    collection_id = options.collection_id or new_id()
    page_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, collection_id + '#page1')}"
    if options.label:
        label = options.label
    elif len(episodes) == 1:
        label = f"Annotations on {episodes[0].title}"
    else:
        label = f"Annotations on {len(episodes)} transcripts"
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "created": options.now or now_iso(),
        "generator": dict(GENERATOR),
        "first": {
            "@context": ANNO_CONTEXT,
            "id": page_id,
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def to_jsonld_text(episodes: list[Episode], options: ExportOptions) -> str:
    """:func:`to_jsonld` serialised: UTF-8 friendly (no ASCII escapes), indented, final newline."""
    return json.dumps(to_jsonld(episodes, options), ensure_ascii=False, indent=2) + "\n"
