"""Import of W3C annotations: round trip of our export, duplicates, matching rules, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_export_library import DOC_1, NOW, build_library, fresh_copy

from reader.core.annotations import Annotation
from reader.core.export import ExportOptions, collect, export_text
from reader.core.importer import ImportInputError, import_annotations, read_items, url_key
from reader.core.store import AnnotationStore, sidecar_path
from reader.core.transcript import load_transcript


def _export(lib: Path, dest: Path, *, private: bool = True) -> Path:
    options = ExportOptions(include_private=private, now=NOW)
    dest.write_text(export_text("jsonld", collect(lib, include_private=private)[1], options))
    return dest


def _state(lib: Path) -> dict[str, tuple]:
    out = {}
    for ep in collect(lib, include_private=True)[1]:
        for a in [*ep.annotations, *ep.orphans]:
            out[a.id] = (
                ep.relpath, a.exact, a.prefix, a.suffix, a.note, tuple(a.tags), a.color,
                a.start, a.end, a.status, a.private, a.creator, a.created, a.modified,
            )  # fmt: skip
    return out


def _store(path: Path) -> AnnotationStore:
    return AnnotationStore.open(load_transcript(path), read_only=True)


def test_round_trip_into_fresh_copy(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    export = _export(lib, tmp_path / "export.jsonld")
    copy = fresh_copy(lib, tmp_path / "copy")
    report = import_annotations(export, copy)
    assert (report.imported, report.orphaned, report.duplicates) == (5, 1, 0)
    assert (report.unmatched, report.invalid, report.failed) == (0, 0, 0)
    assert report.per_file == {"episode.md": 5, "sub/notes.txt": 1}
    assert _state(copy) == _state(lib)
    # the private note stays private: not in the shared sidecar
    shared = sidecar_path(copy / "episode.md").read_text("utf-8")
    assert "My private doubt" not in shared and "x-path" not in shared
    assert "x-private" not in shared


def test_second_import_skips_duplicates(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    export = _export(lib, tmp_path / "export.jsonld")
    copy = fresh_copy(lib, tmp_path / "copy")
    import_annotations(export, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*.json")}
    report = import_annotations(export, copy)
    assert (report.imported, report.duplicates, report.orphaned) == (0, 6, 0)
    assert before == {p: p.read_bytes() for p in copy.rglob("*.json")}


def test_into_the_same_library_everything_is_a_duplicate(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    report = import_annotations(_export(lib, tmp_path / "e.jsonld", private=False), lib)
    assert report.duplicates == 5 and report.imported == 0


def test_match_by_document_urn_after_rename(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    export = _export(lib, tmp_path / "export.jsonld", private=False)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(lib / "episode.md", other / "renamed.md")
    # its sidecar records the same document id, with no annotations
    data = json.loads(sidecar_path(lib / "episode.md").read_text("utf-8"))
    data["items"] = []
    sidecar_path(other / "renamed.md").write_text(json.dumps(data), "utf-8")
    report = import_annotations(export, other)
    assert report.per_file == {"renamed.md": 4}
    assert report.unmatched == 1  # the notes.txt quote is in no file of this library
    assert _store(other / "renamed.md").document_id == DOC_1


def _w3c(ident: str, source: str, exact: str, **extra: object) -> dict:
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": ident,
        "type": "Annotation",
        "body": [{"type": "TextualBody", "value": "from elsewhere", "purpose": "commenting"}],
        "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": exact}},
    }
    item.update(extra)
    return item


def test_hypothesis_like_match_by_source_url_and_by_quote(tmp_path: Path) -> None:
    lib = build_library(tmp_path)
    copy = fresh_copy(lib, tmp_path / "copy")
    page = {
        "type": "AnnotationPage",
        "items": [
            # http instead of https, www., no trailing slash, a fragment: still the episode URL
            _w3c(
                "https://hypothes.is/a/one",
                "http://www.example.org/episodes/care-and-control#t",
                "changes services",
                created="2024-05-01T10:00:00.123456+02:00",
            ),  # fmt: skip
            # an unknown source: found by its quote, unique in the library
            _w3c("https://hypothes.is/a/two", "https://elsewhere.example/x", "met twice"),
            # matched nowhere
            _w3c("https://hypothes.is/a/three", "https://elsewhere.example/y", "not in any file"),
        ],
    }
    (tmp_path / "h.json").write_text(json.dumps(page), "utf-8")
    report = import_annotations(tmp_path / "h.json", copy)
    assert (report.imported, report.unmatched) == (2, 1)
    one = _store(copy / "episode.md").get("https://hypothes.is/a/one")
    assert one is not None and one.note == "from elsewhere" and one.status == "anchored"
    text = load_transcript(copy / "episode.md").text
    assert text[one.start : one.end] == "changes services"
    assert one.created == "2024-05-01T08:00:00.123Z"
    two = _store(copy / "sub" / "notes.txt").get("https://hypothes.is/a/two")
    assert two is not None and two.exact == "met twice"
    assert any("not in any file" in p for p in report.problems)


def test_hypothesis_api_rows(tmp_path: Path) -> None:
    lib = fresh_copy(build_library(tmp_path), tmp_path / "copy")
    rows = {
        "total": 1,
        "rows": [
            {
                "id": "Ab12Cd",
                "uri": "https://example.org/episodes/care-and-control/",
                "text": "A Hypothesis note",
                "tags": ["h-tag"],
                "user": "acct:alice@hypothes.is",
                "created": "2024-01-02T03:04:05.678901+00:00",
                "updated": "2024-01-03T03:04:05.678901+00:00",
                "target": [
                    {
                        "source": "https://example.org/episodes/care-and-control/",
                        "selector": [
                            {"type": "RangeSelector", "startContainer": "/p[1]"},
                            {
                                "type": "TextQuoteSelector",
                                "exact": "Thank you",
                                "prefix": "",
                                "suffix": " for coming",
                            },
                        ],
                    }
                ],
            }  # fmt: skip
        ],
    }
    (tmp_path / "h.json").write_text(json.dumps(rows), "utf-8")
    report = import_annotations(tmp_path / "h.json", lib)
    assert report.imported == 1
    ann = _store(lib / "episode.md").get("https://hypothes.is/a/Ab12Cd")
    assert ann is not None
    assert (ann.note, ann.tags, ann.creator) == ("A Hypothesis note", ["h-tag"], "alice")
    text = load_transcript(lib / "episode.md").text
    assert ann.start == text.index("Thank you for coming")  # the suffix chose the second one
    assert ann.modified == "2024-01-03T03:04:05.678Z"
    assert "uri" not in json.dumps(ann.extra)
    # a second import finds it again by its id
    assert import_annotations(tmp_path / "h.json", lib).duplicates == 1


def test_ambiguous_quote_is_unmatched_and_context_disambiguates(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Alpha says the same words here.\n")
    (lib / "b.md").write_text("Beta says the same words too.\n")
    items = [
        _w3c("urn:uuid:00000000-0000-4000-8000-0000000000c1", "urn:x:none", "the same words"),
        _w3c(
            "urn:uuid:00000000-0000-4000-8000-0000000000c2",
            "urn:x:none",
            "the same words",
            target={
                "source": "urn:x:none",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": "the same words",
                        "prefix": "Beta says ",
                        "suffix": " too",
                    }
                ],
            },
        ),  # fmt: skip
    ]
    (tmp_path / "i.json").write_text(json.dumps(items), "utf-8")
    report = import_annotations(tmp_path / "i.json", lib)
    assert (report.imported, report.unmatched) == (1, 1)
    assert report.per_file == {"b.md": 1}


def test_orphan_when_the_path_matches_but_the_quote_is_gone(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Some text that is here.\n")
    item = _w3c("urn:uuid:00000000-0000-4000-8000-0000000000d1", "urn:x:none", "vanished words")
    item["x-path"] = "a.md"
    (tmp_path / "i.json").write_text(json.dumps(item), "utf-8")
    report = import_annotations(tmp_path / "i.json", lib)
    assert (report.imported, report.orphaned) == (0, 1)
    store = _store(lib / "a.md")
    assert [a.exact for a in store.orphans] == ["vanished words"]


def test_invalid_items_are_counted(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Some text that is here.\n")
    items = [
        42,
        {"type": "Annotation", "id": "urn:x:1", "target": "urn:x:doc"},  # no quote selector
        {"type": "Annotation", "id": "urn:x:2", "deleted": True, "target": "urn:x:doc"},
        _w3c("urn:x:3", "urn:x:doc", "   "),
        _w3c("urn:x:4", "urn:x:doc", "text that is"),
    ]
    (tmp_path / "i.json").write_text(json.dumps(items), "utf-8")
    report = import_annotations(tmp_path / "i.json", lib)
    assert (report.invalid, report.imported) == (4, 1)
    assert report.total == 5


def test_items_without_id_get_a_stable_one(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Some text that is here.\n")
    item = _w3c("", "urn:x:doc", "text that is")
    del item["id"]
    (tmp_path / "i.json").write_text(json.dumps(item), "utf-8")
    assert import_annotations(tmp_path / "i.json", lib).imported == 1
    assert import_annotations(tmp_path / "i.json", lib).duplicates == 1
    (ann,) = _store(lib / "a.md").annotations
    assert ann.id.startswith("urn:uuid:")


def test_unsaveable_transcript_counts_as_failed(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Some text that is here.\n")
    newer = {"format": "transcript-reader-annotations", "formatVersion": 99, "items": []}
    sidecar_path(lib / "a.md").write_text(json.dumps(newer), "utf-8")
    (tmp_path / "i.json").write_text(json.dumps(_w3c("urn:x:5", "urn:x:doc", "text that")))
    report = import_annotations(tmp_path / "i.json", lib)
    assert report.failed == 1 and report.imported == 0
    assert json.loads(sidecar_path(lib / "a.md").read_text("utf-8")) == newer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'"a string"', "expected a JSON object"),
        (b'{"hello": 1}', "no annotations found"),
        (b'{"type": "AnnotationCollection", "first": "urn:x:p", "total": 3}', "no embedded"),
    ],
)
def test_unusable_input(data: bytes, message: str) -> None:
    with pytest.raises(ImportInputError, match=message):
        read_items(data)


def test_read_items_shapes() -> None:
    ann = {"type": "Annotation", "id": "urn:x:1", "target": "urn:x:d"}
    page2 = {"type": "AnnotationPage", "items": [ann]}
    page1 = {"type": "AnnotationPage", "items": [ann], "next": page2}
    assert read_items(json.dumps(ann).encode()) == [ann]
    assert read_items(json.dumps([ann, ann]).encode()) == [ann, ann]
    assert read_items(json.dumps(page1).encode()) == [ann, ann]
    coll = {"type": "AnnotationCollection", "first": page1}
    assert read_items(("\ufeff" + json.dumps(coll)).encode()) == [ann, ann]
    assert read_items(b'{"type": "AnnotationCollection", "total": 0}') == []


def test_url_key() -> None:
    assert url_key("https://www.Example.org/a/b/#x") == url_key("http://example.org/a/b")
    assert url_key("https://example.org/a?x=1") != url_key("https://example.org/a?x=2")
    assert url_key("urn:uuid:abc") == "urn:uuid:abc"


def test_import_keeps_existing_annotations(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Some text that is here.\n")
    t = load_transcript(lib / "a.md")
    AnnotationStore.open(t).add(
        Annotation(id="urn:x:mine", exact="Some", start=0, end=4, note="mine")
    )
    (tmp_path / "i.json").write_text(json.dumps(_w3c("urn:x:6", "urn:x:doc", "is here")))
    assert import_annotations(tmp_path / "i.json", lib).imported == 1
    assert {a.id for a in _store(lib / "a.md").annotations} == {"urn:x:mine", "urn:x:6"}
