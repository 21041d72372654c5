"""The JSON-LD export passes every MUST of the W3C Web Annotation test suite (../shared copy).

The suite's offline runner (``w3c-annotation-tests/validate.py``) needs ``jsonschema`` and
``referencing``; these tests skip when those or ../shared are absent.
"""

from __future__ import annotations

import json
import shutil
from types import ModuleType

import pytest

from reader.core.export import ExportOptions, collect, export_text
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript

pytestmark = pytest.mark.acceptance


@pytest.mark.parametrize("private", [False, True])
def test_export_passes_the_musts(
    tmp_path, export_library: ModuleType, w3c_validate, private
) -> None:
    lib = export_library.build_library(tmp_path)
    out = tmp_path / "export.jsonld"
    episodes = collect(lib, include_private=private)[1]
    out.write_text(export_text("jsonld", episodes, ExportOptions(include_private=private)))
    n = len(json.loads(out.read_text())["first"]["items"])
    assert n == (6 if private else 5)
    result = w3c_validate(str(out))
    assert result.rstrip().endswith(f"{n} passed, 0 failed")
    # the page and each annotation also pass on their own, without inheriting @context
    result = w3c_validate("--no-inherit-context", str(out))
    assert result.rstrip().endswith(f"{n} passed, 0 failed")


def test_corpus_transcript_export_passes_the_musts(tmp_path, w3c_validate, corpus_dir):
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
    result = w3c_validate(str(out))
    assert result.rstrip().endswith("3 passed, 0 failed")
