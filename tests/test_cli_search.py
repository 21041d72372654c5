"""`transcript-reader search PATH QUERY [--json] [--limit N]` (reader.cli_search.cmd_search)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli_search import cmd_search
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript

OLD = 1_600_000_000

EPISODE = """---
title: "Café culture"
---
AL - Alice Lee
BO - Bob Owen

AL We met at the café on Monday to discuss user involvement.

BO The involvement of users matters. Tokenism is a risk.
"""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "cafe.md").write_text(EPISODE, encoding="utf-8")
    (root / "other.md").write_text("---\ntitle: Other\n---\nNothing about users.\n", "utf-8")
    for p in root.iterdir():
        os.utime(p, (OLD, OLD))
    return root


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cmd_search(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(library), "involvement", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert len(results) == 2
    text = load_transcript(library / "cafe.md").text
    for r in results:
        assert {"path", "title", "speaker", "start", "end", "snippet"} <= set(r)
        assert r["path"] == str(library / "cafe.md")
        assert r["title"] == "Café culture"
        assert text[r["start"] : r["end"]] == "involvement"
        assert r["kind"] == "text"
    assert {r["speaker"] for r in results} == {"Alice Lee", "Bob Owen"}
    scores = [r["score"] for r in results]
    assert scores == sorted(scores)  # best (lowest bm25) first


def test_plain_output_marks_matches(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(library), '"box ticking" OR tokenism')
    assert code == 0
    assert "Café culture" in out
    assert "Bob Owen" in out
    assert "«Tokenism»" in out
    assert "1 result(s) in 1 episode(s)" in out


def test_no_results_is_success(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, str(library), "giraffe")[:2] == (0, "No results.\n")
    code, out, _ = _run(capsys, str(library), "giraffe", "--json")
    assert code == 0 and json.loads(out) == {"results": []}


def test_several_words_and_exclusions(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(library), "involvement", "-tokenism", "--json")
    assert code == 0
    assert [r["speaker"] for r in json.loads(out)["results"]] == ["Alice Lee"]
    code, out, _ = _run(capsys, "--json", str(library), "monday", "involvement")
    assert code == 0 and len(json.loads(out)["results"]) == 1


def test_limit(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(library), "involvement", "--limit", "1", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 1
    code, _, err = _run(capsys, str(library), "involvement", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_notes_are_found(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = load_transcript(library / "cafe.md")
    start = t.text.index("Tokenism")
    AnnotationStore.open(t).add(
        new_annotation(t.text, start, start + 8, note="espresso thoughts", tags=["ethics"])
    )
    code, out, _ = _run(capsys, str(library), "espresso", "--json")
    assert code == 0
    (r,) = json.loads(out)["results"]
    assert (r["kind"], r["start"], r["end"], r["speaker"]) == ("note", start, start + 8, "Bob Owen")
    assert r["annotation_id"] and r["tags"] == ["ethics"]
    code, out, _ = _run(capsys, str(library), "ethics")
    assert code == 0 and "note · Bob Owen" in out and "tags: ethics" in out


def test_unusable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(tmp_path / "missing"), "anything")
    assert code == 2 and out == "" and "no such file or folder" in err


@pytest.mark.parametrize("query", ['""', "-", "*", "-tokenism", "OR", "( )"])
def test_malformed_query(library: Path, capsys: pytest.CaptureFixture[str], query: str) -> None:
    code, out, err = _run(capsys, str(library), query)
    assert code == 2 and out == ""
    assert err.startswith("transcript-reader search: ") and "Traceback" not in err


def test_missing_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys)
    assert code == 2 and "usage:" in err


def test_single_file_and_nothing_written(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in library.iterdir())
    code, out, _ = _run(capsys, str(library / "cafe.md"), "café", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    assert [r["kind"] for r in results] == ["title", "text"]  # "Café culture", then the block
    assert {r["path"] for r in results} == {str(library / "cafe.md")}
    assert sorted(p.name for p in library.iterdir()) == before


def test_title_hits(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(library), "culture", "--json")  # only in "Café culture"
    assert code == 0
    (r,) = json.loads(out)["results"]
    assert {"path", "title", "speaker", "start", "end", "snippet"} <= set(r)
    assert (r["kind"], r["start"], r["end"], r["speaker"]) == ("title", 0, 0, None)
    assert r["path"] == str(library / "cafe.md") and r["snippet"] == "Café culture"
    assert r["snippet_matches"] == [[5, 12]] and r["matches"] == []
    code, out, _ = _run(capsys, str(library), "café")
    assert code == 0
    assert "    title\n      «Café» culture\n    text · Alice Lee · " in out
    assert "2 result(s) in 1 episode(s)" in out
