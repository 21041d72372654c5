"""Written sidecars pass every MUST of the W3C Web Annotation test suite (../shared copy).

The suite's offline runner (``w3c-annotation-tests/validate.py``) needs ``jsonschema`` and
``referencing``; these tests skip when those or ../shared are absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import EpisodeMeta, Transcript

pytestmark = pytest.mark.acceptance

TEXT = (
    "Q: What happened in the 1962 flood?\n"
    "A: The piano had floated across the room. Café owners 🙂 gave soup; people shared what they "
    "had.\nQ: And afterwards?\nA: We rebuilt the shed."
)


@pytest.fixture
def validator(shared_dir: Path) -> ModuleType:
    pytest.importorskip("jsonschema", reason="the W3C validator needs jsonschema")
    pytest.importorskip("referencing", reason="the W3C validator needs referencing")
    script = shared_dir / "w3c-annotation-tests" / "validate.py"
    if not script.is_file():
        pytest.skip("w3c-annotation-tests/validate.py is not present")
    spec = importlib.util.spec_from_file_location("w3c_validate", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def _run(validator: ModuleType, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status = validator.main([*args, "--optional", "none"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "FAIL" not in out
    return out


def test_every_annotation_and_the_page_pass_the_musts(tmp_path, validator, capsys):
    store = _written_sidecar(tmp_path)
    page = json.loads(store.sidecar_path.read_text("utf-8"))
    assert len(page["items"]) == 5 and page["items"][-1]["deleted"] is True
    out = _run(validator, capsys, str(store.sidecar_path))
    assert out.rstrip().endswith("5 passed, 0 failed")
    # each item on its own, without the page's @context (as an exporter would copy it out)
    out = _run(validator, capsys, "--no-inherit-context", str(store.sidecar_path))
    assert out.rstrip().endswith("5 passed, 0 failed")
    assert store.private_path is not None
    _run(validator, capsys, "--no-inherit-context", str(store.private_path))


def test_tombstone_alone_passes_the_musts(tmp_path, validator, capsys):
    store = _written_sidecar(tmp_path)
    items = json.loads(store.sidecar_path.read_text("utf-8"))["items"]
    tombstones = [i for i in items if i.get("deleted") is True]
    assert len(tombstones) == 1
    single = tmp_path / "tombstone.json"
    single.write_text(json.dumps(tombstones[0]), "utf-8")
    out = _run(validator, capsys, "--no-inherit-context", str(single))
    assert out.rstrip().endswith("1 passed, 0 failed")


def test_golden_sidecar_passes_the_musts(validator, capsys):
    golden = Path(__file__).resolve().parents[1] / "data" / "expected"
    for name in ("episode.md.annotations.json", "private.annotations.json"):
        _run(validator, capsys, "--no-inherit-context", str(golden / name))
