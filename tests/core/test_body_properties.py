"""Property tests: parsing never raises and the block/offset invariants always hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.transcript import Transcript, parse_transcript

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that exercise the parser's conventions; random text glues them together.
FRAGMENTS = [
    "---\n",
    "+++\n",
    "title: x\n",
    "PB - Peter Beresford\n",
    "PB ",
    "MM = Mo\n",
    "**Jo:** ",
    "**Jo**:",
    "**Jo** ",
    "**Jo Ann** ",
    "hosts: [Iriss]\n",
    "iriss_x: 1\n",
    "speakers: [Jo Smith]\n",
    "Q: ",
    "Speaker 0: 00:00:16\n",
    "# ",
    "## H {#h}\n",
    "- ",
    "1. ",
    "> ",
    "[^1]: ",
    "\\[04:08\\]",
    "[00:12:34]",
    "(00:00)",
    "*",
    "**",
    "_",
    "~~",
    "`",
    "[",
    "](http://x)",
    "![",
    "<p>",
    "</p>",
    "<strong>",
    "</strong>",
    "<br>",
    "<!--",
    "-->",
    "&amp;",
    "&#8217;",
    "{{< x >}}",
    "\n",
    "\n\n",
    "\t",
    "  ",
    "\r\n",
    "\r",
    "e\u0301",
    "😀",
    "\ufeff",
    "```\n",
    "|a|b|\n",
]


def check(t: Transcript) -> None:
    text = t.text
    assert "\r" not in text
    pos = 0
    for i, b in enumerate(t.blocks):
        if i:
            assert text[pos] == "\n", (pos, text)
            pos += 1
        assert b.start == pos and b.end > b.start and b.end <= len(text)
        chunk = text[b.start : b.end]
        assert chunk.strip() == chunk and "\n" not in chunk
        for span in b.spans:
            assert b.start <= span.start < span.end <= b.end
        pos = b.end
    assert pos == len(text)


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    t = parse_transcript(data, Path("x.md"))
    check(t)


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60))
def test_markdownish_text_never_raises(parts: list[str]) -> None:
    data = "".join(parts).encode("utf-8", "surrogatepass")
    t = parse_transcript(data, Path("x.md"))
    check(t)
    for b in t.blocks:
        starts = [s.start for s in b.spans]
        assert starts == sorted(starts)


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_crlf_equals_lf(parts: list[str]) -> None:
    lf = "".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in parts)
    a = parse_transcript(lf.encode(), Path("x.md"))
    b = parse_transcript(lf.replace("\n", "\r\n").encode(), Path("x.md"))
    assert a.text == b.text
    assert a.blocks == b.blocks


MARKDOWNISH = st.text(
    alphabet=st.sampled_from(list("*_[]()<>#>-\\`!: \n\t") + list("abcXYZ")), max_size=400
)


def check_spans_valid(t: Transcript) -> None:
    text = t.text
    for b in t.blocks:
        for span in b.spans:
            assert 0 <= b.start <= span.start < span.end <= b.end <= len(text)
            assert span.style in ("em", "strong", "code", "link", "timestamp", "strike")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_markdownish_characters_never_raise(source: str) -> None:
    """Arbitrary text over Markdown's special characters: no exception, valid offsets."""
    t = parse_transcript(source.encode("utf-8"), Path("x.md"))
    check(t)
    check_spans_valid(t)
    assert t.meta.errors == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_markdownish_inline_render_is_consistent(source: str) -> None:
    """`render_inline` on one line: trimmed text, spans inside it, no whitespace runs left."""
    from reader.core.markup import render_inline

    text, spans = render_inline(source)
    assert text == text.strip() and "  " not in text and "\n" not in text and "\t" not in text
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
    assert [s.start for s in spans] == sorted(s.start for s in spans)


FULL_NAMES = ["Anne Begbie", "Anne Fitzpatrick", "Megan Tait", "Dr Jo Smith", "Sam"]
LABEL_STYLES = ["{}: ", "**{}**: ", "**{}:** ", "**{}** "]


@SETTINGS
@given(
    st.lists(st.sampled_from(FULL_NAMES), max_size=5, unique=True),
    st.lists(
        st.tuples(st.sampled_from(["Anne", "Megan", "Jo", "Sam"]), st.sampled_from(LABEL_STYLES)),
        min_size=1,
        max_size=12,
    ),
)
def test_first_name_labels_map_to_one_listed_person_or_stay(
    listed: list[str], turns: list[tuple[str, str]]
) -> None:
    """A first-name label becomes the one listed person with that first name, else stays."""
    front = "---\nspeakers: [" + ", ".join(listed) + "]\n---\n"
    body = "\n\n".join(style.format(name) + "Some words." for name, style in turns)
    t = parse_transcript((front + body + "\n").encode(), Path("x.md"))
    check(t)
    for b in t.blocks:
        if b.kind != "turn":
            continue
        assert b.label in ("Anne", "Megan", "Jo", "Sam")
        matches = [n for n in listed if n.replace("Dr ", "").split()[0] == b.label]
        if len(matches) == 1 and " " in matches[0]:
            assert b.speaker == matches[0]
        else:
            assert b.speaker == b.label


# --- the metadata fast paths give exactly what the full passes give ----------------------------


@SETTINGS
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=8),
)
def test_lex_head_is_the_head_of_the_full_lex(parts: list[str], first: int, blocks: int) -> None:
    from reader.core.body import lex, lex_head, prepare

    body = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    assert lex_head(body, blocks, first) == lex(prepare(body))[:blocks]


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab\n é\u0301")), max_size=200), st.integers(1, 30))
def test_chunked_lines_split_like_split(text: str, first: int) -> None:
    import unicodedata

    from reader.core.lexer import chunked_lines

    assert list(chunked_lines(text, first)) == text.split("\n")
    nfc = [unicodedata.normalize("NFC", x) for x in text.split("\n")]
    prepared = chunked_lines(text, first, prepare=lambda s: unicodedata.normalize("NFC", s))
    assert list(prepared) == nfc


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.integers(min_value=0, max_value=6))
def test_lex_stop_is_a_prefix(parts: list[str], stop: int) -> None:
    from reader.core.lexer import lex

    body = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    assert lex(body, stop) == lex(body)[:stop] if stop else lex(body, stop) == lex(body)


@SETTINGS
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF, exclude_categories=["Cs"])))
def test_control_characters_found_in_the_bytes(text: str) -> None:
    from reader.core.frontmatter_meta import _CONTROL, _utf8_has_control

    assert _utf8_has_control(text.encode("utf-8")) == bool(_CONTROL.search(text))


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80))
def test_read_metadata_is_as_with_a_full_lex(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str]
) -> None:
    """`read_metadata` lexes only the head of the body: it gives exactly what lexing the whole
    sample gave."""
    import dataclasses

    from reader.core import body as _body
    from reader.core.transcript import read_metadata

    def full_lex(body: str, blocks: int, first: int = 1024) -> list[_body.Raw]:
        return _body.lex(_body.prepare(body))[:blocks]

    path = tmp_path_factory.mktemp("meta") / "x.md"
    path.write_bytes("".join(parts).encode("utf-8", "surrogatepass"))
    fast = dataclasses.asdict(read_metadata(path))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_body, "lex_head", full_lex)
        slow = dataclasses.asdict(read_metadata(path))
    assert fast == slow


_WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_other_whitespace_set_is_every_space_but_the_plain_one() -> None:
    """`markup._OTHER_WS` spells out ``[^\\S ]``: the same characters, code point by code point."""
    import re

    from reader.core.markup import _OTHER_WS

    spelled = {c for c in map(chr, range(0x110000)) if _OTHER_WS.fullmatch(c)}
    assert spelled == {c for c in _WHITESPACE if c != " "}
    assert spelled == {c for c in map(chr, range(0x110000)) if re.fullmatch(r"[^\S ]", c)}


@given(st.text(alphabet=st.sampled_from([*_WHITESPACE, "a", "é", "*", ":", "\n"]), max_size=30))
def test_whitespace_change_check_is_the_pattern(raw: str) -> None:
    from reader.core.markup import _WS_CHANGE, _ws_changes

    assert _ws_changes(raw) == (_WS_CHANGE.search(raw) is not None)


@given(st.text(alphabet=st.sampled_from(list(" \t\n\xa0ab0123:[]()*_`~&!<\\é\u0301")), max_size=40))
def test_plain_block_fast_path_renders_as_the_full_renderer(source: str) -> None:
    """A block without markup skips the renderer: same text and spans as rendering it."""
    from reader.core import markup

    out = markup._Out()
    markup._render(source, 0, len(source), out, 0, markup._Index(source))
    text, spans = markup._collapse("".join(out.parts), out.spans)
    assert markup.render_inline(source) == (text, markup._timestamps(text, spans))
