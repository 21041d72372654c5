"""The search box's query language, translated into a safe SQLite FTS5 MATCH expression.

What users type, as in web search engines:

- ``user involvement``: every word must occur (AND);
- ``"user involvement"``: an exact phrase (typographic quotes “…” work too);
- ``involv*``: a prefix;
- ``care OR support``: either (``OR`` in capitals, or ``|``); OR binds tighter than AND, so
  ``care OR support worker`` means (care OR support) AND worker;
- ``-tokenism`` or ``-"box ticking"``: leave out blocks with it (``NOT word`` works too).

Parentheses and ``AND`` are accepted and ignored. Matching is case and accent insensitive and
stems English words: those are properties of the index's tokenizer, not of this module.

Every term reaches FTS5 as a double-quoted string, so no user input is ever read as FTS5 syntax
(``NEAR``, ``:``, ``^``, ``(`` …): the only failure is a `QueryError` with a sentence for the user,
for a query with nothing to look for.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Characters that open or close a phrase: ASCII and typographic double quotes.
_QUOTES = frozenset('"“”„‟«»')
_SEPARATORS = frozenset("()[]{}")
#: More terms than this is not a search a person types; refuse rather than build a huge query.
MAX_TERMS = 64


class QueryError(ValueError):
    """A query that cannot be searched; ``str(error)`` is a sentence to show the user."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase of a query, as the user wrote it (NFC)."""

    text: str
    prefix: bool = False
    phrase: bool = False

    def fts(self) -> str:
        """The term as an FTS5 string: double-quoted, inner quotes doubled, ``*`` for a prefix."""
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + "*" if self.prefix else quoted


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query understood: AND of ``groups`` (each an OR of terms), minus ``excluded`` terms."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def fts(self) -> str:
        """The FTS5 MATCH expression."""
        positive = self.positive_fts
        if not self.excluded:
            return positive
        return f"({positive}) NOT (" + " OR ".join(t.fts() for t in self.excluded) + ")"

    @property
    def positive_fts(self) -> str:
        """The FTS5 MATCH expression of what must occur (the words left out left out)."""
        return " AND ".join(
            "(" + " OR ".join(t.fts() for t in group) + ")" for group in self.groups
        )

    @property
    def candidates_fts(self) -> str:
        """An FTS5 MATCH expression that every text holding a passage that matches the query
        matches: `positive_fts` with each phrase loosened to its words (a phrase that markup
        splits in the text as written, ``care c*are*``, is still a phrase once rendered)."""
        return " AND ".join(
            "(" + " OR ".join(_loosened(t) for t in group) + ")" for group in self.groups
        )

    @property
    def terms(self) -> tuple[Term, ...]:
        """The positive terms, in the order typed (what a view would highlight)."""
        return tuple(t for group in self.groups for t in group)


def _loosened(term: Term) -> str:
    """A phrase as the AND of its words (the last one keeps the prefix), any other term as is."""
    if not term.phrase:
        return term.fts()
    words: list[str] = []
    current: list[str] = []
    for ch in term.text + " ":
        if _is_token_char(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if len(words) < 2:
        return term.fts()
    parts = [Term(w).fts() for w in words[:-1]] + [Term(words[-1], term.prefix).fts()]
    return "(" + " AND ".join(parts) + ")"


def _is_token_char(ch: str) -> bool:
    """Whether FTS5's unicode61 tokenizer keeps ``ch`` in a token (letters, digits, private use)."""
    cat = unicodedata.category(ch)
    return cat[0] in "LN" or cat == "Co"


def _searchable(text: str) -> bool:
    return any(_is_token_char(ch) for ch in text)


@dataclass(slots=True)
class _Lexeme:
    """A raw piece of the query: a term (with its flags) or an operator."""

    kind: str  # "term" | "or" | "not"
    term: Term | None = None
    exclude: bool = False


def _lex(query: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace() or ch in _SEPARATORS:
            i += 1
            continue
        exclude = False
        if ch in "-+" and i + 1 < n and not query[i + 1].isspace():
            exclude = ch == "-"
            i += 1
            ch = query[i]
        if ch in _QUOTES:
            j = i + 1
            while j < n and query[j] not in _QUOTES:
                j += 1
            text = query[i + 1 : j]  # an unclosed quote runs to the end of the query
            i = j + 1
            prefix = False
            while i < n and query[i] == "*":
                prefix = True
                i += 1
            out.append(_Lexeme("term", Term(text.strip(), prefix, phrase=True), exclude))
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in _QUOTES:
            if query[j] in _SEPARATORS:
                break
            j += 1
        word = query[i:j]
        i = j
        if not exclude and word in ("OR", "|", "||"):
            out.append(_Lexeme("or"))
        elif not exclude and word in ("AND", "&", "&&"):
            continue
        elif not exclude and word == "NOT":
            out.append(_Lexeme("not"))
        else:
            stripped = word.rstrip("*")
            prefix = stripped != word
            out.append(_Lexeme("term", Term(stripped, prefix), exclude))
    return out


def parse_query(query: str) -> ParsedQuery:
    """Understand ``query``; raises `QueryError` when there is nothing to search for."""
    # Control characters (NUL ends an FTS5 expression) and lone surrogates (not UTF-8) separate
    # words like spaces do, as they do for the tokenizer.
    query = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in query or "")
    query = unicodedata.normalize("NFC", query)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    pending_not = False
    for lex in _lex(query):
        if lex.kind == "or":
            pending_or = bool(groups)
            continue
        if lex.kind == "not":
            pending_not = True
            continue
        term = lex.term
        assert term is not None
        exclude = lex.exclude or pending_not
        pending_not = False
        if not _searchable(term.text):
            pending_or = False
            continue  # "-", "*", ":" alone: nothing a tokenizer would index
        if exclude:
            excluded.append(term)
            pending_or = False
        elif pending_or and groups:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if sum(len(g) for g in groups) + len(excluded) > MAX_TERMS:
        raise QueryError(f"Too many words: a search can have at most {MAX_TERMS}.")
    if not groups:
        if excluded:
            raise QueryError(
                "Add a word to search for: a search cannot only leave words out (-word)."
            )
        raise QueryError("Type a word or a phrase to search for.")
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
