"""The episode index finds exactly the passages an index of every block would (generated
transcripts with markup that joins words, and generated queries), and the passage matcher
inserts a transcript once while there is room."""

from __future__ import annotations

import bisect
import os
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.core.search import Index
from reader.core.search_parallel import prepare
from reader.core.search_passages import PassageMatcher
from reader.core.search_query import parse_query
from reader.core.search_store import TOKENIZER
from reader.core.transcript import load_transcript

WORDS = "care support café involvement policy families worker social practice night".split()
OLD = 1_600_000_000


def _marked_word(draw: st.DrawFn) -> str:
    """A word as written, sometimes with markup inside or around it."""
    word = draw(st.sampled_from(WORDS))
    cut = draw(st.integers(1, max(1, len(word) - 1)))
    head, tail = word[:cut], word[cut:]
    style = draw(st.sampled_from(["plain"] * 6 + ["em", "strong", "code", "link", "tag", "ent"]))
    if style == "em":
        return f"{head}*{tail}*" if tail else f"*{head}*"
    if style == "strong":
        return f"**{head}**{tail}"
    if style == "code":
        return f"`{word}`"
    if style == "link":
        return f"[{head}](http://example.org/{tail}){tail}"
    if style == "tag":
        return f'{head}<span class="x">{tail}</span>'
    if style == "ent":
        return word.replace("é", "&eacute;") if "é" in word else f"{head}&amp;{tail}"
    return word


@st.composite
def transcripts(draw: st.DrawFn) -> str:
    lines = ["---", f"title: {draw(st.sampled_from(WORDS)).title()} talk", "---"]
    lines += ["AB - Ann Bee", "CD - Cy Dee", ""]
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["turn", "turn", "heading", "list", "para"]))
        words = " ".join(_marked_word(draw) for _ in range(draw(st.integers(1, 9))))
        if kind == "turn":
            lines.append(f"{draw(st.sampled_from(['AB', 'CD']))} {words}")
        elif kind == "heading":
            lines.append(f"## {words}")
        elif kind == "list":
            lines += [f"- {words}", f"- {_marked_word(draw)} {_marked_word(draw)}"]
        else:
            lines.append(words)
        lines.append("")
    return "\n".join(lines)


@st.composite
def queries(draw: st.DrawFn) -> str:
    a, b, c = (draw(st.sampled_from(WORDS)) for _ in range(3))
    return draw(st.sampled_from([a, f"{a} {b}", f"{a} OR {b}", f'"{a} {b}"', f"{a} -{b}",
                                 f"{a[:3]}*", f"{a} OR {b} -{c}"]))  # fmt: skip


def _reference(paths: list[Path], query: str) -> set[tuple[str, int]]:
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE VIRTUAL TABLE b USING fts5 (body, tokenize='{TOKENIZER}')")
    where: dict[int, tuple[str, int]] = {}
    for path in paths:
        t = load_transcript(path)
        for blk in t.blocks:
            if t.text[blk.start : blk.end].strip():
                where[len(where) + 1] = (path.name, blk.start)
                con.execute(
                    "INSERT INTO b (rowid, body) VALUES (?, ?)",
                    (len(where), t.text[blk.start : blk.end]),
                )
    expr = parse_query(query).fts
    found = {where[r] for (r,) in con.execute("SELECT rowid FROM b WHERE b MATCH ?", (expr,))}
    con.close()
    return found


@example(["---\ntitle: Care\n---\nAB care c*are*\n\nCD caf&eacute; wor<b>k</b>er\n"],
         ['"care care"', "café worker", '"cafe worker"'])  # fmt: skip
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(transcripts(), min_size=1, max_size=4), st.lists(queries(), min_size=1, max_size=4))
def test_the_passages_found_are_those_of_an_index_of_every_block(
    texts: list[str], qs: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lib"
        root.mkdir()
        paths = []
        for i, text in enumerate(texts):
            path = root / f"ep{i}.md"
            path.write_text(text, encoding="utf-8")
            os.utime(path, (OLD, OLD))
            paths.append(path)
            # every word of the canonical text is in the indexed text
            con = sqlite3.connect(":memory:")
            for table, body in (("i", prepare(path, path.read_bytes()).body),
                                ("c", load_transcript(path).text)):  # fmt: skip
                con.execute(f"CREATE VIRTUAL TABLE {table} USING fts5 (x, tokenize='{TOKENIZER}')")
                con.execute(f"CREATE VIRTUAL TABLE {table}v USING fts5vocab({table}, 'row')")
                con.execute(f"INSERT INTO {table} (x) VALUES (?)", (body,))
            lost = con.execute("SELECT term FROM cv EXCEPT SELECT term FROM iv").fetchall()
            con.close()
            assert not lost, (text, lost)
        with Index(root, index_file=Path(tmp) / "idx.sqlite3") as index:
            index.update()
            for query in qs:
                results = index.search(query, limit=10_000)
                got = set()
                starts = {p.name: [b.start for b in load_transcript(p).blocks] for p in paths}
                for r in results:
                    if r.kind == "text":
                        s = starts[r.path.name]
                        got.add((r.path.name, s[bisect.bisect_right(s, r.start) - 1]))
                assert got == _reference(paths, query), query


def test_a_transcript_is_inserted_once_while_there_is_room(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    for i in range(6):
        (root / f"ep{i}.md").write_text(
            f"---\ntitle: Episode {i}\n---\nAB care and support, part {i}.\n\nCD policy {i}.\n"
        )
    inserted: list[int] = []
    real = PassageMatcher._first_row

    def counting(self, passages, title):  # type: ignore[no-untyped-def]
        before = self._next
        first = real(self, passages, title)
        if self._next != before:
            inserted.append(first)
        return first

    PassageMatcher._first_row = counting  # type: ignore[method-assign]
    try:
        with Index(root, index_file=tmp_path / "x.sqlite3") as index:
            index.update()
            every = index.search("care", limit=50)
            assert len(inserted) == 6
            assert len(index.search("care OR policy", limit=50)) == 12 and len(inserted) == 6
        with Index(root, index_file=tmp_path / "x.sqlite3") as small:
            small._matcher().MAX_CHARS = 120  # room for about one transcript at a time
            inserted.clear()
            assert small.search("care", limit=50) == every
            assert small.search("care", limit=50) == every
            assert len(inserted) > 6  # made anew: inserted again
    finally:
        PassageMatcher._first_row = real  # type: ignore[method-assign]


def test_an_episodes_hits_come_title_first_then_in_the_order_of_the_text(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "a.md").write_text(
        "---\ntitle: Care talk\n---\n"
        "AB A long first paragraph that mentions care once among many other words here.\n\n"
        "CD Care, care and care.\n\nAB Nothing here.\n\nCD And care at the end.\n"
    )
    (root / "b.md").write_text("---\ntitle: Other\n---\nAB Support and policy, care too.\n")
    with Index(root, index_file=tmp_path / "x.sqlite3") as index:
        index.update()
        first = [(r.kind, r.start) for r in index.search("care") if r.path.name == "a.md"]
        assert first[0] == ("title", 0)
        starts = [s for kind, s in first[1:]]
        assert len(starts) == 3 and starts == sorted(starts)
        index.search("support OR policy")  # other passages in the matcher's table
        again = [(r.kind, r.start) for r in index.search("care") if r.path.name == "a.md"]
        assert again == first
