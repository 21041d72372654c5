"""The JSON-LD export passes every MUST of the W3C Web Annotation test suite (../shared copy).

The suite's offline runner (``w3c-annotation-tests/validate.py``) needs ``jsonschema`` and
``referencing``; these tests skip when those or ../shared are absent.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from reader.core.export import ExportOptions, collect, export_text
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript

pytestmark = pytest.mark.acceptance


def _builder() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "core" / "test_export_library.py"
    spec = importlib.util.spec_from_file_location("export_library_for_w3c", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def validator(shared_dir: Path) -> ModuleType:
    pytest.importorskip("jsonschema", reason="the W3C validator needs jsonschema")
    pytest.importorskip("referencing", reason="the W3C validator needs referencing")
    script = shared_dir / "w3c-annotation-tests" / "validate.py"
    if not script.is_file():
        pytest.skip("w3c-annotation-tests/validate.py is not present")
    spec = importlib.util.spec_from_file_location("w3c_validate_export", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _validate(validator: ModuleType, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status = validator.main([*args, "--optional", "none"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "FAIL" not in out and "ERROR" not in out
    return out


@pytest.mark.parametrize("private", [False, True])
def test_export_passes_the_musts(tmp_path, validator, capsys, private) -> None:
    lib = _builder().build_library(tmp_path)
    out = tmp_path / "export.jsonld"
    episodes = collect(lib, include_private=private)[1]
    out.write_text(export_text("jsonld", episodes, ExportOptions(include_private=private)))
    n = len(json.loads(out.read_text())["first"]["items"])
    assert n == (6 if private else 5)
    result = _validate(validator, capsys, str(out))
    assert result.rstrip().endswith(f"{n} passed, 0 failed")
    # the page and each annotation also pass on their own, without inheriting @context
    result = _validate(validator, capsys, "--no-inherit-context", str(out))
    assert result.rstrip().endswith(f"{n} passed, 0 failed")


def test_corpus_transcript_export_passes_the_musts(tmp_path, validator, capsys, corpus_dir):
    source = corpus_dir / "iriss-fm" / "effective-user-involvement.md"
    if not source.is_file():
        pytest.skip("effective-user-involvement.md is not in this corpus copy")
    lib = tmp_path / "lib"
    lib.mkdir()
    path = lib / source.name
    shutil.copyfile(source, path)  # never write a sidecar into ../shared
    t = load_transcript(path)
    store = AnnotationStore.open(t)
    for i, quote in enumerate(("effective user involvement", "Shaping Our Lives", "Athens")):
        start = t.text.index(quote)
        store.add(new_annotation(t.text, start, start + len(quote), note=f"n{i} “ü” <&>",
                                 tags=["tag"], creator="Student"))  # fmt: skip
    out = tmp_path / "export.jsonld"
    out.write_text(export_text("jsonld", collect(lib)[1], ExportOptions()))
    result = _validate(validator, capsys, str(out))
    assert result.rstrip().endswith("3 passed, 0 failed")
