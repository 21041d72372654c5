"""The episode list's model: `EpisodeListModel`, its roles, sort keys and batching.

`EpisodeListModel` holds the `EpisodeMeta` of each file plus what the window learns later
(annotation counts, last time read), sorted by one of `SORT_KEYS`; `reader.ui.episode_list`
(which re-exports these names) shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from reader.core.metadata_values import people
from reader.core.transcript import EpisodeMeta
from reader.ui.library_loader import AnnotationCounts

Index = QModelIndex | QPersistentModelIndex

MetaRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
DetailsRole = Qt.ItemDataRole.UserRole + 3
CountRole = Qt.ItemDataRole.UserRole + 4
ProblemRole = Qt.ItemDataRole.UserRole + 5
LastReadRole = Qt.ItemDataRole.UserRole + 6
SearchTextRole = Qt.ItemDataRole.UserRole + 7

#: Sort keys offered in the combo: (key, label).
SORT_KEYS: tuple[tuple[str, str], ...] = (
    ("date", "Newest first"),
    ("title", "Title"),
    ("duration", "Duration"),
    ("read", "Last read"),
)


def format_duration(seconds: int | None) -> str:
    """``3725`` → ``"1 h 02 min"``; ``1500`` → ``"25 min"``; None → ``""``."""
    if not seconds:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes = round(rest / 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{max(minutes, 1)} min"


def episode_details(meta: EpisodeMeta) -> str:
    """The muted second line of a row: date · duration · speakers (people, not roles)."""
    parts = []
    if meta.date:
        parts.append(f"{meta.date.day} {meta.date:%b %Y}")
    if meta.duration_seconds:
        parts.append(format_duration(meta.duration_seconds))
    names = people(meta.speakers)
    if names:
        shown = ", ".join(names[:3])
        parts.append(shown + (f" +{len(names) - 3}" if len(names) > 3 else ""))
    return " · ".join(p for p in parts if p)


def _sorted(metas: list[EpisodeMeta], key: str, last_read: dict[str, str]) -> list[EpisodeMeta]:
    """``metas`` in the order of sort ``key`` (one of `SORT_KEYS`), keys computed once per row.

    Titles are compared case-insensitively; ties are in title order (then path order, the
    order given). "date" and "read" are newest first; episodes
    without a date (never read) come after the others, in title order, so a library without
    any date is listed by title.
    """
    by_title = sorted(metas, key=_title_key)
    if key == "title":
        return by_title
    if key == "duration":
        return sorted(by_title, key=lambda m: m.duration_seconds or 0)
    if key == "read":  # `reverse` keeps equal keys in their order (stable): titles A to Z
        return sorted(by_title, key=lambda m: last_read.get(str(m.path), ""), reverse=True)
    return sorted(by_title, key=_date_key, reverse=True)


@dataclass(frozen=True, slots=True)
class Presorted:
    """A list of episodes sorted by ``key`` and its row index, made off the GUI thread
    (`presort`): the model uses them for that very list while it is sorted by that key."""

    source: list[EpisodeMeta]
    key: str
    ordered: list[EpisodeMeta]
    rows: dict[str, int]


def presort(metas: list[EpisodeMeta], key: str) -> Presorted | None:
    """``metas`` sorted by ``key`` as the model would, and the row of each path (for a loading
    thread: 50,000 episodes take ≈60 ms); None for the "read" order, which needs the times."""
    if key == "read" or key not in dict(SORT_KEYS):
        return None
    ordered = _sorted(metas, key, {})
    return Presorted(metas, key, ordered, {str(m.path): i for i, m in enumerate(ordered)})


def _title_key(meta: EpisodeMeta) -> str:
    return (meta.title or meta.path.stem).casefold()  # the title as the row shows it


def _date_key(meta: EpisodeMeta) -> int:
    return meta.date.toordinal() if meta.date else 0  # undated: after every date (newest first)


class EpisodeListModel(QAbstractListModel):
    """One row per episode file of the library, in the order of the current sort key.

    Sorting happens here, in Python, once per change (a key computed once per row), never per
    comparison; the proxy above only filters. A large list is added in batches of `BATCH_ROWS`
    rows, one batch per event-loop turn, so the window keeps responding while 10,000s of
    episodes arrive (`populated` is emitted once every row is in). `set_episodes` on a list that
    shares most of its rows with the current one (a refresh) changes only what changed, so the
    selection and the scroll position stay.
    """

    #: Every row given to `set_episodes` is now in the model.
    populated = Signal()

    #: Rows added per event-loop turn when a list is larger than this.
    BATCH_ROWS = 1000
    #: More rows changed by a refresh than this are announced with one ``dataChanged``.
    CHANGED_ROWS_ONE_BY_ONE = 100

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._source: list[EpisodeMeta] = []  # as given (path order)
        self._metas: list[EpisodeMeta] = []  # sorted; rows [0, _shown) are in the model
        self._shown = 0
        self._rows: dict[str, int] = {}
        self._counts: dict[str, AnnotationCounts] = {}
        self._last_read: dict[str, str] = {}
        self._search: dict[str, str] = {}  # filter text per path, made when a filter needs it
        self._sort_key = "date"
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(0)
        self._batch_timer.timeout.connect(self._add_batch)

    # Rows ----------------------------------------------------------------------------------------

    def set_episodes(
        self,
        metas: list[EpisodeMeta],
        last_read: dict[str, str] | None = None,
        presorted: Presorted | None = None,
    ) -> None:
        """Show ``metas`` (and, if given, the times each was last read).

        A list that mostly matches the current one is merged in place (rows removed, added and
        changed; the order updated with a layout change that keeps the selection); any other
        list replaces the rows, in batches when it is large. ``presorted`` (`presort` of this
        very list) saves sorting and indexing it here when it is in the current order.
        """
        if last_read is not None:
            self._last_read = dict(last_read)
        source = list(metas)
        if last_read is None and self._update_in_place(source):
            return
        usable = presorted is not None and presorted.source is metas
        if usable and presorted is not None and presorted.key == self._sort_key:
            ordered, rows = list(presorted.ordered), presorted.rows
        else:
            ordered, rows = _sorted(source, self._sort_key, self._last_read), None
        self._source = source
        if not self._merge(ordered):
            self._replace(ordered, rows)

    def is_populating(self) -> bool:
        """Whether rows of the last `set_episodes` are still being added."""
        return self._shown < len(self._metas)

    def episodes(self) -> list[EpisodeMeta]:
        """The episodes, in the order they were given."""
        return list(self._source)

    def episode_count(self) -> int:
        """How many episodes the list has (rows still to be added included)."""
        return len(self._source)

    def row_of(self, path: Path | str) -> int | None:
        """The row of ``path`` (None if not in the list, or not added to the model yet)."""
        row = self._rows.get(str(path))
        return row if row is not None and row < self._shown else None

    def contains(self, path: Path | str) -> bool:
        """Whether ``path`` is in the list (even if its row is still to be added)."""
        return str(path) in self._rows

    def meta(self, row: int) -> EpisodeMeta:
        return self._metas[row]

    def search_text(self, row: int) -> str:
        """Title, subtitle, speakers, tags and file name of ``row``, case-folded (filtering)."""
        meta = self._metas[row]
        key = str(meta.path)
        text = self._search.get(key)
        if text is None:
            fields = [meta.title, meta.subtitle or "", *meta.speakers, *meta.tags, meta.path.stem]
            text = self._search[key] = "\n".join(fields).casefold()
        return text

    def _replace(self, ordered: list[EpisodeMeta], rows: dict[str, int] | None = None) -> None:
        self._batch_timer.stop()
        self.beginResetModel()
        self._metas = ordered
        self._rows = rows if rows is not None else {str(m.path): i for i, m in enumerate(ordered)}
        self._counts = {k: v for k, v in self._counts.items() if k in self._rows}
        self._search = {}
        self._shown = min(len(ordered), self.BATCH_ROWS)
        self.endResetModel()
        self._after_rows()

    def _add_batch(self) -> None:
        first = self._shown
        last = min(len(self._metas), first + self.BATCH_ROWS) - 1
        if last >= first:
            self.beginInsertRows(QModelIndex(), first, last)
            self._shown = last + 1
            self.endInsertRows()
        self._after_rows()

    def _after_rows(self) -> None:
        if self.is_populating():
            self._batch_timer.start()
        else:
            self.populated.emit()

    def _update_in_place(self, source: list[EpisodeMeta]) -> bool:
        """Apply ``source`` when it lists the very files of the current list (the same path
        objects), in the same order, with the same sort keys: each row takes its new object,
        with no sort and no lookup by path (a library's speakers completed: 50,000 rows in
        ≈40 ms instead of ≈300). False, having changed nothing, for any other list."""
        old = self._source
        if not old or len(source) != len(old) or self.is_populating():
            return False
        same = all(
            n is o
            or (
                n.path is o.path
                and n.title == o.title
                and n.date == o.date
                and n.duration_seconds == o.duration_seconds
            )
            for n, o in zip(source, old, strict=True)
        )
        if not same:
            return False
        new_of = {id(o): n for n, o in zip(source, old, strict=True) if n is not o}
        self._source = source
        if len(new_of) > self.CHANGED_ROWS_ONE_BY_ONE:  # all announced: no need to compare
            self._metas = [new_of.get(id(m), m) for m in self._metas]
            self._announce(None)
            return True
        changed: list[str] = []
        for new in new_of.values():
            key = str(new.path)
            row = self._rows[key]
            old_meta, self._metas[row] = self._metas[row], new
            if new != old_meta:
                changed.append(key)
        self._announce(changed)
        return True

    def _announce(self, changed: list[str] | None) -> None:
        """Tell the views that the rows of the ``changed`` paths (None: maybe every row) have
        new values, and drop their filter text: row by row, or every row with one signal when
        more than `CHANGED_ROWS_ONE_BY_ONE` changed (the speakers completed for a library)."""
        if changed is None or len(changed) > self.CHANGED_ROWS_ONE_BY_ONE:
            self._search = {}
            if self._metas:
                self.dataChanged.emit(self.index(0), self.index(len(self._metas) - 1))
            return
        for key in changed:
            self._search.pop(key, None)
            index = self.index(self._rows[key])
            self.dataChanged.emit(index, index)

    def _merge(self, ordered: list[EpisodeMeta]) -> bool:
        """Apply ``ordered`` as a change to the current rows; False when a reset is better."""
        if not self._metas or self.is_populating():
            return False
        new_rows = {str(m.path): m for m in ordered}
        gone = [i for i, m in enumerate(self._metas) if str(m.path) not in new_rows]
        added = [m for m in ordered if str(m.path) not in self._rows]
        if len(gone) + len(added) > self.BATCH_ROWS or len(gone) == len(self._metas):
            return False
        # 1. removed files: contiguous runs, from the bottom
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._metas[first : last + 1]
            self._shown = len(self._metas)
            self.endRemoveRows()
        # 2. changed files: in place (every row takes the new object, so order checks are `is`)
        changed: list[str] = []
        for i, old in enumerate(self._metas):
            key = str(old.path)
            new = new_rows[key]
            if new is not old:
                self._metas[i] = new
                if new != old:
                    changed.append(key)
        # 3. new files at the end, then 4. everything in its sorted place
        if added:
            n = len(self._metas)
            self.beginInsertRows(QModelIndex(), n, n + len(added) - 1)
            self._metas.extend(added)
            self._shown = len(self._metas)
            self.endInsertRows()
        self._rows = {str(m.path): i for i, m in enumerate(self._metas)}
        if not _same_order(self._metas, ordered):
            self._relayout(ordered)
        self._announce(changed)
        return True

    def _relayout(self, ordered: list[EpisodeMeta]) -> None:
        """Show the same rows in another order, keeping persistent indexes (the selection)."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        paths = [str(self._metas[p.row()].path) if p.isValid() else None for p in persistent]
        self._metas = ordered
        self._rows = {str(m.path): i for i, m in enumerate(ordered)}
        self._shown = len(ordered)
        after = [
            self.index(self._rows[p]) if p is not None and p in self._rows else QModelIndex()
            for p in paths
        ]
        self.changePersistentIndexList(persistent, after)
        self.layoutChanged.emit()

    # Sorting -------------------------------------------------------------------------------------

    @property
    def sort_key(self) -> str:
        return self._sort_key

    def set_sort_key(self, key: str) -> None:
        """Order the rows by ``key`` (one of `SORT_KEYS`; anything else means "date")."""
        self._sort_key = key if key in dict(SORT_KEYS) else "date"
        self._resort()

    def _resort(self) -> None:
        if not self._metas:
            return
        ordered = _sorted(self._metas, self._sort_key, self._last_read)
        if self.is_populating():
            self._replace(ordered)
        elif not _same_order(ordered, self._metas):
            self._relayout(ordered)

    # What the window learns later ----------------------------------------------------------------

    def set_counts(self, counts: dict[str, AnnotationCounts]) -> None:
        """Annotation counts found by the loader (only the paths given change)."""
        for path, value in counts.items():
            self.set_count(path, value)

    def set_count(self, path: str, counts: AnnotationCounts) -> None:
        row = self._rows.get(path)
        if row is None or self._counts.get(path) == counts:
            return
        self._counts[path] = counts
        if row < self._shown:
            index = self.index(row)
            self.dataChanged.emit(index, index, [CountRole, ProblemRole])

    def all_tags(self) -> set[str]:
        """Every tag used in the annotations of the library's episodes (as far as known)."""
        return {tag for counts in self._counts.values() for tag in counts.tags}

    def set_last_read(self, last_read: dict[str, str]) -> None:
        """ISO times each episode was last read (for sorting by last read)."""
        self._last_read = dict(last_read)
        if self._shown:
            self.dataChanged.emit(self.index(0), self.index(self._shown - 1), [LastReadRole])
        if self._sort_key == "read":
            self._resort()

    def mark_read(self, path: str, when: str) -> None:
        """``path`` was read at ``when`` (the rows are not re-ordered while reading)."""
        self._last_read[path] = when
        row = self._rows.get(path)
        if row is not None and row < self._shown:
            self.dataChanged.emit(self.index(row), self.index(row), [LastReadRole])

    # Qt ------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._shown

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        row = index.row()
        meta = self._metas[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return meta.title or meta.path.stem
        key = str(meta.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [meta.title, meta.subtitle or "", key]
            lines += [f"⚠ {p}" for p in self._problems(meta)]
            return "\n".join(line for line in lines if line)
        if role == MetaRole:
            return meta
        if role == PathRole:
            return key
        if role == DetailsRole:  # the file name when the front matter says nothing more
            return episode_details(meta) or meta.path.name
        if role == CountRole:
            counts = self._counts.get(key)
            return counts.live + counts.orphans if counts else 0
        if role == ProblemRole:
            return "\n".join(self._problems(meta))
        if role == LastReadRole:
            return self._last_read.get(key, "")
        if role == SearchTextRole:
            return self.search_text(row)
        return None

    def _problems(self, meta: EpisodeMeta) -> list[str]:
        problems = list(meta.errors)
        counts = self._counts.get(str(meta.path))
        if counts:
            problems += list(counts.problems)
            if counts.orphans:
                problems.append(f"{counts.orphans} annotation(s) lost their passage")
        return problems


def _same_order(a: list[EpisodeMeta], b: list[EpisodeMeta]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
