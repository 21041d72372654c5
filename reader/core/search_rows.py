"""What the search index holds for one transcript, as plain rows: its title and subtitle, each
block of its canonical text, and each annotation with a note or tags.

Rows are prepared wherever the transcript is parsed (possibly in a worker process, see
`reader.core.search_parallel`) and written by `reader.core.search_store.Writer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.core.annotations import Annotation
from reader.core.transcript import Transcript

#: ``entries.kind``: a block of canonical text, an annotation's note and tags, the episode's title
#: and subtitle (one row per file, in the ``title`` column of the FTS5 table).
KIND_TEXT, KIND_NOTE, KIND_TITLE = 0, 1, 2
#: Markers around matches in ``highlight()`` output: control characters, which the tokenizer
#: treats as separators; any in the text are indexed as spaces (same length, same tokens).
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_MARKERS = str.maketrans({MARK_OPEN: " ", MARK_CLOSE: " "})

#: A block row: start, end, speaker, the block's text as indexed.
BlockRow = tuple[int, int, "str | None", str]
#: A note row: start, end, speaker, annotation id, tags ("\n"-joined), orphaned, note, tags text.
NoteRow = tuple[int, int, "str | None", str, str, int, str, str]


def indexable(text: str) -> str:
    """``text`` with the highlight markers (rare control characters) blanked, same length."""
    if MARK_OPEN in text or MARK_CLOSE in text:
        return text.translate(_MARKERS)
    return text


def transcript_from_bytes(data: bytes, path: Path) -> Transcript:
    """The transcript parsed from ``data`` (the parser never raises for bad content)."""
    from reader.core.transcript import parse_transcript

    return parse_transcript(data, path)


def episode_title(transcript: Transcript) -> str:
    """The title shown for the episode in results."""
    return transcript.meta.title or transcript.path.stem


def title_text(transcript: Transcript) -> str:
    """The indexed text of the episode's title row: its title, then its subtitle on a new line."""
    subtitle = (transcript.meta.subtitle or "").strip()
    title = episode_title(transcript)
    return indexable(f"{title}\n{subtitle}" if subtitle else title)


def block_rows(transcript: Transcript) -> list[BlockRow]:
    """One row per non-empty block of the transcript's canonical text."""
    text = transcript.text
    rows: list[BlockRow] = []
    for b in transcript.blocks:
        body = text[b.start : b.end]
        if body.strip():
            rows.append((b.start, b.end, b.speaker, indexable(body)))
    return rows


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
