"""Conversion between canonical code-point offsets and Qt's UTF-16 positions.

Python strings index by code point; Qt (QString, QTextDocument, QTextCursor) by UTF-16 unit.
They differ only after astral characters (U+10000 and above: most emoji, some CJK), which take two
UTF-16 units. An `OffsetMap` records where those characters are, so each conversion is one bisect.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets for one text in O(log n) per call (O(1) when the text has no astral)."""

    __slots__ = ("_astral_cp", "_astral_u16_next", "_length", "_length16")

    def __init__(self, text: str) -> None:
        #: Code-point index of each astral character, ascending.
        self._astral_cp: list[int] = [m.start() for m in _ASTRAL.finditer(text)]
        #: UTF-16 index of the low surrogate of each astral character (high surrogate + 1).
        self._astral_u16_next: list[int] = [cp + i + 1 for i, cp in enumerate(self._astral_cp)]
        self._length = len(text)
        self._length16 = self._length + len(self._astral_cp)

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._length

    @property
    def length16(self) -> int:
        """Length of the text in UTF-16 units."""
        return self._length16

    @property
    def has_astral(self) -> bool:
        return bool(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code-point offset ``cp`` (clamped to the text)."""
        cp = min(max(cp, 0), self._length)
        if not self._astral_cp:
            return cp
        return cp + bisect.bisect_left(self._astral_cp, cp)

    def to_code_point(self, u16: int) -> int:
        """Code-point offset of UTF-16 position ``u16`` (clamped; inside a pair rounds down)."""
        u16 = min(max(u16, 0), self._length16)
        if not self._astral_cp:
            return u16
        return u16 - bisect.bisect_right(self._astral_u16_next, u16)


def utf16_length(text: str) -> int:
    """Number of UTF-16 units in ``text``."""
    return len(text) + len(_ASTRAL.findall(text))
