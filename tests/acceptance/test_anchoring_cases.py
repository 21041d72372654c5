"""The public quote-anchoring cases (../shared/anchoring-cases-public.json) against ``anchor``.

Each case gives a text, a quote selector, an optional stored position and the expected span (or
``null`` for an orphan). ``boundary_tolerance`` allows that many code points of difference at each
edge; ``accept_orphan`` marks cases where the source library attaches but a stricter anchorer may
orphan. Offsets are code points.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.core.anchoring import anchor

CASES_FILE = "anchoring-cases-public.json"

#: Cases whose expected attachment we deliberately reject as too permissive, with the reason.
#: Keep this as small as possible; each entry must then be an orphan.
DELIBERATE_ORPHANS: dict[str, str] = {}


def _load(shared_dir: Path) -> list[dict[str, Any]]:
    return json.loads((shared_dir / CASES_FILE).read_text(encoding="utf-8"))


def _case_names() -> list[str]:
    path = Path(__file__).resolve().parents[2].parent / "shared" / CASES_FILE
    if not path.is_file():
        return ["<no cases>"]
    return [case["name"] for case in json.loads(path.read_text(encoding="utf-8"))]


pytestmark = pytest.mark.acceptance


@pytest.mark.parametrize("name", _case_names())
def test_case(shared_dir: Path, name: str) -> None:
    cases = {case["name"]: case for case in _load(shared_dir)}
    if name not in cases:
        pytest.skip("case list changed")
    case = cases[name]
    quote = case["quote"]
    position = case.get("position") or {}
    result = anchor(
        case["text"],
        quote["exact"],
        quote.get("prefix", ""),
        quote.get("suffix", ""),
        position.get("start"),
        position.get("end"),
    )
    expected = case["expected"]
    if expected is None or name in DELIBERATE_ORPHANS:
        assert result is None, f"{name}: expected an orphan, got {result}"
        return
    if result is None:
        assert case.get("accept_orphan"), f"{name}: orphaned, expected {expected}"
        return
    tolerance = case.get("boundary_tolerance", 0) or 0
    assert abs(result.start - expected["start"]) <= tolerance, (name, result, expected)
    assert abs(result.end - expected["end"]) <= tolerance, (name, result, expected)
    text = case["text"]
    if text[result.start : result.end] == quote["exact"]:
        assert result.status == "anchored", (name, result)
    assert 0.0 <= result.score <= 1.0


def test_every_case_is_known(shared_dir: Path) -> None:
    """The allow-list only names cases that exist (it must not silently go stale)."""
    names = {case["name"] for case in _load(shared_dir)}
    assert set(DELIBERATE_ORPHANS) <= names
    assert len(names) == len(_load(shared_dir))
