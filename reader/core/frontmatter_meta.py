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
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


# ---------------------------------------------------------------------------------------------
# Safe loading


class _AliasLimitError(yaml.YAMLError):
    pass


#: libyaml's parser and composer (C) when PyYAML was built with it, else the pure-Python ones.
#: The constructor is `SafeConstructor` either way: no ``!!python/*`` tag is ever constructed.
HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False)) and hasattr(yaml, "CSafeLoader")


class PyBoundedSafeLoader(yaml.SafeLoader):
    """The pure-Python SafeLoader, counting aliases while composing (it stops at the limit)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._alias_count = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self._alias_count += 1
            if self._alias_count > MAX_ALIASES:
                raise _AliasLimitError(f"more than {MAX_ALIASES} YAML aliases")
        return super().compose_node(parent, index)


# plain scalar → its implicit tag: with no path resolvers (none in a SafeLoader) the tag of a
# plain scalar depends on its text alone
_RESOLVED: dict[str, str] = {}

if HAVE_LIBYAML:

    class BoundedSafeLoader(yaml.CSafeLoader):
        """A SafeLoader on libyaml. Its C composer cannot be hooked, so the aliases and the
        expanded size are bounded after composing, by `_check_graph` (libyaml itself refuses
        nesting deeper than 1,000 levels; `_check_graph` refuses more than 200)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """`Resolver.resolve`, remembering the tags of short plain scalars (``title``,
            ``true``, ``2020-01-02``…), the same in every front matter."""
            if kind is ScalarNode and implicit[0] and not self.yaml_path_resolvers:
                tag = _RESOLVED.get(value)
                if tag is None:
                    tag = super().resolve(kind, value, implicit)
                    if len(value) <= 64 and len(_RESOLVED) < 4096:
                        _RESOLVED[value] = tag
                return tag
            return super().resolve(kind, value, implicit)

else:  # pragma: no cover - PyYAML without libyaml
    BoundedSafeLoader = PyBoundedSafeLoader  # type: ignore[assignment,misc]


def _check_graph(root: Node) -> None:
    """Refuse a composed document with too many aliases, too deep, or too large expanded.

    A composer (libyaml's too) gives an alias as the very node object it names, so every visit
    to a node already seen is one alias: counting them needs no hook in the composer. A
    document without aliases is a tree of at most ``MAX_EXPANDED_NODES`` nodes; one with
    aliases gets the memoised expansion count of `_expanded_size`.
    """
    seen: set[int] = set()
    aliases = 0
    level: list[Node] = [root]
    depth = 0
    while level:
        if depth > 200:
            raise _AliasLimitError("YAML nesting is too deep")
        below: list[Node] = []
        for node in level:
            key = id(node)
            if key in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _AliasLimitError(f"more than {MAX_ALIASES} YAML aliases")
                continue
            seen.add(key)
            value = node.value
            if isinstance(value, list):
                if isinstance(node, MappingNode):
                    for k, v in value:
                        below.append(k)
                        below.append(v)
                else:
                    below.extend(value)
        level = below
        depth += 1
    if aliases:
        _expanded_size(root)
    elif len(seen) > MAX_EXPANDED_NODES:
        raise _AliasLimitError("YAML aliases expand to too large a document")


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# scalar tags whose `SafeConstructor` method returns the value directly (no generator)
_PLAIN_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)


class _NotPlain(Exception):
    """The document needs the full constructor (another tag, a merge key, a complex key)."""


def _construct_plain(loader: Any, root: Node) -> Any:
    """What ``loader.construct_document(root)`` gives, for a plain tree (the common case).

    Plain: no aliases, at most ``MAX_EXPANDED_NODES`` nodes nested at most 200 deep, strings,
    null, booleans, numbers and timestamps (built by the loader's own `SafeConstructor`
    methods), lists and mappings with scalar keys, without ``<<`` merge or ``=`` value keys.
    Anything else raises `_NotPlain`, and `_check_graph` and the general constructor decide.
    Several times faster than they are, which keep per-node state for aliases and recursion.
    """
    seen: set[int] = set()
    constructors = loader.yaml_constructors

    def build(node: Node, depth: int) -> Any:
        key = id(node)
        if key in seen or depth > 200:
            raise _NotPlain  # an alias (the very node again), or deep nesting
        seen.add(key)
        cls = node.__class__
        tag = node.tag
        if cls is ScalarNode:
            if tag == _STR_TAG:
                return node.value
            if tag in _PLAIN_SCALAR_TAGS:
                return constructors[tag](loader, node)
        elif cls is MappingNode:
            if tag == _MAP_TAG:
                out: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if key_node.__class__ is not ScalarNode:
                        raise _NotPlain
                    out[build(key_node, depth + 1)] = build(value_node, depth + 1)
                return out
        elif cls is SequenceNode and tag == _SEQ_TAG:
            return [build(child, depth + 1) for child in node.value]
        raise _NotPlain

    data = build(root, 0)
    if len(seen) > MAX_EXPANDED_NODES:
        raise _NotPlain
    return data


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
    """Load one YAML document safely; on any problem append an error and return None.

    With libyaml, a document it cannot parse is parsed again by the pure-Python parser, so the
    documents accepted and the error messages are those of the pure-Python loader.
    """
    if BoundedSafeLoader is not PyBoundedSafeLoader:
        result = _load_yaml_with(BoundedSafeLoader, raw, errors, retry=True)
        if result is not _RETRY:
            return result
    return _load_yaml_with(PyBoundedSafeLoader, raw, errors, retry=False)


_RETRY = object()


def _load_yaml_with(cls: Any, raw: str, errors: list[str], *, retry: bool) -> Any:
    loader = cls(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        try:
            return _construct_plain(loader, node)
        except Exception:  # not plain, or a bad value: decided below, in the usual order
            pass  # (the limits are checked before any value is built, as always)
        _check_graph(node)
        return loader.construct_document(node)
    except _AliasLimitError as exc:
        errors.append(f"front matter refused: {exc}")
    except yaml.constructor.ConstructorError as exc:
        errors.append(f"front matter refused: {_one_line(str(exc.problem or exc))}")
    except yaml.YAMLError as exc:
        if retry:
            return _RETRY
        errors.append(f"invalid YAML front matter: {_one_line(str(exc))}")
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        if retry:
            return _RETRY
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


_SMALL_WORDS = frozenset(
    "a an the and or nor but of for from to in on at by with vs via per as".split()
)
_SEASON_EPISODE = re.compile(r"^s\d{1,3}e\d{1,4}$", re.I)
TITLE_SAMPLE_CHARS = 16384


_STEM_SEPARATORS = re.compile(r"[-_]+")


def _stem_words(path: Path) -> list[str]:
    name = path.name
    lower = name.lower()
    for suffix in (".markdown", ".md", ".txt"):
        if lower.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _STEM_SEPARATORS.sub(" ", name).split()


# non-ASCII characters that a case-insensitive pattern matches with an ASCII letter
_ASCII_CASE_EXTRAS = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}
_ASCII_CASE_EXTRA_CHARS = "".join(_ASCII_CASE_EXTRAS.values())


def _word_pattern(word: str) -> re.Pattern[str]:
    """``word`` alone (not inside a longer word, a name or a number), in any case.

    The same matches as ``(?<![\\w.-])WORD(?![\\w-])`` with `re.IGNORECASE`, but for an ASCII
    word the letters are spelled as classes (``[aA]``) and the look-behind follows the word:
    the regular-expression engine can then skip ahead to the first letter's occurrences
    instead of testing the look-behind at every position (several times faster on 16 KB).
    """
    if not word.isascii():
        return re.compile(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", re.I)
    parts = []
    for c in word:
        if c.isalpha():
            low = c.lower()
            parts.append(f"[{low}{c.upper()}{_ASCII_CASE_EXTRAS.get(low, '')}]")
        else:
            parts.append(re.escape(c))
    spelled = "".join(parts)
    return re.compile(rf"{spelled}(?<![\w.-]{spelled})(?![\w-])")


def _folded(sample: str) -> str | None:
    """``sample.lower()`` when its characters line up with ``sample``'s and none of them is a
    non-ASCII match of an ASCII letter (then an ASCII word's matches are found in it), else
    None."""
    folded = sample.lower()
    if len(folded) != len(sample) or any(c in sample for c in _ASCII_CASE_EXTRA_CHARS):
        return None
    return folded


def _casing_in(word: str, sample: str, folded: str | None = None) -> str | None:
    """How ``sample`` writes ``word`` when it is special (``JS``, ``AI``, ``GitHub``), else None.

    The special form must occur at least twice and at least as often as the plain capitalised
    form, so ``it`` stays ``It`` in a text that says "IT" once and "It" at many sentence starts.
    ``folded``: `_folded` of ``sample``, to find an ASCII word's candidates with `str.find`.
    """
    if not sample or len(word) > 30:
        return None
    pattern = _word_pattern(word)
    if folded is not None and word.isascii():
        # the same matches as ``finditer``: each match is an occurrence in ``folded``
        forms: list[str] = []
        low = word.lower()
        pos = folded.find(low)
        while pos >= 0:
            m = pattern.match(sample, pos)
            if m is not None:
                forms.append(m.group())
                pos = folded.find(low, m.end())
            else:
                pos = folded.find(low, pos + 1)
        counts: Counter[str] = Counter(forms)
    else:
        counts = Counter(m.group() for m in pattern.finditer(sample))
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
    folded = _folded(sample) if sample else None
    for i, word in enumerate(words):
        low = word.lower()
        special = (
            _casing_in(word, sample, folded) if sample and any(c.isalpha() for c in word) else None
        )
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
