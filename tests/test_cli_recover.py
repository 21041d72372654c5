"""`transcript-reader backups FILE` and `transcript-reader restore FILE`."""

from __future__ import annotations

import json

from reader.cli import main
from reader.core.store import sidecar_path

BODY = "---\ntitle: T\n---\nAL - Ann Lee\n\nAL The piano had floated across the room at dawn.\n"


def _library(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text(BODY, encoding="utf-8")
    return path


def test_backups_lists_and_restore_latest_brings_a_deleted_note_back(tmp_path, capsys):
    path = _library(tmp_path)
    assert main(["backups", str(path)]) == 0
    assert "No backups" in capsys.readouterr().out
    assert main(["annotate", str(path), "--quote", "piano", "--author", "me"]) == 0
    assert main(["annotate", str(path), "--quote", "dawn", "--author", "me"]) == 0
    capsys.readouterr()
    # remove every note by hand (as a careless sync or edit might): the backup has one
    data = json.loads(sidecar_path(path).read_text("utf-8"))
    data["items"] = []
    sidecar_path(path).write_text(json.dumps(data), "utf-8")

    assert main(["backups", str(sidecar_path(path)), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["backups"]
    assert len(listed) == 1 and listed[0]["annotations"] == 1 and not listed[0]["private"]
    assert main(["backups", str(path)]) == 0
    assert listed[0]["id"] in capsys.readouterr().out

    assert main(["restore", str(path), "--latest"]) == 0
    assert "Restored 1 annotation" in capsys.readouterr().out
    items = json.loads(sidecar_path(path).read_text("utf-8"))["items"]
    assert [i["target"]["selector"][0]["exact"] for i in items] == ["piano"]

    assert main(["restore", str(path), "--backup", listed[0]["id"]]) == 0
    assert "Restored 0 annotations" in capsys.readouterr().out


def test_restore_usage_errors(tmp_path, capsys):
    path = _library(tmp_path)
    assert main(["restore", str(tmp_path / "missing.md"), "--latest"]) == 2
    assert main(["restore", str(path), "--latest"]) == 1
    assert "no backups" in capsys.readouterr().err
    assert main(["restore", str(path), "--backup", "20250101T000000.000000Z"]) == 1
    try:
        main(["restore", str(path)])
    except SystemExit as exc:  # --backup or --latest is required
        assert exc.code == 2
    else:
        raise AssertionError("restore without --backup/--latest must fail")
