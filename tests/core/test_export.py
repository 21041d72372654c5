"""Exports: every text format pinned by a golden file, privacy, orphans, CSV safety, HTML escaping.

Golden files live in tests/data/expected/export/. After an intended change of output, rewrite
them with ``UPDATE_GOLDEN=1 pytest tests/core/test_export.py`` and review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
from pathlib import Path

import pytest
from test_export_library import COLLECTION_ID, NOW, build_library

from reader import __version__
from reader.core.annotations import Annotation
from reader.core.export import (
    CSV_COLUMNS,
    ExportOptions,
    collect,
    csv_safe,
    export_text,
)
from reader.core.export_html import to_html
from reader.core.export_jsonld import to_jsonld
from reader.core.store import AnnotationStore
from reader.core.transcript import load_transcript

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "expected" / "export"


def _options(**changes: object) -> ExportOptions:
    base: dict[str, object] = {
        "now": NOW,
        "collection_id": COLLECTION_ID,
        "accessed": dt.date(2025, 3, 2),
    }
    base.update(changes)
    return ExportOptions(**base)  # type: ignore[arg-type]


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    text = text.replace(f"Transcript Reader {__version__}", "Transcript Reader VERSION")
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.is_file(), f"golden file missing: {path} (run with UPDATE_GOLDEN=1)"
    assert text == path.read_bytes().decode("utf-8")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return build_library(tmp_path)


@pytest.mark.parametrize(
    ("fmt", "name", "private"),
    [
        ("md", "library.md", False),
        ("md", "library-private.md", True),
        ("csv", "library.csv", False),
        ("jsonld", "library.jsonld", False),
        ("jsonld", "library-private.jsonld", True),
        ("html", "library.html", False),
        ("txt", "library.txt", False),
    ],
)
def test_golden_library_exports(library: Path, fmt: str, name: str, private: bool) -> None:
    _root, episodes = collect(library, include_private=private)
    _check_golden(name, export_text(fmt, episodes, _options(include_private=private)))


def test_golden_single_transcript_txt_and_harvard_md(library: Path) -> None:
    _root, episodes = collect(library / "episode.md")
    assert [e.relpath for e in episodes] == ["episode.md"]
    text = export_text("txt", episodes, _options())
    assert text == load_transcript(library / "episode.md").text + "\n"
    _check_golden("episode.txt", text)
    _check_golden("episode-harvard.md", export_text("md", episodes, _options(style="harvard")))


def test_collect_reads_only(library: Path) -> None:
    before = {p: p.read_bytes() for p in library.rglob("*") if p.is_file()}
    for fmt in ("md", "csv", "jsonld", "html", "txt"):
        export_text(fmt, collect(library, include_private=True)[1], _options())
    assert before == {p: p.read_bytes() for p in library.rglob("*") if p.is_file()}


def test_collect_missing_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        collect(tmp_path / "nothing-here")


def test_unknown_text_format(library: Path) -> None:
    with pytest.raises(ValueError, match="unknown text format"):
        export_text("pdf", collect(library)[1], _options())


# --- privacy, tombstones, orphans -------------------------------------------------------------


def test_private_notes_only_with_include_private(library: Path) -> None:
    for fmt in ("md", "csv", "jsonld", "html"):
        without = export_text(fmt, collect(library)[1], _options())
        with_private = export_text(fmt, collect(library, include_private=True)[1], _options())
        assert "My private doubt" not in without, fmt
        assert "My private doubt" in with_private, fmt


def test_jsonld_items_tombstones_and_private_flag(library: Path) -> None:
    doc = to_jsonld(collect(library, include_private=True)[1], _options(include_private=True))
    items = doc["first"]["items"]
    assert doc["total"] == len(items) == 6
    assert all(i.get("deleted") is not True for i in items)
    assert "urn:uuid:00000000-0000-4000-8000-000000000009" not in json.dumps(doc)
    assert [i["id"][-1] for i in items if i.get("x-private")] == ["5"]
    assert {i["x-path"] for i in items} == {"episode.md", "sub/notes.txt"}
    for item in items:
        assert item["target"]["source"].startswith("urn:uuid:")
        kinds = [s["type"] for s in item["target"]["selector"]]
        assert kinds == ["TextQuoteSelector", "TextPositionSelector"]
        for body in item.get("body", []):
            assert body["purpose"] in ("commenting", "tagging")
    orphan = next(i for i in items if i["id"].endswith("4"))
    assert orphan["x-status"] == "orphaned"


def test_csv_rows_quoting_and_orphans(library: Path) -> None:
    text = export_text("csv", collect(library)[1], _options())
    assert text.startswith("episode,file,") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    by_quote = {r["quote"]: r for r in rows}
    claim = by_quote["User involvement matters"]
    assert claim["note"] == 'Key claim: "involvement" changes <services> & more.\nSecond line.'
    assert claim["tags"] == "evidence; =SUM(A1)"  # starts with "e": nothing to neutralise
    assert claim["speaker"] == "Peter Beresford" and claim["colour"] == "green"
    assert claim["author"] == "Sam Student" and claim["date"] == "2021-03-04"
    orphan = by_quote["a passage that was edited away"]
    assert orphan["start"] == orphan["end"] == ""
    listed = by_quote["who decides\nwho is heard"]
    assert (int(listed["start"]), int(listed["end"])) != (0, 0)


def test_csv_bom() -> None:
    assert export_text("csv", [], _options(bom=True)).startswith("\ufeffepisode,")
    assert export_text("csv", [], _options()).startswith("episode,")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_csv_safe(value: str, expected: str) -> None:
    assert csv_safe(value) == expected


def test_csv_formula_cells_are_neutralised(tmp_path: Path) -> None:
    transcript = tmp_path / "f.md"
    transcript.write_text('---\ntitle: "=1+1"\n---\n-1 is a number. @home is a word.\n')
    t = load_transcript(transcript)
    store = AnnotationStore.open(t)
    start = t.text.index("-1")
    store.add(
        Annotation(
            id="urn:uuid:00000000-0000-4000-8000-0000000000aa",
            exact="-1 is",
            start=start,
            end=start + 5,
            note="+danger",
            tags=["@x"],
            creator="=evil",
        )  # fmt: skip
    )
    rows = list(csv.reader(io.StringIO(export_text("csv", collect(tmp_path)[1], _options()))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["episode"] == "'=1+1" and row["quote"] == "'-1 is" and row["note"] == "'+danger"
    assert row["tags"] == "'@x" and row["author"] == "'=evil"
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@"))


# --- HTML -------------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> & "q" \'s <img src=x onerror=alert(1)>'


def test_html_escapes_hostile_strings_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "evil.md"
    path.write_text(
        "---\n"
        f"title: {json.dumps('Title ' + HOSTILE)}\n"
        'speakers: ["Eve <b>"]\n'
        f"series: {json.dumps('Series ' + HOSTILE)}\n"
        'url: "https://example.org/a?b=1&c=<2>"\n'
        "---\n"
        f"Body text {html.escape(HOSTILE, quote=False)} ends here.\n",
        encoding="utf-8",
    )
    t = load_transcript(path)
    assert HOSTILE in t.text  # the entities in the file are text
    store = AnnotationStore.open(t)
    start = t.text.index(HOSTILE)
    store.add(
        Annotation(
            id="urn:uuid:00000000-0000-4000-8000-0000000000bb",
            exact=t.text[start : start + 30],
            start=start,
            end=start + 30,
            note="Note " + HOSTILE,
            tags=["tag " + HOSTILE],
            creator="Author " + HOSTILE,
            color="pink",
        )  # fmt: skip
    )
    page = export_text("html", collect(tmp_path)[1], _options())
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&amp; &quot;q&quot; &#x27;s" in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 5  # title, text, note, tag, author
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in page
    # self-contained: no scripts, no remote resources of any kind
    for needle in ("<script", "<link", "<iframe", "<object", "<embed", "@import", "url("):
        assert needle not in lowered, needle
    assert not re.search(r"<[a-z][^<>]*\s(src|on\w+)=", lowered)  # no real tag loads or runs
    tags = set(re.findall(r"<([a-z0-9]+)", lowered))
    allowed = {"html", "head", "meta", "title", "style", "body", "article", "header", "h1", "p",
               "i", "a", "code", "mark", "sup", "aside", "span", "br", "section", "h2"}  # fmt: skip
    assert tags <= allowed, tags - allowed
    assert "default-src 'none'" in page


def test_html_marks_overlaps_and_notes(library: Path) -> None:
    page = to_html(collect(library, include_private=True)[1], _options(include_private=True))
    marks = re.findall(r'<mark class="hl-(\w+)" style="background-color: (#[0-9a-f]{6})">', page)
    assert ("green", "#5fb236") in marks and ("purple", "#a28ae5") in marks
    assert ("pink", "#ff6666") in marks
    assert page.count('<aside class="notes">') >= 4
    assert "Notes whose passage was not found" in page and "a passage that was edited away" in page
    assert "@media print" in page and "break-before: page" in page


def test_html_qt_variant_has_no_mark_or_aside(library: Path) -> None:
    page = to_html(collect(library)[1], _options(), qt=True)
    assert "<mark" not in page and "<aside" not in page and "<style>" not in page
    assert 'style="background-color: #5fb236"' in page
