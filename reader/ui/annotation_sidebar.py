"""The annotation sidebar: filters, the list of annotations, the orphans and the note editor.

The list's model and proxies are in `reader.ui.annotation_list`. The panel's controls only emit
intents (`…Requested`); the main window turns them into undo commands.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.annotations import COLORS, Annotation
from reader.core.transcript import Transcript
from reader.ui.annotation_delegate import AnnotationDelegate, AnnotationRole
from reader.ui.annotation_list import (
    SORT_KEYS,
    AnnotationFilterProxy,
    AnnotationListModel,
    FilterCombo,
)
from reader.ui.annotation_model import AnnotationModel
from reader.ui.swatches import all_colors_icon, color_icon
from reader.ui.theme import SPACE_M, SPACE_S, SPACE_XS, Theme

EMPTY_TEXT = "Select text in the transcript and press 1 to highlight"
ORPHAN_TEXT = (
    "The transcript changed and these passages could not be found again. "
    "Select the passage in the transcript and re-attach, or delete."
)
NOTE_SAVE_DELAY_MS = 800
#: The note editor's placeholder while an annotation is selected (its note is empty).
NOTE_PLACEHOLDER = "Write a note…"
#: Its placeholder when nothing is selected (the editor is then hidden and disabled).
NO_NOTE_TARGET = "Select an annotation to write a note"


class _NoteEdit(QPlainTextEdit):
    """The note editor below the list; tells the sidebar when focus leaves."""

    focusLost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.focusLost.emit()


#: Cards laid out per turn of the event loop (the list lays out the rest in the next turns).
LIST_BATCH = 150


def _list_view(
    name: str, accessible: str, model: QSortFilterProxyModel, parent: QWidget
) -> QListView:
    view = QListView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setFrameShape(QListView.Shape.NoFrame)
    view.setWordWrap(True)
    # A card's height depends on its text: laying out 2,000 of them at once takes ≈0.25 s.
    view.setLayoutMode(QListView.LayoutMode.Batched)
    view.setBatchSize(LIST_BATCH)
    return view


class AnnotationSidebar(QWidget):
    """Filters, the annotation list, the orphans section and the note editor."""

    #: The user picked an annotation in the list (scroll the transcript to it).
    annotationSelected = Signal(str)
    #: The note of an annotation was edited (id, new note); saved after a pause or on focus out.
    noteEditRequested = Signal(str, str)
    #: Attach an orphan to the current selection in the transcript.
    reattachRequested = Signal(str)
    #: Delete an annotation.
    deleteRequested = Signal(str)
    #: Accept the position a moved annotation was re-anchored to.
    confirmMovedRequested = Signal(str)
    #: The sort order changed (for the settings).
    sortKeyChanged = Signal(str)

    def __init__(self, source: AnnotationModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationSidebar")
        self.source = source
        self.model = AnnotationListModel(source, self)
        self.proxy = AnnotationFilterProxy(False, self)
        self.proxy.setSourceModel(self.model)
        self.orphan_proxy = AnnotationFilterProxy(True, self)
        self.orphan_proxy.setSourceModel(self.model)
        self._current_id: str | None = None
        self._build()
        self._connect_signals()
        self.proxy.set_sort_key("position")
        self.orphan_proxy.set_sort_key("position")
        self._refresh_choices()
        self._update_sections()

    # Construction ------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Annotations", self)
        title.setObjectName("paneTitle")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("annotationCount")
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.sort_combo = self._combo("annotationSort", "Sort annotations", "Order of the list")
        for key, label in SORT_KEYS:
            self.sort_combo.addItem(label, key)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("annotationFilter")
        self.filter_edit.setPlaceholderText("Filter notes")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(96)
        self.filter_edit.setAccessibleName("Filter annotations")
        self.filter_edit.setToolTip("Show annotations whose quote, note, tags or author match")
        self.color_combo = self._combo(
            "colorFilter", "Filter by colour", "Show one colour only", FilterCombo("", True)
        )
        self.tag_combo = self._combo(
            "tagFilter", "Filter by tag", "Show one tag only", FilterCombo("Tag")
        )
        self.author_combo = self._combo(
            "authorFilter", "Filter by author", "Show one author only", FilterCombo("Author")
        )

        self.view = _list_view("annotationList", "Annotations", self.proxy, self)
        self.delegate = AnnotationDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("annotationEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.orphan_title = QLabel(self)
        self.orphan_title.setObjectName("sectionTitle")
        self.orphan_help = QLabel(ORPHAN_TEXT, self)
        self.orphan_help.setWordWrap(True)
        self.orphan_help.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.orphan_view = _list_view("orphanList", "Lost passages", self.orphan_proxy, self)
        self.orphan_delegate = AnnotationDelegate(self.orphan_view)
        self.orphan_view.setItemDelegate(self.orphan_delegate)
        self.reattach_button = QPushButton("Re-attach to selection", self)
        self.reattach_button.setObjectName("reattachButton")
        self.reattach_button.setToolTip("Attach the lost annotation to the text selected now")
        self.delete_orphan_button = QPushButton("Delete", self)
        self.delete_orphan_button.setObjectName("deleteOrphanButton")
        self.delete_orphan_button.setToolTip("Delete the lost annotation")

        self.note_label = QLabel("Note", self)
        self.note_label.setObjectName("sectionTitle")
        self.confirm_button = QPushButton("Confirm position", self)
        self.confirm_button.setObjectName("confirmMovedButton")
        self.confirm_button.setToolTip("The passage moved when the transcript changed: accept it")
        self.note_edit = _NoteEdit(self)
        self.note_edit.setObjectName("noteEditor")
        self.note_edit.setAccessibleName("Note of the selected annotation")
        self.note_edit.setPlaceholderText(NO_NOTE_TARGET)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(120)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)

        header = QHBoxLayout()
        header.setSpacing(SPACE_S)
        header.addWidget(title)
        header.addWidget(self.count_label)
        header.addStretch(1)
        header.addWidget(self.sort_combo)
        filters = QHBoxLayout()
        filters.setSpacing(SPACE_XS)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.color_combo)
        filters.addWidget(self.tag_combo)
        filters.addWidget(self.author_combo)
        orphan_buttons = QHBoxLayout()
        orphan_buttons.addWidget(self.reattach_button)
        orphan_buttons.addWidget(self.delete_orphan_button)
        orphan_buttons.addStretch(1)
        note_header = QHBoxLayout()
        note_header.addWidget(self.note_label)
        note_header.addStretch(1)
        note_header.addWidget(self.confirm_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_M, SPACE_M, SPACE_M, SPACE_M)
        layout.setSpacing(SPACE_S)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.empty_label, 3)
        self._orphan_widgets: list[QWidget] = [
            self.orphan_title,
            self.orphan_help,
            self.orphan_view,
        ]
        for widget in self._orphan_widgets:
            layout.addWidget(widget, 1 if widget is self.orphan_view else 0)
        layout.addLayout(orphan_buttons)
        self._orphan_widgets += [self.reattach_button, self.delete_orphan_button]
        layout.addLayout(note_header)
        layout.addWidget(self.note_edit)

    def _combo(
        self, name: str, accessible: str, tip: str, combo: QComboBox | None = None
    ) -> QComboBox:
        combo = combo or QComboBox(self)
        combo.setParent(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setToolTip(tip)
        return combo

    def _connect_signals(self) -> None:
        for proxy in (self.proxy, self.orphan_proxy):
            proxy.rowsInserted.connect(self._update_sections)
            proxy.rowsRemoved.connect(self._update_sections)
            proxy.modelReset.connect(self._update_sections)
            proxy.layoutChanged.connect(self._update_sections)
        self.model.modelReset.connect(self._on_reset)
        self.model.rowsInserted.connect(self._refresh_choices)
        self.model.dataChanged.connect(self._on_data_changed)
        self.filter_edit.textChanged.connect(self._apply_filters)
        for combo in (self.color_combo, self.tag_combo, self.author_combo):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.sort_combo.currentIndexChanged.connect(self._on_sort)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_activated)
        self.orphan_view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.note_edit.textChanged.connect(self._on_note_typed)
        self._note_timer.timeout.connect(self.commit_note)
        self.note_edit.focusLost.connect(self.commit_note)
        self.reattach_button.clicked.connect(self._on_reattach)
        self.delete_orphan_button.clicked.connect(self._on_delete_orphan)
        self.confirm_button.clicked.connect(self._on_confirm)

    # Public API ----------------------------------------------------------------------------

    def set_transcript(self, transcript: Transcript | None) -> None:
        self.model.set_transcript(transcript)

    def set_theme(self, theme: Theme) -> None:
        for delegate in (self.delegate, self.orphan_delegate):
            delegate.theme = theme
        self.view.viewport().update()
        self.orphan_view.viewport().update()

    def set_color_meanings(self, meanings: dict[str, str]) -> None:
        current = self.color_combo.currentData()
        self.color_combo.blockSignals(True)
        self.color_combo.clear()
        self.color_combo.addItem(all_colors_icon(), "All colours", "")
        for color in COLORS:
            self.color_combo.addItem(color_icon(color), meanings.get(color, color), color)
        self.color_combo.setCurrentIndex(max(self.color_combo.findData(current), 0))
        self.color_combo.blockSignals(False)

    def set_sort_key(self, key: str) -> None:
        self.sort_combo.setCurrentIndex(max(self.sort_combo.findData(key), 0))

    def current_id(self) -> str | None:
        return self._current_id

    def select_annotation(self, annotation_id: str | None) -> None:
        """Make ``annotation_id`` the current entry (without asking to scroll the transcript)."""
        self.blockSignals(True)
        try:
            self._select(annotation_id)
        finally:
            self.blockSignals(False)

    def commit_note(self) -> None:
        """Save the note being typed now (instead of after the pause)."""
        self._note_timer.stop()
        ann = self.source.get(self._current_id) if self._current_id else None
        if ann is not None and self.note_edit.toPlainText() != ann.note:
            self.noteEditRequested.emit(ann.id, self.note_edit.toPlainText())

    # Internals -----------------------------------------------------------------------------

    def _select(self, annotation_id: str | None) -> None:
        row = self.model.row_of(annotation_id) if annotation_id else None
        if row is None:
            self.view.clearSelection()
            self.orphan_view.clearSelection()
            self._set_current(None)
            return
        source_index = self.model.index(row)
        for view, proxy in ((self.view, self.proxy), (self.orphan_view, self.orphan_proxy)):
            index = proxy.mapFromSource(source_index)
            if index.isValid():
                view.setCurrentIndex(index)
                view.scrollTo(index)
            else:
                view.clearSelection()
        self._set_current(annotation_id)

    def _set_current(self, annotation_id: str | None) -> None:
        if annotation_id != self._current_id:
            self.commit_note()
        self._current_id = annotation_id
        self._load_note()

    def _load_note(self) -> None:
        ann = self.source.get(self._current_id) if self._current_id else None
        self.note_edit.blockSignals(True)
        if ann is None:
            self.note_edit.clear()
        elif self.note_edit.toPlainText() != ann.note:
            self.note_edit.setPlainText(ann.note)
        self.note_edit.blockSignals(False)
        self.note_edit.setEnabled(ann is not None)
        self.note_edit.setPlaceholderText(NOTE_PLACEHOLDER if ann is not None else NO_NOTE_TARGET)
        self.note_edit.setVisible(ann is not None)
        self.note_label.setVisible(ann is not None)
        self.confirm_button.setVisible(ann is not None and ann.status == "moved")
        self.reattach_button.setEnabled(ann is not None and ann.status == "orphaned")
        self.delete_orphan_button.setEnabled(ann is not None and ann.status == "orphaned")

    def _on_current_row(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if not index.isValid():
            return
        ann: Annotation = index.data(AnnotationRole)
        other = self.orphan_view if self.sender() is self.view.selectionModel() else self.view
        other.selectionModel().blockSignals(True)
        other.clearSelection()
        other.selectionModel().clearCurrentIndex()
        other.selectionModel().blockSignals(False)
        self._set_current(ann.id)
        self.annotationSelected.emit(ann.id)

    def _on_clicked(self, index: QModelIndex) -> None:
        ann: Annotation | None = index.data(AnnotationRole)
        if ann is not None and ann.id == self._current_id:
            self.annotationSelected.emit(ann.id)  # a second click scrolls (and flashes) again

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter (or a double click) on an entry: scroll the transcript to it again."""
        ann: Annotation | None = index.data(AnnotationRole)
        if ann is not None:
            self.annotationSelected.emit(ann.id)

    def _on_note_typed(self) -> None:
        if self._current_id:
            self._note_timer.start()

    def _on_data_changed(self, top: QModelIndex, _bottom: QModelIndex, _roles: Any = None) -> None:
        ann: Annotation | None = top.data(AnnotationRole)
        self._refresh_choices()
        if ann is not None and ann.id == self._current_id and not self._note_timer.isActive():
            self._load_note()
        self._update_sections()

    def _on_reset(self) -> None:
        self._note_timer.stop()
        self._current_id = None
        self._load_note()
        self._refresh_choices()
        self._update_sections()

    def _apply_filters(self) -> None:
        for proxy in (self.proxy, self.orphan_proxy):
            proxy.set_filters(
                color=self.color_combo.currentData() or "",
                tag=self.tag_combo.currentData() or "",
                author=self.author_combo.currentData() or "",
                text=self.filter_edit.text(),
            )
        self._update_sections()

    def _on_sort(self) -> None:
        key = self.sort_combo.currentData()
        self.proxy.set_sort_key(key)
        self.orphan_proxy.set_sort_key(key)
        self.sortKeyChanged.emit(key)

    def _refresh_choices(self) -> None:
        """Offer the tags and authors in use (keeping the current choice)."""
        items = self.source.all()
        tags = sorted({t for a in items for t in a.tags}, key=str.casefold)
        authors = sorted({a.creator for a in items if a.creator}, key=str.casefold)
        for combo, label, values in (
            (self.tag_combo, "All tags", tags),
            (self.author_combo, "All authors", authors),
        ):
            existing = [combo.itemData(i) for i in range(1, combo.count())]
            if existing == values and combo.count():
                continue
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, "")
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def _update_sections(self, *_args: Any) -> None:
        total = len(self.source.annotations())
        shown = self.proxy.rowCount()
        orphans = self.orphan_proxy.rowCount()
        filtering = bool(
            self.filter_edit.text()
            or self.color_combo.currentData()
            or self.tag_combo.currentData()
            or self.author_combo.currentData()
        )
        if total == 0:
            self.empty_label.setText(EMPTY_TEXT)
        else:
            self.empty_label.setText("No annotation matches the filter.")
        self.empty_label.setVisible(shown == 0)
        self.view.setVisible(shown > 0)
        self.count_label.setText(str(total) if not filtering else f"{shown} of {total}")
        self.orphan_title.setText(f"Lost passages ({orphans})")
        for widget in self._orphan_widgets:
            widget.setVisible(orphans > 0)

    def _on_reattach(self) -> None:
        if self._current_id:
            self.reattachRequested.emit(self._current_id)

    def _on_delete_orphan(self) -> None:
        if self._current_id:
            self.deleteRequested.emit(self._current_id)

    def _on_confirm(self) -> None:
        if self._current_id:
            self.confirmMovedRequested.emit(self._current_id)
