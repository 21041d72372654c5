"""The Annotation value object and its W3C Web Annotation mapping (to_w3c / from_w3c)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.annotations import (
    ANNO_CONTEXT,
    Annotation,
    from_w3c,
    to_w3c,
)

SOURCE = "urn:uuid:d3f6a2c4-1e8b-4c7a-b5f9-8a0e2d4c6b1f"
STAMP = "2025-11-26T09:14:03.000Z"


def _ann(**changes) -> Annotation:
    base = dict(
        id="urn:uuid:2b1e9d0c-5a8e-4c61-9f3e-0d3a7c1b9e42",
        exact="the piano had floated",
        start=10,
        end=31,
        prefix="and ",
        suffix=" across",
        created=STAMP,
        creator="J. Patel",
        color="green",
        note="Compare with the minutes.",
        tags=["flood", "family"],
    )
    base.update(changes)
    return Annotation(**base)


def test_shape_follows_the_w3c_model():
    d = to_w3c(_ann(), SOURCE)
    assert d["@context"] == ANNO_CONTEXT
    assert d["type"] == "Annotation"
    assert d["motivation"] == "commenting"
    assert d["created"] == d["modified"] == STAMP
    assert d["creator"] == {"type": "Person", "name": "J. Patel"}
    assert d["body"] == [
        {"type": "TextualBody", "purpose": "commenting", "value": "Compare with the minutes."},
        {"type": "TextualBody", "purpose": "tagging", "value": "flood"},
        {"type": "TextualBody", "purpose": "tagging", "value": "family"},
    ]
    assert d["target"] == {
        "source": SOURCE,
        "styleClass": "hl-green",
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": "the piano had floated",
                "prefix": "and ",
                "suffix": " across",
            },
            {"type": "TextPositionSelector", "start": 10, "end": 31},
        ],
    }
    assert d["stylesheet"] == {
        "type": "CssStylesheet",
        "value": ".hl-green { background-color: #5fb236 }",
    }
    assert "x-status" not in d


def test_highlight_without_note_has_no_body():
    d = to_w3c(_ann(note="", tags=[]), SOURCE)
    assert d["motivation"] == "highlighting"
    assert "body" not in d


@pytest.mark.parametrize("status", ["moved", "orphaned"])
def test_status_other_than_anchored_is_stored(status):
    d = to_w3c(_ann(status=status), SOURCE)
    assert d["x-status"] == status
    assert from_w3c(d).status == status


def test_tombstone_shape():
    tomb = Annotation(id="urn:uuid:x", exact="", start=0, end=0, created="", modified=STAMP)
    tomb.deleted = True
    d = to_w3c(tomb, SOURCE)
    assert d == {
        "@context": ANNO_CONTEXT,
        "id": "urn:uuid:x",
        "type": "Annotation",
        "modified": STAMP,
        "deleted": True,
        "target": SOURCE,
    }
    back = from_w3c(d)
    assert back.deleted and back.modified == STAMP and back.id == "urn:uuid:x"


def test_round_trip_of_own_output_is_exact():
    ann = _ann(extra={"x-future": {"a": [1, 2]}, "rights": "https://example.org/l"})
    d = to_w3c(ann, SOURCE)
    assert from_w3c(d) == ann
    assert to_w3c(from_w3c(d), SOURCE) == d


def test_unknown_keys_survive_at_every_level_and_through_edits():
    """A newer program's (or another tool's) data is kept, also after the known fields change."""
    d = to_w3c(_ann(), SOURCE)
    d["generator"] = {"id": "urn:x-app", "type": "Software", "name": "Other 2.0"}
    d["creator"]["id"] = "urn:uuid:6a1f3c52-0d7e-4b7e-8f0a-2c9e5b4d1f77"
    d["body"][0]["format"] = "text/plain"
    d["body"][0]["language"] = "en"
    d["body"].append({"type": "TextualBody", "purpose": "describing", "value": "extra body"})
    d["target"]["x-page"] = 4
    d["target"]["selector"][0]["x-hint"] = "para 3"
    d["target"]["selector"].append({"type": "RangeSelector", "startSelector": {"type": "X"}})
    original = copy.deepcopy(d)

    ann = from_w3c(d)
    assert d == original  # input not mutated
    assert to_w3c(ann, SOURCE) == original
    assert ann.note == "Compare with the minutes." and ann.tags == ["flood", "family"]

    edited = to_w3c(
        _replace(ann, note="New note", tags=["only"], creator="Jo", start=12, end=33), SOURCE
    )
    assert edited["generator"] == original["generator"]
    assert edited["creator"] == {
        "type": "Person",
        "name": "Jo",
        "id": "urn:uuid:6a1f3c52-0d7e-4b7e-8f0a-2c9e5b4d1f77",
    }
    assert edited["body"] == [
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "value": "New note",
            "format": "text/plain",
            "language": "en",
        },
        {"type": "TextualBody", "purpose": "tagging", "value": "only"},
        {"type": "TextualBody", "purpose": "describing", "value": "extra body"},
    ]
    assert edited["target"]["x-page"] == 4
    assert edited["target"]["selector"][0]["x-hint"] == "para 3"
    assert edited["target"]["selector"][1] == {
        "type": "TextPositionSelector",
        "start": 12,
        "end": 33,
    }
    assert edited["target"]["selector"][2]["type"] == "RangeSelector"


def test_foreign_motivation_and_stylesheet_are_kept():
    d = to_w3c(_ann(), SOURCE)
    d["motivation"] = "questioning"
    d["stylesheet"] = {"type": "CssStylesheet", "value": ".hl-green { color: red }"}
    ann = from_w3c(d)
    assert to_w3c(ann, SOURCE) == d
    recoloured = to_w3c(_replace(ann, color="blue"), SOURCE)
    assert recoloured["stylesheet"]["value"] == ".hl-blue { background-color: #2ea8e5 }"
    assert recoloured["motivation"] == "questioning"


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"type": "Annotation", "target": {}},
        {"id": "urn:uuid:1", "type": "Note"},
        {"id": "urn:uuid:1", "type": "Annotation", "target": "urn:uuid:doc"},
        {"id": "urn:uuid:1", "type": "Annotation", "target": {"selector": []}},
    ],
)
def test_shapes_it_cannot_represent_raise_value_error(bad):
    with pytest.raises(ValueError):
        from_w3c(bad)


def test_touched_always_advances_modified():
    ann = _ann(modified="2999-01-01T00:00:00.000Z")
    later = ann.touched(note="x")
    assert later.modified == "2999-01-01T00:00:00.001Z"
    assert later.note == "x" and ann.note != "x"


def _replace(ann: Annotation, **changes) -> Annotation:
    from dataclasses import replace

    return replace(ann, **changes)


# --- property: any annotation survives the mapping --------------------------------------------

_text = st.text(max_size=40)
_keys = st.text(min_size=1, max_size=12).filter(
    lambda k: (
        k
        not in {
            "@context",
            "id",
            "type",
            "motivation",
            "created",
            "modified",
            "creator",
            "body",
            "target",
            "stylesheet",
            "x-status",
            "deleted",
        }
    )
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_stamps = st.datetimes().map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")


@st.composite
def annotations(draw) -> Annotation:
    start = draw(st.integers(0, 10_000))
    return Annotation(
        id="urn:uuid:" + draw(st.uuids()).hex,
        exact=draw(st.text(min_size=1, max_size=60)),
        start=start,
        end=start + draw(st.integers(0, 500)),
        prefix=draw(_text),
        suffix=draw(_text),
        created=draw(_stamps),
        creator=draw(_text),
        color=draw(st.sampled_from(["yellow", "green", "blue", "pink", "purple", "teal"])),
        note=draw(_text),
        tags=draw(st.lists(_text, max_size=4)),
        status=draw(st.sampled_from(["anchored", "moved", "orphaned"])),
        extra=draw(st.dictionaries(_keys, _json, max_size=3)),
    )


@settings(max_examples=200, deadline=None)
@given(annotations())
def test_any_annotation_round_trips(ann):
    d = to_w3c(ann, SOURCE)
    assert from_w3c(d) == ann
    assert to_w3c(from_w3c(d), SOURCE) == d
