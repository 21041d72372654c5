"""The search query language and its translation into FTS5 MATCH expressions."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.search_query import QueryError, Term, parse_query
from reader.core.search_store import TOKENIZER


@pytest.mark.parametrize(
    ("query", "fts"),
    [
        ("care", '("care")'),
        ("user involvement", '("user") AND ("involvement")'),
        ('"user involvement"', '("user involvement")'),
        ("“user involvement”", '("user involvement")'),
        ('"unclosed phrase', '("unclosed phrase")'),
        ("involv*", '("involv"*)'),
        ('"social ped"*', '("social ped"*)'),
        ("care OR support", '("care" OR "support")'),
        ("care | support", '("care" OR "support")'),
        ("care OR support worker", '("care" OR "support") AND ("worker")'),
        ("a OR b OR c", '("a" OR "b" OR "c")'),
        ("care -tokenism", '(("care")) NOT ("tokenism")'),
        ('care -"box ticking" -x', '(("care")) NOT ("box ticking" OR "x")'),
        ("care NOT tokenism", '(("care")) NOT ("tokenism")'),
        ("care AND support", '("care") AND ("support")'),
        ("(care OR support) worker", '("care" OR "support") AND ("worker")'),
        ("+care", '("care")'),
        ("co-production", '("co-production")'),
        ('say "hi"', '("say") AND ("hi")'),
        ('a"b', '("a") AND ("b")'),
        ("NEAR(a b)", '("NEAR") AND ("a") AND ("b")'),
        ("body:x", '("body:x")'),
        ("or", '("or")'),  # only capitals are the operator
        ("OR care", '("care")'),
        ("care OR", '("care")'),
        ("care - *", '("care")'),
        ('it"s', '("it") AND ("s")'),
    ],
)
def test_translation(query: str, fts: str) -> None:
    assert parse_query(query).fts == fts


def test_inner_quotes_are_doubled() -> None:
    assert Term('say "x"').fts() == '"say ""x"""'
    assert Term("x", prefix=True).fts() == '"x"*'


def test_terms_in_order() -> None:
    parsed = parse_query('one "two three" OR four* -five')
    assert [t.text for t in parsed.terms] == ["one", "two three", "four"]
    assert parsed.terms[2].prefix and parsed.terms[1].phrase
    assert [t.text for t in parsed.excluded] == ["five"]


@pytest.mark.parametrize("query", ["", "   ", "-", "*", '""', "OR", "AND NOT", ":", "( )", "- - -"])
def test_nothing_to_search_for(query: str) -> None:
    with pytest.raises(QueryError, match="Type a word"):
        parse_query(query)


@pytest.mark.parametrize("query", ["-care", '-"box ticking"', "NOT care", "-a -b"])
def test_only_exclusions(query: str) -> None:
    with pytest.raises(QueryError, match="cannot only leave words out"):
        parse_query(query)


def test_too_many_terms() -> None:
    parse_query(" ".join(["w"] * 64))
    with pytest.raises(QueryError, match="at most 64"):
        parse_query(" ".join(["w"] * 65))


def test_input_is_nfc_normalised() -> None:
    assert parse_query("cafe\u0301").fts == '("café")'


def test_control_characters_and_surrogates_separate_words() -> None:
    assert parse_query("a\x00b\x02c\ud800d").fts == '("a") AND ("b") AND ("c") AND ("d")'


_DB = sqlite3.connect(":memory:", check_same_thread=False)
_DB.execute(f"CREATE VIRTUAL TABLE fts USING fts5 (body, tags, tokenize='{TOKENIZER}')")
_DB.executemany(
    "INSERT INTO fts (body, tags) VALUES (?, ?)",
    [
        ("We met at the café to discuss user involvement.", ""),
        ("Box ticking and tokenism; co-production works.", "policy, follow-up"),
        ("NEAR OR AND NOT: the words of the FTS5 syntax, as text", ""),
    ],
)

_ALPHABET = st.sampled_from(
    list("abcé\"“”*-+():^|&{}[]\\'., \t\n\x00\x02") + ["OR", "AND", "NOT", "NEAR", "🙂", "\u0301"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(  # lone surrogates and control characters included
            st.characters(exclude_categories=())
            | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
        ),
        st.lists(_ALPHABET, max_size=30).map("".join),
    )
)
def test_arbitrary_queries_never_raise_sqlite_errors(query: str) -> None:
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        assert str(exc)
        return
    rows = _DB.execute(
        "SELECT rowid, highlight(fts, 0, '[', ']') FROM fts WHERE fts MATCH ? ORDER BY rank",
        (parsed.fts,),
    ).fetchall()
    assert isinstance(rows, list)


def test_candidates_loosen_phrases_to_their_words() -> None:
    parsed = parse_query('"care c-are"* OR one -"two three"')
    assert parsed.candidates_fts == '(("care" AND "c" AND "are"*) OR "one")'
    assert parsed.positive_fts == '("care c-are"* OR "one")'
    assert parse_query('"single"').candidates_fts == '("single")'
