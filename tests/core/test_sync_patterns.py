"""What sync tools and other programs do to a sidecar while a store holds it open.

A sync tool replaces the sidecar by a rename (Syncthing, Dropbox) or rewrites it in place
(Nextcloud, some editors); it leaves conflict copies beside it; a folder may not be writable.
In every case the store keeps both sides' notes.
"""

from __future__ import annotations

import errno
import glob
import os
from pathlib import Path

import pytest
from test_store import TEXT, note_on, transcript

from reader.core import conflicts, paths, sidecar
from reader.core.locations import fallback_path
from reader.core.recovery import find_relinks, orphan_sidecars, relink
from reader.core.store import AnnotationStore, StoreError, sidecar_path


def _other_copy(tmp_path: Path, source: AnnotationStore, name: str = "other") -> AnnotationStore:
    """A second computer's copy of the same notes (a folder synced from this one)."""
    other_dir = tmp_path / name
    other_dir.mkdir()
    (other_dir / "episode.md.annotations.json").write_bytes(source.sidecar_path.read_bytes())
    return AnnotationStore.open(transcript(other_dir))


def _fail_next_save(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next replace of a sidecar (not of a backup) fails as on a full disk."""
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):  # noqa: ANN001
        if Path(dst).name == "episode.md.annotations.json":
            calls["n"] += 1
            if calls["n"] == 1:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)


@pytest.mark.parametrize("how", ["renamed-over", "rewritten-in-place"])
def test_sidecar_changed_by_a_sync_tool_while_an_edit_is_pending(tmp_path, monkeypatch, how):
    t = transcript(tmp_path)
    mine = AnnotationStore.open(t)
    a = mine.add(note_on(TEXT, "the piano", note="first"))
    other = _other_copy(tmp_path, mine)

    _fail_next_save(monkeypatch)
    with pytest.raises(StoreError) as info:
        mine.update(mine.get(a.id).touched(note="edited here"))  # pending: the save failed
    assert info.value.kept and mine.unsaved

    # meanwhile the other computer adds a note, deletes nothing, and the sync tool delivers it
    b = other.add(note_on(TEXT, "the chickens", note="from there"))
    incoming = other.sidecar_path.read_bytes()
    if how == "renamed-over":
        tmp = tmp_path / ".syncthing.episode.md.annotations.json.tmp"
        tmp.write_bytes(incoming)
        os.rename(tmp, mine.sidecar_path)
    else:
        with open(mine.sidecar_path, "r+b") as fh:
            fh.truncate(0)
            fh.write(incoming)

    mine.save()  # the pending edit is saved, merged with the replaced file
    assert not mine.unsaved
    on_disk = AnnotationStore.open(t)
    assert on_disk.get(a.id).note == "edited here"
    assert on_disk.get(b.id).note == "from there"
    assert mine.get(b.id) is not None


def test_reload_then_save_keeps_both_and_deletions_win(tmp_path):
    t = transcript(tmp_path)
    mine = AnnotationStore.open(t)
    a = mine.add(note_on(TEXT, "the piano"))
    c = mine.add(note_on(TEXT, "shed roof"))
    other = _other_copy(tmp_path, mine)
    other.delete(c.id)
    b = other.add(note_on(TEXT, "the chickens"))
    os.replace(other.sidecar_path, mine.sidecar_path)
    changed = mine.reload()
    assert changed == {b.id, c.id}
    assert {x.id for x in mine.annotations} == {a.id, b.id}


@pytest.mark.parametrize(
    "copy_name",
    [
        "episode.md.annotations.sync-conflict-20240101-120000-ABCDEFG.json",
        "episode.md.annotations (conflicted copy 2024-01-01).json",
        "episode.md.annotations (Jo's conflicted copy 2024-01-01).json",
        "episode.md.annotations (conflicted copy 2024-01-01 120000).json",
    ],
    ids=["syncthing", "dropbox", "dropbox-named", "nextcloud"],
)
def test_conflict_copy_patterns_are_merged_and_set_aside_after_the_save(tmp_path, copy_name):
    t = transcript(tmp_path)
    mine = AnnotationStore.open(t)
    a = mine.add(note_on(TEXT, "the piano"))
    other = _other_copy(tmp_path, mine)
    b = other.add(note_on(TEXT, "the chickens"))
    copy = tmp_path / copy_name
    copy.write_bytes(other.sidecar_path.read_bytes())
    assert conflicts.find_conflict_copies(mine.sidecar_path) == [copy]

    s = AnnotationStore.open(t)
    assert {x.id for x in s.annotations} == {a.id, b.id}
    assert copy.exists()  # opening moves nothing
    notices = s.settle()  # saves the merge, then sets the copy aside
    assert not copy.exists() and len(notices) == 1 and copy_name in notices[0]
    assert {x.id for x in AnnotationStore.open(t).annotations} == {a.id, b.id}
    (moved,) = conflicts.list_set_aside(tmp_path)
    assert moved.original == tmp_path.resolve() / copy_name and moved.stored.exists()
    assert moved.stored.parent.parent == paths.user_data_dir() / "conflicts"


def test_conflict_copy_is_not_set_aside_when_the_save_fails(tmp_path, monkeypatch):
    t = transcript(tmp_path)
    mine = AnnotationStore.open(t)
    mine.add(note_on(TEXT, "the piano"))
    other = _other_copy(tmp_path, mine)
    other.add(note_on(TEXT, "the chickens"))
    copy = tmp_path / "episode.md.annotations.sync-conflict-20240101-120000-ABCDEFG.json"
    copy.write_bytes(other.sidecar_path.read_bytes())
    s = AnnotationStore.open(t)
    _fail_next_save(monkeypatch)
    with pytest.raises(StoreError):
        s.settle()
    assert copy.exists()
    assert s.settle() and not copy.exists()


def test_conflict_copy_already_contained_is_set_aside_without_writing(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    copy = tmp_path / "episode.md.annotations (conflicted copy 2024-01-01).json"
    copy.write_bytes(s.sidecar_path.read_bytes())
    before = s.sidecar_path.stat().st_mtime_ns
    again = AnnotationStore.open(t)
    assert again.settle() and not copy.exists()
    assert s.sidecar_path.stat().st_mtime_ns == before


def test_a_newer_format_conflict_copy_is_neither_merged_nor_moved(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    data = s.sidecar_path.read_bytes().replace(b'"formatVersion": 1', b'"formatVersion": 9')
    copy = tmp_path / "episode.md.annotations.sync-conflict-20240101-120000-ABCDEFG.json"
    copy.write_bytes(data)
    again = AnnotationStore.open(t)
    assert any("newer" in w for w in again.warnings)
    again.settle()
    again.add(note_on(TEXT, "the chickens"))
    assert copy.read_bytes() == data


def test_newer_format_sidecar_is_read_never_downgraded(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    data = s.sidecar_path.read_bytes().replace(b'"formatVersion": 1', b'"formatVersion": 2')
    s.sidecar_path.write_bytes(data)
    newer = AnnotationStore.open(t)
    assert [a.exact for a in newer.annotations] == ["the piano"]
    assert newer.errors and "newer version" in newer.errors[0]
    with pytest.raises(StoreError):
        newer.add(note_on(TEXT, "the chickens"))
    newer.settle()
    newer.save()
    assert s.sidecar_path.read_bytes() == data
    assert not fallback_path(s.sidecar_path).exists()  # not written elsewhere either


# --- a folder that cannot be written ----------------------------------------------------------


def _unwritable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Creating files in ``folder`` fails as it does on a read-only share (we run as root)."""
    real = os.open

    def guarded(path, flags, *args, **kwargs):  # noqa: ANN001
        if flags & os.O_CREAT and Path(path).parent == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)


def test_unwritable_folder_saves_to_the_user_data_folder_and_moves_back(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    lib.mkdir()
    t = transcript(lib)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano"))  # beside the transcript
    with monkeypatch.context() as m:
        _unwritable(m, lib)
        b = s.add(note_on(TEXT, "the chickens", note="while read-only"))  # no error: saved
        fallback = fallback_path(s.sidecar_path)
        assert fallback.is_file() and str(fallback) in s.location
        assert "cannot be written" in s.location
        (notice,) = s.take_notices()
        assert str(fallback) in notice
        assert "the chickens" not in s.sidecar_path.read_text("utf-8")
        # another session finds the notes while the folder is still read-only
        other = AnnotationStore.open(t)
        assert {x.id for x in other.annotations} == {a.id, b.id} and other.in_fallback
        c = other.add(note_on(TEXT, "shed roof"))
        assert other.settle() == []  # still cannot move back
    # writable again: the next open + settle (or save) moves them back, merged
    again = AnnotationStore.open(t)
    assert {x.id for x in again.annotations} == {a.id, b.id, c.id}
    notices = again.settle()
    assert any("next to the transcript" in n for n in notices)
    assert not fallback.exists() and not again.in_fallback
    on_disk = sidecar.parse(s.sidecar_path.read_bytes())
    assert {i["id"] for i in on_disk.items} == {a.id, b.id, c.id}
    assert "next to the transcript" in again.location


def test_first_sidecar_in_an_unwritable_folder_records_the_id_for_private_notes(
    tmp_path, monkeypatch
):
    lib = tmp_path / "lib"
    lib.mkdir()
    t = transcript(lib)
    with monkeypatch.context() as m:
        _unwritable(m, lib)
        s = AnnotationStore.open(t)
        p = s.add(note_on(TEXT, "the piano", private=True))
        assert s.private_path.is_file() and not s.sidecar_path.exists()
    again = AnnotationStore.open(t)
    assert again.document_id == s.document_id and again.get(p.id).private
    again.settle()
    assert sidecar.parse(s.sidecar_path.read_bytes()).document_id == s.document_id


def test_disk_full_is_not_mistaken_for_an_unwritable_folder(tmp_path, monkeypatch):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    before = s.sidecar_path.read_bytes()
    with monkeypatch.context() as m:
        m.setattr(os, "write", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
        with pytest.raises(StoreError, match="full") as info:
            s.add(note_on(TEXT, "the chickens"))
    assert info.value.kept and s.sidecar_path.read_bytes() == before
    assert not fallback_path(s.sidecar_path).exists()
    s.save()
    assert len(AnnotationStore.open(t).annotations) == 2


# --- renamed transcripts ----------------------------------------------------------------------


def test_renamed_transcript_is_offered_and_relinked_by_rename(tmp_path):
    (tmp_path / "episode.md").write_text("AL - Ann Lee\n\nAL The piano had floated away.\n")
    from reader.core.transcript import load_transcript

    s = AnnotationStore.open(load_transcript(tmp_path / "episode.md"))
    text = s.transcript.text
    a = s.add(note_on(text, "piano had floated"))
    p = s.add(note_on(text, "floated away", private=True))
    (tmp_path / "episode.md").rename(tmp_path / "renamed.md")
    assert orphan_sidecars(tmp_path) == [s.sidecar_path]
    offers = find_relinks(tmp_path)
    assert offers == [(s.sidecar_path, tmp_path / "renamed.md")]

    new = relink(*offers[0])
    assert new == sidecar_path(tmp_path / "renamed.md") and not s.sidecar_path.exists()
    moved = AnnotationStore.open(load_transcript(tmp_path / "renamed.md"))
    assert {x.id for x in moved.annotations} == {a.id, p.id}
    assert find_relinks(tmp_path) == []


def test_relink_merges_into_an_existing_sidecar_and_keeps_the_old_one_aside(tmp_path):
    from reader.core.transcript import load_transcript

    (tmp_path / "old.md").write_text("AL - Ann Lee\n\nAL The piano had floated away.\n")
    (tmp_path / "new.md").write_text("AL - Ann Lee\n\nAL The piano had floated away.\n")
    old = AnnotationStore.open(load_transcript(tmp_path / "old.md"))
    a = old.add(note_on(old.transcript.text, "piano"))
    p = old.add(note_on(old.transcript.text, "floated", private=True))
    new = AnnotationStore.open(load_transcript(tmp_path / "new.md"))
    b = new.add(note_on(new.transcript.text, "away"))
    (tmp_path / "old.md").unlink()

    (offer,) = find_relinks(tmp_path)
    relink(*offer)
    merged = AnnotationStore.open(load_transcript(tmp_path / "new.md"))
    assert {x.id for x in merged.annotations} == {a.id, b.id, p.id}
    assert merged.get(p.id).private and merged.document_id == new.document_id
    assert not (tmp_path / "old.md.annotations.json").exists()
    kept = glob.glob(str(paths.user_data_dir() / "relinked" / "*" / "old.md.annotations.json"))
    assert len(kept) == 1


def test_scan_reports_progress_and_can_be_cancelled(tmp_path):
    from reader.core.recovery import ScanCancelled, scan

    for i in range(4):
        (tmp_path / f"e{i}.md").write_text(TEXT, "utf-8")
    seen: list[tuple[int, int]] = []
    assert scan(tmp_path, progress=lambda d, t: seen.append((d, t))) == []
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(ScanCancelled):
        scan(tmp_path, progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) > 6)
