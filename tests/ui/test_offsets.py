"""Code point ↔ UTF-16 conversion (reader.ui.offsets)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.ui.offsets import OffsetMap, utf16_length

# Mostly BMP text with a good share of astral characters (emoji, historic scripts, CJK ext. B).
_chars = st.one_of(
    st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF),
    st.sampled_from(["😀", "👩\u200d💻", "e\u0301", "漢", "𠜎", "\n"]),
)
texts = st.lists(_chars, max_size=60).map("".join)


def _u16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


@given(texts)
def test_round_trip_every_code_point(text: str) -> None:
    m = OffsetMap(text)
    assert m.length == len(text)
    assert m.length16 == utf16_length(text) == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == _u16(text, cp)
        assert m.to_code_point(u16) == cp


@given(texts)
def test_utf16_inside_a_pair_rounds_down(text: str) -> None:
    m = OffsetMap(text)
    for cp, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            assert m.to_code_point(m.to_utf16(cp) + 1) == cp


@given(texts, st.integers(-5, 200))
def test_out_of_range_is_clamped(text: str, value: int) -> None:
    m = OffsetMap(text)
    assert 0 <= m.to_utf16(value) <= m.length16
    assert 0 <= m.to_code_point(value) <= m.length


def test_known_values() -> None:
    m = OffsetMap("a😀b")
    assert [m.to_utf16(i) for i in range(4)] == [0, 1, 3, 4]
    assert [m.to_code_point(i) for i in range(5)] == [0, 1, 1, 2, 3]
    assert not OffsetMap("plain é").has_astral and m.has_astral
