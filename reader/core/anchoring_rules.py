"""Candidate scoring and acceptance rules for :mod:`reader.core.anchoring`.

A *candidate* is a span of the (normalised or real) text that may hold the quoted passage. It is
scored like the Hypothesis client scores quote matches, ``(50·quote + 20·prefix + 20·suffix +
2·position) / 92``, and accepted only when the evidence is strong enough (:func:`acceptable`):
attaching a note to the wrong words is worse than leaving it orphaned. The thresholds are the
module constants below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.anchoring_search import distance as edit_distance
from reader.core.anchoring_search import prefix_similarity, similarity, suffix_similarity

#: Minimum normalised Levenshtein similarity between the quote and an approximate match.
QUOTE_MIN_SIMILARITY = 0.75
#: A stored context side "agrees" with a candidate from this similarity on.
CONTEXT_AGREES = 0.5
#: Mean similarity of the stored context sides an approximate match needs.
FUZZY_CONTEXT_MIN = 0.6
#: The same for short quotes, whose approximate matches mean little by themselves.
FUZZY_CONTEXT_MIN_SHORT = 0.8
#: A quote shorter than this many code points, or than four words, is "short".
SHORT_QUOTE_CHARS = 20
#: An exact quote at least this long stands on its own even when both context sides disagree.
LONG_QUOTE_CHARS = 40
#: When a position is stored, a *short* exact quote needs this mean context similarity, or one
#: context side at least ``INTACT_SIDE`` similar and with the quote ``LONG_QUOTE_CHARS`` long.
EXACT_CONTEXT_MIN_SHORT = 0.6
INTACT_SIDE = 0.95
#: An exact occurrence near the stored position (or with no position stored) whose context
#: agrees this well ends the search; anywhere, ``VERY_STRONG_CONTEXT`` does.
STRONG_CONTEXT = 0.75
VERY_STRONG_CONTEXT = 0.9
#: A candidate is "near" the stored position within ``len(quote) + NEAR_SLACK`` code points.
NEAR_SLACK = 32
#: At most this many exact occurrences are scored in full (the rest are pre-filtered cheaply).
MAX_SCORED_HITS = 200
#: At most this many exact occurrences are collected at all.
MAX_HITS = 20_000

_W_QUOTE, _W_PREFIX, _W_SUFFIX, _W_POSITION = 50.0, 20.0, 20.0, 2.0
_W_TOTAL = _W_QUOTE + _W_PREFIX + _W_SUFFIX + _W_POSITION
#: Extra code points around a context window, so context may have grown or shrunk a little.
CONTEXT_SLACK = 8


@dataclass(slots=True)
class Candidate:
    """A candidate span (offsets into the text it was scored on) and its similarity scores.

    ``prefix``/``suffix`` are ``None`` when that context side was not stored; ``distance`` is
    ``None`` when no position was stored.
    """

    start: int
    end: int
    quote: float
    prefix: float | None
    suffix: float | None
    distance: int | None
    score: float


@dataclass(frozen=True, slots=True)
class Query:
    """A selector in the form candidates are scored against (real or normalised text)."""

    quote: str
    prefix: str
    suffix: str
    hint: int | None
    short: bool


def make_query(exact: str, prefix: str, suffix: str, hint: int | None) -> Query:
    """A :class:`Query`; quotes under ``SHORT_QUOTE_CHARS`` or four words count as short."""
    return Query(
        quote=exact,
        prefix=prefix,
        suffix=suffix,
        hint=hint,
        short=len(exact) < SHORT_QUOTE_CHARS or len(exact.split()) < 4,
    )


def acceptable(c: Candidate, q: Query) -> bool:
    """Whether the evidence for candidate ``c`` is strong enough to attach the annotation.

    - Exact quote: accepted when no context was stored, no position was stored, the stored
      position still holds it, or the quote is at least ``LONG_QUOTE_CHARS`` long. Otherwise
      a short quote needs a mean context similarity of ``EXACT_CONTEXT_MIN_SHORT`` (or one
      intact side making, with the quote, a verbatim match of ``LONG_QUOTE_CHARS``), and a
      longer one must be near the stored position or have a context side that agrees
      (``CONTEXT_AGREES``): a phrase found in changed surroundings is more likely a different
      passage.
    - Approximate quote: similarity at least ``QUOTE_MIN_SIMILARITY``; then, when context was
      stored, its mean similarity must reach ``FUZZY_CONTEXT_MIN`` (``FUZZY_CONTEXT_MIN_SHORT``
      for short quotes); with no context, the candidate must be near the stored position when
      one is known (with none, :func:`choose` also requires it to be the unique best).
    """
    sides = [v for v in (c.prefix, c.suffix) if v is not None]
    near = c.distance is not None and c.distance <= len(q.quote) + NEAR_SLACK
    if c.quote >= 1.0:
        if not sides or q.hint is None or c.distance == 0 or len(q.quote) >= LONG_QUOTE_CHARS:
            return True
        if q.short:
            if sum(sides) / len(sides) >= EXACT_CONTEXT_MIN_SHORT:
                return True
            # One context side intact: quote and that side together are a long verbatim match.
            intact = [
                len(side)
                for side, sim in ((q.prefix, c.prefix), (q.suffix, c.suffix))
                if sim is not None and sim >= INTACT_SIDE
            ]
            return bool(intact) and len(q.quote) + max(intact) >= LONG_QUOTE_CHARS
        return near or max(sides) >= CONTEXT_AGREES
    if c.quote < QUOTE_MIN_SIMILARITY:
        return False
    if sides:
        need = FUZZY_CONTEXT_MIN_SHORT if q.short else FUZZY_CONTEXT_MIN
        return sum(sides) / len(sides) >= need
    return q.hint is None or near


def choose(candidates: Iterable[Candidate], q: Query) -> Candidate | None:
    """The best acceptable candidate (document order breaks exact ties), or ``None``."""
    ok = sorted((c for c in candidates if acceptable(c, q)), key=lambda c: (-c.score, c.start))
    if not ok:
        return None
    best = ok[0]
    if best.quote < 1.0 and q.hint is None and not q.prefix and not q.suffix:
        # Nothing but the quote to go on: an approximate match must be unambiguous.
        for other in ok[1:]:
            overlap = other.start < best.end and best.start < other.end
            if not overlap and abs(other.quote - best.quote) < 1e-9:
                return None
    return best


def evaluate(nt: str, q: Query, start: int, end: int, exact: bool = False) -> Candidate:
    """Score ``nt[start:end]`` as the passage of ``q`` (``exact`` skips comparing the quote)."""
    quote = 1.0 if exact else similarity(q.quote, nt[start:end])
    prefix = suffix = None
    if q.prefix:
        window = nt[max(0, start - len(q.prefix) - CONTEXT_SLACK) : start]
        prefix = prefix_similarity(q.prefix, window)
    if q.suffix:
        suffix = suffix_similarity(q.suffix, nt[end : end + len(q.suffix) + CONTEXT_SLACK])
    distance = None if q.hint is None else abs(start - q.hint)
    position = 1.0 if distance is None else 1.0 - distance / max(len(nt), 1)
    score = (
        _W_QUOTE * quote
        + _W_PREFIX * (1.0 if prefix is None else prefix)
        + _W_SUFFIX * (1.0 if suffix is None else suffix)
        + _W_POSITION * position
    ) / _W_TOTAL
    return Candidate(start, end, quote, prefix, suffix, distance, score)


def decisive(c: Candidate, q: Query) -> bool:
    """Whether an exact candidate is convincing enough to skip the approximate search."""
    if c.quote < 1.0:
        return False
    mean = context_mean(c)
    if mean >= VERY_STRONG_CONTEXT:
        return True
    near = c.distance is None or c.distance <= len(q.quote) + NEAR_SLACK
    return near and mean >= STRONG_CONTEXT


def context_mean(c: Candidate) -> float:
    """Mean similarity of the stored context sides (1.0 when none was stored)."""
    sides = [v for v in (c.prefix, c.suffix) if v is not None]
    return sum(sides) / len(sides) if sides else 1.0


def prefilter(nt: str, q: Query, hits: list[int]) -> list[int]:
    """At most ``MAX_SCORED_HITS`` exact hits, ranked by cheap context agreement and nearness."""
    if len(hits) <= MAX_SCORED_HITS:
        return hits
    size = len(q.quote)

    def rank(s: int) -> tuple[int, int]:
        agree = _common_suffix(nt[max(0, s - len(q.prefix)) : s], q.prefix)
        agree += _common_prefix(nt[s + size : s + size + len(q.suffix)], q.suffix)
        return (-agree, 0 if q.hint is None else abs(s - q.hint))

    return sorted(sorted(hits, key=rank)[:MAX_SCORED_HITS])


def refine(nt: str, q: Query, start: int, end: int) -> tuple[int, int]:
    """Move the span edges by up to 2 code points to minimise edits, then prefer whole words."""
    nq = q.quote
    n = len(nt)
    mid_start = bool(q.prefix) and q.prefix[-1].isalnum() and nq[0].isalnum()
    mid_end = bool(q.suffix) and q.suffix[0].isalnum() and nq[-1].isalnum()
    best: tuple[int, int, int, int] | None = None
    best_span = (start, end)
    for s in range(max(0, start - 2), min(n, start + 3)):
        for e in range(max(s + 1, end - 2), min(n, end + 2) + 1):
            sim = -edit_distance(nq, nt[s:e])
            penalty = (_kind(nt[s]) != _kind(nq[0])) + (_kind(nt[e - 1]) != _kind(nq[-1]))
            if not mid_start and s > 0 and nt[s - 1].isalnum() and nt[s].isalnum():
                penalty += 1
            if not mid_end and e < n and nt[e].isalnum() and nt[e - 1].isalnum():
                penalty += 1
            key = (sim, -penalty, -abs((e - s) - len(nq)), -abs(s - start) - abs(e - end))
            if best is None or key > best:
                best, best_span = key, (s, e)
    return best_span


def verbatim_score(pos: int, hint: int | None, n: int) -> float:
    """The score of a verbatim quote with verbatim context at ``pos``."""
    position = 1.0 if hint is None else 1.0 - abs(pos - hint) / max(n, 1)
    return round((_W_QUOTE + _W_PREFIX + _W_SUFFIX + _W_POSITION * position) / _W_TOTAL, 6)


def _kind(ch: str) -> int:
    """0 for whitespace, 1 for word characters, 2 for anything else (punctuation)."""
    return 0 if ch.isspace() else 1 if ch.isalnum() else 2


def _common_prefix(a: str, b: str) -> int:
    i = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
