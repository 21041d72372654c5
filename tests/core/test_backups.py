"""Versioned backups of the notes: written before overwrites, coalesced, pruned, restored."""

from __future__ import annotations

import datetime as _dt
import json
import os
import time

import pytest
from test_store import TEXT, note_on, transcript

from reader.core import backups, sidecar
from reader.core.backups import KEEP, find_backup, list_backups, restore, write_backup
from reader.core.locations import backups_root, document_key
from reader.core.store import AnnotationStore

T0 = _dt.datetime(2025, 1, 1, 12, 0, tzinfo=_dt.timezone.utc)


class Clock:
    """The backups' clock, moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = T0
        monkeypatch.setattr(backups, "_now", lambda: self.now)

    def wait(self, seconds: float) -> None:
        self.now += _dt.timedelta(seconds=seconds)


def _contents(document_id: str) -> list[bytes]:
    return [b.path.read_bytes() for b in list_backups(document_id)]


def test_what_the_program_writes_is_kept_saves_within_a_minute_coalesced(tmp_path, monkeypatch):
    clock = Clock(monkeypatch)
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))  # a new file: the version written is kept
    first = s.sidecar_path.read_bytes()
    (only,) = list_backups(s.document_id)
    assert only.path.read_bytes() == first and only.saved and only.annotations() == 1
    assert only.path.parent == backups_root() / document_key(s.document_id)
    assert only.id.endswith("Z-saved") and not only.private

    clock.wait(20)
    s.add(note_on(TEXT, "the chickens"))  # the first version stays: nothing stands for it
    second = s.sidecar_path.read_bytes()
    assert _contents(s.document_id) == [second, first]
    clock.wait(20)
    s.add(note_on(TEXT, "shed roof"))  # the second lasted 20 s, 20 s after the first: replaced
    third = s.sidecar_path.read_bytes()
    assert _contents(s.document_id) == [third, first]

    clock.wait(61)  # the third lasted more than a minute: it stays
    s.add(note_on(TEXT, "people shared"))
    fourth = s.sidecar_path.read_bytes()
    assert _contents(s.document_id) == [fourth, third, first]
    clock.wait(10)  # the fourth lasted 10 s, but 61 s after the third: it stands for its minute
    s.add(note_on(TEXT, "Nobody asked"))
    fifth = s.sidecar_path.read_bytes()
    assert _contents(s.document_id) == [fifth, fourth, third, first]
    clock.wait(30)
    s.delete(s.annotations[0].id)  # the fifth lasted 30 s, 10 s after the fourth: replaced
    assert _contents(s.document_id) == [s.sidecar_path.read_bytes(), fourth, third, first]
    assert all(b.saved for b in list_backups(s.document_id))


def test_saving_every_few_seconds_keeps_about_one_version_a_minute(tmp_path, monkeypatch):
    clock = Clock(monkeypatch)
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano"))
    for i in range(60):  # ten minutes
        clock.wait(10)
        s.update(s.get(a.id).touched(note=f"edit {i}"))
    found = list_backups(s.document_id)
    assert len(found) == KEEP and found[0].path.read_bytes() == s.sidecar_path.read_bytes()
    gaps = [(x.time - y.time).total_seconds() for x, y in zip(found[1:], found[2:], strict=False)]
    assert all(60 <= g <= 70 for g in gaps), gaps


def test_a_version_written_elsewhere_and_the_last_one_before_it_are_kept(tmp_path, monkeypatch):
    Clock(monkeypatch)  # the clock stands still: only changes made elsewhere are never coalesced
    t = transcript(tmp_path)
    mine = AnnotationStore.open(t)
    a = mine.add(note_on(TEXT, "the piano"))
    ours = mine.sidecar_path.read_bytes()
    data = json.loads(ours)
    data["items"] = []
    theirs = json.dumps(data).encode()
    mine.sidecar_path.write_bytes(theirs)  # a sync tool or an editor replaces the file
    mine.add(note_on(TEXT, "shed roof"))  # merges: a stays (ours), and it is all kept
    found = list_backups(mine.document_id)
    assert [b.path.read_bytes() for b in found] == [mine.sidecar_path.read_bytes(), theirs, ours]
    assert [b.saved for b in found] == [True, False, True]
    assert a.id in mine.sidecar_path.read_text("utf-8")


def test_a_save_waits_for_the_disk_for_the_notes_and_for_found_bytes_not_for_its_copy(
    tmp_path, monkeypatch
):
    """A save makes the notes file durable (the file and its folder: two fsyncs); the backup of
    what it wrote is a copy of those durable bytes and waits for nothing. Bytes found on disk
    (written elsewhere) are made durable in their backup before the file is overwritten."""
    Clock(monkeypatch)
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else "")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    t = transcript(tmp_path)
    mine = AnnotationStore.open(t)
    mine.add(note_on(TEXT, "the piano"))
    assert len(synced) == 2
    if synced[0]:  # (Linux: which files)
        assert synced[0].endswith(".tmp") and synced[1] == str(mine.sidecar_path.parent)
    (saved,) = list_backups(mine.document_id)
    assert saved.path.read_bytes() == mine.sidecar_path.read_bytes()
    data = json.loads(mine.sidecar_path.read_bytes())
    data["items"] = []
    theirs = json.dumps(data).encode()
    mine.sidecar_path.write_bytes(theirs)  # a sync tool or an editor replaces the file
    synced.clear()
    mine.add(note_on(TEXT, "shed roof"))
    assert len(synced) == 4  # the found bytes' backup (file, folder), then the notes file
    if synced[0]:
        found = [b for b in list_backups(mine.document_id) if not b.saved]
        assert synced[1] == str(found[0].path.parent)
        assert synced[3] == str(mine.sidecar_path.parent)


def test_another_process_of_the_program_is_not_a_change_made_elsewhere(tmp_path, monkeypatch):
    Clock(monkeypatch)
    t = transcript(tmp_path)
    mine, other = AnnotationStore.open(t), AnnotationStore.open(t)
    mine.add(note_on(TEXT, "the piano"))
    other.add(note_on(TEXT, "the chickens"))  # merges mine's version, which was backed up
    mine.add(note_on(TEXT, "shed roof"))
    # the second version lasted less than a minute, and it merged nothing made elsewhere
    found = list_backups(mine.document_id)
    assert [b.annotations() for b in found] == [3, 1] and all(b.saved for b in found)
    assert found[0].path.read_bytes() == mine.sidecar_path.read_bytes()


def test_a_killed_save_is_caught_up_with_before_the_next_overwrite(tmp_path, monkeypatch):
    Clock(monkeypatch)
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    monkeypatch.setattr(backups, "after_save", lambda *a, **k: None)  # killed after writing
    s.add(note_on(TEXT, "the piano"))
    unrecorded = s.sidecar_path.read_bytes()
    assert list_backups(s.document_id) == []
    monkeypatch.undo()
    Clock(monkeypatch)
    s.add(note_on(TEXT, "shed roof"))
    found = list_backups(s.document_id)
    assert [b.path.read_bytes() for b in found] == [s.sidecar_path.read_bytes(), unrecorded]
    assert [b.saved for b in found] == [True, False]


def test_coalescing_rules_of_after_save():
    doc = "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"

    def at(seconds: float) -> _dt.datetime:
        return T0 + _dt.timedelta(seconds=seconds)

    assert backups.after_save(doc, None, b"v1", now=at(0)) is not None
    assert backups.after_save(doc, b"v1", b"v1", now=at(1)) is None  # held already
    backups.after_save(doc, b"v1", b"v2", now=at(10))  # the only backup is never replaced
    backups.after_save(doc, b"v2", b"v3", now=at(20))
    assert _contents(doc) == [b"v3", b"v1"]
    # the file did not hold the newest backup (changed elsewhere): nothing is replaced
    backups.after_save(doc, b"other", b"v4", now=at(21))
    assert _contents(doc) == [b"v4", b"v3", b"v1"]
    # a found (not saved) newest backup is never replaced
    backups.before_overwrite(doc, b"found", now=at(22))
    backups.after_save(doc, b"found", b"v5", now=at(23))
    assert _contents(doc) == [b"v5", b"found", b"v4", b"v3", b"v1"]
    # a clock that went back: backups keep the order they were made in
    backups.after_save(doc, b"elsewhere", b"v6", now=at(-600))
    assert _contents(doc)[:2] == [b"v6", b"v5"]
    # bytes any backup holds are not kept twice before an overwrite
    assert backups.before_overwrite(doc, b"v3") is None


def test_private_notes_are_backed_up_apart():
    doc = "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"
    write_backup(doc, b"shared", now=T0)
    write_backup(doc, b"private", private=True, now=T0)
    assert [b.private for b in list_backups(doc)] == [True, False] or [
        b.private for b in list_backups(doc)
    ] == [False, True]
    assert [b.path.read_bytes() for b in list_backups(doc, private=True)] == [b"private"]


def test_only_the_newest_are_kept_and_equal_bytes_are_not_duplicated():
    doc = "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"
    for i in range(KEEP + 5):
        write_backup(doc, f"version {i}".encode(), now=T0 + _dt.timedelta(minutes=i))
    assert write_backup(doc, b"version 14", now=T0 + _dt.timedelta(hours=1)) is None
    found = list_backups(doc)
    assert len(found) == KEEP
    assert [b.path.read_bytes() for b in found][:2] == [b"version 14", b"version 13"]
    assert find_backup(doc) == found[0] and find_backup(doc, found[3].id) == found[3]
    assert find_backup(doc, "nonsense") is None


def test_restore_brings_back_deleted_and_edited_notes_and_keeps_new_ones(tmp_path, monkeypatch):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano", note="original"))
    b = s.add(note_on(TEXT, "the chickens"))
    monkeypatch.setattr(backups, "COALESCE", _dt.timedelta(0))
    s.delete(b.id)  # backs up the version with a and b
    s.update(s.get(a.id).touched(note="changed later"))
    c = s.add(note_on(TEXT, "shed roof"))
    (version,) = [
        x
        for x in list_backups(s.document_id)
        if x.annotations() == 2 and '"original"' in x.path.read_text("utf-8")
    ]

    ids = restore(s, version)
    assert set(ids) == {a.id, b.id}
    again = AnnotationStore.open(t)
    assert {x.id for x in again.annotations} == {a.id, b.id, c.id}
    assert again.get(a.id).note == "original"
    # restored versions are new versions: another copy holding the tombstone does not win
    assert again.get(b.id).modified > s.get(a.id).created
    assert restore(s, version) == []  # nothing left to bring back


def test_restore_of_a_newer_format_backup_is_refused(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    data = s.sidecar_path.read_bytes().replace(b'"formatVersion": 1', b'"formatVersion": 3')
    path = write_backup(s.document_id, data, force=True, now=T0)
    with pytest.raises(sidecar.SidecarError):
        restore(s, find_backup(s.document_id, path.stem))


def test_a_deletion_made_elsewhere_is_merged_and_a_restore_wins_over_it(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano", note="keep me"))
    # another computer deletes it: its sidecar, synced here, holds a tombstone
    data = json.loads(s.sidecar_path.read_text("utf-8"))
    stamp = "2999-01-01T00:00:00.000Z"  # even a tombstone from the future loses to a restore
    tomb = {"@context": data["@context"], "id": a.id, "type": "Annotation", "modified": stamp}
    data["items"] = [{**tomb, "deleted": True, "target": data["document"]["id"]}]
    theirs = json.dumps(data, indent=2).encode()
    s.sidecar_path.write_bytes(theirs)
    b = s.add(note_on(TEXT, "shed roof"))
    assert s.get(a.id) is None  # the deletion is honoured by the merge, as documented

    version = backups.latest_to_restore(s)
    assert version is not None and version.saved and "keep me" in version.path.read_text("utf-8")
    assert restore(s, version) == [a.id]
    again = AnnotationStore.open(t)
    assert {x.id for x in again.annotations} == {a.id, b.id}
    assert again.get(a.id).note == "keep me" and not again.get(a.id).deleted
    # the same tombstone synced in again does not delete it: the restored version is newer
    s.sidecar_path.write_bytes(theirs)
    s.reload()
    s.add(note_on(TEXT, "the chickens"))
    assert AnnotationStore.open(t).get(a.id) is not None


def test_temp_files_of_killed_backups_are_removed_once_stale():
    doc = "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"
    backups.after_save(doc, None, b"v1", now=T0)
    folder = backups_root() / document_key(doc)
    stale = folder / ".20250101T120000.000001Z-saved.json.0123abcd.tmp"
    fresh = folder / ".20250101T120000.000002Z-saved.json.4567cdef.tmp"
    private = folder / ".20250101T120000.000003Z-private.json.89abcdef.tmp"
    for temp in (stale, fresh, private):
        temp.write_bytes(b"half")
    old = time.time() - backups.STALE_TEMP - 5
    os.utime(stale, (old, old))
    os.utime(private, (old, old))
    backups.after_save(doc, b"v1", b"v2", now=T0 + _dt.timedelta(minutes=5))
    # a fresh one may belong to a save running now; private ones to the other file's saves
    assert not stale.exists() and fresh.exists() and private.exists()
    assert _contents(doc) == [b"v2", b"v1"]
