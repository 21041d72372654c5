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
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
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


class EpisodeListModel(QAbstractListModel):
    """One row per episode file of the library."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._metas: list[EpisodeMeta] = []
        self._rows: dict[str, int] = {}
        self._counts: dict[str, AnnotationCounts] = {}
        self._last_read: dict[str, str] = {}

    def set_episodes(self, metas: list[EpisodeMeta]) -> None:
        self.beginResetModel()
        self._metas = list(metas)
        self._rows = {str(m.path): i for i, m in enumerate(self._metas)}
        self._counts = {}
        self.endResetModel()

    def episodes(self) -> list[EpisodeMeta]:
        return list(self._metas)

    def row_of(self, path: Path | str) -> int | None:
        return self._rows.get(str(path))

    def set_counts(self, counts: dict[str, AnnotationCounts]) -> None:
        """Annotation counts found by the loader (only the paths given change)."""
        for path, value in counts.items():
            self.set_count(path, value)

    def set_count(self, path: str, counts: AnnotationCounts) -> None:
        row = self._rows.get(path)
        if row is None or self._counts.get(path) == counts:
            return
        self._counts[path] = counts
        index = self.index(row)
        self.dataChanged.emit(index, index, [CountRole, ProblemRole])

    def all_tags(self) -> set[str]:
        """Every tag used in the annotations of the library's episodes (as far as known)."""
        return {tag for counts in self._counts.values() for tag in counts.tags}

    def set_last_read(self, last_read: dict[str, str]) -> None:
        """ISO times each episode was last read (for sorting by last read)."""
        self._last_read = dict(last_read)
        if self._metas:
            self.dataChanged.emit(self.index(0), self.index(len(self._metas) - 1), [LastReadRole])

    def mark_read(self, path: str, when: str) -> None:
        self._last_read[path] = when
        row = self._rows.get(path)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row), [LastReadRole])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._metas)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._metas):
            return None
        meta = self._metas[index.row()]
        key = str(meta.path)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return meta.title or meta.path.stem
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [meta.title, meta.subtitle or "", str(meta.path)]
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
            fields = [meta.title, meta.subtitle or "", *meta.speakers, *meta.tags, meta.path.stem]
            return "\n".join(fields).casefold()
        return None

    def _problems(self, meta: EpisodeMeta) -> list[str]:
        problems = list(meta.errors)
        counts = self._counts.get(str(meta.path))
        if counts:
            problems += list(counts.problems)
            if counts.orphans:
                problems.append(f"{counts.orphans} annotation(s) lost their passage")
        return problems


class EpisodeFilterProxy(QSortFilterProxyModel):
    """Sorts by one of `SORT_KEYS` and keeps rows whose text contains every filter word."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sort_key = "date"
        self._words: list[str] = []
        self.setDynamicSortFilter(True)

    @property
    def sort_key(self) -> str:
        return self._sort_key

    def set_sort_key(self, key: str) -> None:
        self._sort_key = key if key in dict(SORT_KEYS) else "date"
        descending = self._sort_key in ("date", "read")
        self.invalidate()
        self.sort(0, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def set_filter_text(self, text: str) -> None:
        refilter(self, lambda: setattr(self, "_words", text.casefold().split()))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._words:
            return True
        text = self.sourceModel().index(source_row, 0, source_parent).data(SearchTextRole) or ""
        return all(word in text for word in self._words)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a: EpisodeMeta = left.data(MetaRole)
        b: EpisodeMeta = right.data(MetaRole)
        ka, kb = self._key(a, left), self._key(b, right)
        if ka == kb:  # stable, readable tie-break (inverted for descending sorts)
            ta, tb = a.title.casefold(), b.title.casefold()
            return ta > tb if self.sortOrder() == Qt.SortOrder.DescendingOrder else ta < tb
        return ka < kb

    def _key(self, meta: EpisodeMeta, index: Index) -> Any:
        if self._sort_key == "title":
            return meta.title.casefold()
        if self._sort_key == "duration":
            return meta.duration_seconds or 0
        if self._sort_key == "read":
            return index.data(LastReadRole) or ""
        return meta.date.isoformat() if meta.date else ""


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
        """Make ``path`` the current row (clearing the filter if it hides it)."""
        row = self.model.row_of(path)
        if row is None:
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
