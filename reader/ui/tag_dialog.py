"""The small dialog that asks for a tag name (rename a tag, or the tag to merge into)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reader.ui.theme import SPACE_L, SPACE_M


class TagNameDialog(QDialog):
    """A sentence saying what happens, and an editable list of the library's tags."""

    def __init__(
        self,
        title: str,
        text: str,
        value: str,
        choices: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.combo = QComboBox(self)
        self.combo.setObjectName("tagNameEdit")
        self.combo.setAccessibleName("Tag name")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(choices)
        self.combo.setEditText(value)
        line_edit = self.combo.lineEdit()
        assert line_edit is not None  # an editable combo box has one
        line_edit.selectAll()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.resize(440, 150)
        self.combo.setFocus()

    def tag(self) -> str:
        """The name typed or chosen, whitespace collapsed."""
        return " ".join(self.combo.currentText().split())

    def set_tag(self, name: str) -> None:
        self.combo.setEditText(name)
