"""The episode list: a model of the library's episodes, a sort/filter proxy, a delegate, a panel.

`EpisodeListModel` (in `reader.ui.episode_model`) holds the `EpisodeMeta` of each file plus what
the window learns later (annotation counts, last time read); `EpisodeFilterProxy` sorts by date,
title, duration or last read and filters on title, subtitle, speakers and tags; `EpisodeDelegate`
paints a two-line row; `EpisodeListPanel` puts a filter box and a sort combo above the list.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
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

from reader.ui.episode_model import (
    SORT_KEYS,
    CountRole,
    DetailsRole,
    EpisodeListModel,
    Index,
    LastReadRole,
    MetaRole,
    PathRole,
    ProblemRole,
    SearchTextRole,
    episode_details,
    format_duration,
)
from reader.ui.filtering import refilter
from reader.ui.theme import LIGHT, SPACE_M, SPACE_S, SPACE_XS, Theme, qcolor

#: The model's names (`reader.ui.episode_model`) stay importable from here.
__all__ = [
    "SORT_KEYS",
    "CountRole",
    "DetailsRole",
    "EpisodeDelegate",
    "EpisodeFilterProxy",
    "EpisodeListModel",
    "EpisodeListPanel",
    "Index",
    "LastReadRole",
    "MetaRole",
    "PathRole",
    "ProblemRole",
    "SearchTextRole",
    "episode_details",
    "format_duration",
]


class EpisodeFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose text contains every filter word; the order is the model's.

    The model sorts (`EpisodeListModel.set_sort_key`); this proxy never does, so 10,000s of rows
    cost no Python comparison. `set_sort_key` is kept here for the callers that sort through it.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._model: EpisodeListModel | None = None
        # re-filter rows whose data changes (never sorts), only while there is a filter: with
        # none every row is kept, and a change to 10,000 rows would otherwise call
        # `filterAcceptsRow` 10,000 times on the GUI thread for nothing (≈50 ms)
        self.setDynamicSortFilter(False)

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
        words = text.casefold().split()
        refilter(self, lambda: setattr(self, "_words", words))
        self.setDynamicSortFilter(bool(words))

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
