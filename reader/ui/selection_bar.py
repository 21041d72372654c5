"""The small floating bar shown near a mouse selection in the transcript.

It offers what a reader most often does with a fresh selection: the five highlight colours (their
meanings as tooltips), a note, tags and copy. Its buttons are the window's own actions, so they do
exactly what the keys and the context menu do. It never takes the keyboard focus (the selection
stays), lives inside the text's viewport (so it scrolls with the text) and is hidden again on
Escape, on a new selection, on a click elsewhere and once one of its actions ran.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from reader.ui.theme import SPACE_S, SPACE_XS

#: Gap between the selection and the bar, in pixels.
GAP = SPACE_S


class SelectionBar(QFrame):
    """A row of tool buttons for the current selection; place it with `show_near`."""

    def __init__(
        self, colors: Iterable[QAction], tools: Iterable[QAction], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("selectionBar")
        self.setAccessibleName("Selection actions")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_XS, SPACE_XS, SPACE_XS, SPACE_XS)
        layout.setSpacing(2)
        self.buttons: list[QToolButton] = []
        for action in colors:
            button = self._button(action, Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setIconSize(QSize(16, 16))
            layout.addWidget(button)
        separator = QFrame(self)
        separator.setObjectName("selectionBarSeparator")
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFixedWidth(SPACE_S + 1)
        layout.addWidget(separator)
        for action in tools:
            layout.addWidget(self._button(action, Qt.ToolButtonStyle.ToolButtonTextOnly))
        layout.activate()
        self.resize(self.sizeHint())
        self.hide()

    def _button(self, action: QAction, style: Qt.ToolButtonStyle) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(style)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        name = action.objectName().removeprefix("action_")
        button.setObjectName(f"bar_{name}")
        button.setAccessibleName(str(action.property("accessibleName") or action.text()))
        button.triggered.connect(self.hide)  # done: get out of the way
        self.buttons.append(button)
        return button

    def button(self, name: str) -> QToolButton:
        """The button of the action named ``name`` (``color_yellow``, ``add_note``…)."""
        return next(b for b in self.buttons if b.objectName() == f"bar_{name}")

    def show_near(self, selection: QRect) -> None:
        """Show above the selection's first line (below its last when there is no room)."""
        parent = self.parentWidget()
        if parent is None:
            return
        self.resize(self.sizeHint())
        area = parent.rect()
        x = selection.left() + min(selection.width(), 2 * self.width()) // 2 - self.width() // 2
        y = selection.top() - self.height() - GAP
        if y < area.top() + SPACE_XS:
            y = selection.bottom() + GAP
        x = max(area.left() + SPACE_XS, min(x, area.right() - self.width() - SPACE_XS))
        y = max(area.top() + SPACE_XS, min(y, area.bottom() - self.height() - SPACE_XS))
        self.move(QPoint(x, y))
        self.show()
        self.raise_()
