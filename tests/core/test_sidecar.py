"""The sidecar file format: golden bytes, parsing, the merge order (pure), serialisation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import paths, replica, sidecar
from reader.core.annotations import Annotation, to_w3c
from reader.core.store import AnnotationStore
from reader.core.transcript import EpisodeMeta, Transcript

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "expected"
DOC_ID = "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"
TEXT = (
    "Welcome to the show. Today: the 1962 flood.\n"
    "When the water went down the house was full of mud and seaweed, and the piano had floated "
    "across the room and jammed itself against the stairs.\n"
    "Café owners 🙂 gave soup to everyone; what I remember most about that winter: people shared "
    "what they had."
)


def _transcript(folder: Path, text: str = TEXT, name: str = "episode.md") -> Transcript:
    return Transcript(meta=EpisodeMeta(path=folder / name, title="t"), text=text, blocks=[])


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _golden_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AnnotationStore:
    """A store holding fixed annotations (ids, times) of every kind the format has."""
    monkeypatch.setattr(sidecar, "new_document_id", lambda: DOC_ID)
    monkeypatch.setattr(replica, "now_iso", lambda: "2025-11-27T08:02:11.000Z")
    s = AnnotationStore.open(_transcript(tmp_path))

    def add(n: int, quote: str, **fields) -> None:
        start, end = _span(TEXT, quote)
        prefix, suffix = TEXT[max(0, start - 32) : start], TEXT[end : end + 32]
        s.add(
            Annotation(
                id=f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
                exact=quote,
                start=start,
                end=end,
                prefix=prefix,
                suffix=suffix,
                created=f"2025-11-26T09:1{n}:03.000Z",
                creator="J. Patel",
                **fields,
            )  # fmt: skip
        )

    add(1, "the piano had floated across the room", note="Compare with the council minutes.",
        tags=["flood-damage", "family"])  # fmt: skip
    add(2, "people shared what they had", color="green")
    add(3, "Café owners 🙂 gave soup", color="purple", note="Ünïcödé «note»\nline 2",
        tags=["food"], status="moved", extra={"x-future": {"kept": True}})  # fmt: skip
    add(4, "the 1962 flood", color="blue", status="orphaned")
    add(5, "Welcome to the show", color="pink")
    s.delete("urn:uuid:00000000-0000-4000-8000-000000000005")
    return s


def test_golden_sidecar_bytes(tmp_path, monkeypatch):
    """The exact bytes of a sidecar: the format others (git, sync tools, scripts) see."""
    s = _golden_store(tmp_path, monkeypatch)
    written = s.sidecar_path.read_bytes()
    golden = EXPECTED / "episode.md.annotations.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(written)
    assert written == golden.read_bytes()
    assert written.endswith(b"}\n") and b"\\u" not in written  # ensure_ascii=False
    # exactly what json.dumps gives for the same data (the cached item chunks match)
    page = json.loads(written)
    assert written == (json.dumps(page, indent=2, ensure_ascii=False) + "\n").encode()


def test_golden_private_file(tmp_path, monkeypatch):
    s = _golden_store(tmp_path, monkeypatch)
    start, end = _span(TEXT, "mud and seaweed")
    s.add(
        Annotation(
            id="urn:uuid:00000000-0000-4000-8000-000000000009",
            exact="mud and seaweed",
            start=start,
            end=end,
            created="2025-11-26T10:00:00.000Z",
            note="only for me",
            private=True,
        )  # fmt: skip
    )
    assert s.private_path == paths.user_data_dir() / "private" / (
        DOC_ID.removeprefix("urn:uuid:") + ".annotations.json"
    )
    written = s.private_path.read_bytes()
    golden = EXPECTED / "private.annotations.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(written)
    assert written == golden.read_bytes()
    assert b"only for me" not in s.sidecar_path.read_bytes()


def test_golden_file_reads_back_into_the_same_store(tmp_path, monkeypatch):
    (tmp_path / "episode.md.annotations.json").write_bytes(
        (EXPECTED / "episode.md.annotations.json").read_bytes()
    )
    s = AnnotationStore.open(_transcript(tmp_path))
    assert s.errors == [] and s.document_id == DOC_ID
    assert [a.id[-1] for a in s.annotations] == ["4", "1", "3", "2"]
    assert [a.status for a in s.annotations] == ["orphaned", "anchored", "moved", "anchored"]
    assert s.get("urn:uuid:00000000-0000-4000-8000-000000000003").extra == {
        "x-future": {"kept": True}
    }


def test_dumps_equals_json_dumps():
    header = sidecar.make_header(None, document_id=DOC_ID, path="a.md", sha256="0", length=0)
    items = [{"id": "urn:uuid:1", "é": ["\ud800", {"x": []}]}, {"b": {}}]
    expected = json.dumps({**header, "items": items}, indent=2, ensure_ascii=False) + "\n"
    data = sidecar.dumps(header, [sidecar.item_chunk(i) for i in items])
    assert json.loads(data) == json.loads(expected.encode("utf-8", "surrogatepass"))
    header_only = sidecar.dumps(header, [])
    assert header_only == (json.dumps({**header, "items": []}, indent=2) + "\n").encode()


def test_lone_surrogate_is_written_escaped_not_lost():
    chunk = sidecar.item_chunk({"v": "a\ud800b"})
    assert b"\\ud800" in chunk
    assert json.loads(chunk) == {"v": "a\ud800b"}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"{not json", "corrupt"),
        (b"\xff\xfe\x00", "corrupt"),
        (b"[1, 2]", "foreign"),
        (b'{"format": "other-app", "items": []}', "foreign"),
        (b'{"type": "AnnotationPage", "items": []}', "foreign"),
        (b'{"format": "transcript-reader-annotations", "formatVersion": "1"}', "corrupt"),
        (
            b'{"format": "transcript-reader-annotations", "formatVersion": 1, "items": {}}',
            "corrupt",
        ),
    ],
)
def test_parse_rejects_what_is_not_ours(data, kind):
    with pytest.raises(sidecar.SidecarError) as info:
        sidecar.parse(data)
    assert info.value.kind == kind


def test_parse_flags_newer_versions_but_reads_them():
    parsed = sidecar.parse(
        b'{"format": "transcript-reader-annotations", "formatVersion": 7, "items": [{"id": "x"}]}'
    )
    assert parsed.newer and parsed.items == [{"id": "x"}]


def test_time_key_orders_instants_not_strings():
    k = sidecar.time_key
    assert k("2025-01-01T00:00:03Z") == k("2025-01-01T00:00:03.000Z")[:2] + (
        "2025-01-01T00:00:03Z",
    )
    assert k("2025-01-01T00:00:03.500Z") > k("2025-01-01T00:00:03Z")
    assert k("2025-01-01T01:00:00+02:00") < k("2025-01-01T00:00:00Z")
    assert k("garbage") < k("1970-01-01T00:00:00Z")
    assert k("2025-02-30T00:00:00Z")[0] == 0  # not a real date


def test_sort_order_start_then_id_then_tombstones():
    def live(i, start):
        return {"id": i, "target": {"selector": [{"type": "TextPositionSelector", "start": start}]}}

    items = [
        {"id": "b", "deleted": True},
        live("z", 5),
        {"id": "a", "deleted": True},
        live("y", 5),
        live("x", 9),
        live("w", 1),
    ]
    ordered = [i["id"] for i in sorted(items, key=sidecar.sort_key)]
    assert ordered == ["w", "y", "z", "x", "a", "b"]


# --- the merge function (pure): replicas converge ----------------------------------------------

_ids = st.sampled_from(["urn:uuid:a", "urn:uuid:b", "urn:uuid:c"])
# few distinct times, so equal `modified` (the tie-break) happens often
_times = st.sampled_from(
    [f"2025-01-01T00:00:0{i}.000Z" for i in range(4)] + ["2025-01-01T00:00:01Z"]
)


def _version(ann_id: str, stamp: str, note: str, deleted: bool) -> dict:
    ann = Annotation(id=ann_id, exact="q", start=0, end=1, created=stamp, note=note)
    ann.deleted = deleted
    return to_w3c(ann, DOC_ID)


_versions = st.builds(_version, _ids, _times, st.sampled_from(["", "x", "yy"]), st.booleans())
_replicas = st.lists(_versions, max_size=6).map(lambda vs: {v["id"]: v for v in vs})


@settings(max_examples=300, deadline=None)
@given(_replicas, _replicas, _replicas)
def test_merge_is_commutative_associative_idempotent(a, b, c):
    m = sidecar.merge
    assert m(a, b) == m(b, a)
    assert m(m(a, b), c) == m(a, m(b, c))
    assert m(a, a) == a
    assert m(m(a, b), b) == m(a, b)


_ops = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "sync"]),
        st.integers(0, 1),
        _ids,
        _times,
        st.sampled_from(["", "x", "yy"]),
    ),  # fmt: skip
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(_ops)
def test_two_replicas_converge_after_any_edits_and_partial_syncs(ops):
    """Any add/edit/delete sequence on two replicas, with syncs in between, ends equal."""
    replicas: list[dict] = [{}, {}]
    for op, who, ann_id, stamp, note in ops:
        mine = replicas[who]
        if op == "put":
            mine[ann_id] = _version(ann_id, stamp, note, deleted=False)
        elif op == "delete":
            mine[ann_id] = _version(ann_id, stamp, "", deleted=True)
        else:  # one-way sync, as a sync tool or a reload would do it
            replicas[1 - who] = sidecar.merge(replicas[1 - who], mine)
    first = sidecar.merge(replicas[0], replicas[1])
    second = sidecar.merge(replicas[1], replicas[0])
    assert first == second
    for ann_id, version in first.items():  # the winner is one of the versions seen, the newest
        for other in replicas:
            if ann_id in other:
                assert sidecar.newer(version, other[ann_id]) is version


def test_tombstone_wins_a_tie_and_newer_edit_beats_tombstone():
    live = _version("urn:uuid:a", "2025-01-01T00:00:01.000Z", "x", deleted=False)
    tomb = _version("urn:uuid:a", "2025-01-01T00:00:01.000Z", "", deleted=True)
    assert sidecar.newer(live, tomb) is tomb and sidecar.newer(tomb, live) is tomb
    later = _version("urn:uuid:a", "2025-01-01T00:00:02.000Z", "x", deleted=False)
    assert sidecar.newer(tomb, later) is later
