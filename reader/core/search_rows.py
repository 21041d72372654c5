"""What the search index holds for one transcript, as plain rows: one text row (its title and
subtitle, and its body as written) and one row per annotation with a note or tags.

The body is indexed as written, markup and all, without parsing it into blocks: the index finds
the episodes that hold a query's words, and a search then finds the passages in each episode it
shows (`reader.core.search_passages`). So every word of the canonical text (what a reader sees)
must be in the indexed text, or a passage could never be found: `searchable_body` appends the
words that only appear once the markup is rendered (``in**volve**ment``, ``caf&eacute;``,
``word<span>s</span>``).

Rows are prepared wherever the transcript is read (possibly in a worker process, see
`reader.core.search_parallel`) and written by `reader.core.search_store.Writer`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from reader.core.annotations import Annotation
from reader.core.transcript import EpisodeMeta, Transcript

#: ``entries.kind``: an episode's text (title and subtitle in the ``title`` column of the FTS5
#: table, the body as written in ``body``), an annotation's note and tags.
KIND_TEXT, KIND_NOTE = 0, 1
#: Markers around matches in ``highlight()`` output: control characters, which the tokenizer
#: treats as separators; any in the text are indexed as spaces (same length, same tokens).
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_MARKERS = str.maketrans({MARK_OPEN: " ", MARK_CLOSE: " "})

#: A note row: start, end, speaker, annotation id, tags ("\n"-joined), orphaned, note, tags text.
NoteRow = tuple[int, int, "str | None", str, str, int, str, str]

#: A character of markup that rendering may drop from between two letters (emphasis, code,
#: strike, an escape, a link's ``](…)``, an entity's ``&``, an HTML tag, a template): its run
#: (`_RUN`) is rendered and compared with the run as written.
#: (Markup after a space cannot join this run to the one before: only the markup after a letter
#: or digit, and entities, which make letters, are looked at.)
_MARKUP = re.compile(r"[*_~`\\\]<{&]")
_ENTITY_AT = re.compile(r"&#?\w+;")
#: How far back the start of a run is looked for (a longer "word" is not one).
RUN_BACK = 1000
#: A run: non-space characters, and whole tags and templates (which may hold spaces).
_TAG = r"<[A-Za-z!/][^<>]{0,500}>|\{\{[^{}]{0,500}\}\}|\{%[^{}]{0,500}%\}"
_RUN = re.compile(rf"(?:{_TAG}|\S)*")
_TAGS = re.compile(_TAG)
#: In such a run, markup between two letters or digits, or an entity: a word may be joined.
_JOINED = re.compile(r"[^\W_](?:[*_~`\\]+|\]\([^()\s]*\)?)[^\W_]|&#?\w+;|[<{]")
#: What rendering drops from such a run: a link's destination, then the markup characters.
_LINK_DEST = re.compile(r"\]\([^()\s]*\)?")
_MARKUP_CHARS = re.compile(r"[*_~`\\\[\]]+")
#: A word as `searchable_body` compares them: a run of letters and digits (what the FTS5
#: tokenizer ``unicode61`` keeps together, near enough: a word it splits further is still held).
_WORD = re.compile(r"[^\W_]+")


def indexable(text: str) -> str:
    """``text`` with the highlight markers (rare control characters) blanked, same length."""
    if MARK_OPEN in text or MARK_CLOSE in text:
        return text.translate(_MARKERS)
    return text


def transcript_from_bytes(data: bytes, path: Path) -> Transcript:
    """The transcript parsed from ``data`` (the parser never raises for bad content)."""
    from reader.core.transcript import parse_transcript

    return parse_transcript(data, path)


def searchable_body(body: str) -> str:
    """The body as indexed: as written, then, on a last line, the words that rendering its
    markup makes and the body as written does not hold (``in**volve**ment`` → "involvement",
    ``caf&eacute;`` → "café", ``word<span>s</span>`` → "words"): every word of the canonical
    text is then in the indexed text, which a search relies on to find its passages (the tests
    check this on the whole corpus)."""
    extra: dict[str, None] = {}
    done = 0
    for m in _MARKUP.finditer(body):
        i = m.start()
        if i < done:  # in the run just looked at
            continue
        if body[i] == "&":
            if _ENTITY_AT.match(body, i) is None:
                continue
        elif i == 0 or not body[i - 1].isalnum():
            continue
        # (the run starts after the last space; looked for back to the run before, and no
        # further than `RUN_BACK`: a line without spaces must not be scanned again each time)
        floor = max(done, i - RUN_BACK)
        lo = max(body.rfind(" ", floor, i), body.rfind("\n", floor, i), body.rfind("\t", floor, i))
        lo = floor if lo < 0 else lo + 1
        done = max(i + 1, _RUN.match(body, lo).end())  # type: ignore[union-attr]
        run = body[lo:done]
        if _JOINED.search(run) is None:
            continue
        clean = _TAGS.sub("", run) if "<" in run or "{" in run else run
        clean = html.unescape(clean) if "&" in clean else clean
        clean = _MARKUP_CHARS.sub("", _LINK_DEST.sub("", clean))
        split = _WORD.findall(run)  # a word of the rendered run that the run as written splits:
        extra.update(dict.fromkeys(w for w in _WORD.findall(clean) if w not in split))
    if not extra:
        return indexable(body)
    return indexable(body + "\n" + " ".join(extra))


def episode_title(meta: EpisodeMeta) -> str:
    """The title shown for the episode in results."""
    return meta.title or meta.path.stem


def title_text(meta: EpisodeMeta) -> str:
    """The indexed text of the episode's title: its title, then its subtitle on a new line."""
    subtitle = (meta.subtitle or "").strip()
    title = episode_title(meta)
    return indexable(f"{title}\n{subtitle}" if subtitle else title)


def note_rows(transcript: Transcript, notes: list[Annotation]) -> list[NoteRow]:
    """One row per annotation with a note or tags."""
    rows: list[NoteRow] = []
    for a in notes:
        orphaned = a.status == "orphaned"
        speaker = None if orphaned else transcript.speaker_at(a.start)
        rows.append(
            (
                a.start, a.end, speaker, a.id, "\n".join(a.tags), int(orphaned),
                indexable(a.note), indexable(", ".join(a.tags)),
            )
        )  # fmt: skip
    return rows


# --- annotations -------------------------------------------------------------------------------


def sidecar_of(path: Path) -> Path:
    """The annotation sidecar beside ``path`` (the store's rule)."""
    from reader.core.store import sidecar_path

    return sidecar_path(path)


@dataclass(slots=True)
class Notes:
    """A transcript's annotations with a note or tags, and where its private notes live."""

    annotations: list[Annotation]
    private_path: str | None
    problems: list[str]


def load_notes(transcript: Transcript) -> Notes:
    """The annotations of ``transcript`` that carry a note or tags, anchored on its current text
    through the annotation store (which re-anchors and adds the private notes)."""
    from reader.core.store import AnnotationStore

    if not sidecar_of(transcript.path).exists():
        # No sidecar, no notes: even private notes need the document id a sidecar records.
        return Notes([], None, [])
    store = AnnotationStore.open(transcript, read_only=True)
    notes = [a for a in store.annotations if a.note.strip() or any(t.strip() for t in a.tags)]
    # The private file is keyed by the document id in the sidecar: known once a sidecar exists.
    private = store.private_path if store.sidecar_path.exists() else None
    return Notes(notes, None if private is None else str(private), list(store.errors))
