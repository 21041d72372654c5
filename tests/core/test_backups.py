"""Versioned backups of the notes: written before overwrites, coalesced, pruned, restored."""

from __future__ import annotations

import datetime as _dt

import pytest
from test_store import TEXT, note_on, transcript

from reader.core import backups, sidecar
from reader.core.backups import KEEP, find_backup, list_backups, restore, write_backup
from reader.core.locations import backups_root, document_key
from reader.core.store import AnnotationStore

T0 = _dt.datetime(2025, 1, 1, 12, 0, tzinfo=_dt.timezone.utc)


def test_the_old_bytes_are_kept_before_an_overwrite_at_most_once_a_minute(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))  # a new file: nothing to back up
    assert list_backups(s.document_id) == []
    first = s.sidecar_path.read_bytes()
    s.add(note_on(TEXT, "the chickens"))
    s.add(note_on(TEXT, "shed roof"))  # within the minute: coalesced
    (only,) = list_backups(s.document_id)
    assert only.path.read_bytes() == first and only.annotations() == 1 and not only.private
    assert only.path.parent == backups_root() / document_key(s.document_id)


def test_a_merge_that_changed_things_is_always_backed_up(tmp_path):
    t = transcript(tmp_path)
    mine, other = AnnotationStore.open(t), AnnotationStore.open(t)
    mine.add(note_on(TEXT, "the piano"))
    other.add(note_on(TEXT, "the chickens"))  # first overwrite: backed up
    theirs = mine.sidecar_path.read_bytes()
    mine.add(note_on(TEXT, "shed roof"))  # merges the other's change: backed up again
    found = list_backups(mine.document_id)
    assert len(found) == 2 and found[0].path.read_bytes() == theirs


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
    version = next(x for x in list_backups(s.document_id) if x.annotations() == 2)

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
    path = write_backup(s.document_id, data, now=T0)
    with pytest.raises(sidecar.SidecarError):
        restore(s, find_backup(s.document_id, path.stem))
