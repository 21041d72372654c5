"""Exports of a library's (or one transcript's) annotations: Markdown, CSV, JSON-LD, HTML, text.

:func:`collect` reads the transcripts and their annotations (read-only: exporting never writes a
sidecar); :func:`export_text` renders one of the text formats. The JSON-LD and HTML writers live
in :mod:`reader.core.export_jsonld` and :mod:`reader.core.export_html`; PDF (which needs Qt) in
:mod:`reader.export_pdf`, outside the widget-free core.

Common rules:

* Episodes come in library order (:func:`reader.core.library.iter_transcript_paths`), the
  annotations of an episode by position; orphans (passage no longer found) come last, with their
  stored quote and no position.
* Tombstones are never exported. Private notes are left out unless ``include_private`` is set.
* CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return) get a leading apostrophe ``'`` (OWASP "CSV injection" advice); the
  apostrophe is visible in the cell, which is the point.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.annotations import DEFAULT_COLOR_MEANINGS, Annotation
from reader.core.citation import Citation, cite, episode_url, speakers_in
from reader.core.library import iter_transcript_paths
from reader.core.transcript import Transcript, load_transcript

__all__ = [
    "CSV_COLUMNS",
    "Episode",
    "ExportOptions",
    "FORMATS",
    "TEXT_FORMATS",
    "collect",
    "csv_safe",
    "export_text",
    "to_csv",
    "to_markdown",
    "to_txt",
    "write_export_file",
]

#: Every format; all but "pdf" render to text.
FORMATS: tuple[str, ...] = ("md", "csv", "jsonld", "html", "pdf", "txt")
TEXT_FORMATS: tuple[str, ...] = ("md", "csv", "jsonld", "html", "txt")
CSV_COLUMNS: tuple[str, ...] = (
    "episode", "file", "date", "speaker", "quote", "note", "tags", "colour", "author",
    "created", "modified", "start", "end",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class Episode:
    """One transcript to export: its text, its document id and the annotations to include."""

    path: Path
    relpath: str
    transcript: Transcript
    document_id: str
    annotations: list[Annotation] = field(default_factory=list)
    orphans: list[Annotation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.transcript.meta.title

    def speaker_of(self, ann: Annotation) -> str:
        """Who says the annotated passage ("A and B" across turns; "" for an orphan)."""
        if ann.status == "orphaned":
            return ""
        return " and ".join(speakers_in(self.transcript, ann.start, ann.end))

    def quote_of(self, ann: Annotation) -> str:
        """The passage's text as it reads now (the stored quote for an orphan)."""
        if ann.status == "orphaned":
            return ann.exact
        return self.transcript.text[ann.start : ann.end]


@dataclass(slots=True)
class ExportOptions:
    """Choices shared by the formats. ``now`` and ``collection_id`` make output reproducible."""

    include_private: bool = False
    style: str = "apa"
    series: str | None = None
    bom: bool = False
    label: str | None = None
    now: str | None = None
    collection_id: str | None = None
    accessed: _dt.date | None = None

    def reference(self, episode: Episode) -> Citation:
        return cite(episode.transcript.meta, self.style, series=self.series, accessed=self.accessed)


def collect(path: Path, *, include_private: bool = False) -> tuple[Path, list[Episode]]:
    """The root folder and the episodes under ``path`` (a folder, or one transcript file).

    Opens every store read-only. Raises FileNotFoundError when ``path`` does not exist.
    """
    from reader.core.store import AnnotationStore

    path = Path(path)
    if path.is_file():
        root, files = path.parent, [path]
    elif path.is_dir():
        root, files = path, list(iter_transcript_paths(path))
    else:
        raise FileNotFoundError(f"no such file or folder: {path}")
    episodes: list[Episode] = []
    for file in files:
        transcript = load_transcript(file)
        try:
            rel = file.relative_to(root).as_posix()
        except ValueError:
            rel = file.name
        store = AnnotationStore.open(transcript, read_only=True)
        keep = [a for a in store.annotations if include_private or not a.private]
        episodes.append(
            Episode(
                path=file,
                relpath=rel,
                transcript=transcript,
                document_id=store.document_id,
                annotations=[a for a in keep if a.status != "orphaned"],
                orphans=[a for a in keep if a.status == "orphaned"],
                errors=list(transcript.meta.errors) + list(store.errors),
            )
        )
    return root, episodes


# --- Markdown ---------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quoted_lines(text: str) -> list[str]:
    return [("> " + line).rstrip() for line in text.split("\n")]


def _md_annotation(ep: Episode, ann: Annotation, ref: Citation) -> list[str]:
    out = _quoted_lines(ep.quote_of(ann))
    speaker = ep.speaker_of(ann)
    if speaker:
        out += [">", f"> — {speaker}"]
    out.append("")
    details = []
    if ann.status == "orphaned":
        details.append("*Passage not found in the current transcript (stored quote shown).*")
    if ann.note:
        note = ann.note.replace("\n", "  \n")
        details.append(f"**Note:** {note}")
    if ann.tags:
        details.append("**Tags:** " + ", ".join(f"#{t}" for t in ann.tags))
    meaning = DEFAULT_COLOR_MEANINGS.get(ann.color)
    colour = f"{ann.color} ({meaning})" if meaning else ann.color
    details.append(f"**Colour:** {colour}" + (" · private" if ann.private else ""))
    details.append(f"**Cite:** {ref.in_text}")
    out.append("  \n".join(details))
    out.append("")
    return out


def to_markdown(episodes: Iterable[Episode], options: ExportOptions) -> str:
    """Per episode a heading (title), date and link, its reference, then each annotation."""
    lines = [f"# {_one_line(options.label or 'Annotations')}", ""]
    for ep in episodes:
        if not ep.annotations and not ep.orphans:
            continue
        meta = ep.transcript.meta
        ref = options.reference(ep)
        lines += [f"## {_one_line(ep.title)}", ""]
        info = [meta.date.isoformat()] if meta.date else []
        link = episode_url(meta)
        if link:
            info.append(f"<{link}>")
        info.append(f"`{ep.relpath}`")
        lines += [" · ".join(info), "", f"*Reference:* {ref.text}", ""]
        for ann in ep.annotations:
            lines += _md_annotation(ep, ann, ref)
        if ep.orphans:
            lines += ["### Passages not found", ""]
            for ann in ep.orphans:
                lines += _md_annotation(ep, ann, ref)
    return "\n".join(lines).rstrip("\n") + "\n"


# --- CSV --------------------------------------------------------------------------------------


def csv_safe(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would treat it as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(episodes: Iterable[Episode], options: ExportOptions) -> str:
    """One row per annotation (columns :data:`CSV_COLUMNS`), RFC 4180 quoting, CRLF rows.

    Tags are joined with ``"; "``; an orphan has empty ``start``/``end``. With ``options.bom``
    the text starts with U+FEFF (UTF-8 BOM once encoded) so spreadsheets detect UTF-8.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for ep in episodes:
        meta = ep.transcript.meta
        for ann in [*ep.annotations, *ep.orphans]:
            orphan = ann.status == "orphaned"
            cells = [
                ep.title,
                ep.relpath,
                meta.date.isoformat() if meta.date else "",
                ep.speaker_of(ann),
                ep.quote_of(ann),
                ann.note,
                "; ".join(ann.tags),
                ann.color,
                ann.creator,
                ann.created,
                ann.modified,
            ]
            row = [csv_safe(c) for c in cells]
            row += ["" if orphan else str(ann.start), "" if orphan else str(ann.end)]
            writer.writerow(row)
    text = buf.getvalue()
    return "\ufeff" + text if options.bom else text


# --- plain text -------------------------------------------------------------------------------


def to_txt(episodes: list[Episode], options: ExportOptions) -> str:
    """The canonical text: exactly ``text + "\\n"`` for one transcript.

    For several, each text follows a line ``=== title (relative/path.md) ===`` and a blank line.
    """
    if len(episodes) == 1:
        return episodes[0].transcript.text + "\n"
    parts = []
    for ep in episodes:
        parts.append(f"=== {_one_line(ep.title)} ({ep.relpath}) ===\n\n{ep.transcript.text}\n")
    return "\n".join(parts)


# --- dispatch ---------------------------------------------------------------------------------


def export_text(fmt: str, episodes: list[Episode], options: ExportOptions) -> str:
    """Render ``episodes`` in a text format ("md", "csv", "jsonld", "html" or "txt")."""
    if fmt == "md":
        return to_markdown(episodes, options)
    if fmt == "csv":
        return to_csv(episodes, options)
    if fmt == "txt":
        return to_txt(episodes, options)
    if fmt == "jsonld":
        from reader.core.export_jsonld import to_jsonld_text

        return to_jsonld_text(episodes, options)
    if fmt == "html":
        from reader.core.export_html import to_html

        return to_html(episodes, options)
    raise ValueError(f"unknown text format {fmt!r} (use one of {', '.join(TEXT_FORMATS)})")


# --- writing ----------------------------------------------------------------------------------


def _new_file_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp makes them 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_export_file(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically (temp file beside it, rename), with the mode a new
    file gets under the umask. Raises OSError when the file cannot be written."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _new_file_mode())
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
