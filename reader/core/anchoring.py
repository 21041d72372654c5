"""Re-anchoring quoted passages on a (possibly changed) text.

An annotation remembers its passage by a W3C ``TextQuoteSelector`` (``exact`` plus up to 32 code
points of ``prefix`` and ``suffix``) and a ``TextPositionSelector`` (``start``, ``end``). When the
transcript changes, :func:`anchor` finds the passage again, or reports an *orphan* (``None``).
Being attached to the wrong words is worse than being orphaned, so the rules below are stricter
than the Hypothesis client's ``matchQuote`` (which has no acceptance threshold).

All offsets are code points into the text (Python ``str`` indices), end exclusive. The module is
pure Python (edlib for approximate search, rapidfuzz for similarity) and imports no Qt.

Public API
----------
``anchor(text, exact, prefix="", suffix="", start=None, end=None) -> Anchor | None``
    Find one passage.
``anchor_many(text, selectors) -> list[Anchor | None]``
    The same for many selectors on one text, sharing the work (normalised text, observed shift).
``describe(text, start, end, context=32) -> (exact, prefix, suffix)``
    The quote selector of a span; ``anchor(text, *describe(text, s, e), start=s, end=e)`` returns
    ``Anchor(s, e, "anchored", 1.0)`` for any non-empty span.

How a passage is found, in order
--------------------------------
1. *Fast path*: the stored position still holds the exact quote with its stored context verbatim
   (:func:`anchor_many` also tries the shift it saw on the previous passages).
2. *Exact search*: occurrences of the exact quote whose stored prefix and suffix are verbatim
   beside them; the one nearest the stored position wins (the first with no position).
3. *Exact occurrences in changed surroundings*: each occurrence is scored on its context; a
   convincing one (context agreeing strongly, near the stored position) is taken at once.
4. *Normalised search*: both sides are normalised (:mod:`reader.core.anchoring_text`: NFC,
   whitespace runs, CRLF, typographic quotes and dashes), so reflow and re-exports are not edits.
   Candidates are the exact occurrences of the normalised quote and, when none is convincing,
   approximate ones: edlib's minimum-error matches in the whole text, and alignments in windows
   near the stored position and next to (exact or approximate) hits of the prefix and suffix.
   Approximate spans are refined by a few code points to need the fewest edits, preferring
   whole words. Each candidate is scored like Hypothesis: ``(50·quote + 20·prefix + 20·suffix +
   2·position) / 92`` (a context side that was not stored counts 1.0; position is
   ``1 − distance / len(text)``, so it only breaks ties).
5. The best-scoring *acceptable* candidate wins; with none, the passage is an orphan. The rules
   are in :func:`reader.core.anchoring_rules.acceptable`, the thresholds are that module's
   constants (quote similarity ≥ 0.75 for an approximate match, plus context agreement: mean
   ≥ 0.6, or ≥ 0.8 for quotes under 20 code points or four words; with no context stored, the
   stored position must be near, or with no position either the match must be unambiguous).

Status: ``"anchored"`` when the passage found is the quote itself, verbatim or differing only by
the normalisation above (so ``text[start:end] == exact`` whenever neither side contains anything
normalisation changes); ``"moved"`` when an approximate match was needed. The position selector
is only a hint, so a verbatim quote found elsewhere is still ``"anchored"``; callers see the move
by comparing offsets.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from reader.core.anchoring_rules import (
    CONTEXT_SLACK,
    MAX_HITS,
    Candidate,
    Query,
    choose,
    decisive,
    evaluate,
    make_query,
    prefilter,
    refine,
    verbatim_score,
)
from reader.core.anchoring_search import Alphabet, approx_search
from reader.core.anchoring_text import NormalizedText, normalize

__all__ = ["Anchor", "Selector", "anchor", "anchor_many", "describe"]

Status = Literal["anchored", "moved"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote was found: ``text[start:end]``, how (``status``) and how well (``score``).

    ``score`` is 1.0 on the fast path and otherwise the Hypothesis-style weighted score in 0..1.
    """

    start: int
    end: int
    status: Status
    score: float


@dataclass(frozen=True, slots=True)
class Selector:
    """A quote selector plus an optional position hint, as :func:`anchor_many` takes them."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


def describe(text: str, start: int, end: int, context: int = 32) -> tuple[str, str, str]:
    """The ``(exact, prefix, suffix)`` quote selector for ``text[start:end]``.

    ``prefix`` and ``suffix`` hold up to ``context`` code points before and after the span. A
    context edge is moved inwards rather than cut between a base character and its combining
    marks. Out-of-range offsets are clamped; an inverted span gives an empty quote.
    """
    n = len(text)
    start = min(max(_int_or(start, 0), 0), n)
    end = min(max(_int_or(end, start), start), n)
    context = max(_int_or(context, 32), 0)
    pre_start = max(0, start - context)
    while pre_start < start and _is_mark(text[pre_start]):
        pre_start += 1
    suf_end = min(n, end + context)
    while end < suf_end < n and _is_mark(text[suf_end]):
        suf_end -= 1
    return text[start:end], text[pre_start:start], text[end:suf_end]


def anchor(
    text: str,
    exact: str,
    prefix: str | None = "",
    suffix: str | None = "",
    start: int | None = None,
    end: int | None = None,
) -> Anchor | None:
    """Find the passage quoted by ``exact`` (with ``prefix``/``suffix``) in ``text``.

    ``start``/``end`` are the stored position (a hint; may be ``None``, out of range or
    inverted). Returns ``None`` for an orphan (also for an empty quote or empty text), otherwise
    an :class:`Anchor` whose offsets index ``text``. Never raises for bad input values.
    """
    return _anchor(_Document(text), Selector(exact, prefix or "", suffix or "", start, end), [])


def anchor_many(text: str, selectors: Iterable[Any]) -> list[Anchor | None]:
    """Anchor many selectors on one text; results in the order given.

    Each selector is a :class:`Selector`, a mapping or an object with ``exact``, ``prefix``,
    ``suffix``, ``start`` and ``end`` (an ``Annotation`` works as is). Work is shared: the text
    is normalised at most once, and the shift seen on neighbouring passages (an edit near the
    top moves everything after it) is tried as a second fast path. The result is the one
    :func:`anchor` gives, except that among several places holding the quote *and* its whole
    stored context verbatim this may prefer the one consistent with that shift.
    """
    doc = _Document(text)
    items = [_coerce(s) for s in selectors]
    results: list[Anchor | None] = [None] * len(items)
    order = sorted(
        range(len(items)),
        key=lambda i: (items[i].start is None, items[i].start if _is_int(items[i].start) else 0),
    )
    shifts: list[int] = []
    for i in order:
        sel = items[i]
        found = _anchor(doc, sel, shifts)
        results[i] = found
        if found is not None and _is_int(sel.start):
            shift = found.start - sel.start
            if shift in shifts:
                shifts.remove(shift)
            shifts.insert(0, shift)
            del shifts[4:]
    return results


# --------------------------------------------------------------------------------------------
# implementation


class _Document:
    """A text plus lazily built shared data (the normalised text and its offset maps)."""

    __slots__ = ("text", "_norm", "_alphabet", "_encoded")

    def __init__(self, text: str) -> None:
        self.text = text if isinstance(text, str) else ""
        self._norm: NormalizedText | None = None
        self._alphabet: Alphabet | None = None
        self._encoded = b""

    @property
    def norm(self) -> NormalizedText:
        if self._norm is None:
            self._norm = NormalizedText(self.text)
        return self._norm

    @property
    def alphabet(self) -> Alphabet:
        """The byte alphabet of the normalised text (for edlib)."""
        if self._alphabet is None:
            self._alphabet = Alphabet(self.norm.text)
            self._encoded = self._alphabet.encode(self.norm.text)
        return self._alphabet

    @property
    def encoded(self) -> bytes:
        """The normalised text in :attr:`alphabet`."""
        _ = self.alphabet
        return self._encoded


def _anchor(doc: _Document, sel: Selector, shifts: list[int]) -> Anchor | None:
    exact = sel.exact
    text = doc.text
    if not isinstance(exact, str) or not exact or not text:
        return None
    prefix = sel.prefix if isinstance(sel.prefix, str) else ""
    suffix = sel.suffix if isinstance(sel.suffix, str) else ""
    hint = _hint(sel.start, sel.end, len(exact), len(text))
    size = len(exact)

    # 1. Fast path: the stored position (or the shift seen on neighbours) still holds it all.
    if hint is not None and _verbatim_at(text, hint, exact, prefix, suffix):
        return Anchor(hint, hint + size, "anchored", 1.0)
    if hint is not None:
        for shift in shifts:
            pos = hint + shift
            if 0 <= pos and _verbatim_at(text, pos, exact, prefix, suffix):
                return Anchor(pos, pos + size, "anchored", verbatim_score(pos, hint, len(text)))

    # 2. Exact occurrences with the whole stored context verbatim beside them.
    hits = _find_all(text, exact, MAX_HITS)
    verbatim = [h for h in hits if _context_verbatim(text, h, h + size, prefix, suffix)]
    if verbatim:
        best = min(verbatim, key=lambda h: abs(h - hint)) if hint is not None else verbatim[0]
        return Anchor(best, best + size, "anchored", verbatim_score(best, hint, len(text)))

    # 3. Exact occurrences scored on their (changed) context, in the real text.
    q = make_query(exact, prefix, suffix, hint)
    scored = [evaluate(text, q, h, h + size, exact=True) for h in prefilter(text, q, hits)]
    raw_best = choose(scored, q)
    if raw_best is not None and decisive(raw_best, q):
        return Anchor(raw_best.start, raw_best.end, "anchored", round(raw_best.score, 6))

    # 4. Normalised search, exact then approximate.
    found = _search(doc, exact, prefix, suffix, hint)
    if raw_best is not None and (found is None or found.score <= raw_best.score):
        # A verbatim occurrence wins ties; and quotes that normalisation cannot see whole (only
        # whitespace, half a CRLF, a letter without its accent) keep their verbatim occurrence.
        return Anchor(raw_best.start, raw_best.end, "anchored", round(raw_best.score, 6))
    return found


def _search(
    doc: _Document, exact: str, prefix: str, suffix: str, hint: int | None
) -> Anchor | None:
    norm = doc.norm
    nt = norm.text
    nq = normalize(exact)
    if not nq.strip() or not nt:
        return None
    q = make_query(
        nq, normalize(prefix), normalize(suffix), None if hint is None else norm.norm_offset(hint)
    )
    candidates: dict[tuple[int, int], Candidate] = {}
    for s in prefilter(nt, q, _find_all(nt, nq, MAX_HITS)):
        candidates[(s, s + len(nq))] = evaluate(nt, q, s, s + len(nq), exact=True)
    best = choose(candidates.values(), q)
    if best is None or not decisive(best, q):
        for s, e in _approximate_spans(doc, q):
            s, e = refine(nt, q, s, e)
            if (s, e) not in candidates:
                candidates[(s, e)] = evaluate(nt, q, s, e)
        best = choose(candidates.values(), q)
    if best is None:
        return None
    return _to_anchor(doc, exact, best)


def _to_anchor(doc: _Document, exact: str, best: Candidate) -> Anchor | None:
    """Map a normalised candidate back into the real text, trimming stray whitespace."""
    text = doc.text
    start = doc.norm.raw_start(best.start)
    end = doc.norm.raw_end(best.end)
    if not exact[0].isspace():
        while start < end and text[start].isspace():
            start += 1
    if not exact[-1].isspace():
        while end > start and text[end - 1].isspace():
            end -= 1
    if start >= end:
        return None
    if text[start:end] != exact:
        # Normalisation can widen the span by a character it folded away (the "\r" of a CRLF
        # whose "\n" starts the quote, a zero-width mark): the verbatim quote inside wins.
        inner = text.find(exact, start, end)
        if inner >= 0:
            start, end = inner, inner + len(exact)
    same = text[start:end] == exact or best.quote >= 1.0
    return Anchor(start, end, "anchored" if same else "moved", round(best.score, 6))


def _approximate_spans(doc: _Document, q: Query) -> list[tuple[int, int]]:
    """Approximate match spans: whole text, near the hint, next to context hits."""
    lq = len(q.quote)
    k = max(1, lq // 3)  # similarity >= 0.75 allows at most len/3 edits
    nt, data = doc.norm.text, doc.encoded
    enc = doc.alphabet.encode(q.quote)
    spans: list[tuple[int, int]] = []
    windows: list[tuple[int, int]] = []
    if q.hint is not None:
        reach = lq + 64
        windows.append((q.hint - reach, q.hint + lq + reach))
    reach = lq + k + CONTEXT_SLACK
    for pe in _context_ends(doc, q.prefix, before=True):
        windows.append((pe - CONTEXT_SLACK, pe + reach))
    for ss in _context_ends(doc, q.suffix, before=False):
        windows.append((ss - reach, ss + CONTEXT_SLACK))
    for a, b in windows:
        a, b = max(0, a), min(len(nt), b)
        if b - a >= max(1, lq - k):
            _, found = approx_search(enc, data[a:b], k, limit=8)
            spans.extend((a + s, a + e) for s, e in found)
    _, found = approx_search(enc, data, k, limit=32)
    spans.extend(found)
    return list(dict.fromkeys(spans))


def _context_ends(doc: _Document, context: str, before: bool, limit: int = 8) -> list[int]:
    """Where a stored context side sits in the text: the quote would start (end) right there."""
    if len(context.strip()) < 4:
        return []
    hits = _find_all(doc.norm.text, context, limit)
    if hits:
        return [h + len(context) for h in hits] if before else hits
    query = doc.alphabet.encode(context)
    _, spans = approx_search(query, doc.encoded, max(1, len(context) // 4), limit=limit)
    return [e for _, e in spans] if before else [s for s, _ in spans]


# --------------------------------------------------------------------------------------------
# small helpers


def _verbatim_at(text: str, pos: int, exact: str, prefix: str, suffix: str) -> bool:
    return text.startswith(exact, pos) and _context_verbatim(
        text, pos, pos + len(exact), prefix, suffix
    )


def _context_verbatim(text: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    if prefix and (start < len(prefix) or not text.startswith(prefix, start - len(prefix))):
        return False
    return not suffix or text.startswith(suffix, end)


def _find_all(text: str, needle: str, limit: int) -> list[int]:
    hits: list[int] = []
    pos = text.find(needle)
    while pos >= 0 and len(hits) < limit:
        hits.append(pos)
        pos = text.find(needle, pos + 1)
    return hits


def _hint(start: Any, end: Any, size: int, n: int) -> int | None:
    """The stored position as a usable hint in ``0..n``, or ``None``."""
    if _is_int(start) and start >= 0:
        return min(start, n)
    if _is_int(end) and end >= 0:
        return min(max(0, end - size), n)
    return None


def _coerce(item: Any) -> Selector:
    if isinstance(item, Selector):
        return item
    if isinstance(item, Mapping):
        get = item.get
    else:

        def get(key: str, default: Any = None) -> Any:
            return getattr(item, key, default)

    return Selector(
        get("exact", "") or "",
        get("prefix", "") or "",
        get("suffix", "") or "",
        get("start", None),
        get("end", None),
    )


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or(value: Any, default: int) -> int:
    return value if _is_int(value) else default


def _is_mark(ch: str) -> bool:
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Mc", "Me")
