"""Front matter: decoding the bytes, splitting YAML/TOML front matter off, loading it safely,
and turning its values into `EpisodeMeta` fields.

Everything here reports problems as strings in ``errors``/``warnings`` lists instead of raising:
a transcript with broken metadata must still open. YAML is loaded with a `SafeLoader` subclass
that refuses ``!!python/*`` tags (the safe constructor already does) and bounds aliases and their
expanded size, so a "billion laughs" document fails fast instead of eating memory.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import math
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

FrontMatterKind = Literal["yaml", "toml", "none"]

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 50_000
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
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data)
            what = "invalid bytes replaced" if encoding == "utf-8" else f"decoded as {encoding}"
            warnings.append(f"the file is not valid UTF-8; {what}")
    if "\x00" in text:
        errors.append("not a text file (it contains NUL characters)")
        return None, encoding, warnings, errors
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    if not text.strip():
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
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.M)


def split_front_matter(text: str) -> FrontMatter:
    """Split ``text`` (already decoded, ``"\\n"`` line ends) into front matter and body.

    Only a line that is exactly ``---`` (or ``+++`` for TOML) closes the block, so values that
    contain ``---`` do not break it. Unterminated front matter gives a warning and the whole
    text is treated as the body.
    """
    fm = FrontMatter(body=text)
    if _YAML_OPEN.match(text):
        kind: FrontMatterKind = "yaml"
        close = _YAML_CLOSE
        start = _YAML_OPEN.match(text).end()  # type: ignore[union-attr]
    elif _TOML_OPEN.match(text):
        kind = "toml"
        close = _TOML_CLOSE
        start = _TOML_OPEN.match(text).end()  # type: ignore[union-attr]
    else:
        return fm
    m = close.search(text, start)
    if m is None:
        fm.warnings.append(f"unterminated {kind.upper()} front matter; read as plain text")
        return fm
    raw = text[start : m.start()]
    body_start = m.end() + 1 if m.end() < len(text) else m.end()
    fm.kind = kind
    fm.body = text[body_start:]
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


# ---------------------------------------------------------------------------------------------
# Safe loading


class _AliasLimitError(yaml.YAMLError):
    pass


class BoundedSafeLoader(yaml.SafeLoader):
    """A SafeLoader that refuses documents with too many aliases or a huge expanded size."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._alias_count = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            self._alias_count += 1
            if self._alias_count > MAX_ALIASES:
                raise _AliasLimitError(f"more than {MAX_ALIASES} YAML aliases")
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def _expanded_size(root: Node) -> int:
    """Node count of ``root`` with every alias expanded; memoised, so linear in the graph."""
    memo: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in in_progress:
            raise _AliasLimitError("recursive YAML alias")
        if depth > 200:
            raise _AliasLimitError("YAML nesting is too deep")
        in_progress.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        in_progress.discard(key)
        memo[key] = total
        if total > MAX_EXPANDED_NODES:
            raise _AliasLimitError("YAML aliases expand to too large a document")
        return total

    return size(root, 0)


def load_yaml(raw: str, errors: list[str]) -> Any:
    """Load one YAML document safely; on any problem append an error and return None."""
    loader = BoundedSafeLoader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        _expanded_size(node)
        return loader.construct_document(node)
    except _AliasLimitError as exc:
        errors.append(f"front matter refused: {exc}")
    except yaml.constructor.ConstructorError as exc:
        errors.append(f"front matter refused: {_one_line(str(exc.problem or exc))}")
    except yaml.YAMLError as exc:
        errors.append(f"invalid YAML front matter: {_one_line(str(exc))}")
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        errors.append(f"invalid YAML front matter: {_one_line(str(exc))}")
    finally:
        loader.dispose()
    return None


def load_toml(raw: str, errors: list[str]) -> Any:
    """Load TOML front matter with tomllib; on a syntax error append an error, return None."""
    try:
        return tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        errors.append(f"invalid TOML front matter: {_one_line(str(exc))}")
        return None


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]


# ---------------------------------------------------------------------------------------------
# Values → metadata


def json_safe(value: Any, depth: int = 0) -> Any:
    """A JSON-serialisable copy of a front-matter value (dates → ISO strings)."""
    if depth > 50:
        return None
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
    return unicodedata.normalize("NFC", text) or None


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
    return _HONORIFIC.sub("", name)


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")


def speaker_name(value: str) -> str:
    """A displayable speaker name: quotes stripped, slugs (``robert-jolly``) prettified."""
    name = value.strip().strip("\"'“”‘’").strip()
    if _SLUG.match(name):
        name = " ".join(w.capitalize() for w in name.split("-"))
    return name


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
            key = _HONORIFIC.sub("", name).casefold()
            parts = [x.strip() for x in key.split(",")]
            if len(parts) > 1 and all(x in seen or x in firsts for x in parts):
                continue  # "Natalie, Harriet, Jade" when each is already listed
            if key in seen or (len(key.split()) == 1 and key in firsts):
                continue
            seen.add(key)
            if len(key.split()) > 1:
                firsts.add(key.split()[0])
            out.append(name)
    return out


def collect_urls(value: Any, out: list[str], depth: int = 0) -> None:
    """Every http(s) URL among the (nested) string values, in order, without duplicates."""
    if depth > 20:
        return
    if isinstance(value, str):
        s = value.strip()
        if s.lower().startswith(("http://", "https://")) and " " not in s and s not in out:
            out.append(s)
    elif isinstance(value, dict):
        for v in value.values():
            collect_urls(v, out, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            collect_urls(v, out, depth + 1)


_SMALL_WORDS = frozenset(
    "a an the and or nor but of for from to in on at by with vs via per as".split()
)
_SEASON_EPISODE = re.compile(r"^s\d{1,3}e\d{1,4}$", re.I)
TITLE_SAMPLE_CHARS = 16384


def _stem_words(path: Path) -> list[str]:
    name = path.name
    for suffix in (".markdown", ".md", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return re.sub(r"[-_]+", " ", name).split()


def _casing_in(word: str, sample: str) -> str | None:
    """How ``sample`` writes ``word`` when it is special (``JS``, ``AI``, ``GitHub``), else None.

    The special form must occur at least twice and at least as often as the plain capitalised
    form, so ``it`` stays ``It`` in a text that says "IT" once and "It" at many sentence starts.
    """
    if not sample or len(word) > 30:
        return None
    counts: Counter[str] = Counter(
        m.group() for m in re.finditer(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", sample, re.I)
    )
    plain = {word.lower(), word.lower().capitalize()}
    special = [(n, form) for form, n in counts.items() if form not in plain]
    if not special:
        return None
    n, form = max(special)
    return form if n >= 2 and n >= counts[word.lower().capitalize()] else None


def prettify_stem(path: Path, sample: str = "") -> str:
    """A title from a file name: ``user-involvement.md`` → ``User Involvement``.

    Words are title-cased (small words such as "for" or "the" stay lower case after the first),
    digits are kept, ``s2e9`` becomes ``S2E9``, and a word the text itself writes in a special
    way (``sample``, the start of the body: "JS Party", "Practical AI") takes that form, so
    ``js-party-200.md`` → ``JS Party 200`` without a list of show names.
    """
    words = _stem_words(path)
    if not words:
        return path.name or "Untitled"
    out: list[str] = []
    for i, word in enumerate(words):
        low = word.lower()
        special = _casing_in(word, sample) if any(c.isalpha() for c in word) else None
        if special:
            out.append(special)
        elif _SEASON_EPISODE.match(word):
            out.append(word.upper())
        elif word != low:
            out.append(word)  # the file name already has capitals: keep them ("iOS", "NHS")
        elif i and low in _SMALL_WORDS:
            out.append(low)
        else:
            out.append(word[0].upper() + word[1:])
    return " ".join(out)


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
