"""The find bar above the transcript: a search box, the number of matches, next/previous.

It drives the `TranscriptView`'s find API itself: all matches are highlighted while typing (after
a short pause), Enter/F3 go to the next match, Shift+F3 to the previous one, Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from reader.ui.theme import SPACE_S, SPACE_XS
from reader.ui.transcript_view import TranscriptView

FIND_DELAY_MS = 150


class FindBar(QWidget):
    """Finds in ``view``; emits `searchChanged(text)` while typing, `nextRequested(backwards)`."""

    searchChanged = Signal(str)
    nextRequested = Signal(bool)
    closed = Signal()

    def __init__(self, view: TranscriptView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setObjectName("findBar")
        self.edit = QLineEdit(self)
        self.edit.setObjectName("findEdit")
        self.edit.setPlaceholderText("Find in transcript")
        self.edit.setAccessibleName("Find in transcript")
        self.edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("findCount")
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.count_label.setMinimumWidth(80)
        self.previous_button = self._button("findPrevious", "↑", "Previous match (Shift+F3)")
        self.next_button = self._button("findNext", "↓", "Next match (F3)")
        self.close_button = self._button("findClose", "✕", "Close the find bar (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_S, SPACE_XS, SPACE_S, SPACE_XS)
        layout.setSpacing(SPACE_XS)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.close_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FIND_DELAY_MS)
        self._timer.timeout.connect(lambda: self.searchChanged.emit(self.edit.text()))
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self._on_return)
        self.previous_button.clicked.connect(lambda: self.nextRequested.emit(True))
        self.next_button.clicked.connect(lambda: self.nextRequested.emit(False))
        self.close_button.clicked.connect(self.close_bar)
        self.searchChanged.connect(self.search)
        self.nextRequested.connect(self.find_next)

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        return button

    def text(self) -> str:
        return self.edit.text()

    def open_bar(self, text: str = "") -> None:
        """Show the bar and focus the search box (with ``text`` when given)."""
        self.show()
        if text:
            self.edit.setText(text)
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self._timer.stop()
        self.hide()
        self.view.clear_find()
        self.view.setFocus()
        self.closed.emit()

    def search(self, text: str) -> None:
        """Highlight every match of ``text`` and show how many there are."""
        if not text:
            self.view.clear_find()
            self.set_count(None)
            return
        self.set_count(self.view.find_all(text))

    def find_next(self, backwards: bool = False) -> None:
        """Select the next (or previous) match; opens the bar when it is closed."""
        if not self.isVisible():
            self.open_bar()
            return
        self.flush()
        if self.text():
            self.view.find(self.text(), backwards=backwards)

    def refresh(self) -> None:
        """Search the newly shown transcript for the same text."""
        if self.isVisible() and self.text():
            self.search(self.text())

    def flush(self) -> None:
        """Search now for what was typed (instead of after the typing pause)."""
        if self._timer.isActive():
            self._timer.stop()
            self.searchChanged.emit(self.edit.text())

    def set_count(self, count: int | None) -> None:
        if count is None or not self.edit.text():
            self.count_label.setText("")
        elif count == 0:
            self.count_label.setText("No matches")
        else:
            self.count_label.setText(f"{count} match{'es' if count != 1 else ''}")

    def _on_return(self) -> None:
        self.flush()
        self.nextRequested.emit(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)
