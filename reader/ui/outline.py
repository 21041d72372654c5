"""The outline: a small panel over the transcript listing its headings, to jump around.

Transcripts without headings (most interviews) list their speaker turns instead, so the panel
still answers "where does she start talking about…": type a speaker's name or a word to filter.
The panel floats at the top right of the transcript pane (a child widget, not a window); it opens
with Ctrl+Shift+O or the toolbar, starts on the section being read, and closes on Enter (after
jumping), Escape or a click elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from reader.core.transcript import Transcript
from reader.ui.theme import SPACE_M, SPACE_S, SPACE_XS

#: How much of a turn's first words an entry shows.
TURN_PREVIEW_CHARS = 70
#: Entries shown at most (a very long transcript without headings).
MAX_ENTRIES = 5000
OffsetRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One place to jump to: a heading (level 1-6) or a speaker turn (level 0)."""

    start: int
    level: int
    text: str


def outline_entries(transcript: Transcript | None) -> tuple[str, list[OutlineEntry]]:
    """("headings" | "turns", entries): the headings, or the speaker turns when there are none."""
    if transcript is None:
        return "headings", []
    text = transcript.text
    headings = [
        OutlineEntry(b.start, max(b.level, 1), " ".join(text[b.start : b.end].split()))
        for b in transcript.blocks
        if b.kind == "heading" and b.end > b.start
    ]
    if headings:
        return "headings", headings[:MAX_ENTRIES]
    turns = []
    for block in transcript.blocks:
        if block.kind != "turn":
            continue
        words = " ".join(text[block.start : block.end].split())
        if len(words) > TURN_PREVIEW_CHARS:
            words = words[: TURN_PREVIEW_CHARS - 1].rstrip() + "…"
        turns.append(OutlineEntry(block.start, 0, f"{block.speaker or block.label or ''}: {words}"))
    return "turns", turns[:MAX_ENTRIES]


class _FilterEdit(QLineEdit):
    """The filter box: Down/Up/PageDown move into the list, Enter takes the current entry."""

    def __init__(self, panel: OutlinePanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self.panel.list.setFocus()
            QApplication.sendEvent(self.panel.list, event)
            return
        super().keyPressEvent(event)


class OutlinePanel(QFrame):
    """Filter box and list of `OutlineEntry`; emits `entryActivated(offset)` and closes."""

    #: The reader picked an entry: the code-point offset to scroll to.
    entryActivated = Signal(int)
    #: The panel closed (focus goes back to the text).
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("outlinePanel")
        self.setAccessibleName("Outline")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel("Outline", self)
        self.title.setObjectName("paneTitle")
        self.filter_edit = _FilterEdit(self)
        self.filter_edit.setObjectName("outlineFilter")
        self.filter_edit.setPlaceholderText("Filter headings")
        self.filter_edit.setAccessibleName("Filter the outline")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView(self)
        self.list.setObjectName("outlineList")
        self.list.setAccessibleName("Headings")
        self.list.setModel(self.proxy)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.empty_label = QLabel("This transcript has no headings or speaker turns.", self)
        self.empty_label.setObjectName("outlineEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_S, SPACE_S, SPACE_S, SPACE_S)
        layout.setSpacing(SPACE_XS)
        layout.addWidget(self.title)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        self._entries: list[OutlineEntry] = []
        self.kind = "headings"
        self.filter_edit.textChanged.connect(self._on_filter)
        self.filter_edit.returnPressed.connect(self._take_current)
        self.list.activated.connect(self._on_activated)
        self.list.clicked.connect(self._on_activated)
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # widgets exist only under a QApplication
        app.focusChanged.connect(self._on_focus_changed)
        self.hide()

    # Content -----------------------------------------------------------------------------------

    def set_transcript(self, transcript: Transcript | None) -> None:
        """List the headings (or turns) of ``transcript``."""
        self.kind, self._entries = outline_entries(transcript)
        top = min((e.level for e in self._entries), default=0)  # indent below the top level
        self.model.clear()
        for entry in self._entries:
            item = QStandardItem("    " * (entry.level - top) + entry.text)
            item.setData(entry.start, OffsetRole)
            item.setToolTip(entry.text)
            item.setEditable(False)
            self.model.appendRow(item)
        heading = self.kind == "headings"
        self.title.setText("Headings" if heading else "Speaker turns")
        self.filter_edit.setPlaceholderText(
            "Filter headings" if heading else "Filter by speaker or word"
        )
        self.list.setAccessibleName("Headings" if heading else "Speaker turns")
        self.filter_edit.clear()
        self._update_empty()

    def entries(self) -> list[OutlineEntry]:
        return list(self._entries)

    def visible_texts(self) -> list[str]:
        """The entries shown (after filtering), as displayed."""
        return [self.proxy.index(r, 0).data() for r in range(self.proxy.rowCount())]

    # Showing -----------------------------------------------------------------------------------

    def open_at(self, offset: int) -> None:
        """Show the panel with the entry holding ``offset`` (the section being read) current."""
        self.filter_edit.clear()
        self._place()
        self.show()
        self.raise_()
        row = 0
        for i, entry in enumerate(self._entries):
            if entry.start <= offset:
                row = i
            else:
                break
        if self._entries:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def close_panel(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()

    def _place(self) -> None:
        """Top right of the parent, as tall as the entries need (at most most of the pane)."""
        parent = self.parentWidget()
        if parent is None:
            return
        area = parent.rect()
        width = min(380, area.width() - 2 * SPACE_M)
        rows = max(min(self.proxy.rowCount(), 16), 3)
        row_height = self.list.sizeHintForRow(0) if self.proxy.rowCount() else 20
        wanted = rows * max(row_height, 18) + self.title.sizeHint().height()
        wanted += self.filter_edit.sizeHint().height() + 3 * SPACE_S + SPACE_XS * 2
        height = min(wanted, int(area.height() * 0.7))
        self.setGeometry(area.right() - width - SPACE_M - 16, area.top() + SPACE_M, width, height)

    # Internals ---------------------------------------------------------------------------------

    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self._update_empty()

    def _update_empty(self) -> None:
        if not self._entries:
            self.empty_label.setText("This transcript has no headings or speaker turns.")
        else:
            self.empty_label.setText("Nothing matches the filter.")
        empty = self.proxy.rowCount() == 0
        self.empty_label.setVisible(empty)
        self.list.setVisible(not empty)

    def _take_current(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid() and self.proxy.rowCount():
            index = self.proxy.index(0, 0)
        if index.isValid():
            self._on_activated(index)

    def _on_activated(self, index: QModelIndex) -> None:
        offset = index.data(OffsetRole)
        if offset is None:
            return
        self.hide()
        self.entryActivated.emit(int(offset))
        self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_panel()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.hasFocus():
            self._take_current()
            return
        super().keyPressEvent(event)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.isVisible() and new is not None and not self.isAncestorOf(new):
            self.hide()  # a click elsewhere
