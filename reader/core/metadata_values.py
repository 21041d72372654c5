"""Front-matter values → metadata values: strings, dates, durations, lists, speaker names, URLs.

Odd values never raise: they give None (or nothing), and `parse_date` reports a warning.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from typing import Any

_JSON_ATOMS = (str, int, bool, type(None))


def json_safe(value: Any, depth: int = 0) -> Any:
    """A JSON-serialisable copy of a front-matter value (dates → ISO strings)."""
    if depth > 50:
        return None
    kind = type(value)
    if kind in _JSON_ATOMS:
        return value
    if depth < 50:  # the children are kept as they are when they are strings (the common case)
        if kind is list:
            return [v if type(v) is str else json_safe(v, depth + 1) for v in value]
        if kind is dict:
            return {
                str(k): v if type(v) is str else json_safe(v, depth + 1) for k, v in value.items()
            }
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def clean_str(value: Any) -> str | None:
    """A single-line, NFC string from a scalar value, or None when empty/not a scalar."""
    if value is None or isinstance(value, (dict, list, tuple, bool)):
        return None
    text = " ".join(str(value).split())
    if not text.isascii():  # ASCII is NFC already
        text = unicodedata.normalize("NFC", text)
    return text or None


_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")


def parse_date(value: Any, key: str, warnings: list[str]) -> _dt.date | None:
    """A date from a YAML/TOML date, datetime or ISO-ish string; odd values give a warning."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        m = _ISO_DATE.match(value)
        if m:
            try:
                return _dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                warnings.append(f"impossible date in '{key}': {value!r}")
                return None
    warnings.append(f"unreadable date in '{key}': {str(value)[:60]!r}")
    return None


_ISO_DURATION = re.compile(
    r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?",
    re.I,
)
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,3}):(\d{1,2})(?:\.\d+)?")


def parse_duration(value: Any) -> int | None:
    """Seconds from ``"44:10"``, ``"1:02:03"``, ``"PT23M02S"``, an int or a numeric string."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, _dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    m = _CLOCK.fullmatch(s)
    if m:
        h = int(m[1] or 0)
        return h * 3600 + int(m[2]) * 60 + int(m[3])
    m = _ISO_DURATION.fullmatch(s)
    if m and any(m.group(g) for g in "dhms"):
        total = 0.0
        for group, factor in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
            if m.group(group):
                total += float(m.group(group)) * factor
        return int(round(total))
    return None


def as_list(value: Any) -> list[str]:
    """Strings from a list or a comma-less scalar (``tags: a`` → ``["a"]``)."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        text = clean_str(item)
        if text:
            out.append(text)
    return out


def merge_unique(*lists: list[str]) -> list[str]:
    """Concatenate, keeping the first occurrence of each value (case-insensitive)."""
    seen: set[str] = set()
    out: list[str] = []
    for items in lists:
        for item in items:
            key = item.casefold()
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


_HONORIFIC = re.compile(
    r"^(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Mx|Sir|Dame|Cllr|Councillor|Rev|Lord|Lady)\.?\s+", re.I
)


def strip_honorific(name: str) -> str:
    """``Dr Mark Robinson`` → ``Mark Robinson`` (one leading title, case-insensitive)."""
    m = _HONORIFIC.match(name)  # anchored: the same as ``_HONORIFIC.sub("", name)``
    return name[m.end() :] if m else name


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")


def speaker_name(value: str) -> str:
    """A displayable speaker name: quotes stripped, slugs (``robert-jolly``) prettified."""
    name = value.strip().strip("\"'“”‘’").strip()
    if "-" in name and _SLUG.match(name):
        name = " ".join(w.capitalize() for w in name.split("-"))
    return name


#: Turn labels that name a role, not a person: "Q", "Question", "Audience member", "Speaker 2"
#: (automatic transcripts). The transcript shows them as written; the lines that say who is in an
#: episode (the episode list, the transcript's header) leave them out, filters still find them.
_ROLE = re.compile(
    r"(?:q|a|question|answer|questioner|audience(?: member)?|(?:unknown|unidentified) speaker"
    r"|unknown|unidentified|speaker(?: [0-9a-z]{1,2})?)",
    re.IGNORECASE,
)


def people(speakers: list[str]) -> list[str]:
    """``speakers`` without the role labels (`_ROLE`)."""
    return [s for s in speakers if not _ROLE.fullmatch(s.strip())]


def merge_speakers(*lists: list[str]) -> list[str]:
    """Merge speaker lists in order, dropping repeats, honorific variants and bare first names.

    ``Dr Mark Robinson`` after ``Mark Robinson`` and ``Michael`` after ``Michael McEwan`` are the
    same person for the episode list.
    """
    out: list[str] = []
    seen: set[str] = set()
    firsts: set[str] = set()
    for items in lists:
        for item in items:
            name = speaker_name(item)
            if not name:
                continue
            key = strip_honorific(name).casefold()
            if "," in key:
                parts = [x.strip() for x in key.split(",")]
                if all(x in seen or x in firsts for x in parts):
                    continue  # "Natalie, Harriet, Jade" when each is already listed
            words = key.split()
            if key in seen or (len(words) == 1 and key in firsts):
                continue
            seen.add(key)
            if len(words) > 1:
                firsts.add(words[0])
            out.append(name)
    return out


def collect_urls(value: Any, out: list[str], depth: int = 0) -> None:
    """Every http(s) URL among the (nested) string values, in order, without duplicates."""
    if depth > 20:
        return
    if isinstance(value, str):
        if "://" in value:  # cheap test first: most strings are no URL
            s = value.strip()
            if s.lower().startswith(("http://", "https://")) and " " not in s and s not in out:
                out.append(s)
        return
    if isinstance(value, dict):
        values: Any = value.values()
    elif isinstance(value, (list, tuple)):
        values = value
    else:
        return
    for v in values:
        if type(v) is not str:
            collect_urls(v, out, depth + 1)
        elif "://" in v and depth < 20:  # the string case above, inline
            s = v.strip()
            if s.lower().startswith(("http://", "https://")) and " " not in s and s not in out:
                out.append(s)
