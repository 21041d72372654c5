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
    """Rows of the open episode's annotations (live and orphaned), kept in step row by row."""

    def __init__(self, source: AnnotationModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._items: list[Annotation] = []
        self._rows: dict[str, int] = {}
        self._transcript: Transcript | None = None
        source.annotationAdded.connect(self._on_added)
        source.annotationChanged.connect(self._on_changed)
        source.annotationRemoved.connect(self._on_removed)
        source.modelReset.connect(self.reload)

    def set_transcript(self, transcript: Transcript | None) -> None:
        """The transcript whose speakers the rows name."""
        self._transcript = transcript

    def reload(self) -> None:
        self.beginResetModel()
        self._items = self._source.all()
        self._reindex()
        self.endResetModel()

    def row_of(self, annotation_id: str) -> int | None:
        return self._rows.get(annotation_id)

    def item(self, row: int) -> Annotation | None:
        """The annotation in ``row`` (the proxies sort and filter with this, not `data`)."""
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

    def _reindex(self) -> None:
        self._rows = {a.id: i for i, a in enumerate(self._items)}

    def _on_added(self, annotation_id: str) -> None:
        ann = self._source.get(annotation_id)
        if ann is None:
            return
        if annotation_id in self._rows:
            self._on_changed(annotation_id)
            return
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(ann)
        self._rows[annotation_id] = row
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
        self._items[row] = ann
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _on_removed(self, annotation_id: str) -> None:
        row = self._rows.get(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self._reindex()
        self.endRemoveRows()


class AnnotationFilterProxy(QSortFilterProxyModel):
    """One section (live or orphaned), filtered by colour, tag, author and words; sorted."""

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
        # Straight from the list model: a sort compares ≈13,000 pairs for 2,000 annotations,
        # and going through QModelIndex.data would cost two Qt round trips per pair.
        if self._list is not None and not parent.isValid():
            return self._list.item(source_row)
        return self.sourceModel().index(source_row, 0, parent).data(AnnotationRole)

    def set_filters(self, *, color: str, tag: str, author: str, text: str) -> None:
        def change() -> None:
            self.color, self.tag, self.author = color, tag, author
            self._words = text.casefold().split()

        refilter(self, change)

    def set_sort_key(self, key: str) -> None:
        self.sort_key = key if key in dict(SORT_KEYS) else "position"
        self.invalidate()
        descending = self.sort_key != "position"
        self.sort(0, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

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

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a = self._item(left.row(), left.parent())
        b = self._item(right.row(), right.parent())
        if a is None or b is None:
            return a is None and b is not None
        if self.sort_key == "created":
            return (a.created, a.id) < (b.created, b.id)
        if self.sort_key == "modified":
            return (a.modified, a.id) < (b.modified, b.id)
        return (a.start, a.end, a.id) < (b.start, b.end, b.id)
