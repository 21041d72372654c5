"""Front matter: decoding the bytes, splitting YAML/TOML front matter off, and turning its
values into `EpisodeMeta` fields.

Everything here reports problems as strings in ``errors``/``warnings`` lists instead of raising:
a transcript with broken metadata must still open. The parts live in their own modules and are
re-exported here: `yaml_safe` (bounded YAML and TOML loaders), `metadata_values` (dates,
durations, lists, speaker names, URLs) and `stem_meta` (title and date from the file name).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .metadata_values import (
    as_list,
    clean_str,
    collect_urls,
    json_safe,
    merge_speakers,
    merge_unique,
    parse_date,
    parse_duration,
    speaker_name,
    strip_honorific,
)
from .stem_meta import TITLE_SAMPLE_CHARS, date_from_stem, prettify_stem
from .yaml_safe import (
    HAVE_LIBYAML,
    MAX_ALIASES,
    MAX_EXPANDED_NODES,
    BoundedSafeLoader,
    PyBoundedSafeLoader,
    load_toml,
    load_yaml,
)

__all__ = [
    "DATE_KEYS",
    "DURATION_KEYS",
    "HAVE_LIBYAML",
    "MAX_ALIASES",
    "MAX_EXPANDED_NODES",
    "MAX_FRONT_MATTER_CHARS",
    "SPEAKER_KEYS",
    "SUBTITLE_KEYS",
    "TITLE_SAMPLE_CHARS",
    "BoundedSafeLoader",
    "FrontMatter",
    "FrontMatterKind",
    "PyBoundedSafeLoader",
    "apply_front_matter",
    "as_list",
    "clean_str",
    "collect_urls",
    "date_from_stem",
    "decode_bytes",
    "is_site_name",
    "json_safe",
    "load_toml",
    "load_yaml",
    "merge_speakers",
    "merge_unique",
    "parse_date",
    "parse_duration",
    "prettify_stem",
    "speaker_name",
    "split_front_matter",
    "strip_honorific",
]

FrontMatterKind = Literal["yaml", "toml", "none"]

MAX_FRONT_MATTER_CHARS = 64 * 1024  # real ones are < 2 KB; pure-Python YAML: ~1 s/100 KB

# ---------------------------------------------------------------------------------------------
# Decoding


# bytes 0x80-0x9F that cp1252 defines; the five it leaves undefined decode as latin-1 controls
_CP1252_HIGH = {
    i: bytes([i]).decode("cp1252")
    for i in range(0x80, 0xA0)
    if i not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
# C0/C1 control characters other than tab and newline: never part of what was said
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In valid UTF-8 a C0 control or DEL is that very byte, a C1 control is 0xC2 0x80-0x9F: the
# bytes are checked for them (much faster than the pattern above on the text).
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C0_TO_NUL = bytes(0 if b in _C0_BYTES else 1 for b in range(256))
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _utf8_has_control(data: bytes) -> bool:
    """True when valid UTF-8 ``data`` holds a character that `_CONTROL` matches."""
    if b"\x00" in data.translate(_C0_TO_NUL):
        return True
    return b"\xc2" in data and _C1_UTF8.search(data) is not None


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when the bytes look like BOM-less UTF-16 text, else None.

    Mostly-ASCII UTF-16 has a NUL in every other byte: nearly all odd (LE) or even (BE) bytes
    are NUL and nearly none of the others. Binary files fail this test.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    n = len(odd)
    if odd.count(0) >= 0.9 * n and even.count(0) <= 0.02 * n:
        return "utf-16-le"
    if even.count(0) >= 0.9 * n and odd.count(0) <= 0.02 * n:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Text that is not valid UTF-8: mostly UTF-8 → replace the bad bytes, else cp1252.

    Never fails: cp1252's five undefined bytes decode as latin-1.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if c > "\x7f") - bad
    if good > bad:
        return text, "utf-8"
    return data.decode("latin-1").translate(_CP1252_HIGH), "cp1252"


def decode_bytes(data: bytes) -> tuple[str | None, str, list[str], list[str]]:
    """Decode file bytes to text: (text or None, encoding, warnings, errors).

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are decoded silently; UTF-16 without a
    BOM is recognised (with a warning); other bytes are decoded as UTF-8 with replacement when
    they are mostly UTF-8, else as cp1252, with a warning. NUL bytes otherwise mean a binary
    file: an error and no text. Line endings become ``"\\n"``; other control characters become
    spaces. A file with no text at all gives the warning "the file is empty".
    """
    warnings: list[str] = []
    errors: list[str] = []
    encoding = "utf-8"
    text: str | None = None
    valid_utf8 = False  # decoded as strict UTF-8 (``data`` is then checked for controls)
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif b"\x00" in data:
        bomless = _utf16_without_bom(data)
        if bomless is None:
            errors.append("not a text file (it contains NUL bytes)")
            return None, encoding, warnings, errors
        encoding = bomless
        warnings.append(f"UTF-16 text without a byte-order mark; decoded as {bomless.upper()}")
    if encoding.startswith(("utf-16", "utf-32")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            errors.append(f"cannot decode {encoding.upper()} text: {exc.reason}")
            return None, encoding, warnings, errors
    else:
        try:
            text = data.decode(encoding)
            valid_utf8 = True
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data)
            what = "invalid bytes replaced" if encoding == "utf-8" else f"decoded as {encoding}"
            warnings.append(f"the file is not valid UTF-8; {what}")
    # in valid UTF-8 a NUL or CR character is that very byte: found faster in the bytes
    if b"\x00" in data if valid_utf8 else "\x00" in text:
        errors.append("not a text file (it contains NUL characters)")
        return None, encoding, warnings, errors
    if text.startswith("\ufeff"):
        text = text[1:]
    if b"\r" in data if valid_utf8 else "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (not valid_utf8 or _utf8_has_control(data)) and _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    if not text or text.isspace():
        warnings.append("the file is empty" if not data else "the file is empty (only blank lines)")
    return text, encoding, warnings, errors


# ---------------------------------------------------------------------------------------------
# Splitting


@dataclass(slots=True)
class FrontMatter:
    """The result of splitting and loading a document's front matter."""

    kind: FrontMatterKind = "none"
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_YAML_OPEN = re.compile(r"---[ \t]*\n")
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\n")


def _close_at(text: str, start: int, markers: tuple[str, ...]) -> tuple[int, int] | None:
    r"""(start, end) of the first line from ``start`` that is a marker then spaces or tabs.

    ``text[start - 1]`` is the ``"\\n"`` that ends the opening line. The end excludes the
    line's ``"\\n"``. Faster than a multi-line regular expression search.
    """
    found: tuple[int, int] | None = None
    limit = len(text)
    for marker in markers:
        needle = "\n" + marker
        pos = start - 1
        while True:
            i = text.find(needle, pos, limit)
            if i < 0:
                break
            k = i + len(needle)
            while k < len(text) and text[k] in " \t":
                k += 1
            if k == len(text) or text[k] == "\n":
                found = (i + 1, k)
                limit = i  # a later marker must close before this one
                break
            pos = i + 1
    return found


_YAML_MARKERS = ("---", "...")
_TOML_MARKERS = ("+++",)


def split_front_matter(text: str, body_chars: int | None = None) -> FrontMatter:
    """Split ``text`` (already decoded, ``"\\n"`` line ends) into front matter and body.

    Only a line that is exactly ``---`` (or ``+++`` for TOML) closes the block, so values that
    contain ``---`` do not break it. Unterminated front matter gives a warning and the whole
    text is treated as the body. With ``body_chars``, ``body`` is only the body's first
    ``body_chars`` characters (no copy of a long text).
    """
    fm = FrontMatter(body=text if body_chars is None else text[:body_chars])
    if text.startswith("---"):
        m = _YAML_OPEN.match(text)
        kind: FrontMatterKind = "yaml"
        markers: tuple[str, ...] = _YAML_MARKERS
    elif text.startswith("+++"):
        m = _TOML_OPEN.match(text)
        kind = "toml"
        markers = _TOML_MARKERS
    else:
        return fm
    if m is None:
        return fm
    start = m.end()
    close = _close_at(text, start, markers)
    if close is None:
        fm.warnings.append(f"unterminated {kind.upper()} front matter; read as plain text")
        return fm
    raw = text[start : close[0]]
    body_start = close[1] + 1 if close[1] < len(text) else close[1]
    fm.kind = kind
    fm.body = (
        text[body_start:] if body_chars is None else text[body_start : body_start + body_chars]
    )
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        fm.errors.append("front matter is too large")
        return fm
    if kind == "yaml":
        data = load_yaml(raw, fm.errors)
    else:
        data = load_toml(raw, fm.errors)
    if data is None:
        return fm
    if not isinstance(data, dict):
        fm.warnings.append("front matter is not a mapping; ignored")
        return fm
    fm.data = {str(k): v for k, v in data.items()}
    return fm


SPEAKER_KEYS = ("speakers", "hosts", "guests", "author", "authors")
DURATION_KEYS = (
    "iriss_archive_libsyn_duration",
    "duration",
    "duration_formatted",
    "podcast_duration",
    "itunes_duration",
)
DATE_KEYS = ("date", "iriss_archive_libsyn_publicationdate", "publishdate", "pubdate")
SUBTITLE_KEYS = ("subtitle", "summary", "description")
SUBTITLE_MAX = 300


def is_site_name(name: str, data: dict[str, Any]) -> bool:
    """True when a ``hosts`` entry names the site or organisation rather than a person.

    The rule: a single word (no space) that is also the prefix of the site's own front-matter
    fields, ``Iriss`` (or ``iriss``) next to ``iriss_episode_libsyn_url`` and the
    ``iriss_archive_*`` fields. Such a host is kept in ``fields`` (citations credit it) but is not
    listed as a speaker. Hosts that look like people, one-word ones included, stay speakers.
    """
    word = name.strip().casefold()
    if not word or any(c.isspace() for c in word):
        return False
    prefix = word + "_"
    return any(str(k).casefold().startswith(prefix) for k in data)


def apply_front_matter(meta: Any, data: dict[str, Any]) -> None:
    """Fill an `EpisodeMeta` (title, subtitle, date, duration, speakers, tags, urls, fields).

    Odd types (a number or a list as title, an impossible date) give warnings, never errors.
    ``subtitle`` comes from ``subtitle``, else from ``summary``/``description`` when present.
    Speakers come from `SPEAKER_KEYS`, without a host that names the site (`is_site_name`).
    """
    warnings: list[str] = meta.warnings
    meta.fields = json_safe(data)
    title = data.get("title")
    if title is not None:
        if isinstance(title, (dict, list, tuple)):
            warnings.append("'title' is not a string; ignored")
        else:
            if not isinstance(title, str):
                warnings.append(f"'title' is a {type(title).__name__}, not a string")
            text = clean_str(title)
            if text:
                meta.title = text
    for key in SUBTITLE_KEYS:
        if key in data:
            text = clean_str(data[key])
            if text:
                if len(text) > SUBTITLE_MAX:
                    text = text[: SUBTITLE_MAX - 1] + "…"
                meta.subtitle = text
                break
    for key in DATE_KEYS:
        if key in data and data[key] not in (None, ""):
            date = parse_date(data[key], key, warnings)
            if date is not None:
                meta.date = date
                break
    for key in DURATION_KEYS:
        if key in data and data[key] not in (None, ""):
            seconds = parse_duration(data[key])
            if seconds is not None:
                meta.duration_seconds = seconds
                break
            warnings.append(f"unreadable duration in '{key}': {str(data[key])[:40]!r}")
    speakers: list[list[str]] = []
    for key in SPEAKER_KEYS:
        if key in data:
            names = as_list(data[key])
            if key == "hosts":
                names = [n for n in names if not is_site_name(n, data)]
            speakers.append(names)
    meta.speakers = merge_speakers(*speakers)
    meta.tags = merge_unique(as_list(data.get("tags")), as_list(data.get("categories")))
    urls: list[str] = []
    collect_urls(data, urls)
    meta.source_urls = urls
