"""Property tests for reader.core.anchoring (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reader.core.anchoring import Anchor, anchor, anchor_many, describe
from reader.core.anchoring_text import NormalizedText, normalize

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: Text characters: ASCII words and punctuation, plus some that normalisation touches and astral
#: and combining characters (offsets must stay code points).
TEXT_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCDEFG.,;:!?'\"-\n\t")
    + ["é", "e\u0301", "😊", "👍🏽", "\u2019", "\u2013", "\r\n", "  ", "ß", "中"]
)
#: Inserted characters: disjoint from the text alphabet, no marks or whitespace.
INSERT_ALPHABET = st.sampled_from(list("абвгдежзийклмнопрстуфхцчшщ"))

texts = st.lists(TEXT_ALPHABET, min_size=1, max_size=300).map("".join)
any_text = st.text(max_size=200)
positions = st.one_of(st.none(), st.integers(min_value=-10, max_value=500))


@st.composite
def text_and_span(draw: st.DrawFn, min_len: int = 1) -> tuple[str, int, int]:
    text = draw(texts)
    assume(len(text) >= min_len)
    start = draw(st.integers(0, len(text) - min_len))
    end = draw(st.integers(start + min_len, min(len(text), start + 80)))
    return text, start, end


@st.composite
def text_and_inner_span(draw: st.DrawFn) -> tuple[str, int, int]:
    """A span of at least 8 code points with a full 32 code points of context on both sides."""
    text = draw(st.lists(TEXT_ALPHABET, min_size=80, max_size=300).map("".join))
    assume(len(text) >= 80)
    start = draw(st.integers(32, len(text) - 40))
    end = draw(st.integers(start + 8, min(len(text) - 32, start + 80)))
    return text, start, end


def _check_shape(result: Anchor | None, text: str) -> None:
    if result is None:
        return
    assert 0 <= result.start < result.end <= len(text)
    assert result.status in ("anchored", "moved")
    assert 0.0 <= result.score <= 1.0


@SETTINGS
@given(text_and_span())
def test_describe_then_anchor_is_the_identity(case: tuple[str, int, int]) -> None:
    text, start, end = case
    exact, prefix, suffix = describe(text, start, end)
    assert exact == text[start:end]
    assert anchor(text, exact, prefix, suffix, start, end) == Anchor(start, end, "anchored", 1.0)


@SETTINGS
@given(
    any_text | texts,
    st.one_of(st.none(), any_text, texts),
    st.one_of(st.none(), any_text),
    st.one_of(st.none(), any_text),
    positions,
    positions,
)
def test_anchor_never_raises_and_stays_in_bounds(text, exact, prefix, suffix, start, end) -> None:
    result = anchor(text, exact, prefix, suffix, start, end)
    _check_shape(result, text)
    if not exact:
        assert result is None


@SETTINGS
@given(texts, st.data())
def test_quote_taken_from_the_text_never_raises(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    exact = text[start:end] + data.draw(st.sampled_from(["", "x", "é"]))
    result = anchor(text, exact, data.draw(any_text), data.draw(any_text), start, end)
    _check_shape(result, text)
    [many] = anchor_many(text, [{"exact": exact, "start": start}])
    _check_shape(many, text)


@SETTINGS
@given(texts, texts, st.text(max_size=30), st.text(max_size=30), positions)
def test_anchored_means_verbatim_without_normalisation(text, exact, prefix, suffix, hint) -> None:
    assume(NormalizedText(text).identity and normalize(exact) == exact)
    result = anchor(text, exact, prefix, suffix, hint)
    _check_shape(result, text)
    if result is not None and result.status == "anchored":
        assert text[result.start : result.end] == exact


def _verbatim_places(text: str, exact: str, prefix: str, suffix: str) -> list[int]:
    places = []
    for p in range(len(text) - len(exact) + 1):
        if (
            text.startswith(exact, p)
            and text[:p].endswith(prefix)
            and text.startswith(suffix, p + len(exact))
        ):
            places.append(p)
    return places


@SETTINGS
@given(text_and_span(), st.lists(INSERT_ALPHABET, min_size=1, max_size=60).map("".join), st.data())
def test_insertions_away_from_the_passage_keep_it(case, inserted: str, data) -> None:
    text, start, end = case
    exact, prefix, suffix = describe(text, start, end)
    assume(_verbatim_places(text, exact, prefix, suffix) == [start])
    before = start - len(prefix)
    after = end + len(suffix)
    choices = [i for i in range(len(text) + 1) if i <= before or i >= after]
    where = data.draw(st.sampled_from(choices))
    edited = text[:where] + inserted + text[where:]
    shift = len(inserted) if where <= before else 0
    result = anchor(edited, exact, prefix, suffix, start, end)
    assert result == Anchor(start + shift, end + shift, "anchored", result.score if result else 0)


@SETTINGS
@given(
    text_and_inner_span(),
    st.lists(INSERT_ALPHABET, min_size=1, max_size=60).map("".join),
    st.data(),
)
def test_insertions_in_one_context_side_keep_the_quote(case, inserted: str, data) -> None:
    text, start, end = case
    exact, prefix, suffix = describe(text, start, end)
    side = data.draw(st.sampled_from(["prefix", "suffix"]))
    assume(prefix and suffix)
    intact = suffix if side == "prefix" else prefix
    # A short quote needs the intact side and itself to make a long verbatim match.
    assume(len(exact) + len(intact) >= 40 or (len(exact) >= 20 and len(exact.split()) >= 4))
    if side == "prefix":
        where = data.draw(st.integers(start - len(prefix), start))
    else:
        where = data.draw(st.integers(end, end + len(suffix)))
    edited = text[:where] + inserted + text[where:]
    result = anchor(edited, exact, prefix, suffix, start, end)
    assert result is not None and result.status == "anchored"
    assert edited[result.start : result.end] == exact


WORDS = st.sampled_from(
    "the and people water house street council family winter morning piano flood "
    "remember neighbours shovels stairs seaweed aunt weeks rains".split()
)


@SETTINGS
@given(
    st.lists(WORDS | st.integers(0, 9999).map(str), min_size=30, max_size=120).map(" ".join),
    st.data(),
)
def test_one_typo_inside_the_quote_is_moved_to_the_same_place(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text) - 25))
    end = data.draw(st.integers(start + 20, min(len(text), start + 60)))
    exact, prefix, suffix = describe(text, start, end)
    typo_at = data.draw(st.integers(start, end - 1))
    edited = text[:typo_at] + "ж" + text[typo_at + 1 :]
    assume(exact not in edited)  # a repeat elsewhere would rightly be preferred
    result = anchor(edited, exact, prefix, suffix, start, end)
    assert result is not None
    assert result.status == "moved"
    assert abs(result.start - start) <= 2 and abs(result.end - end) <= 2


@SETTINGS
@given(st.lists(text_and_span(), min_size=1, max_size=5), st.data())
def test_anchor_many_agrees_with_anchor(cases, data) -> None:
    text = cases[0][0]
    selectors = []
    for _, s, e in cases:
        s, e = min(s, len(text) - 1), min(e, len(text))
        assume(s < e)
        exact, prefix, suffix = describe(text, s, e)
        selectors.append({"exact": exact, "prefix": prefix, "suffix": suffix, "start": s})
    inserted = data.draw(st.lists(INSERT_ALPHABET, max_size=10).map("".join))
    edited = inserted + text
    many = anchor_many(edited, selectors)
    for sel, got in zip(selectors, many, strict=True):
        single = anchor(edited, sel["exact"], sel["prefix"], sel["suffix"], sel["start"])
        if got != single:  # several verbatim places: anchor_many may follow the shift
            assert got is not None and single is not None
            assert edited[got.start : got.end] == sel["exact"] == edited[single.start : single.end]
