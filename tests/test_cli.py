"""The command-line contract: check (read-only, JSON shape) and annotate (durable, clear errors)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main

EPISODE = """---
title: "Working with families"
date: "2012-03-04T00:00:00+00:00"
iriss_archive_libsyn_duration: "12:30"
---
JS - Jane Smith
AB - Alan Brown

JS Welcome to the programme. Today we talk about working with families.

AB Thank you. Working with families is about trust, and trust takes time.

Building trust

JS How do you build trust with a family that has had bad experiences?
"""


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "families.md").write_text(EPISODE, encoding="utf-8")
    return lib


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _check_json(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict:
    assert main(["check", *map(str, paths), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_check_reports_metadata_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _library(tmp_path)
    before = _snapshot(lib)
    report = _check_json(capsys, lib)
    assert _snapshot(lib) == before
    (entry,) = report["transcripts"]
    assert entry["title"] == "Working with families"
    assert entry["date"] == "2012-03-04"
    assert entry["duration_seconds"] == 750
    assert entry["speakers"][:2] == ["Jane Smith", "Alan Brown"]
    assert entry["words"] > 20
    assert entry["errors"] == [] and entry["annotations"] == []


def test_annotate_then_check_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = _library(tmp_path)
    episode = lib / "families.md"
    code = main(
        [
            "annotate",
            str(episode),
            "--quote",
            "working with families",
            "--occurrence",
            "1",
            "--note",
            "Central idea",
            "--tag",
            "trust",
            "--tag",
            "family work",
            "--color",
            "green",
            "--author",
            "Student A",
        ]
    )
    assert code == 0
    capsys.readouterr()
    sidecar = lib / "families.md.annotations.json"
    assert sidecar.is_file()
    report = _check_json(capsys, episode)
    (ann,) = report["transcripts"][0]["annotations"]
    assert ann["status"] == "anchored"
    assert ann["text"] == "working with families"
    assert ann["note"] == "Central idea"
    assert ann["tags"] == ["trust", "family work"]
    assert ann["color"] == "green"
    assert ann["id"].startswith("urn:uuid:")
    assert ann["prefix"].endswith("Today we talk about ")
    assert ann["suffix"].startswith(".")


def test_annotate_second_occurrence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = _library(tmp_path)
    assert (
        main(["annotate", str(lib / "families.md"), "--quote", "trust", "--occurrence", "2"]) == 0
    )
    capsys.readouterr()
    (ann,) = _check_json(capsys, lib)["transcripts"][0]["annotations"]
    first = ann["prefix"] + ann["text"]
    assert first.endswith("about trust, and trust")


def test_annotate_missing_quote_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _library(tmp_path)
    assert main(["annotate", str(lib / "families.md"), "--quote", "not in the text"]) == 1
    assert "not found" in capsys.readouterr().err
    assert not (lib / "families.md.annotations.json").exists()


def test_annotate_unwritable_sidecar_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _library(tmp_path)
    sidecar = lib / "families.md.annotations.json"
    sidecar.write_text("{ this is not json", encoding="utf-8")
    assert main(["annotate", str(lib / "families.md"), "--quote", "trust"]) == 1
    assert "not saved" in capsys.readouterr().err
    assert sidecar.read_text(encoding="utf-8") == "{ this is not json"


def test_check_bad_files_still_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = _library(tmp_path)
    (lib / "binary.md").write_bytes(b"\x00\x01\x02\xff" * 100)
    (lib / "bad-front.md").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    report = _check_json(capsys, lib)
    by_name = {Path(t["path"]).name: t for t in report["transcripts"]}
    assert set(by_name) == {"binary.md", "bad-front.md", "families.md"}
    assert by_name["binary.md"]["errors"]
    assert by_name["bad-front.md"]["errors"] or by_name["bad-front.md"]["warnings"]


def test_check_unusable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert "no such" in capsys.readouterr().err


def test_python_dash_m_runs(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "reader", "check", str(lib), "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["transcripts"][0]["title"] == "Working with families"


def test_check_text_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = _library(tmp_path)
    assert main(["check", str(lib)]) == 0
    out = capsys.readouterr().out
    assert "Working with families" in out
    assert "12:30" in out


def test_open_with_several_files_opens_the_first(tmp_path: Path, monkeypatch) -> None:
    """A desktop's "Open With" passes every selected file (%F): the first one is opened."""
    import reader.app

    lib = _library(tmp_path)
    second = lib / "second.md"
    second.write_text("Second\n", encoding="utf-8")
    calls: list[tuple] = []
    monkeypatch.setattr(reader.app, "run_gui", lambda path, **kw: calls.append((path, kw)) or 0)
    assert main([str(lib / "families.md"), str(second)]) == 0
    assert calls == [(str(lib / "families.md"), {"screenshot": None, "size": None, "theme": None})]
    assert main([str(lib / "families.md"), str(lib / "missing.md")]) == 2


def test_annotate_prints_id_offsets_and_where_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _library(tmp_path)
    assert main(["annotate", str(lib / "families.md"), "--quote", "trust takes time"]) == 0
    first, second = capsys.readouterr().out.splitlines()
    ann_id, start, end = first.split("\t")
    assert ann_id.startswith("urn:uuid:") and int(end) - int(start) == len("trust takes time")
    assert "families.md.annotations.json" in second
