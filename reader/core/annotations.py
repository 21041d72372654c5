"""Annotation value objects and their W3C Web Annotation shape.

An annotation targets a passage of a transcript's canonical text by a TextQuoteSelector (exact,
prefix, suffix) and a TextPositionSelector (start, end, code points). ``status`` is not user data:
it records how the passage was found the last time the annotation was anchored
("anchored", "moved" until the user confirms, or "orphaned").
"""

from __future__ import annotations

import datetime as _dt
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Status = Literal["anchored", "moved", "orphaned"]

#: Default highlight colours in key order (1-5), with the meaning the UI shows by default.
COLORS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOR_MEANINGS: dict[str, str] = {
    "yellow": "Key point",
    "green": "Evidence",
    "blue": "Question",
    "pink": "Disagree",
    "purple": "Quote to use",
}
#: CSS colours written into the W3C stylesheet for each class.
COLOR_HEX: dict[str, str] = {
    "yellow": "#ffd400",
    "green": "#5fb236",
    "blue": "#2ea8e5",
    "pink": "#ff6666",
    "purple": "#a28ae5",
}


def now_iso() -> str:
    """The current UTC time as xsd:dateTime with a ``Z`` (milliseconds kept for ordering)."""
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass(slots=True)
class Annotation:
    """One highlight or note. ``deleted`` marks a tombstone (kept so merges honour deletions)."""

    id: str
    exact: str
    start: int
    end: int
    prefix: str = ""
    suffix: str = ""
    created: str = field(default_factory=now_iso)
    modified: str = ""
    creator: str = ""
    color: str = "yellow"
    note: str = ""
    tags: list[str] = field(default_factory=list)
    private: bool = False
    status: Status = "anchored"
    deleted: bool = False
    #: Keys this version does not know, kept verbatim so a newer program's data survives.
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.modified:
            self.modified = self.created

    def touched(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``modified`` set to now (every edit bumps it)."""
        stamp = now_iso()
        if stamp <= self.modified:  # clocks can step back; order must still advance
            stamp = _bump(self.modified)
        return replace(self, modified=stamp, **changes)


def _bump(stamp: str) -> str:
    """A timestamp one millisecond after ``stamp`` (which is in ``now_iso`` form)."""
    try:
        t = _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        try:
            t = _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return now_iso()
    t += _dt.timedelta(milliseconds=1)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
