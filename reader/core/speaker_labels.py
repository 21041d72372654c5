"""The labels of a speaker key, matched at line starts (for `reader.core.speakers`, which
re-exports these names)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _key_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """The pattern of a line starting with one of the key's ``labels`` (longest first).

    Files of one show share their key: compiled once per set of labels, not once per file.
    """
    return re.compile(
        r"^(?:\*\*|__)?(" + "|".join(re.escape(x) for x in labels) + r")(?:\*\*|__)?"
        r"(?:[ \t]*:[ \t]*|[ \t]+|$)(?P<rest>.*)$"
    )


_BOLD_MARKS = ("**", "__")


class _KeyLabels:
    """`_key_pattern`'s match without compiling a pattern per file (each file has its own key):
    ``match(line)`` is (label, rest) exactly as ``_key_pattern(labels).match(line)`` gives
    ``(m[1], m["rest"])``, trying the alternatives in the pattern's order."""

    __slots__ = ("labels", "by_first")

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels
        #: first character → the labels starting with it, in the pattern's order
        self.by_first: dict[str, list[str]] = {}
        for label in labels:
            self.by_first.setdefault(label[:1], []).append(label)

    def match(self, line: str) -> tuple[str, str] | None:
        if "\n" in line or "" in self.by_first:
            # ("." stops at a line end; an empty label matches anywhere): the pattern decides
            m = _key_pattern(self.labels).match(line)
            return (m[1], m["rest"]) if m else None
        starts = (2, 0) if line[:2] in _BOLD_MARKS else (0,)
        by_first = self.by_first
        n = len(line)
        for p0 in starts:
            for label in by_first.get(line[p0 : p0 + 1], ()):
                if not line.startswith(label, p0):
                    continue
                p1 = p0 + len(label)
                for p in (p1 + 2, p1) if line[p1 : p1 + 2] in _BOLD_MARKS else (p1,):
                    # ``[ \t]*:[ \t]*``, else ``[ \t]+``, else the end of the line
                    q = p
                    while q < n and line[q] in " \t":
                        q += 1
                    if q < n and line[q] == ":":
                        q += 1
                        while q < n and line[q] in " \t":
                            q += 1
                        return label, line[q:]
                    if q > p or p == n:
                        return label, line[q:]
        return None
