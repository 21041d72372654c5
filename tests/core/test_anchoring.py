"""Re-anchoring quotes on edited transcripts (reader.core.anchoring)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pytest

from reader.core.anchoring import Anchor, Selector, anchor, anchor_many, describe
from reader.core.anchoring_text import NormalizedText, normalize

TRANSCRIPT = (
    "[00:00:05] **J. PATEL:** Thank you for joining us today. Can you tell me about the flood?\n\n"
    "[00:00:12] **M. OKAFOR:** It was February 1962. The water came up the street so fast that "
    "nobody had time to move anything upstairs. When we came back the next morning the house "
    "was full of mud and seaweed, and the piano had floated across the room and jammed itself "
    "against the stairs.\n\n"
    "[00:01:40] **J. PATEL:** What did your family do afterwards?\n\n"
    "[00:01:45] **M. OKAFOR:** We stayed with my aunt for six weeks. The council sent men with "
    "shovels, but it was the neighbours who really helped. What I remember most about that "
    "winter: people shared what they had.\n\n"
    "[00:03:30] **J. PATEL:** Do you still think about it?\n\n"
    "[00:03:34] **M. OKAFOR:** Every time it rains hard, I think about it. Every time.\n"
)


def _selector(text: str, passage: str, occurrence: int = 0) -> Selector:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(passage, start + 1)
    exact, prefix, suffix = describe(text, start, start + len(passage))
    return Selector(exact, prefix, suffix, start, start + len(passage))


def _anchor(text: str, sel: Selector) -> Anchor | None:
    return anchor(text, sel.exact, sel.prefix, sel.suffix, sel.start, sel.end)


# ---------------------------------------------------------------------------- describe


def test_describe_takes_32_code_points_of_context() -> None:
    start = TRANSCRIPT.index("the piano")
    exact, prefix, suffix = describe(TRANSCRIPT, start, start + 9)
    assert exact == "the piano"
    assert prefix == TRANSCRIPT[start - 32 : start]
    assert suffix == TRANSCRIPT[start + 9 : start + 41]


def test_describe_at_the_edges_and_with_bad_offsets() -> None:
    assert describe("abcdef", 0, 3) == ("abc", "", "def")
    assert describe("abcdef", 2, 6, context=1) == ("cdef", "b", "")
    assert describe("abcdef", -5, 99) == ("abcdef", "", "")
    assert describe("abcdef", 4, 2) == ("", "abcd", "ef")
    assert describe("", 0, 0) == ("", "", "")


def test_describe_does_not_cut_combining_marks_from_their_base() -> None:
    text = "xe\u0301" + "a" * 10 + "QUOTE" + "b" * 10 + "e\u0301y"
    start = text.index("QUOTE")
    _, prefix, suffix = describe(text, start, start + 5, context=11)
    assert not unicodedata.combining(prefix[0])  # the lone accent is dropped, not kept
    assert prefix == "a" * 10
    assert suffix == "b" * 10  # "e" is not kept without its accent


# ---------------------------------------------------------------------------- unchanged text


def test_unchanged_text_takes_the_fast_path() -> None:
    sel = _selector(TRANSCRIPT, "the piano had floated across the room")
    assert _anchor(TRANSCRIPT, sel) == Anchor(sel.start, sel.end, "anchored", 1.0)


def test_empty_quote_or_text_is_an_orphan() -> None:
    assert anchor(TRANSCRIPT, "") is None
    assert anchor("", "piano") is None


# ---------------------------------------------------------------------------- edits


def test_insertion_before_the_quote_moves_the_offsets() -> None:
    sel = _selector(TRANSCRIPT, "people shared what they had")
    edited = "# The 1962 flood\n\nRecorded in 2019.\n\n" + TRANSCRIPT
    found = _anchor(edited, sel)
    assert found is not None
    assert edited[found.start : found.end] == sel.exact
    assert found.status == "anchored"
    assert found.start == sel.start + len(edited) - len(TRANSCRIPT)


def test_insertion_inside_the_context_still_anchors() -> None:
    sel = _selector(TRANSCRIPT, "the piano had floated across the room")
    edited = TRANSCRIPT.replace("mud and seaweed", "mud, sand and seaweed")
    found = _anchor(edited, sel)
    assert found is not None and found.status == "anchored"
    assert edited[found.start : found.end] == sel.exact


def test_typo_fixed_inside_the_quote_is_moved() -> None:
    with_typo = TRANSCRIPT.replace("jammed itself against", "jammed itslef against")
    sel = _selector(with_typo, "the piano had floated across the room and jammed itslef against")
    found = _anchor(TRANSCRIPT, sel)
    assert found is not None
    assert found.status == "moved"
    assert TRANSCRIPT[found.start : found.end] == (
        "the piano had floated across the room and jammed itself against"
    )
    assert 0.8 < found.score < 1.0


def test_word_changed_in_a_short_quote_with_intact_context_is_moved() -> None:
    sel = _selector(TRANSCRIPT, "six weeks")
    edited = TRANSCRIPT.replace("six weeks", "six week")
    found = _anchor(edited, sel)
    assert found is not None and found.status == "moved"
    assert edited[found.start : found.end] == "six week"


def test_deleted_passage_is_an_orphan() -> None:
    passage = "The council sent men with shovels, but it was the neighbours who really helped. "
    sel = _selector(TRANSCRIPT, "it was the neighbours who really helped")
    assert _anchor(TRANSCRIPT.replace(passage, ""), sel) is None


def test_deleted_short_quote_is_not_attached_to_a_far_repeat() -> None:
    """An exact short quote far away with both context sides changed is an orphan."""
    sel = _selector(TRANSCRIPT, "did your family do afterwards?")
    text = TRANSCRIPT.replace("What did your family do afterwards?", "How did you all cope?")
    text += "She asked me what did your family do afterwards? and I said nothing at all.\n"
    assert _anchor(text, sel) is None


def test_quote_still_at_its_position_is_kept_when_its_context_changed() -> None:
    text = "Did it help? Yes. It did."
    sel = Selector(*describe(text, 13, 17), 13, 17)
    edited = "Was it ok? Yes. Not much, no."
    assert edited[13:17] != "Yes."  # the same length of text, but the quote moved left by 2
    found = anchor(edited, sel.exact, sel.prefix, sel.suffix, sel.start, sel.end)
    assert found is None  # short quote, both sides rewritten, not at its position: orphan
    edited = "Was it good? Yes. Not much, no."
    found = anchor(edited, sel.exact, sel.prefix, sel.suffix, sel.start, sel.end)
    assert found is not None and (found.start, found.end, found.status) == (13, 17, "anchored")


def test_long_exact_quote_elsewhere_is_found_even_with_new_context() -> None:
    """A long verbatim quote stands on its own: the paragraph was moved to the end."""
    paragraph = (
        "We stayed with my aunt for six weeks. The council sent men with shovels, "
        "but it was the neighbours who really helped."
    )
    sel = _selector(TRANSCRIPT, paragraph)
    text = TRANSCRIPT.replace(paragraph + " ", "") + "\nNOTE " + paragraph + " END\n"
    found = _anchor(text, sel)
    assert found is not None and found.status == "anchored"
    assert text[found.start : found.end] == paragraph


def test_short_quote_that_only_fuzzy_matches_elsewhere_is_an_orphan() -> None:
    sel = _selector(TRANSCRIPT, "six weeks")
    text = TRANSCRIPT.replace("We stayed with my aunt for six weeks. ", "")
    text = text.replace("Every time it rains hard", "Six weks later, every time it rains hard")
    assert _anchor(text, sel) is None


# ---------------------------------------------------------------------------- repeats


def test_context_picks_the_right_repeat() -> None:
    first = _selector(TRANSCRIPT, "Every time", 0)
    second = _selector(TRANSCRIPT, "Every time", 1)
    edited = "Intro.\n" + TRANSCRIPT
    for sel in (first, second):
        found = _anchor(edited, sel)
        assert found is not None
        assert found.start == sel.start + 7
        assert found.status == "anchored"


def test_context_beats_position() -> None:
    text = "alpha one beta. gamma one delta. " * 3
    sel = Selector("one", prefix="gamma ", suffix=" delta", start=4)
    found = anchor(text, sel.exact, sel.prefix, sel.suffix, sel.start)
    assert found is not None and found.start == text.index("gamma one") + 6


def test_position_breaks_ties_between_identical_repeats() -> None:
    text = "We said yes. Then we said no. We said yes. Then we said no."
    second = text.index("We said yes", 1)
    exact, prefix, suffix = "said yes", "We ", ". Then we "
    for hint, expected in ((0, 3), (second + 5, second + 3)):
        found = anchor("X " + text, exact, prefix, suffix, start=hint)
        assert found is not None and found.start == expected + 2


def test_repeated_exact_quote_without_context_or_position_takes_the_first() -> None:
    text = "echo. echo. echo."
    found = anchor(text, "echo")
    assert found == Anchor(0, 4, "anchored", 1.0)


def test_position_picks_among_repeats_without_context() -> None:
    text = "echo. echo. echo."
    found = anchor(text, "echo", start=12, end=16)
    assert found is not None and (found.start, found.end) == (12, 16)


def test_ambiguous_fuzzy_quote_without_any_evidence_is_an_orphan() -> None:
    assert anchor("the cat sat. the bat sat.", "the hat sat") is None
    assert anchor("the cat sat. the dog ran.", "the hat sat") is not None


# ---------------------------------------------------------------------------- unicode


def test_emoji_and_combining_marks_before_the_quote() -> None:
    sel = _selector(TRANSCRIPT, "people shared what they had")
    edited = "Cafe\u0301 😊👍🏽 notes\n" + TRANSCRIPT
    found = _anchor(edited, sel)
    assert found is not None and found.status == "anchored"
    assert edited[found.start : found.end] == sel.exact
    assert found.start == sel.start + len("Cafe\u0301 😊👍🏽 notes\n")


def test_quote_containing_emoji_and_marks() -> None:
    text = "Before. She said “wow 😊 cafe\u0301” and left. After."
    start = text.index("wow")
    end = text.index("”")
    sel = Selector(*describe(text, start, end), start, end)
    edited = "New line.\n" + text
    found = anchor(edited, sel.exact, sel.prefix, sel.suffix, sel.start, sel.end)
    assert found is not None and edited[found.start : found.end] == sel.exact


def test_astral_characters_count_as_one_code_point_in_fuzzy_matches() -> None:
    found = anchor("I said sm😊le and left", "smile")
    assert found is not None and (found.start, found.end) == (7, 12)
    assert found.status == "moved"


def test_large_alphabet_text() -> None:
    """More than 256 distinct characters in the text (edlib's limit) still works."""
    text = "".join(chr(0x4E00 + i) for i in range(600))
    quote = text[300:330]
    edited = text[:310] + "X" + text[311:]
    found = anchor(edited, quote, text[268:300], text[330:362], 300, 330)
    assert found is not None and (found.start, found.end) == (300, 330)
    assert found.status == "moved"


def test_quote_with_more_than_255_distinct_characters() -> None:
    text = "".join(chr(0x4E00 + i) for i in range(800))
    quote = text[100:500]
    edited = text[:300] + "X" + text[301:]
    found = anchor(edited, quote, "", "", None, None)
    assert found is not None and (found.start, found.end) == (100, 500)


# ---------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace(" ", "  ").replace("\n\n", "\n \n"), id="reflow"),
        pytest.param(lambda t: t.replace("had floated across", "had\nfloated\tacross"), id="wrap"),
        pytest.param(lambda t: unicodedata.normalize("NFD", t), id="nfd"),
    ],
)
def test_whitespace_line_endings_and_normal_form_are_not_edits(transform) -> None:
    text = TRANSCRIPT.replace("seaweed", "seaweed and café crème")
    sel = _selector(text, "the piano had floated across the room")
    sel2 = _selector(text, "café crème")
    edited = transform(text)
    for s in (sel, sel2):
        found = _anchor(edited, s)
        assert found is not None
        assert found.status == "anchored"
        assert normalize(edited[found.start : found.end]) == normalize(s.exact)
        assert found.score > 0.9


def test_typographic_quotes_and_dashes_are_not_edits() -> None:
    text = "He said: 'it's over - we're done' and walked out. Later he came back."
    sel = Selector(*describe(text, 9, 33), 9, 33)
    edited = "He said: \u2018it\u2019s over \u2013 we\u2019re done\u2019 and walked out. Later."
    found = anchor(edited, sel.exact, sel.prefix, sel.suffix, sel.start, sel.end)
    assert found is not None and found.status == "anchored"
    assert edited[found.start : found.end] == "\u2018it\u2019s over \u2013 we\u2019re done\u2019"


def test_normalised_offsets_map_back_to_the_real_text() -> None:
    raw = "a\r\n\r\nb  \u201cc\u201d e\u0301\u2026 f"
    norm = NormalizedText(raw)
    assert norm.text == 'a b "c" \u00e9... f'
    start = norm.text.index("\u00e9")
    assert raw[norm.raw_start(start) : norm.raw_end(start + 1)] == "e\u0301"
    assert raw[norm.raw_start(start + 1) : norm.raw_end(start + 4)] == "\u2026"
    assert norm.norm_offset(raw.index("b")) == norm.text.index("b")
    assert NormalizedText("plain text").identity


# ---------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (-5, 3), (10_000, 20_000), (50, 10), (0, None), (None, 40), (True, False)],
)
def test_bad_positions_are_only_hints(start, end) -> None:
    sel = _selector(TRANSCRIPT, "people shared what they had")
    found = anchor(TRANSCRIPT, sel.exact, sel.prefix, sel.suffix, start, end)
    assert found is not None and (found.start, found.end) == (sel.start, sel.end)


def test_none_context_and_quote_longer_than_text() -> None:
    assert anchor("short", "a much longer quote than the text", None, None) is None
    found = anchor("short text", "text", None, None)
    assert found == Anchor(6, 10, "anchored", 1.0)


def test_whitespace_only_quote() -> None:
    found = anchor("a  b", "  ", "a", "b", 1, 3)
    assert found == Anchor(1, 3, "anchored", 1.0)
    assert anchor("a b", "\n\n", "x", "y") is None


# ---------------------------------------------------------------------------- anchor_many


def test_anchor_many_matches_anchor_and_keeps_order() -> None:
    passages = ["the piano", "people shared what they had", "Every time", "six weeks", "flood"]
    sels = [_selector(TRANSCRIPT, p) for p in passages]
    sels.reverse()
    edited = "Preface line.\n\n" + TRANSCRIPT.replace("six weeks", "six long weeks")
    many = anchor_many(edited, sels)
    assert many == [_anchor(edited, s) for s in sels]
    assert many[1] is None or many[1].status == "moved"


@dataclass
class _Ann:
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


def test_anchor_many_takes_mappings_and_objects() -> None:
    sel = _selector(TRANSCRIPT, "the piano")
    mapping = {"exact": sel.exact, "prefix": sel.prefix, "suffix": sel.suffix, "start": sel.start}
    obj = _Ann(sel.exact, sel.prefix, sel.suffix, sel.start, sel.end)
    results = anchor_many(TRANSCRIPT, [mapping, obj, {"exact": ""}])
    assert results[0] == results[1] == Anchor(sel.start, sel.end, "anchored", 1.0)
    assert results[2] is None


def test_quote_starting_inside_a_crlf_keeps_its_exact_span() -> None:
    """A quote starting at the "\\n" of a "\\r\\n" is found verbatim, not widened to the "\\r"."""
    text = "intro words here\r\naaaaaaa and the rest of the line goes on"
    start = text.index("\naaaaaaa")
    exact, prefix, suffix = describe(text, start, start + len("\naaaaaaa"))
    edited = text[:3] + "ааааааааааааа" + text[3:]  # Cyrillic inserted inside the prefix side
    result = anchor(edited, exact, prefix, suffix, start, start + len(exact))
    assert result is not None and result.status == "anchored"
    assert edited[result.start : result.end] == exact
