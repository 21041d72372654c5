"""`transcript-reader export` / `import`: formats, output, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from reader.cli import main


@pytest.fixture
def lib(tmp_path: Path, export_library: ModuleType) -> Path:
    return export_library.build_library(tmp_path)


def test_export_md_to_stdout(lib: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["export", str(lib), "--format", "md"]) == 0
    out = capfdbinary.readouterr().out.decode("utf-8")
    assert out.startswith("# Annotations\n") and "## Care & Control: a conversation" in out
    assert "My private doubt" not in out


def test_export_single_file_txt(lib: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["export", str(lib / "sub" / "notes.txt"), "--format", "txt"]) == 0
    out = capfdbinary.readouterr().out.decode("utf-8")
    assert out == "Recorded in February 2012.\nA plain text transcript with no front matter. " \
        "The council met twice.\n"  # fmt: skip


def test_export_csv_bom_to_file(lib: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "notes.csv"
    code = main(["export", str(lib), "-f", "csv", "--bom", "--out", str(out), "--include-private"])
    assert code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfepisode,file,date,")
    assert "My private doubt" in data.decode("utf-8-sig")
    assert "6 annotation(s) from 2 transcript(s) written to" in capsys.readouterr().err
    assert out.stat().st_mode & 0o044  # not left 0600 by the temporary file


def test_export_jsonld_and_import_round_trip(
    lib: Path, tmp_path: Path, capsys, export_library: ModuleType
) -> None:
    out = tmp_path / "all.jsonld"
    assert main(["export", str(lib), "--format", "jsonld", "-o", str(out)]) == 0
    assert json.loads(out.read_text("utf-8"))["type"] == "AnnotationCollection"
    copy = export_library.fresh_copy(lib, tmp_path / "copy")
    capsys.readouterr()
    assert main(["import", str(out), str(copy)]) == 0
    printed = capsys.readouterr()
    assert "4\tepisode.md" in printed.out and "1\tsub/notes.txt" in printed.out
    assert printed.out.rstrip().endswith(
        "4 imported, 0 duplicate(s) skipped, 1 orphaned, 0 unmatched, 0 invalid, 0 not saved"
    )
    assert main(["import", str(out), str(copy), "--quiet"]) == 0
    assert "0 imported, 5 duplicate(s) skipped" in capsys.readouterr().out


def test_import_defaults_to_the_files_folder(lib: Path, tmp_path: Path, capsys) -> None:
    out = lib / "export.jsonld"
    assert main(["export", str(lib), "--format", "jsonld", "-o", str(out)]) == 0
    assert main(["import", str(out)]) == 0
    assert "5 duplicate(s) skipped" in capsys.readouterr().out


def test_export_html_file(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes.html"
    assert main(["export", str(lib), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<mark " in page and "<script" not in page


def test_export_pdf(lib: Path, tmp_path: Path, qapp) -> None:
    out = tmp_path / "notes.pdf"
    assert (
        main(["export", str(lib), "--format", "pdf", "--out", str(out), "--style", "harvard"]) == 0
    )
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 5000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "--format pdf needs --out"),
        (["--format", "md", "--bom"], "--bom only applies"),
        (["--format", "md", "--out", "/no/such/folder/x.md"], "no such folder"),
    ],
)
def test_export_usage_errors(lib: Path, capsys, args: list[str], message: str) -> None:
    assert main(["export", str(lib), *args]) == 2
    assert message in capsys.readouterr().err


def test_export_missing_path(tmp_path: Path, capsys) -> None:
    assert main(["export", str(tmp_path / "nope"), "--format", "md"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["export", str(empty), "--format", "md"]) == 2
    assert "no transcripts" in capsys.readouterr().err


def test_export_bad_format(lib: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", str(lib), "--format", "docx"])
    assert exc.value.code == 2


def test_import_invalid_json(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_text("{ not json", "utf-8")
    assert main(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonld: not valid JSON" in err and "line 1" in err


def test_import_missing_file_or_folder(tmp_path: Path, capsys) -> None:
    assert main(["import", str(tmp_path / "none.jsonld")]) == 2
    assert "no such file" in capsys.readouterr().err
    f = tmp_path / "x.jsonld"
    f.write_text("[]", "utf-8")
    assert main(["import", str(f), str(tmp_path / "nofolder")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_import_exit_1_when_not_saved(tmp_path: Path, capsys) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.md").write_text("Some text that is here.\n")
    newer = {"format": "transcript-reader-annotations", "formatVersion": 99, "items": []}
    (lib / "a.md.annotations.json").write_text(json.dumps(newer), "utf-8")
    item = {
        "type": "Annotation", "id": "urn:x:1",
        "target": {"source": "urn:x:d", "selector": {"type": "TextQuoteSelector",
                                                     "exact": "text that"}},
    }  # fmt: skip
    f = tmp_path / "i.jsonld"
    f.write_text(json.dumps(item), "utf-8")
    assert main(["import", str(f), str(lib)]) == 1
    captured = capsys.readouterr()
    assert "not saved in a.md" in captured.err and "1 not saved" in captured.out
