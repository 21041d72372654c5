"""The sidebar's list model and sort/filter proxy, and its compact filter combo box.

`AnnotationListModel` follows the `AnnotationModel`'s fine-grained signals and inserts, updates
or removes single rows (it never rebuilds on a change). Two `AnnotationFilterProxy` instances
show the live annotations and, in their own section, the orphans.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

from reader.core.annotations import Annotation
from reader.core.transcript import Transcript
from reader.ui.annotation_delegate import AnnotationRole, Index, SpeakerRole
from reader.ui.annotation_model import AnnotationModel
from reader.ui.filtering import refilter

SORT_KEYS: tuple[tuple[str, str], ...] = (
    ("position", "In text order"),
    ("created", "Newest first"),
    ("modified", "Recently edited"),
)


class FilterCombo(QComboBox):
    """A compact combo: shows ``short_label`` while its first ("all") item is chosen, and only
    the icon of a chosen item when ``icon_only`` (the full text is in the popup)."""

    def __init__(self, short_label: str, icon_only: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.short_label = short_label
        self.icon_only = icon_only
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(1 if icon_only else 3)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        if icon_only:
            self.setMinimumWidth(48)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        if self.icon_only and not option.currentIcon.isNull():
            option.currentText = ""
        elif self.currentIndex() <= 0:
            option.currentText = self.short_label
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class AnnotationListModel(QAbstractListModel):
    """Rows of the open episode's annotations (live and orphaned), kept in step row by row and
    in the order of the sidebar's sort key.

    The model sorts, not the proxies: a Python ``lessThan`` called from Qt's sort for each of
    the ≈22,000 comparisons 2,000 annotations need held the GUI thread for ≈60 ms whenever an
    episode opened. Here the rows are sorted once with a key (a few milliseconds) and each
    change moves one row to its place.
    """

    def __init__(self, source: AnnotationModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._items: list[Annotation] = []
        self._rows: dict[str, int] = {}
        self._transcript: Transcript | None = None
        self.sort_key = "position"
        source.annotationAdded.connect(self._on_added)
        source.annotationChanged.connect(self._on_changed)
        source.annotationRemoved.connect(self._on_removed)
        source.modelReset.connect(self.reload)

    def set_transcript(self, transcript: Transcript | None) -> None:
        """The transcript whose speakers the rows name."""
        self._transcript = transcript

    # --- order ----------------------------------------------------------------------------------

    def _key(self, ann: Annotation) -> tuple[Any, ...]:
        if self.sort_key == "created":
            return (ann.created, ann.id)
        if self.sort_key == "modified":
            return (ann.modified, ann.id)
        return (ann.start, ann.end, ann.id)

    def _descending(self) -> bool:
        return self.sort_key != "position"  # newest first

    def _sorted(self, items: list[Annotation]) -> list[Annotation]:
        return sorted(items, key=self._key, reverse=self._descending())

    def _place(self, ann: Annotation, items: list[Annotation]) -> int:
        """Where ``ann`` goes in ``items`` (sorted): a binary search on the sort key."""
        key = self._key(ann)
        descending = self._descending()
        lo, hi = 0, len(items)
        while lo < hi:
            mid = (lo + hi) // 2
            other = self._key(items[mid])
            if (other > key) if descending else (other < key):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def set_sort_key(self, key: str) -> None:
        """Order the rows by ``key`` (one of `SORT_KEYS`; else by position), keeping the
        views' current and selected rows on the same annotations."""
        key = key if key in dict(SORT_KEYS) else "position"
        if key == self.sort_key:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._items[i.row()].id if 0 <= i.row() < len(self._items) else None for i in old]
        self.sort_key = key
        self._items = self._sorted(self._items)
        self._reindex()
        new = [
            self.index(self._rows[i]) if i is not None and i in self._rows else QModelIndex()
            for i in ids
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # --- rows -----------------------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self._items = self._sorted(self._source.all())
        self._reindex()
        self.endResetModel()

    def row_of(self, annotation_id: str) -> int | None:
        return self._rows.get(annotation_id)

    def item(self, row: int) -> Annotation | None:
        """The annotation in ``row`` (the proxies filter with this, not `data`)."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        ann = self._items[index.row()]
        if role == AnnotationRole:
            return ann
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            note = f" — {ann.note}" if ann.note else ""
            return f"“{ann.exact}”{note}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return ann.note or ann.exact
        if role == SpeakerRole:
            if self._transcript is None or ann.status == "orphaned":
                return ""
            return self._transcript.speaker_at(ann.start) or ""
        return None

    def _reindex(self, start: int = 0, end: int | None = None) -> None:
        """Refresh the id → row map for rows ``start`` to ``end`` (all by default)."""
        if start == 0 and end is None:
            self._rows = {a.id: i for i, a in enumerate(self._items)}
            return
        items = self._items
        for i in range(start, len(items) if end is None else end):
            self._rows[items[i].id] = i

    def _on_added(self, annotation_id: str) -> None:
        ann = self._source.get(annotation_id)
        if ann is None:
            return
        if annotation_id in self._rows:
            self._on_changed(annotation_id)
            return
        row = self._place(ann, self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, ann)
        self._reindex(row)
        self.endInsertRows()

    def _on_changed(self, annotation_id: str) -> None:
        row = self._rows.get(annotation_id)
        ann = self._source.get(annotation_id)
        if row is None:
            self._on_added(annotation_id)
            return
        if ann is None:
            self._on_removed(annotation_id)
            return
        others = self._items[:row] + self._items[row + 1 :]
        dest = self._place(ann, others)
        if dest != row:
            # Qt's destination is a row of the list before the move: one further when moving down
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), dest + (dest > row))
            others.insert(dest, ann)
            self._items = others
            self._reindex(min(row, dest), max(row, dest) + 1)
            self.endMoveRows()
            row = dest
        else:
            self._items[row] = ann
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _on_removed(self, annotation_id: str) -> None:
        row = self._rows.get(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        del self._rows[annotation_id]
        self._reindex(row)
        self.endRemoveRows()


class AnnotationFilterProxy(QSortFilterProxyModel):
    """One section (live or orphaned), filtered by colour, tag, author and words, in the list
    model's order (it sorts: `AnnotationListModel.set_sort_key`)."""

    def __init__(self, orphans: bool, parent: Any = None) -> None:
        super().__init__(parent)
        self._orphans = orphans
        self.sort_key = "position"
        self.color = ""
        self.tag = ""
        self.author = ""
        self._words: list[str] = []
        self._list: AnnotationListModel | None = None
        self.setDynamicSortFilter(True)

    def setSourceModel(self, model: Any) -> None:  # noqa: N802
        super().setSourceModel(model)
        self._list = model if isinstance(model, AnnotationListModel) else None

    def _item(self, source_row: int, parent: Index) -> Annotation | None:
        # Straight from the list model: going through QModelIndex.data would cost two Qt round
        # trips a row each time the filter changes.
        if self._list is not None and not parent.isValid():
            return self._list.item(source_row)
        return self.sourceModel().index(source_row, 0, parent).data(AnnotationRole)

    def set_filters(self, *, color: str, tag: str, author: str, text: str) -> None:
        def change() -> None:
            self.color, self.tag, self.author = color, tag, author
            self._words = text.casefold().split()

        refilter(self, change)

    def set_sort_key(self, key: str) -> None:
        """Sort by ``key``: the list model orders its rows (this proxy keeps its source's order
        and only filters), so both sections follow."""
        self.sort_key = key if key in dict(SORT_KEYS) else "position"
        if self._list is not None:
            self._list.set_sort_key(self.sort_key)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        ann = self._item(source_row, source_parent)
        if ann is None or (ann.status == "orphaned") != self._orphans:
            return False
        if self.color and ann.color != self.color:
            return False
        if self.tag and self.tag not in ann.tags:
            return False
        if self.author and ann.creator != self.author:
            return False
        if self._words:
            text = "\n".join([ann.exact, ann.note, *ann.tags, ann.creator]).casefold()
            return all(word in text for word in self._words)
        return True
