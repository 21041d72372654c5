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


def _exacts(path) -> list[str]:  # noqa: ANN001
    items = json.loads(sidecar_path(path).read_text("utf-8"))["items"]
    return [i["target"]["selector"][0]["exact"] for i in items if not i.get("deleted")]


def _empty_the_sidecar(path) -> None:  # noqa: ANN001
    """Another program (a careless sync, an editor) replaces the sidecar: no notes at all."""
    data = json.loads(sidecar_path(path).read_text("utf-8"))
    data["items"] = []
    sidecar_path(path).write_text(json.dumps(data), "utf-8")


def test_backups_lists_and_restore_latest_brings_deleted_notes_back(tmp_path, capsys):
    path = _library(tmp_path)
    assert main(["backups", str(path)]) == 0
    assert "No backups" in capsys.readouterr().out
    assert main(["annotate", str(path), "--quote", "piano", "--author", "me"]) == 0
    assert main(["annotate", str(path), "--quote", "dawn", "--author", "me"]) == 0
    capsys.readouterr()
    _empty_the_sidecar(path)

    assert main(["backups", str(sidecar_path(path)), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["backups"]
    assert [(b["annotations"], b["saved"], b["current"], b["private"]) for b in listed] == [
        (2, True, False, False),  # what the second annotate wrote
        (1, True, False, False),  # what the first one wrote
    ]
    assert main(["backups", str(path)]) == 0
    assert listed[0]["id"] in capsys.readouterr().out

    assert main(["restore", str(path), "--latest"]) == 0
    assert "Restored 2 annotations" in capsys.readouterr().out
    assert _exacts(path) == ["piano", "dawn"]

    assert main(["restore", str(path), "--backup", listed[0]["id"]]) == 0
    assert "Restored 0 annotations" in capsys.readouterr().out


def test_a_note_wiped_by_another_program_before_the_next_save_can_be_restored(tmp_path, capsys):
    """The reported loss: save, the sidecar replaced by an empty list elsewhere, save again."""
    path = _library(tmp_path)
    assert main(["annotate", str(path), "--quote", "piano", "--note", "keep me"]) == 0
    _empty_the_sidecar(path)
    assert main(["annotate", str(path), "--quote", "dawn"]) == 0
    assert _exacts(path) == ["dawn"]  # the wipe was merged: the note is gone from the sidecar
    capsys.readouterr()

    assert main(["backups", str(path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["backups"]
    assert [(b["annotations"], b["saved"], b["current"]) for b in listed] == [
        (1, True, True),  # what the second annotate wrote: the sidecar as it is now
        (0, False, False),  # the empty list found on disk before that save
        (1, True, False),  # what the first annotate wrote, with the note
    ]
    assert main(["backups", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "(as now)" in lines[1] and "(found on disk)" in lines[2] and "(" not in lines[3]

    assert main(["restore", str(path), "--latest"]) == 0  # skips versions with nothing to add
    out = capsys.readouterr().out
    assert "Restored 1 annotation from the backup of" in out and listed[2]["id"] in out
    assert _exacts(path) == ["piano", "dawn"]
    notes = json.loads(sidecar_path(path).read_text("utf-8"))["items"][0]["body"]
    assert notes[0]["value"] == "keep me"


def test_the_listed_backup_of_the_wiped_note_restores_it_too(tmp_path, capsys):
    path = _library(tmp_path)
    assert main(["annotate", str(path), "--quote", "piano"]) == 0
    _empty_the_sidecar(path)
    assert main(["annotate", str(path), "--quote", "dawn"]) == 0
    capsys.readouterr()
    assert main(["backups", str(path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["backups"]
    assert main(["restore", str(path), "--backup", listed[-1]["id"]]) == 0
    assert "Restored 1 annotation " in capsys.readouterr().out
    assert _exacts(path) == ["piano", "dawn"]


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
