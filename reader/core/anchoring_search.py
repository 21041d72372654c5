"""Approximate search and similarity helpers for anchoring (edlib for search, rapidfuzz to score).

edlib accepts at most 256 distinct symbols in query and target together, so texts are mapped onto
a compact byte alphabet first (:class:`Alphabet`): the 255 most frequent characters of a text get
their own byte and every other character becomes one shared "rare" byte. Each character becomes
exactly one byte, so offsets stay code points. With at most 255 distinct characters (nearly every
transcript) edit distances are exact; otherwise rare characters all match each other, which only
makes distances lower bounds. That is fine for *gathering* candidates: every candidate is then
scored on the real strings with rapidfuzz.
"""

from __future__ import annotations

from collections import Counter

import edlib
from rapidfuzz.distance import Levenshtein

_RARE = "\x00"


class Alphabet:
    """A map from the characters of a text onto bytes (one byte per code point)."""

    __slots__ = ("_table",)

    def __init__(self, text: str) -> None:
        counts = Counter(text)
        table = {ord(c): _RARE for c in counts}
        for i, (c, _) in enumerate(counts.most_common(255)):
            table[ord(c)] = chr(i + 1)
        self._table = table

    def encode(self, text: str) -> bytes:
        """``text`` as bytes; characters this alphabet has never seen become the rare byte."""
        table = self._table
        if all(ord(c) in table for c in set(text)):
            return text.translate(table).encode("latin-1")
        return "".join(table.get(ord(c), _RARE) for c in text).encode("latin-1")


def approx_search(
    query: bytes, target: bytes, max_errors: int, limit: int = 64
) -> tuple[int, list[tuple[int, int]]]:
    """Minimum-error infix matches of ``query`` in ``target`` with at most ``max_errors`` edits.

    Both are bytes from the same :class:`Alphabet`. Returns ``(errors, spans)`` with
    end-exclusive spans (at most ``limit`` of them), or ``(-1, [])`` when nothing is within
    ``max_errors``.
    """
    if not query or not target or max_errors < 0:
        return -1, []
    result = edlib.align(query, target, mode="HW", task="locations", k=max_errors)
    errors = result["editDistance"]
    if errors < 0:
        return -1, []
    spans: list[tuple[int, int]] = []
    for start, end in result["locations"]:
        if start is None:
            continue
        span = (start, end + 1)
        if span not in spans:
            spans.append(span)
            if len(spans) >= limit:
                break
    return errors, spans


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    return int(Levenshtein.distance(a, b))


def similarity(a: str, b: str) -> float:
    """Normalised Levenshtein similarity, ``1 - distance / max(len(a), len(b))``."""
    return float(Levenshtein.normalized_similarity(a, b))


def prefix_similarity(context: str, before: str) -> float:
    """How well ``context`` matches text that ends where ``before`` ends.

    The context must end exactly at the end of ``before`` but may start anywhere in it (the
    stored prefix may have gained or lost a few characters at its far end). ``1 - errors / len``.
    """
    if not context:
        return 1.0
    if not before:
        return 0.0
    return _anchored_score(context[::-1], before[::-1])


def suffix_similarity(context: str, after: str) -> float:
    """How well ``context`` matches text that starts where ``after`` starts (see above)."""
    if not context:
        return 1.0
    if not after:
        return 0.0
    return _anchored_score(context, after)


def _anchored_score(query: str, target: str) -> float:
    """``1 - d/len(query)`` where d aligns all of ``query`` with some prefix of ``target``."""
    if len(set(query) | set(target)) > 256:
        alphabet = Alphabet(query + target)
        q: str | bytes = alphabet.encode(query)
        t: str | bytes = alphabet.encode(target)
    else:
        q, t = query, target
    result = edlib.align(q, t, mode="SHW", task="distance")
    errors = result["editDistance"]
    if errors < 0:
        errors = len(query)
    return max(0.0, 1.0 - errors / len(query))
