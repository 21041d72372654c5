"""The episode list: a model of the library's episodes, a sort/filter proxy, a delegate, a panel.

`EpisodeListModel` holds the `EpisodeMeta` of each file plus what the window learns later
(annotation counts, last time read); `EpisodeFilterProxy` sorts by date, title, duration or last
read and filters on title, subtitle, speakers and tags; `EpisodeDelegate` paints a two-line row;
`EpisodeListPanel` puts a filter box and a sort combo above the list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.transcript import EpisodeMeta
from reader.ui.filtering import refilter
from reader.ui.library_loader import AnnotationCounts
from reader.ui.theme import LIGHT, SPACE_M, SPACE_S, SPACE_XS, Theme, qcolor

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
    """The muted second line of a row: date · duration · speakers."""
    parts = []
    if meta.date:
        parts.append(f"{meta.date.day} {meta.date:%b %Y}")
    if meta.duration_seconds:
        parts.append(format_duration(meta.duration_seconds))
    if meta.speakers:
        shown = ", ".join(meta.speakers[:3])
        parts.append(shown + (f" +{len(meta.speakers) - 3}" if len(meta.speakers) > 3 else ""))
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
        self, metas: list[EpisodeMeta], last_read: dict[str, str] | None = None
    ) -> None:
        """Show ``metas`` (and, if given, the times each was last read).

        A list that mostly matches the current one is merged in place (rows removed, added and
        changed; the order updated with a layout change that keeps the selection); any other
        list replaces the rows, in batches when it is large.
        """
        if last_read is not None:
            self._last_read = dict(last_read)
        source = list(metas)
        ordered = _sorted(source, self._sort_key, self._last_read)
        self._source = source
        if not self._merge(ordered):
            self._replace(ordered)

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

    def _replace(self, ordered: list[EpisodeMeta]) -> None:
        self._batch_timer.stop()
        self.beginResetModel()
        self._metas = ordered
        self._rows = {str(m.path): i for i, m in enumerate(ordered)}
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
        for key in changed:
            self._search.pop(key, None)
            index = self.index(self._rows[key])
            self.dataChanged.emit(index, index)
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


class EpisodeFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose text contains every filter word; the order is the model's.

    The model sorts (`EpisodeListModel.set_sort_key`); this proxy never does, so 10,000s of rows
    cost no Python comparison. `set_sort_key` is kept here for the callers that sort through it.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._model: EpisodeListModel | None = None
        self.setDynamicSortFilter(True)  # re-filter rows whose data changes; never sorts

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        super().setSourceModel(model)
        self._model = model if isinstance(model, EpisodeListModel) else None

    @property
    def sort_key(self) -> str:
        return self._model.sort_key if self._model is not None else "date"

    def set_sort_key(self, key: str) -> None:
        if self._model is not None:
            self._model.set_sort_key(key)

    def set_filter_text(self, text: str) -> None:
        refilter(self, lambda: setattr(self, "_words", text.casefold().split()))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        words = self._words
        if not words:
            return True
        if self._model is not None:
            text = self._model.search_text(source_row)
        else:
            text = self.sourceModel().index(source_row, 0, source_parent).data(SearchTextRole)
        return all(word in (text or "") for word in words)


class EpisodeDelegate(QStyledItemDelegate):
    """Title (semibold, elided) over date · duration · speakers (muted); count and ⚠ at right."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.theme: Theme = LIGHT

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.88, 7.0))
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        title, small = self._fonts(option)
        height = QFontMetrics(title).height() + QFontMetrics(small).height()
        return QSize(200, height + SPACE_XS + 2 * SPACE_S + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(SPACE_XS, 1, -SPACE_XS, -1)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(qcolor(self.theme.selection))
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(qcolor(self.theme.alternate_base))
            painter.drawRoundedRect(rect, 6, 6)
        if option.state & QStyle.StateFlag.State_HasFocus and selected:
            painter.setPen(qcolor(self.theme.accent))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 6, 6)

        text_color = qcolor(self.theme.selection_text if selected else self.theme.text)
        muted = qcolor(self.theme.text if selected else self.theme.muted)
        title_font, small_font = self._fonts(option)
        inner = rect.adjusted(SPACE_S + SPACE_XS, SPACE_S, -SPACE_S - SPACE_XS, -SPACE_S)

        # Right column: annotation count (a small pill) and a warning mark.
        right = inner.right()
        count = int(index.data(CountRole) or 0)
        small_metrics = QFontMetrics(small_font)
        painter.setFont(small_font)
        if count:
            label = str(count)
            width = max(small_metrics.horizontalAdvance(label) + SPACE_S * 2, 22)
            pill = QRect(right - width + 1, inner.top(), width, small_metrics.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(qcolor(self.theme.accent))
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            painter.setPen(qcolor(self.theme.accent_text))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
            right = pill.left() - SPACE_XS
        if index.data(ProblemRole):
            mark = "⚠"
            width = small_metrics.horizontalAdvance(mark) + 2
            painter.setPen(qcolor(self.theme.speakers[5]))
            painter.drawText(
                QRect(right - width, inner.top(), width, small_metrics.height() + 2),
                Qt.AlignmentFlag.AlignCenter,
                mark,
            )
            right -= width + SPACE_XS

        title_metrics = QFontMetrics(title_font)
        title_rect = QRect(inner.left(), inner.top(), right - inner.left(), title_metrics.height())
        painter.setFont(title_font)
        painter.setPen(text_color)
        title = title_metrics.elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole)),
            Qt.TextElideMode.ElideRight,
            title_rect.width(),
        )
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
        )

        details_rect = QRect(
            inner.left(), title_rect.bottom() + SPACE_XS, inner.width(), small_metrics.height()
        )
        painter.setFont(small_font)
        painter.setPen(muted)
        details = small_metrics.elidedText(
            str(index.data(DetailsRole) or ""), Qt.TextElideMode.ElideRight, details_rect.width()
        )
        painter.drawText(
            details_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, details
        )
        painter.restore()


class EpisodeListPanel(QWidget):
    """Filter box and sort combo over the list of episodes; emits the episode chosen."""

    #: The user chose an episode (its path as a string).
    episodeActivated = Signal(str)
    #: The sort key changed (one of `SORT_KEYS`).
    sortKeyChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("episodePanel")
        self.model = EpisodeListModel(self)
        self.proxy = EpisodeFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._pending_current: tuple[str, bool] | None = None  # (path, emit) to make current

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("episodeFilter")
        self.filter_edit.setPlaceholderText("Filter episodes")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter episodes")
        self.filter_edit.setToolTip("Show episodes whose title, subtitle, speakers or tags match")

        self.sort_combo = QComboBox(self)
        self.sort_combo.setObjectName("episodeSort")
        self.sort_combo.setAccessibleName("Sort episodes")
        self.sort_combo.setToolTip("Order of the episodes")
        for key, label in SORT_KEYS:
            self.sort_combo.addItem(label, key)

        self.view = QListView(self)
        self.view.setObjectName("episodeList")
        self.view.setAccessibleName("Episodes")
        self.view.setModel(self.proxy)
        self.delegate = EpisodeDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setMouseTracking(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setFrameShape(QListView.Shape.NoFrame)

        self.empty_label = QLabel(
            "No transcripts here yet.\nOpen a folder with File → Open Folder."
        )
        self.empty_label.setObjectName("episodeEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        header = QLabel("Episodes", self)
        header.setObjectName("paneTitle")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("episodeCount")
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        top = QHBoxLayout()
        top.setContentsMargins(SPACE_M, SPACE_M, SPACE_M, 0)
        top.setSpacing(SPACE_S)
        top.addWidget(header)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.sort_combo)
        row = QHBoxLayout()
        row.setContentsMargins(SPACE_M, 0, SPACE_M, 0)
        row.addWidget(self.filter_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_S)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        self._update_empty()

        self.filter_edit.textChanged.connect(self._on_filter)
        self.sort_combo.currentIndexChanged.connect(self._on_sort)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.activated.connect(self._on_current)
        self.model.modelReset.connect(self._update_empty)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.model.rowsInserted.connect(self._restore_current)
        self.proxy.rowsInserted.connect(self._update_empty)
        self.proxy.rowsRemoved.connect(self._update_empty)
        self.proxy.modelReset.connect(self._update_empty)
        self.proxy.set_sort_key("date")

    def set_theme(self, theme: Theme) -> None:
        self.delegate.theme = theme
        self.view.viewport().update()

    def set_sort_key(self, key: str) -> None:
        i = self.sort_combo.findData(key)
        self.sort_combo.setCurrentIndex(max(i, 0))
        self.proxy.set_sort_key(key)

    def current_path(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(PathRole) if index.isValid() else None

    def select_path(self, path: str, *, emit: bool = True) -> bool:
        """Make ``path`` the current row (clearing the filter if it hides it).

        A row still to be added (a large list arrives in batches) becomes current once added.
        """
        self._pending_current = None
        row = self.model.row_of(path)
        if row is None:
            if self.model.contains(path):  # in the list, not yet in the model
                self._pending_current = (str(path), emit)
                return True
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            self.filter_edit.clear()
            index = self.proxy.mapFromSource(self.model.index(row))
        self.view.blockSignals(not emit)
        self.view.selectionModel().blockSignals(not emit)
        self.view.setCurrentIndex(index)
        self.view.selectionModel().blockSignals(False)
        self.view.blockSignals(False)
        self.view.scrollTo(index)
        return True

    def _remember_current(self) -> None:
        current = self.current_path()
        if current is not None and self._pending_current is None:
            self._pending_current = (current, False)

    def _restore_current(self) -> None:
        """After a reset or a batch of rows: the row that was current is current again."""
        if self._pending_current is None:
            return
        path, emit = self._pending_current
        row = self.model.row_of(path)
        if row is not None:
            self._pending_current = None
            if self.proxy.mapFromSource(self.model.index(row)).isValid():  # never unfilter
                self.select_path(path, emit=emit)
        elif not self.model.contains(path):
            self._pending_current = None  # gone from the library

    def first_path(self) -> str | None:
        index = self.proxy.index(0, 0)
        return index.data(PathRole) if index.isValid() else None

    def _on_filter(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_empty()

    def _on_sort(self, _row: int) -> None:
        key = self.sort_combo.currentData()
        self.proxy.set_sort_key(key)
        self.sortKeyChanged.emit(key)

    def _on_current(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if index.isValid():
            self.episodeActivated.emit(index.data(PathRole))

    def _update_empty(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if total == 0:
            self.empty_label.setText(
                "No transcripts here yet.\nOpen a folder with File → Open Folder."
            )
        else:
            self.empty_label.setText("No episode matches the filter.")
        self.empty_label.setVisible(shown == 0)
        self.view.setVisible(shown > 0)
        self.count_label.setText(str(total) if shown == total else f"{shown} of {total}")
