"""AnnotationStore: load, add/update/delete, atomic merged saves, private notes, bad sidecars."""

from __future__ import annotations

import errno
import glob
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import paths, sidecar
from reader.core.annotations import Annotation
from reader.core.store import AnnotationStore, StoreError, new_annotation, sidecar_path
from reader.core.transcript import EpisodeMeta, Transcript

TEXT = (
    "Interviewer: Tell me about the winter of 1962.\n"
    "Mary: The water came up overnight. By morning the piano had floated across the room and "
    "jammed itself against the stairs. We lost the chickens, and the shed roof went too.\n"
    "Interviewer: What do you remember most?\n"
    "Mary: That people shared what they had. Nobody asked for anything back."
)


def transcript(folder: Path, text: str = TEXT, name: str = "episode.md") -> Transcript:
    return Transcript(meta=EpisodeMeta(path=folder / name, title="t"), text=text, blocks=[])


def note_on(text: str, quote: str, **fields) -> Annotation:
    start = text.index(quote)
    return new_annotation(text, start, start + len(quote), **fields)


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- basics -----------------------------------------------------------------------------------


def test_sidecar_path_is_beside_the_transcript(tmp_path):
    assert sidecar_path(tmp_path / "episode.md") == tmp_path / "episode.md.annotations.json"
    assert sidecar_path("a/b.txt").name == "b.txt.annotations.json"


def test_opening_without_a_sidecar_writes_nothing(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    assert s.annotations == [] and s.errors == [] and s.document_id.startswith("urn:uuid:")
    assert folder_listing(tmp_path) == []
    assert "episode.md.annotations.json" in s.location


def test_add_update_delete_save_at_once_and_reopen(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano had floated", note="wow", tags=["flood"], creator="Jo"))
    b = s.add(note_on(TEXT, "people shared what they had", color="green"))
    assert [x.id for x in s.annotations] == [a.id, b.id]
    assert a.exact == "the piano had floated" and a.suffix.startswith(" across")

    reopened = AnnotationStore.open(t)
    assert reopened.annotations == s.annotations
    assert reopened.document_id == s.document_id

    edited = s.update(s.get(a.id).touched(note="edited", color="pink"))
    assert s.get(a.id).note == "edited" and edited.modified > a.modified
    s.delete(b.id)
    assert s.get(b.id) is None
    again = AnnotationStore.open(t)
    assert [x.id for x in again.annotations] == [a.id]
    assert again.get(a.id).note == "edited" and again.get(a.id).color == "pink"
    items = json.loads(s.sidecar_path.read_text("utf-8"))["items"]
    assert items[-1] == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": b.id,
        "type": "Annotation",
        "modified": items[-1]["modified"],
        "deleted": True,
        "target": s.document_id,
    }


def test_update_without_bumping_modified_still_wins(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    a = s.add(note_on(TEXT, "the piano"))
    stored = s.update(replace(a, note="same stamp"))
    assert stored.modified > a.modified
    assert AnnotationStore.open(transcript(tmp_path)).get(a.id).note == "same stamp"


def test_undo_of_delete_re_adds_over_the_tombstone(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    a = s.add(note_on(TEXT, "the piano"))
    s.delete(a.id)
    s.add(a)  # undo: the old object, older than the tombstone
    assert AnnotationStore.open(transcript(tmp_path)).get(a.id) is not None


def test_unknown_ids_raise_key_error(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    with pytest.raises(KeyError):
        s.update(note_on(TEXT, "the piano"))
    with pytest.raises(KeyError):
        s.delete("urn:uuid:nope")


def test_new_annotation_fills_quote_and_context():
    a = note_on(TEXT, "the piano had floated", color="blue", tags=("x",), private=True)
    assert a.id.startswith("urn:uuid:") and a.created == a.modified and a.created.endswith("Z")
    assert (a.exact, a.color, a.tags, a.private) == ("the piano had floated", "blue", ["x"], True)
    assert TEXT[a.start - len(a.prefix) : a.start] == a.prefix
    with pytest.raises(ValueError):
        new_annotation(TEXT, 5, 5)


def test_lock_files_never_go_into_the_library_folder(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    s.add(note_on(TEXT, "the piano"))
    assert folder_listing(tmp_path) == ["episode.md.annotations.json"]
    assert list((paths.user_cache_dir() / "locks").glob("*.lock"))


def test_unknown_keys_survive_a_round_trip_through_the_store(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano", note="n"))
    page = json.loads(s.sidecar_path.read_text("utf-8"))
    page["x-synced-by"] = {"device": "laptop"}
    page["document"]["x-language"] = "en"
    page["items"][0]["x-future"] = [1, {"two": 2}]
    page["items"][0]["creator"] = {"id": "urn:uuid:me", "type": "Person", "name": "Me"}
    page["items"][0]["target"]["selector"].append({"type": "XPathSelector", "value": "/p[2]"})
    page["items"].append({"id": "urn:uuid:odd", "type": "Annotation", "target": "urn:x:elsewhere"})
    s.sidecar_path.write_text(json.dumps(page), "utf-8")

    other = AnnotationStore.open(t)
    assert other.warnings  # the item it cannot read is kept, with a warning
    other.update(other.get(a.id).touched(note="changed"))
    other.add(note_on(TEXT, "shared what they had"))
    back = json.loads(s.sidecar_path.read_text("utf-8"))
    assert back["x-synced-by"] == {"device": "laptop"}
    assert back["document"]["x-language"] == "en"
    item = next(i for i in back["items"] if i["id"] == a.id)
    assert item["x-future"] == [1, {"two": 2}]
    assert item["creator"]["id"] == "urn:uuid:me"
    assert item["target"]["selector"][-1] == {"type": "XPathSelector", "value": "/p[2]"}
    assert item["body"][0]["value"] == "changed"
    assert {"id": "urn:uuid:odd", "type": "Annotation", "target": "urn:x:elsewhere"} in (
        back["items"]
    )


# --- merging with disk ------------------------------------------------------------------------


def test_two_stores_on_one_file_keep_both_and_reload_reports_changes(tmp_path):
    t = transcript(tmp_path)
    one, two = AnnotationStore.open(t), AnnotationStore.open(t)
    a = one.add(note_on(TEXT, "the piano"))
    b = two.add(note_on(TEXT, "the chickens"))  # merges a from disk before writing
    assert two.get(a.id) is not None
    assert one.reload() == {b.id}
    assert {x.id for x in one.annotations} == {a.id, b.id}
    assert one.document_id == two.document_id
    assert one.reload() == set()


def test_concurrent_edit_newer_wins_and_delete_is_not_resurrected(tmp_path):
    t = transcript(tmp_path)
    one = AnnotationStore.open(t)
    a = one.add(note_on(TEXT, "the piano", note="v1"))
    two = AnnotationStore.open(t)
    one.update(one.get(a.id).touched(note="older edit"))
    two.update(two.get(a.id).touched(note="newer edit"))
    assert one.reload() == {a.id} and one.get(a.id).note == "newer edit"

    b = one.add(note_on(TEXT, "the chickens"))
    two.reload()
    stale = two.get(b.id)
    one.delete(b.id)
    two.add(note_on(TEXT, "shed roof"))  # two still shows b; its save must not bring b back
    assert two.get(b.id) is None
    assert AnnotationStore.open(t).get(b.id) is None
    with pytest.raises(KeyError):
        two.update(stale.touched(note="late"))


def test_a_second_process_creating_the_sidecar_first_gives_the_document_id(tmp_path):
    t = transcript(tmp_path)
    one, two = AnnotationStore.open(t), AnnotationStore.open(t)
    assert one.document_id != two.document_id  # both new, neither saved
    one.add(note_on(TEXT, "the piano"))
    two.add(note_on(TEXT, "the chickens", private=True))
    assert two.document_id == one.document_id
    again = AnnotationStore.open(t)
    assert len(again.annotations) == 2
    page = json.loads(t.path.with_name("episode.md.annotations.json").read_text("utf-8"))
    assert {i["target"]["source"] for i in page["items"]} == {one.document_id}


# --- private notes ----------------------------------------------------------------------------


def test_private_notes_live_in_the_user_data_folder(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    shared = s.add(note_on(TEXT, "the piano"))
    secret = s.add(note_on(TEXT, "the chickens", note="my secret", private=True))
    assert b"my secret" not in s.sidecar_path.read_bytes()
    assert secret.id not in s.sidecar_path.read_text("utf-8")
    assert s.private_path.is_relative_to(paths.user_data_dir() / "private")
    assert "my secret" in s.private_path.read_text("utf-8")
    assert "private notes" in s.location

    again = AnnotationStore.open(t)
    assert again.get(secret.id).private and not again.get(shared.id).private

    # making it shared moves it: a tombstone stays in the private file, shown once
    again.update(again.get(secret.id).touched(private=False))
    third = AnnotationStore.open(t)
    assert [a.id for a in third.annotations].count(secret.id) == 1
    assert not third.get(secret.id).private
    assert "my secret" in third.sidecar_path.read_text("utf-8")
    third.update(third.get(secret.id).touched(private=True))
    fourth = AnnotationStore.open(t)
    assert fourth.get(secret.id).private
    assert "my secret" not in fourth.sidecar_path.read_text("utf-8")
    fourth.delete(secret.id)
    assert AnnotationStore.open(t).get(secret.id) is None


def test_first_private_note_records_the_document_id_in_a_header_only_sidecar(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    secret = s.add(note_on(TEXT, "the chickens", private=True))
    page = json.loads(s.sidecar_path.read_text("utf-8"))
    assert page["items"] == [] and page["document"]["id"] == s.document_id
    assert AnnotationStore.open(t).get(secret.id) is not None


# --- re-anchoring -----------------------------------------------------------------------------


def test_inserted_text_moves_positions_silently_and_opening_writes_nothing(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano had floated"))
    before = s.sidecar_path.read_bytes()

    changed = transcript(tmp_path, "A new introduction paragraph.\n" + TEXT)
    s2 = AnnotationStore.open(changed)
    moved = s2.get(a.id)
    assert moved.start == a.start + 30 and moved.status == "anchored"
    assert s2.sidecar_path.read_bytes() == before  # opening wrote nothing

    s2.add(note_on(changed.text, "the chickens"))  # the next save writes positions and hash
    page = json.loads(s2.sidecar_path.read_text("utf-8"))
    assert page["document"]["textSha256"] == changed.sha256
    item = next(i for i in page["items"] if i["id"] == a.id)
    assert item["target"]["selector"][1]["start"] == a.start + 30
    assert item["modified"] == a.modified  # re-anchoring is not an edit


def test_deleted_passage_orphans_and_the_orphan_is_kept(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    gone = s.add(note_on(TEXT, "We lost the chickens, and the shed roof went too.", note="n"))
    kept = s.add(note_on(TEXT, "people shared what they had"))

    cut = TEXT.replace(" We lost the chickens, and the shed roof went too.", "")
    s2 = AnnotationStore.open(transcript(tmp_path, cut))
    assert [o.id for o in s2.orphans] == [gone.id]
    assert s2.get(gone.id).exact == gone.exact and s2.get(gone.id).start == gone.start
    assert s2.get(kept.id).status == "anchored"
    s2.add(note_on(cut, "the piano"))
    s3 = AnnotationStore.open(transcript(tmp_path, cut))  # hash now matches: still an orphan
    assert [o.id for o in s3.orphans] == [gone.id] and s3.get(gone.id).note == "n"
    item = next(
        i for i in json.loads(s3.sidecar_path.read_text("utf-8"))["items"] if i["id"] == gone.id
    )
    assert item["x-status"] == "orphaned"
    assert item["target"]["selector"][0]["exact"] == gone.exact


def test_moved_status_persists_until_confirmed_and_quote_is_not_rewritten(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    a = s.add(note_on(TEXT, "By morning the piano had floated across the room"))
    edited = TEXT.replace("the piano had floated across", "the old piano had floated right across")
    s2 = AnnotationStore.open(transcript(tmp_path, edited))
    got = s2.get(a.id)
    assert got.status == "moved"
    assert (got.exact, got.prefix, got.suffix) == (a.exact, a.prefix, a.suffix)
    s2.add(note_on(edited, "the chickens"))
    s3 = AnnotationStore.open(transcript(tmp_path, edited))
    assert s3.get(a.id).status == "moved" and s3.get(a.id).start == got.start
    confirmed = s3.confirm(a.id)  # the user confirms: the quote is re-read at the new place
    assert confirmed.exact == edited[got.start : got.end] != a.exact
    s4 = AnnotationStore.open(transcript(tmp_path, edited))
    assert s4.get(a.id).status == "anchored" and s4.get(a.id).exact == confirmed.exact


def test_orphan_re_attached_to_a_selection(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    a = s.add(note_on(TEXT, "We lost the chickens", note="keep me"))
    cut = TEXT.replace("We lost the chickens", "")
    s2 = AnnotationStore.open(transcript(tmp_path, cut))
    orphan = s2.orphans[0]
    start = cut.index("the shed roof")
    s2.update(orphan.touched(start=start, end=start + 13, status="anchored"))
    s3 = AnnotationStore.open(transcript(tmp_path, cut))
    assert s3.orphans == [] and s3.get(a.id).exact == "the shed roof"
    assert s3.get(a.id).note == "keep me"


def test_matching_hash_with_wrong_offsets_is_re_anchored(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano had floated"))
    page = json.loads(s.sidecar_path.read_text("utf-8"))
    page["items"][0]["target"]["selector"][1].update(start=3, end=24)  # hand-edited
    s.sidecar_path.write_text(json.dumps(page), "utf-8")
    assert AnnotationStore.open(t).get(a.id).start == a.start


# --- files this version must not write --------------------------------------------------------

_NEWER = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "type": "AnnotationPage",
    "format": "transcript-reader-annotations",
    "formatVersion": 2,
    "document": {"id": "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"},
    "items": [
        {
            "id": "urn:uuid:1",
            "type": "Annotation",
            "created": "2030-01-01T00:00:00Z",
            "target": {
                "source": "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "the piano"},
                    {"type": "TextPositionSelector", "start": 121, "end": 130},
                ],
            },
            "x-new-feature": True,
        }
    ],
}


@pytest.mark.parametrize(
    "content",
    [
        b'{"format": "transcript-reader-annotations", "formatVersion": 1, "items": [',
        b"",
        b"\x00\x01garbage",
        json.dumps({"annotations": []}).encode(),
        json.dumps(["a", "b"]).encode(),
        json.dumps(_NEWER, indent=1).encode(),
    ],
    ids=["truncated", "empty", "binary", "other-shape", "list", "newer-version"],
)
def test_bad_sidecar_is_never_touched(tmp_path, content):
    t = transcript(tmp_path)
    path = sidecar_path(t.path)
    path.write_bytes(content)
    mtime = path.stat().st_mtime_ns

    s = AnnotationStore.open(t)
    assert s.errors and str(path) in s.errors[0] and "untouched" in s.errors[0]
    assert "cannot be saved" in s.location
    with pytest.raises(StoreError, match="Cannot save notes") as info:
        s.add(note_on(TEXT, "the chickens"))
    assert not info.value.kept and "the chickens" not in [a.exact for a in s.annotations]
    s.save()
    s.reload()
    assert path.read_bytes() == content and path.stat().st_mtime_ns == mtime
    assert folder_listing(tmp_path) == ["episode.md.annotations.json"]
    if content.startswith(b"{\n"):  # newer version: shown, never written back
        assert [a.exact for a in s.annotations] == ["the piano"]
        # private notes still work: the document id is readable
        s.add(note_on(TEXT, "the chickens", private=True))
        assert path.read_bytes() == content
        assert len(AnnotationStore.open(t).annotations) == 2


def test_sidecar_turning_bad_between_open_and_save_is_not_overwritten(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    s.sidecar_path.write_bytes(b"{ half written by some tool")
    with pytest.raises(StoreError):
        s.add(note_on(TEXT, "the chickens"))
    assert s.sidecar_path.read_bytes() == b"{ half written by some tool"
    assert s.errors


def test_read_only_store_never_writes_anything(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    before = s.sidecar_path.read_bytes()
    locks = paths.user_cache_dir() / "locks"
    for lock in locks.iterdir():
        lock.unlink()
    locks.rmdir()

    changed = transcript(tmp_path, "Inserted.\n" + TEXT)
    ro = AnnotationStore.open(changed, read_only=True)
    assert ro.annotations[0].start == s.annotations[0].start + 10
    ro.save()
    with pytest.raises(StoreError, match="read-only"):
        ro.add(note_on(changed.text, "the chickens"))
    with pytest.raises(StoreError):
        ro.delete(ro.annotations[0].id)
    assert s.sidecar_path.read_bytes() == before
    assert not locks.exists()
    assert folder_listing(tmp_path) == ["episode.md.annotations.json"]
    assert "read-only" in ro.location


# --- failures while saving --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("write", OSError(errno.ENOSPC, "No space left on device")),
        ("replace", PermissionError(errno.EACCES, "Permission denied")),
        ("fsync", OSError(errno.EIO, "Input/output error")),
    ],
)
def test_failed_save_keeps_old_file_and_change_in_memory(tmp_path, monkeypatch, target, error):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    before = s.sidecar_path.read_bytes()

    def fail(*args, **kwargs):
        raise error

    with monkeypatch.context() as m:
        m.setattr(os, target, fail)
        with pytest.raises(StoreError) as info:
            s.add(note_on(TEXT, "the chickens", note="unsaved"))
    assert error.strerror in str(info.value) and "kept" in str(info.value)
    assert info.value.kept
    assert s.sidecar_path.read_bytes() == before
    assert folder_listing(tmp_path) == ["episode.md.annotations.json"]  # temp file removed
    assert [a.note for a in s.annotations] == ["", "unsaved"]  # still in memory

    s.save()  # the next save writes it
    assert [a.note for a in AnnotationStore.open(t).annotations] == ["", "unsaved"]


def test_failed_save_is_retried_by_the_next_change(tmp_path, monkeypatch):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    with monkeypatch.context() as m:
        m.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
        with pytest.raises(StoreError):
            s.add(note_on(TEXT, "the piano"))
    s.add(note_on(TEXT, "the chickens"))
    assert len(AnnotationStore.open(t).annotations) == 2


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores permissions"
)
def test_read_only_folder_gives_a_clear_error(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    s = AnnotationStore.open(transcript(folder))
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="Permission denied"):
            s.add(note_on(TEXT, "the piano"))
        assert len(s.annotations) == 1
    finally:
        folder.chmod(0o755)


# --- property: the store keeps whatever it is given -------------------------------------------

_any_text = st.text(max_size=30)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=20),
            _any_text,
            st.lists(_any_text, max_size=3),
            st.sampled_from(["yellow", "green", "blue", "pink", "purple"]),
            st.booleans(),
            _any_text,
        ),  # fmt: skip
        min_size=1,
        max_size=5,
    )
)
def test_store_round_trips_arbitrary_annotations(tmp_path_factory, specs):
    folder = tmp_path_factory.mktemp("lib")
    text = "".join(quote + "\n" for quote, *_ in specs)
    t = transcript(folder, text)
    s = AnnotationStore.open(t)
    offset = 0
    for quote, note, tags, color, private, creator in specs:
        s.add(
            new_annotation(
                text,
                offset,
                offset + len(quote),
                note=note,
                tags=tags,
                color=color,
                private=private,
                creator=creator,
            )  # fmt: skip
        )
        offset += len(quote) + 1
    again = AnnotationStore.open(t)
    assert again.errors == []
    assert again.annotations == s.annotations
    for ann in again.annotations:
        assert text[ann.start : ann.end] == ann.exact


_store_ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "delete", "reload"]),
        st.integers(0, 1),
        st.integers(0, 5),
        st.text(max_size=5),
    ),  # fmt: skip
    max_size=15,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_store_ops)
def test_two_stores_converge_after_any_edits(tmp_path_factory, ops):
    t = transcript(tmp_path_factory.mktemp("lib"))
    stores = [AnnotationStore.open(t), AnnotationStore.open(t)]
    for op, who, n, note in ops:
        s = stores[who]
        live = s.annotations
        if op == "add":
            s.add(new_annotation(TEXT, n * 10, n * 10 + 7, note=note))
        elif op == "edit" and live:
            s.update(live[n % len(live)].touched(note=note))
        elif op == "delete" and live:
            s.delete(live[n % len(live)].id)
        else:
            s.reload()
    for s in stores:
        s.reload()
    assert stores[0].annotations == stores[1].annotations
    assert AnnotationStore.open(t).annotations == stores[0].annotations


def test_sidecar_module_constants():
    assert sidecar.FORMAT_NAME == "transcript-reader-annotations"
    assert sidecar.FORMAT_VERSION == 1


def test_unreadable_transcript_opens_its_notes_read_only(tmp_path):
    s = AnnotationStore.open(transcript(tmp_path))
    s.add(note_on(TEXT, "the piano"))
    before = s.sidecar_path.read_bytes()
    broken = transcript(tmp_path, "")
    broken.meta.errors.append("cannot decode")
    ro = AnnotationStore.open(broken)
    assert ro.read_only and ro.warnings and len(ro.orphans) == 1
    ro.save()
    assert s.sidecar_path.read_bytes() == before


def test_corrupt_private_file_is_reported_and_left_alone(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano", private=True))
    s.private_path.write_bytes(b"not json")
    s2 = AnnotationStore.open(t)
    assert s2.errors and "untouched" in s2.errors[0]
    s2.add(note_on(TEXT, "the chickens"))  # shared notes still work
    with pytest.raises(StoreError):
        s2.add(note_on(TEXT, "shed roof", private=True))
    assert s2.private_path.read_bytes() == b"not json"


@pytest.mark.parametrize(
    "copy_name",
    [
        "episode.md.annotations.sync-conflict-20251126-091403-ABCDEFG.json",
        "episode.md.annotations (Jo's conflicted copy 2025-11-26).json",
    ],
)
def test_sync_conflict_copies_are_merged_then_set_aside_once_saved(tmp_path, copy_name):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    a = s.add(note_on(TEXT, "the piano", note="here"))
    # the other computer's version: an edit of a, and a note of its own
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    (other_dir / "episode.md.annotations.json").write_bytes(s.sidecar_path.read_bytes())
    other = AnnotationStore.open(transcript(other_dir))
    other.update(other.get(a.id).touched(note="edited there"))
    b = other.add(note_on(TEXT, "the chickens"))
    copy = tmp_path / copy_name
    copy.write_bytes(other.sidecar_path.read_bytes())
    copy_bytes = copy.read_bytes()

    merged = AnnotationStore.open(t)
    assert merged.get(a.id).note == "edited there" and merged.get(b.id) is not None
    assert any(copy_name in w for w in merged.warnings)
    assert copy.read_bytes() == copy_bytes  # opening moves nothing
    merged.add(note_on(TEXT, "shed roof"))  # the merged sidecar is saved: the copy goes
    assert len(AnnotationStore.open(t).annotations) == 3
    assert not copy.exists() and folder_listing(tmp_path) == [
        "episode.md.annotations.json",
        "other",
    ]
    kept = list((paths.user_data_dir() / "conflicts").glob(f"*/{glob.escape(copy_name)}"))
    assert len(kept) == 1 and kept[0].read_bytes() == copy_bytes
    (notice,) = merged.take_notices()
    assert copy_name in notice and str(kept[0].parent) in notice


def test_lone_surrogates_and_any_unicode_are_saved_and_read_back(tmp_path):
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    odd = "\ud800 lone, e\u0301 combining, 👩‍👩‍👧 family, \u202e rtl, \x00 nul"
    a = s.add(note_on(TEXT, "the piano", note=odd, tags=[odd, ""], creator=odd))
    again = AnnotationStore.open(t)
    assert again.errors == [] and again.get(a.id).note == odd
    assert again.get(a.id).tags == [odd, ""] and again.get(a.id).creator == odd


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlinked_sidecar_stays_a_link(tmp_path):
    real = tmp_path / "elsewhere" / "notes.json"
    real.parent.mkdir()
    t = transcript(tmp_path)
    s = AnnotationStore.open(t)
    s.add(note_on(TEXT, "the piano"))
    s.sidecar_path.rename(real)
    s.sidecar_path.symlink_to(real)
    s2 = AnnotationStore.open(t)
    s2.add(note_on(TEXT, "the chickens"))
    assert s2.sidecar_path.is_symlink()
    assert len(AnnotationStore.open(t).annotations) == 2
    assert "the chickens" in real.read_text("utf-8")


def test_prepare_save_serialises_ahead_so_a_save_serialises_only_the_change(tmp_path, monkeypatch):
    from reader.core import sidecar

    t = transcript(tmp_path)
    store = AnnotationStore.open(t)
    for quote in ("winter", "piano"):
        store.add(note_on(t.text, quote))
    reopened = AnnotationStore.open(transcript(tmp_path))
    reopened.prepare_save()
    made: list[object] = []
    real = sidecar.item_chunk
    monkeypatch.setattr(sidecar, "item_chunk", lambda raw: made.append(raw) or real(raw))
    reopened.add(note_on(t.text, "chickens"))
    assert len(made) == 1  # only the new one
    assert len(AnnotationStore.open(transcript(tmp_path)).annotations) == 3
    AnnotationStore.open(transcript(tmp_path), read_only=True).prepare_save()  # writes nothing
