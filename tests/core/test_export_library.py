"""A small hand-written library with fixed ids and timestamps, shared by the export tests.

Test files in other folders get this module from the ``export_library`` fixture in
tests/conftest.py (which loads it by path: it is a plain module, not a package) and call
:func:`build_library`. The tests at the bottom check the fixture itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.core import sidecar
from reader.core.annotations import Annotation, to_w3c
from reader.core.store import AnnotationStore, private_path, sidecar_path
from reader.core.transcript import load_transcript

DOC_1 = "urn:uuid:11111111-1111-4111-8111-111111111111"
DOC_2 = "urn:uuid:22222222-2222-4222-8222-222222222222"
COLLECTION_ID = "urn:uuid:99999999-9999-4999-8999-999999999999"
NOW = "2025-03-02T10:00:00.000Z"

EPISODE = """\
---
title: "Care & Control: a conversation"
date: 2021-03-04
hosts: ["Jane Host"]
speakers: ["Peter Beresford"]
series: "Social Work Talk"
url: "https://example.org/episodes/care-and-control/"
---
JH - Jane Host
PB - Peter Beresford

## Opening

JH Welcome to the show. Today we talk about user involvement.

PB Thank you. User involvement matters, and it changes services.

PB It is about voice and power:

- who decides
- who is heard

## Closing

JH Thank you for coming.
"""

NOTES = """\
Recorded in February 2012.

A plain text transcript with no front matter. The council met twice.
"""


def _ann(ident: int, text: str, quote: str, **fields: object) -> Annotation:
    start = text.index(quote)
    end = start + len(quote)
    prefix = text[max(0, start - 32) : start]
    suffix = text[end : end + 32]
    stamp = f"2025-01-0{ident}T09:00:00.000Z"
    base: dict[str, object] = {"created": stamp, "modified": stamp, "creator": "Sam Student"}
    base.update(fields)
    return Annotation(
        id=f"urn:uuid:00000000-0000-4000-8000-00000000000{ident}",
        exact=quote, start=start, end=end, prefix=prefix, suffix=suffix, **base,  # type: ignore[arg-type]
    )  # fmt: skip


def _write(path: Path, doc_id: str, transcript_path: Path, items: list[dict]) -> None:
    t = load_transcript(transcript_path)
    header = sidecar.make_header(
        None, document_id=doc_id, path=transcript_path.name, sha256=t.sha256, length=len(t.text)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sidecar.dumps(header, [sidecar.item_chunk(i) for i in items]))


def build_library(root: Path) -> Path:
    """``root/lib`` with ``episode.md`` (4 annotations, an orphan, a tombstone, a private note)
    and ``sub/notes.txt`` (1 annotation); returns the library folder."""
    lib = root / "lib"
    (lib / "sub").mkdir(parents=True)
    episode = lib / "episode.md"
    episode.write_text(EPISODE, encoding="utf-8")
    notes = lib / "sub" / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    text = load_transcript(episode).text
    shared = [
        _ann(1, text, "Welcome to the show"),
        _ann(
            2,
            text,
            "User involvement matters",
            color="green",
            note='Key claim: "involvement" changes <services> & more.\nSecond line.',
            tags=["evidence", "=SUM(A1)"],
        ),  # fmt: skip
        _ann(
            3,
            text,
            "who decides\nwho is heard",
            color="purple",
            note="Use in essay",
            tags=["power"],
        ),  # fmt: skip
    ]
    gone = "a passage that was edited away"
    orphan = _ann(4, text + gone, gone, color="blue", note="Lost one")
    orphan.start, orphan.end, orphan.status = 10, 40, "orphaned"
    tomb = Annotation(
        id="urn:uuid:00000000-0000-4000-8000-000000000009", exact="", start=0, end=0,
        created="", modified="2025-01-09T09:00:00.000Z", deleted=True,
    )  # fmt: skip
    items = [to_w3c(a, DOC_1) for a in [*shared, orphan, tomb]]
    _write(sidecar_path(episode), DOC_1, episode, items)
    private = _ann(5, text, "voice and power", color="pink", note="My private doubt",
                   private=True)  # fmt: skip
    _write(private_path(DOC_1), DOC_1, episode, [to_w3c(private, DOC_1)])
    ntext = load_transcript(notes).text
    _write(sidecar_path(notes), DOC_2, notes,
           [to_w3c(_ann(6, ntext, "The council met twice.", creator=""), DOC_2)])  # fmt: skip
    return lib


def fresh_copy(lib: Path, dest: Path) -> Path:
    """A copy of the library's transcripts without any sidecar."""
    for path in lib.rglob("*"):
        if path.is_file() and not path.name.endswith(sidecar.SUFFIX):
            target = dest / path.relative_to(lib)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return dest


# --- the fixture itself --------------------------------------------------------------------------


def test_library_has_what_the_goldens_expect(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    store = AnnotationStore.open(load_transcript(lib / "episode.md"), read_only=True)
    assert store.document_id == DOC_1
    assert [a.id[-1] for a in store.annotations if a.status != "orphaned"] == ["1", "2", "5", "3"]
    assert [a.id[-1] for a in store.orphans] == ["4"]
    assert [a.id[-1] for a in store.annotations if a.private] == ["5"]
    notes = AnnotationStore.open(load_transcript(lib / "sub" / "notes.txt"), read_only=True)
    assert notes.document_id == DOC_2 and len(notes.annotations) == 1


def test_fresh_copy_has_no_sidecars(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    copy = fresh_copy(lib, tmp_path / "copy")
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()) == [
        "episode.md",
        "sub/notes.txt",
    ]
