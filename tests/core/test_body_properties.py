"""Property tests: parsing never raises and the block/offset invariants always hold."""

from __future__ import annotations

from pathlib import Path

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
