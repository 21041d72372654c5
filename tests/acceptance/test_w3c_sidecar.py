"""Written sidecars pass every MUST of the W3C Web Annotation test suite (../shared copy).

The suite's offline runner (``w3c-annotation-tests/validate.py``) needs ``jsonschema`` and
``referencing``; these tests skip when those or ../shared are absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import EpisodeMeta, Transcript

pytestmark = pytest.mark.acceptance

TEXT = (
    "Q: What happened in the 1962 flood?\n"
    "A: The piano had floated across the room. Café owners 🙂 gave soup; people shared what they "
    "had.\nQ: And afterwards?\nA: We rebuilt the shed."
)


def _written_sidecar(folder: Path) -> AnnotationStore:
    t = Transcript(meta=EpisodeMeta(path=folder / "interview.md", title="t"), text=TEXT, blocks=[])
    store = AnnotationStore.open(t)

    def span(quote: str) -> tuple[int, int]:
        start = TEXT.index(quote)
        return start, start + len(quote)

    store.add(new_annotation(TEXT, *span("The piano had floated"), note="Check minutes",
                             tags=["flood", "family"], creator="J. Patel"))  # fmt: skip
    store.add(new_annotation(TEXT, *span("people shared what they had"), color="green"))
    store.add(new_annotation(TEXT, *span("Café owners 🙂"), color="purple", note="Ünïcödé"))
    gone = store.add(new_annotation(TEXT, *span("We rebuilt the shed."), color="pink"))
    store.delete(gone.id)
    moved = store.add(new_annotation(TEXT, *span("1962 flood"), color="blue"))
    store.update(moved.touched(status="moved"))
    store.add(new_annotation(TEXT, *span("And afterwards"), note="private", private=True))
    return store


def test_every_annotation_and_the_page_pass_the_musts(tmp_path, w3c_validate):
    store = _written_sidecar(tmp_path)
    page = json.loads(store.sidecar_path.read_text("utf-8"))
    assert len(page["items"]) == 5 and page["items"][-1]["deleted"] is True
    out = w3c_validate(str(store.sidecar_path))
    assert out.rstrip().endswith("5 passed, 0 failed")
    # each item on its own, without the page's @context (as an exporter would copy it out)
    out = w3c_validate("--no-inherit-context", str(store.sidecar_path))
    assert out.rstrip().endswith("5 passed, 0 failed")
    assert store.private_path is not None
    w3c_validate("--no-inherit-context", str(store.private_path))


def test_tombstone_alone_passes_the_musts(tmp_path, w3c_validate):
    store = _written_sidecar(tmp_path)
    items = json.loads(store.sidecar_path.read_text("utf-8"))["items"]
    tombstones = [i for i in items if i.get("deleted") is True]
    assert len(tombstones) == 1
    single = tmp_path / "tombstone.json"
    single.write_text(json.dumps(tombstones[0]), "utf-8")
    out = w3c_validate("--no-inherit-context", str(single))
    assert out.rstrip().endswith("1 passed, 0 failed")


def test_golden_sidecar_passes_the_musts(w3c_validate):
    golden = Path(__file__).resolve().parents[1] / "data" / "expected"
    for name in ("episode.md.annotations.json", "private.annotations.json"):
        w3c_validate("--no-inherit-context", str(golden / name))
