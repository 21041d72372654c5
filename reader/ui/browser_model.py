"""The data behind the annotation browser: every annotation of the library, filtered, grouped.

`load_file` reads one transcript's annotations read-only (it runs in `BrowserLoader`'s worker
thread); `BrowserFilter` decides which entries show; `group_entries` groups them by tag (a
codebook: every tag with how many annotations and episodes carry it) or by episode; and
`BrowserModel` is the tree the view shows: group rows over annotation rows with columns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from reader.core.annotations import Annotation
from reader.ui.library_loader import AnnotationCounts
from reader.ui.swatches import color_icon

GroupBy = Literal["tag", "episode"]
#: The group of annotations without a tag.
UNTAGGED = "(untagged)"

EntryRole = Qt.ItemDataRole.UserRole + 1
GroupRole = Qt.ItemDataRole.UserRole + 2
CountRole = Qt.ItemDataRole.UserRole + 3
COLUMNS = ("Annotation", "Note", "Tags", "Episode", "Author", "Created")


@dataclass(frozen=True, slots=True)
class BrowserEntry:
    """One annotation with where it lives."""

    path: Path
    title: str
    annotation: Annotation
    speaker: str | None = None


@dataclass(slots=True)
class FileAnnotations:
    """The annotations of one transcript, and problems reading its notes."""

    path: Path
    title: str
    entries: list[BrowserEntry] = field(default_factory=list)
    problems: tuple[str, ...] = ()

    def counts(self) -> AnnotationCounts:
        """What the episode list shows for this file."""
        anns = [e.annotation for e in self.entries]
        return AnnotationCounts(
            live=sum(1 for a in anns if a.status != "orphaned"),
            orphans=sum(1 for a in anns if a.status == "orphaned"),
            moved=sum(1 for a in anns if a.status == "moved"),
            problems=self.problems,
            tags=frozenset(t for a in anns for t in a.tags),
        )


def load_file(path: Path) -> FileAnnotations:
    """Read ``path``'s annotations (shared and private) without writing or locking anything."""
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    transcript = load_transcript(path)
    store = AnnotationStore.open(transcript, read_only=True)
    title = transcript.meta.title or path.stem
    entries = [
        BrowserEntry(path, title, ann, transcript.speaker_at(ann.start))
        for ann in store.annotations
    ]
    return FileAnnotations(path, title, entries, tuple(store.errors))


def annotated_files(root: Path) -> list[Path]:
    """Transcripts under ``root`` with a sidecar (private notes are keyed from it)."""
    from reader.core.tags import library_stores

    return library_stores(root)


@dataclass(slots=True)
class BrowserFilter:
    """Which entries show. Empty/None fields do not filter; dates are ``YYYY-MM-DD``, inclusive."""

    text: str = ""
    tag: str | None = None
    color: str | None = None
    author: str | None = None
    episode: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def accepts(self, entry: BrowserEntry) -> bool:
        ann = entry.annotation
        if self.tag is not None:
            if (
                self.tag == UNTAGGED
                and ann.tags
                or self.tag != UNTAGGED
                and self.tag not in ann.tags
            ):
                return False
        if self.color is not None and ann.color != self.color:
            return False
        if self.author is not None and ann.creator != self.author:
            return False
        if self.episode is not None and str(entry.path) != self.episode:
            return False
        day = ann.created[:10]
        if self.date_from and day < self.date_from:
            return False
        if self.date_to and day > self.date_to:
            return False
        words = self.text.casefold().split()
        if words:
            hay = " ".join(
                [ann.exact, ann.note, " ".join(ann.tags), entry.title, ann.creator]
            ).casefold()
            return all(w in hay for w in words)
        return True


@dataclass(frozen=True, slots=True)
class Group:
    """A group row: its key (tag or path), label, and entries; ``episodes`` it spans."""

    key: str
    label: str
    entries: tuple[BrowserEntry, ...]

    @property
    def episodes(self) -> int:
        return len({e.path for e in self.entries})


def _entry_order(entry: BrowserEntry) -> tuple[str, str, int]:
    return (entry.title.casefold(), str(entry.path), entry.annotation.start)


def group_entries(entries: list[BrowserEntry], by: GroupBy) -> list[Group]:
    """Group by tag (most used first; untagged last) or by episode (by title)."""
    buckets: dict[str, list[BrowserEntry]] = {}
    labels: dict[str, str] = {}
    for entry in entries:
        if by == "tag":
            keys = list(dict.fromkeys(entry.annotation.tags)) or [UNTAGGED]
            for key in keys:
                buckets.setdefault(key, []).append(entry)
                labels[key] = key
        else:
            key = str(entry.path)
            buckets.setdefault(key, []).append(entry)
            labels[key] = entry.title
    groups = [Group(k, labels[k], tuple(sorted(v, key=_entry_order))) for k, v in buckets.items()]
    if by == "tag":
        groups.sort(key=lambda g: (g.key == UNTAGGED, -len(g.entries), g.label.casefold()))
    else:
        groups.sort(key=lambda g: (g.label.casefold(), g.key))
    return groups


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BrowserModel(QStandardItemModel):
    """Group rows (first column spanned by the view) over annotation rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[Group] = []
        self.by: GroupBy = "tag"
        self.setHorizontalHeaderLabels(list(COLUMNS))

    def set_groups(self, groups: list[Group], by: GroupBy, meanings: dict[str, str]) -> None:
        self.clear()
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.groups, self.by = groups, by
        root = self.invisibleRootItem()
        for group in groups:
            count = len(group.entries)
            noun = "annotation" if count == 1 else "annotations"
            label = group.label
            if by == "tag":
                eps = group.episodes
                label += f"  ·  {count} {noun} in {eps} {'episode' if eps == 1 else 'episodes'}"
            else:
                label += f"  ·  {count} {noun}"
            head = QStandardItem(label)
            head.setEditable(False)
            head.setData(group.key, GroupRole)
            head.setData(count, CountRole)
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)
            head.setData(font, Qt.ItemDataRole.FontRole)
            for entry in group.entries:
                head.appendRow(self._row(entry, meanings))
            root.appendRow(head)

    @staticmethod
    def _row(entry: BrowserEntry, meanings: dict[str, str]) -> list[QStandardItem]:
        ann = entry.annotation
        quote = _one_line(ann.exact)
        if ann.status == "orphaned":
            quote = f"(passage not found) {quote}"
        cells = [
            QStandardItem(color_icon(ann.color, 12), f"“{quote}”"),
            QStandardItem(_one_line(ann.note)),
            QStandardItem(", ".join(ann.tags)),
            QStandardItem(entry.title),
            QStandardItem(ann.creator),
            QStandardItem(ann.created[:10]),
        ]
        meaning = meanings.get(ann.color, ann.color)
        speaker = f"{entry.speaker}: " if entry.speaker else ""
        tip = f"{meaning}\n{speaker}“{ann.exact}”" + (f"\n\n{ann.note}" if ann.note else "")
        for cell in cells:
            cell.setEditable(False)
            cell.setData(entry, EntryRole)
            cell.setToolTip(tip)
        return cells


class _LoadSignals(QObject):
    finished = Signal(int, object, bool)  # generation, [FileAnnotations] or None, whole library
    progress = Signal(int, int, int)  # generation, done, total


class _LoadJob(QRunnable):
    def __init__(
        self, generation: int, root: Path, paths: list[Path] | None, signals: _LoadSignals
    ) -> None:
        super().__init__()
        self.generation, self.root, self.paths, self.signals = generation, root, paths, signals
        self.cancelled = threading.Event()

    def run(self) -> None:
        files: list[FileAnnotations] | None = None
        try:
            paths = annotated_files(self.root) if self.paths is None else self.paths
            loaded: list[FileAnnotations] = []
            for done, path in enumerate(paths, 1):
                if self.cancelled.is_set():
                    return
                try:
                    loaded.append(load_file(path) if path.exists() else FileAnnotations(path, ""))
                except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
                    loaded.append(FileAnnotations(path, path.stem, [], (f"{exc}",)))
                self.signals.progress.emit(self.generation, done, len(paths))
            files = loaded
        except Exception as exc:  # noqa: BLE001 - reported as an empty library with a problem
            files = [FileAnnotations(self.root, self.root.name, [], (f"{exc}",))]
        finally:
            self.signals.finished.emit(self.generation, files, self.paths is None)


class BrowserLoader(QObject):
    """Reads annotations in a worker thread: the whole library, or a few changed files."""

    #: ([FileAnnotations], whole): every annotated file (whole) or just the ones asked for.
    loaded = Signal(list, bool)
    progress = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _LoadSignals(self)
        self._signals.finished.connect(self._on_finished)
        self._signals.progress.connect(self._on_progress)
        self._generation = 0
        self._jobs: list[_LoadJob] = []
        self._running = 0

    def load(self, root: Path, paths: list[Path] | None = None) -> None:
        """Read every annotated transcript under ``root`` (or only ``paths``)."""
        if paths is None:  # a full load supersedes everything queued
            self.cancel()
            self._generation += 1
        job = _LoadJob(self._generation, root, paths, self._signals)
        job.setAutoDelete(False)
        self._jobs.append(job)
        self._running += 1
        self._pool.start(job)

    def is_loading(self) -> bool:
        return self._running > 0

    def cancel(self) -> None:
        for job in self._jobs:
            job.cancelled.set()

    def shutdown(self) -> None:
        """Cancel and wait until the worker thread is idle."""
        self.cancel()
        self._generation += 1
        self._pool.waitForDone()

    def _on_finished(self, generation: int, files: object, whole: bool) -> None:
        self._running -= 1
        if self._running == 0:
            self._jobs.clear()
        if generation == self._generation and isinstance(files, list):
            self.loaded.emit(files, whole)

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation:
            self.progress.emit(done, total)
