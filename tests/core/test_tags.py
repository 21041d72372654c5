"""Library-wide tag rename and merge: applied through the stores, undone on disk."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.annotations import Annotation, from_w3c
from reader.core.store import AnnotationStore, new_annotation, sidecar_path
from reader.core.tags import merge_tags, reapply, rename_tag, revert, tag_counts
from reader.core.transcript import load_transcript

BODY = (
    '---\ntitle: "{title}"\n---\nAL - Ann Lee\n\n'
    "AL One two three four five six seven eight nine ten eleven twelve.\n"
)
WORDS = ("One", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def make_library(root: Path, tags_per_file: dict[str, list[list[str]]]) -> Path:
    """Transcripts named after the keys, each with one annotation per tag list."""
    root.mkdir(parents=True, exist_ok=True)
    for name, tag_lists in tags_per_file.items():
        path = root / name
        path.write_text(BODY.format(title=name), encoding="utf-8")
        transcript = load_transcript(path)
        store = AnnotationStore.open(transcript)
        for i, tags in enumerate(tag_lists):
            word = WORDS[i % len(WORDS)]
            start = transcript.text.index(word)
            store.add(new_annotation(transcript.text, start, start + len(word), tags=tags))
    return root


def on_disk(transcript: Path) -> list[Annotation]:
    data = json.loads(sidecar_path(transcript).read_text(encoding="utf-8"))
    return [a for a in (from_w3c(raw) for raw in data["items"]) if not a.deleted]


def tags_by_id(root: Path) -> dict[str, list[str]]:
    return {
        a.id: list(a.tags)
        for path in sorted(root.glob("*.md"))
        if sidecar_path(path).exists()
        for a in on_disk(path)
    }


def modified_by_id(root: Path) -> dict[str, str]:
    return {a.id: a.modified for path in sorted(root.glob("*.md")) for a in on_disk(path)}


def test_rename_changes_every_sidecar_and_bumps_modified(tmp_path: Path) -> None:
    root = make_library(
        tmp_path / "lib",
        {"a.md": [["care", "policy"], ["care"]], "b.md": [["care"], ["housing"]], "c.md": [[]]},
    )
    before = modified_by_id(root)
    change = rename_tag(root, "care", "caring")
    assert len(change) == 3 and not change.errors
    assert {p.name for p in change.paths} == {"a.md", "b.md"}
    tags = tags_by_id(root)
    assert sorted(map(tuple, tags.values())) == sorted(
        [("caring", "policy"), ("caring",), ("caring",), ("housing",), ()]
    )
    after = modified_by_id(root)
    changed = {e.annotation_id for e in change.edits}
    assert all(after[i] > before[i] for i in changed)
    assert all(after[i] == before[i] for i in before if i not in changed)


def test_undo_restores_old_names_on_disk_and_redo_reapplies(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a.md": [["care", "policy"]], "b.md": [["care"]]})
    original = tags_by_id(root)
    change = rename_tag(root, "care", "caring")
    renamed = tags_by_id(root)
    revert(change)
    assert tags_by_id(root) == original
    reapply(change)
    assert tags_by_id(root) == renamed


def test_rename_onto_an_existing_tag_keeps_one_copy(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a.md": [["care", "carers"], ["care"]]})
    change = rename_tag(root, "care", "carers")
    assert sorted(map(tuple, tags_by_id(root).values())) == [("carers",), ("carers",)]
    revert(change)
    assert sorted(map(tuple, tags_by_id(root).values())) == [("care",), ("care", "carers")]


def test_merge_several_tags_into_one(tmp_path: Path) -> None:
    root = make_library(
        tmp_path / "lib", {"a.md": [["carer", "policy"], ["carers"]], "b.md": [["care", "carer"]]}
    )
    change = merge_tags(root, ["carer", "carers"], "care")
    assert sorted(map(tuple, tags_by_id(root).values())) == [
        ("care",),
        ("care",),
        ("care", "policy"),
    ]
    revert(change)
    assert sorted(map(tuple, tags_by_id(root).values())) == [
        ("care", "carer"),
        ("carer", "policy"),
        ("carers",),
    ]


def test_undo_keeps_an_edit_made_after_the_rename(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a.md": [["care"]]})
    change = rename_tag(root, "care", "caring")
    store = AnnotationStore.open(load_transcript(root / "a.md"))
    ann = store.annotations[0]
    store.update(ann.touched(tags=[*ann.tags, "later"]))
    revert(change)
    assert list(tags_by_id(root).values()) == [["care", "later"]]


def test_undo_skips_annotations_deleted_since(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a.md": [["care"], ["care"]]})
    change = rename_tag(root, "care", "caring")
    store = AnnotationStore.open(load_transcript(root / "a.md"))
    store.delete(store.annotations[0].id)
    undone = revert(change)
    assert len(undone) == 1 and list(tags_by_id(root).values()) == [["care"]]


def test_private_notes_are_renamed_too(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a.md": [["care"]]})
    transcript = load_transcript(root / "a.md")
    store = AnnotationStore.open(transcript)
    start = transcript.text.index("nine")
    store.add(new_annotation(transcript.text, start, start + 4, tags=["care"], private=True))
    rename_tag(root, "care", "caring")
    reopened = AnnotationStore.open(load_transcript(root / "a.md"))
    assert sorted((a.private, tuple(a.tags)) for a in reopened.annotations) == [
        (False, ("caring",)),
        (True, ("caring",)),
    ]


def test_nothing_to_do_and_counts(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a.md": [["a", "b"], ["b"]]})
    assert len(rename_tag(root, "zzz", "yyy")) == 0
    assert len(rename_tag(root, "a", "a")) == 0
    assert len(merge_tags(root, ["b"], "b")) == 0
    anns = AnnotationStore.open(load_transcript(root / "a.md")).annotations
    assert tag_counts(anns) == {"b": 2, "a": 1}
    assert tag_counts([replace(anns[0], tags=["x", "x"])]) == {"x": 1}


ALPHABET = ["care", "policy", "housing", "carers", "Care"]
tag_lists = st.lists(st.lists(st.sampled_from(ALPHABET), max_size=3, unique=True), max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(tag_lists, min_size=1, max_size=3),
    old=st.sampled_from(ALPHABET),
    new=st.sampled_from([*ALPHABET, "fresh"]),
)
def test_rename_then_undo_is_identity(files: list[list[list[str]]], old: str, new: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_library(Path(folder) / "lib", {f"e{i}.md": t for i, t in enumerate(files)})
        original = tags_by_id(root)
        change = rename_tag(root, old, new)
        if new not in {t for tags in original.values() for t in tags}:
            # a fresh name: renaming back is the inverse too
            rename_tag(root, new, old)
            assert tags_by_id(root) == original
            rename_tag(root, old, new)
        revert(change)
        assert tags_by_id(root) == original
