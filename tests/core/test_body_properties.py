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
