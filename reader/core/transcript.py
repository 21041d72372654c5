"""One transcript file: its metadata, its body as blocks, and its canonical plain text.

The canonical text is the single source of every offset in the program: selections, annotation
selectors, search hits and exports are code-point offsets into `Transcript.text`. It is the body as
a reader sees it: Markdown markup and speaker labels removed, blocks separated by one ``"\\n"``,
the lines of one paragraph joined by a space, NFC-normalised. The view shows exactly this text
(speaker names, bullets and other decoration are drawn around it, never inserted into it).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

BlockKind = Literal["heading", "turn", "paragraph", "list_item", "quote", "speaker_key"]
SpanStyle = Literal["em", "strong", "code", "link", "timestamp", "strike"]


@dataclass(frozen=True, slots=True)
class InlineSpan:
    """A styled run inside a block; offsets are canonical code points."""

    start: int
    end: int
    style: SpanStyle
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the body: ``text[start:end]`` is its text, without the separating newline.

    ``kind == "turn"`` marks the first block of a speaker turn (its label, as written, is in
    ``label`` and is not part of the canonical text). Continuation paragraphs, list items and
    quotes inside a turn carry the same ``speaker`` with another kind. ``level`` is the heading
    level (1-6), or the nesting depth of a list item or quote.
    """

    kind: BlockKind
    start: int
    end: int
    speaker: str | None = None
    label: str | None = None
    level: int = 0
    spans: tuple[InlineSpan, ...] = ()


@dataclass(slots=True)
class EpisodeMeta:
    """What the episode list needs to know about one file, from its front matter and key."""

    path: Path
    title: str
    subtitle: str | None = None
    date: _dt.date | None = None
    duration_seconds: int | None = None
    speakers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    front_matter: Literal["yaml", "toml", "none"] = "none"
    encoding: str = "utf-8"
    size: int = 0
    mtime: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Read quickly (`read_metadata` with ``turns=False``): everything but the speakers found in
    #: the body's turns, which ``speakers`` lacks until the file is read again in full.
    partial: bool = False


@dataclass(slots=True)
class Transcript:
    """A parsed transcript: metadata, canonical text and its blocks (sorted, non-overlapping)."""

    meta: EpisodeMeta
    text: str
    blocks: list[Block]
    speaker_key: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.meta.path

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    def block_index_at(self, offset: int) -> int | None:
        """Index of the block containing ``offset`` (or ending exactly at it), else None."""
        starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset <= self.blocks[i].end:
            return i
        return None

    def block_at(self, offset: int) -> Block | None:
        i = self.block_index_at(offset)
        return None if i is None else self.blocks[i]

    def speaker_at(self, offset: int) -> str | None:
        block = self.block_at(offset)
        return block.speaker if block else None

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]


_WORD = re.compile(r"\w+(?:['’]\w+)*")


def text_sha256(text: str) -> str:
    """The hash recorded in sidecars: SHA-256 of the canonical text encoded as UTF-8."""
    import hashlib  # loads OpenSSL: not at start-up

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Loading and parsing (the implementation lives in frontmatter_meta, body and markup)

MAX_FILE_BYTES = 50 * 1024 * 1024
_HEAD_BYTES = 64 * 1024
_MODULES: list[Any] = []


def _parser_modules() -> tuple[Any, Any, Any]:
    """(body, frontmatter_meta, markup), imported on first use: they import YAML and TOML, and
    body and markup import this module. Cheaper per call than a ``from . import`` each time."""
    if not _MODULES:
        from . import body, frontmatter_meta, markup

        _MODULES.extend((body, frontmatter_meta, markup))
    return _MODULES[0], _MODULES[1], _MODULES[2]


def load_transcript(path: Path) -> Transcript:
    """Read and parse one file; never raises for bad content or an unreadable file."""
    path = Path(path)
    try:
        st = path.stat()
        if st.st_size > MAX_FILE_BYTES:
            meta = _empty_meta(path)
            meta.errors.append(f"file too large ({st.st_size} bytes)")
            _set_stat(meta, path)
            return Transcript(meta, "", [])
        data = path.read_bytes()
    except OSError as exc:
        meta = _empty_meta(path)
        meta.errors.append(f"cannot read the file: {exc.strerror or exc}")
        _set_stat(meta, path)
        return Transcript(meta, "", [])
    transcript = parse_transcript(data, path)
    _set_stat(transcript.meta, path)
    return transcript


def parse_transcript(data: bytes, path: Path) -> Transcript:
    """Parse file bytes: front matter → `EpisodeMeta`, body → canonical text and blocks."""
    from . import body as _body
    from . import frontmatter_meta as fm

    path = Path(path)
    meta = _empty_meta(path)
    meta.size = len(data)
    text = _decode_into(meta, data)
    if text is None:
        return Transcript(meta, "", [])
    split = fm.split_front_matter(text)
    meta.front_matter = split.kind
    meta.warnings.extend(split.warnings)
    meta.errors.extend(split.errors)
    if split.data:
        fm.apply_front_matter(meta, split.data)
    try:
        canonical, blocks, key = _body.parse_body(split.body, meta.speakers, meta.warnings)
    except RecursionError:
        meta.errors.append("the body is too deeply nested to parse")
        return Transcript(meta, "", [])
    sample = split.body[: fm.TITLE_SAMPLE_CHARS]
    _finish_meta(meta, split.data, blocks, canonical, key, None, sample)
    return Transcript(meta, canonical, blocks, key)


#: A title heading is one of the body's first blocks (the key's aside).
_TITLE_BLOCKS = 4


def read_metadata(path: Path, *, turns: bool = True) -> EpisodeMeta:
    """Metadata for the episode list: front matter, speaker key and turns; cheap, never raises.

    Reads only the head of the file unless the front matter is longer. Without a front-matter
    title, the title is the first heading when it is a real title (not "Break: [14:22]" or
    "Transcript"), else the file name title-cased with the body's own spelling of its words
    (``js-party-200.md`` → "JS Party 200"); `load_transcript` gives the same title. Without a
    front-matter date, a ``YYYY-MM-DD-`` file-name prefix gives it (Jekyll posts).

    The speakers are those of the front matter and the key, then those of the turns in the
    first `TITLE_SAMPLE_CHARS` (16 Ki) characters of the body, in order of appearance (files
    without front matter get their speakers this way). For a longer body the list can be
    partial: someone who first speaks later is missing, and a label is judged on what that
    head shows (a name used once there may not count yet). `load_transcript` has the complete
    list, of which this one is, in practice, the beginning.

    With ``turns=False`` the turns are not read (about half the cost: the speaker key and the
    title need only the first blocks): the result is the full one but for ``speakers``, which
    has only the front matter's and the key's, and ``partial``, which is true.
    """
    _body, fm, _ = _parser_modules()

    if not isinstance(path, Path):
        path = Path(path)
    meta = EpisodeMeta(path=path, title="")  # the title is set below, once known
    try:
        data, st = _read_head(path)
    except OSError as exc:
        meta.title = fm.prettify_stem(path)
        meta.errors.append(f"cannot read the file: {exc.strerror or exc}")
        _set_stat(meta, path)
        return meta
    meta.size = st.st_size
    meta.mtime = st.st_mtime
    _meta_from(meta, data, turns, whole=False)
    return meta


def index_fields(data: bytes, path: Path) -> tuple[EpisodeMeta, str]:
    """What the search index needs of a file's bytes without parsing its body: the metadata of
    ``read_metadata(path, turns=False)`` (title and subtitle as the list shows them) and the
    whole body as decoded (front matter removed, ``"\\n"`` line ends), markup and all."""
    meta = EpisodeMeta(path=Path(path), title="")
    meta.size = len(data)
    return meta, _meta_from(meta, data, turns=False, whole=True)


def _meta_from(meta: EpisodeMeta, data: bytes, turns: bool, whole: bool) -> str:
    """Fill ``meta`` from the file's bytes (its head, unless ``whole``) as `read_metadata`
    does; returns the body (the whole body when ``whole``, else its first part)."""
    _body, fm, _ = _parser_modules()
    path = meta.path
    text = _decode_into(meta, data)
    if text is None:
        meta.title = fm.prettify_stem(path)
        return ""
    split = fm.split_front_matter(text, None if whole else fm.TITLE_SAMPLE_CHARS)
    meta.front_matter = split.kind
    meta.warnings.extend(split.warnings)
    meta.errors.extend(split.errors)
    if split.data:
        fm.apply_front_matter(meta, split.data)
    sample = split.body[: fm.TITLE_SAMPLE_CHARS] if whole else split.body
    # the head's last line may be cut short: the turns are read up to the line before it
    head = sample
    if len(sample) >= fm.TITLE_SAMPLE_CHARS:
        cut = sample.rfind("\n")
        head = sample[: cut + 1] if cut > 0 else sample
    # (the key's and the title's blocks are the first ones: `lex_head` stops after them)
    raws = (
        _body.lex(_body.prepare(head))
        if turns
        else _body.lex_head(head, max(_body.KEY_MAX_BLOCKS, _TITLE_BLOCKS))
    )
    key, key_blocks = _body.find_speaker_key(raws)
    first_heading = ""
    for raw in [r for i, r in enumerate(raws[:_TITLE_BLOCKS]) if i not in key_blocks][:2]:
        if raw.kind == "heading":
            first_heading = " ".join(raw.lines)
            break
    if turns:
        found = _body.turn_speakers(raws, meta.speakers, key, key_blocks) if raws else []
    else:
        found = []
        meta.partial = True
    _finish_meta(meta, split.data, [], "", key, first_heading, sample, found)
    return split.body


def _read_exactly(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from ``fd``: fewer only at the end of the file."""
    data = os.read(fd, size)
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = os.read(fd, size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _read_rest(fd: int) -> bytes:
    parts = []
    while more := os.read(fd, 1 << 20):
        parts.append(more)
    return b"".join(parts)


def _read_head(path: Path) -> tuple[bytes, os.stat_result]:
    """The head of a file and its stat: 64 KiB cut at a line end, more while the front matter
    is open.

    UTF-16/32 files (rare, with or without a BOM) are read whole, so that no cut splits a code
    unit. At least
    ``_HEAD_BYTES`` follow the front matter, so the body sample matches `load_transcript`'s.
    """
    fm = _parser_modules()[1]
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        data = _read_exactly(fd, _HEAD_BYTES)
        if len(data) < _HEAD_BYTES:
            return data, st
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            b"\x00" in data and fm._utf16_without_bom(data)
        ):
            if st.st_size > MAX_FILE_BYTES:
                return data[: len(data) & ~3], st
            return data + _read_rest(fd), st
        if data.startswith((b"---", b"+++", b"\xef\xbb\xbf---", b"\xef\xbb\xbf+++")):
            # keep reading while the front matter may still be open (rare, bounded)
            extended = False
            while data.find(b"\n---", 3) < 0 and data.find(b"\n+++", 3) < 0:
                more = _read_exactly(fd, _HEAD_BYTES)
                if not more or len(data) > MAX_FILE_BYTES:
                    break
                data += more
                extended = True
            if extended:
                data += _read_exactly(fd, _HEAD_BYTES)
    finally:
        os.close(fd)
    cut = data.rfind(b"\n")
    if cut > 0:
        data = data[: cut + 1]
    return data, st


def _empty_meta(path: Path) -> EpisodeMeta:
    return EpisodeMeta(path=path, title=_parser_modules()[1].prettify_stem(path))


def _set_stat(meta: EpisodeMeta, path: Path) -> None:
    try:
        st = path.stat()
    except OSError:
        return
    meta.size = st.st_size
    meta.mtime = st.st_mtime


def _decode_into(meta: EpisodeMeta, data: bytes) -> str | None:
    text, encoding, warnings, errors = _parser_modules()[1].decode_bytes(data)
    meta.encoding = encoding
    meta.warnings.extend(warnings)
    meta.errors.extend(errors)
    return text


def _finish_meta(
    meta: EpisodeMeta,
    data: dict[str, Any],
    blocks: list[Block],
    text: str,
    key: dict[str, str],
    first_heading: str | None = None,
    sample: str = "",
    turns: list[str] | None = None,
) -> None:
    """Title fallback (first heading, else the file name), date fallback (the file name's
    ``YYYY-MM-DD-`` prefix), and speakers merged with the key and the turns (``turns``, the
    turn speakers in order, else those of ``blocks``)."""
    _, fm, markup = _parser_modules()
    clean_str, merge_speakers, prettify_stem = fm.clean_str, fm.merge_speakers, fm.prettify_stem
    render_inline = markup.render_inline

    # (without a usable front-matter title, ``meta.title`` is still the file name's)
    if not clean_str(data.get("title")):
        heading = first_heading
        if heading is None:
            # only a heading at the top of the body is a title (not a "Break" mid-way)
            for b in blocks[:3]:
                if b.kind == "heading":
                    heading = text[b.start : b.end]
                    break
                if b.kind in ("turn", "paragraph"):
                    break
        elif heading:
            heading = render_inline(heading)[0]
        heading = _title_from_heading(heading)
        meta.title = heading or prettify_stem(meta.path, sample)
    if meta.date is None:
        # no date in the front matter (or an invalid one, already warned about): Jekyll posts
        # carry it in the file name, "2017-07-17-e01-interview….md"
        meta.date = fm.date_from_stem(meta.path)
    if turns is None:
        turn_speakers = [b.speaker for b in blocks if b.kind == "turn" and b.speaker]
    else:
        turn_speakers = [s for s in turns if s]
    # (each distinct name once: the same merge, without walking every turn)
    merged = merge_speakers(meta.speakers, list(key.values()), list(dict.fromkeys(turn_speakers)))
    # the turns' spelling wins over a case variant ("CB Averitt" over "Cb Averitt" from a slug)
    spelled = {s.casefold(): s for s in turn_speakers}
    meta.speakers = [spelled.get(s.casefold(), s) for s in merged]


_TIMESTAMP_TEXT = re.compile(r"\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?")
_NOT_TITLES = frozenset(
    "break ad break intro introduction outro jingle music interlude ad ads sponsor sponsors "
    "transition theme cold open transcript full transcript contents table of contents overview "
    "notes show notes summary q&a questions".split(" ")
) | {"ad break", "cold open", "full transcript", "table of contents", "show notes"}


def _title_from_heading(heading: str | None) -> str | None:
    """A heading usable as the episode title, or None for "Break: [14:22]", "Intro", "Transcript".

    A title has letters once timestamps are removed, does not name a programme part (the part
    before a colon counts: "Break: [25:59] to [27:11]"), and is short enough for the list.
    """
    if not heading or len(heading) > 200:
        return None
    bare = _TIMESTAMP_TEXT.sub(" ", heading)
    if not any(c.isalpha() for c in bare):
        return None
    words = re.findall(r"[\w&]+", bare.split(":", 1)[0].casefold())
    if " ".join(words) in _NOT_TITLES:
        return None
    return heading
