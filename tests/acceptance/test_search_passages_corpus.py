"""The episode index finds exactly the passages an index of every block would, on the real
corpus in ../shared/corpus: every word of the canonical text is in the indexed text, and a set of
queries (words, phrases, OR, prefixes, words left out) gives the same hits as a reference index
with one FTS5 row per block. Skips without ../shared."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.library import iter_transcript_paths
from reader.core.search import Index
from reader.core.search_parallel import prepare
from reader.core.search_query import parse_query
from reader.core.search_store import TOKENIZER
from reader.core.transcript import load_transcript

pytestmark = pytest.mark.acceptance

QUERIES = [
    "involvement",
    "user involvement",
    '"social work"',
    "care OR support",
    "participat*",
    "policy -government",
    "cafe",
    "the -and",
    '"in the"',
    "bitcoin OR kernel OR carers",
    "people think",
    "2019",
]


def _vocab(con: sqlite3.Connection, table: str) -> set[str]:
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_v USING fts5vocab({table}, 'row')")
    return {t for (t,) in con.execute(f"SELECT term FROM {table}_v")}


def test_every_word_of_the_canonical_text_is_indexed(corpus_dir: Path) -> None:
    missing: dict[str, set[str]] = {}
    for path in iter_transcript_paths(corpus_dir):
        data = path.read_bytes()
        prepared = prepare(path, data)
        transcript = load_transcript(path)
        con = sqlite3.connect(":memory:")
        for table in ("indexed", "canonical"):
            con.execute(f"CREATE VIRTUAL TABLE {table} USING fts5 (body, tokenize='{TOKENIZER}')")
        con.execute("INSERT INTO indexed (body) VALUES (?)", (prepared.body,))
        con.execute("INSERT INTO canonical (body) VALUES (?)", (transcript.text,))
        lost = _vocab(con, "canonical") - _vocab(con, "indexed")
        if lost:
            missing[str(path.relative_to(corpus_dir))] = lost
        con.close()
    assert not missing


def _reference(corpus_dir: Path) -> tuple[sqlite3.Connection, dict[int, tuple[Path, int]]]:
    """One FTS5 row per non-empty block of every transcript, as the index used to be."""
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE VIRTUAL TABLE blocks USING fts5 (body, tokenize='{TOKENIZER}')")
    where: dict[int, tuple[Path, int]] = {}
    rowid = 0
    for path in iter_transcript_paths(corpus_dir):
        t = load_transcript(path)
        for b in t.blocks:
            body = t.text[b.start : b.end]
            if body.strip():
                rowid += 1
                where[rowid] = (path, b.start)
                con.execute("INSERT INTO blocks (rowid, body) VALUES (?, ?)", (rowid, body))
    return con, where


def test_the_passages_found_are_those_of_an_index_of_every_block(corpus_dir: Path) -> None:
    ref, where = _reference(corpus_dir)
    with Index(corpus_dir) as index:
        index.update()
        for query in QUERIES:
            expr = parse_query(query).fts
            expected = {
                where[r]
                for (r,) in ref.execute("SELECT rowid FROM blocks WHERE blocks MATCH ?", (expr,))
            }
            assert expected, query
            results = index.search(query, limit=len(expected) + 1000)
            got = {(r.path, _block_start(r)) for r in results if r.kind == "text"}
            assert got == expected, query
    ref.close()


_STARTS: dict[Path, list[int]] = {}


def _block_start(result) -> int:  # type: ignore[no-untyped-def]
    import bisect

    starts = _STARTS.get(result.path)
    if starts is None:
        starts = _STARTS[result.path] = [b.start for b in load_transcript(result.path).blocks]
    return starts[bisect.bisect_right(starts, result.start) - 1]
