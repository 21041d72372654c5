"""Small dialogs: the note editor, the tags editor, the author prompt and the settings.

They are opened with ``open()`` (window-modal, never a nested event loop), so neither the window
nor a test ever blocks on one; the caller connects to ``accepted`` and reads the values.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader.core.annotations import COLORS, DEFAULT_COLOR_MEANINGS
from reader.ui.swatches import color_icon
from reader.ui.theme import SPACE_L, SPACE_M


def default_author() -> str:
    """The account name, offered as the author of new annotations."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry / no login name
        return ""


def parse_tags(text: str) -> list[str]:
    """``"policy, care ,policy"`` → ``["policy", "care"]``: comma separated, trimmed, unique."""
    tags: list[str] = []
    for part in text.split(","):
        tag = " ".join(part.split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def open_dialog(dialog: QDialog) -> None:
    """Show ``dialog`` window-modally without a nested event loop; it deletes itself when done.

    The layout is settled first so the window's size constraints are known before it exists.
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    dialog.open()


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class NoteDialog(QDialog):
    """Write the note of an annotation; optionally keep it private (not in the shared file)."""

    def __init__(self, quote: str, note: str, private: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle("Note")
        quote_label = QLabel(f"“{quote[:300]}{'…' if len(quote) > 300 else ''}”", self)
        quote_label.setWordWrap(True)
        font = quote_label.font()
        font.setItalic(True)
        quote_label.setFont(font)
        self.editor = QPlainTextEdit(note, self)
        self.editor.setObjectName("noteDialogEditor")
        self.editor.setAccessibleName("Note")
        self.editor.setTabChangesFocus(True)
        self.private_box = QCheckBox("Private: keep this note out of the shared file", self)
        self.private_box.setObjectName("privateCheck")
        self.private_box.setChecked(private)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(quote_label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.private_box)
        layout.addWidget(_buttons(self))
        self.resize(460, 300)
        self.editor.setFocus()
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def note(self) -> str:
        return self.editor.toPlainText().strip()

    def private(self) -> bool:
        return self.private_box.isChecked()


class TagCompleter(QCompleter):
    """Completes the tag after the last comma, keeping the ones before it."""

    def __init__(self, tags: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel(tags, self))  # owned by the completer
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802, ANN001 - Qt's name
        widget = self.widget()
        head = widget.text().rsplit(",", 1)[0] if isinstance(widget, QLineEdit) else ""
        tag = str(index.data())
        if isinstance(widget, QLineEdit) and "," in widget.text():
            return f"{head}, {tag}, "
        return f"{tag}, "


class TagsDialog(QDialog):
    """Edit the tags of an annotation, completing from every tag used in the library."""

    def __init__(self, tags: list[str], known: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tagsDialog")
        self.setWindowTitle("Tags")
        self.edit = QLineEdit(", ".join(tags), self)
        self.edit.setObjectName("tagsEdit")
        self.edit.setAccessibleName("Tags, separated by commas")
        self.edit.setPlaceholderText("policy, care, quote")
        self.completer = TagCompleter(known, self)
        self.edit.setCompleter(self.completer)
        hint = QLabel("Separate tags with commas.", self)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(self.edit)
        layout.addWidget(hint)
        layout.addWidget(_buttons(self))
        self.resize(400, 140)
        self.edit.setFocus()

    def tags(self) -> list[str]:
        return parse_tags(self.edit.text())


class AuthorDialog(QDialog):
    """Asked once, before the first annotation: the name written into annotations."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authorDialog")
        self.setWindowTitle("Your name")
        text = QLabel(
            "Annotations record who made them. Which name should yours carry?\n"
            "You can change it later in Settings.",
            self,
        )
        text.setWordWrap(True)
        self.edit = QLineEdit(default_author(), self)
        self.edit.setObjectName("authorEdit")
        self.edit.setAccessibleName("Author name")
        self.edit.selectAll()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(text)
        layout.addWidget(self.edit)
        layout.addWidget(_buttons(self))

    def author(self) -> str:
        return self.edit.text().strip() or default_author()


class SettingsDialog(QDialog):
    """Author name and the meaning of each highlight colour."""

    def __init__(self, author: str, meanings: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        form = QFormLayout()
        form.setSpacing(SPACE_M)
        self.author_edit = QLineEdit(author, self)
        self.author_edit.setObjectName("settingsAuthor")
        self.author_edit.setAccessibleName("Author name")
        form.addRow("Author name", self.author_edit)
        self.meaning_edits: dict[str, QLineEdit] = {}
        for key, color in enumerate(COLORS, start=1):
            edit = QLineEdit(meanings.get(color, DEFAULT_COLOR_MEANINGS[color]), self)
            edit.setObjectName(f"meaning_{color}")
            edit.setAccessibleName(f"Meaning of {color} (key {key})")
            edit.addAction(color_icon(color, 14), QLineEdit.ActionPosition.LeadingPosition)
            self.meaning_edits[color] = edit
            form.addRow(f"{key} · {color.title()}", edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def author(self) -> str:
        return self.author_edit.text().strip()

    def meanings(self) -> dict[str, str]:
        return {
            color: edit.text().strip() or DEFAULT_COLOR_MEANINGS[color]
            for color, edit in self.meaning_edits.items()
        }


#: Addresses a link may open in the browser; anything else (file:, javascript:…) is refused.
WEB_SCHEMES = ("http", "https", "mailto")


class LinkDialog(QDialog):
    """Shows where a link leads before anything is opened; only "Open in Browser" opens it."""

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkDialog")
        self.setWindowTitle("Open link")
        self.url = url
        question = QLabel("Open this address in your web browser?", self)
        address = QLabel(url, self)
        address.setObjectName("linkAddress")
        address.setWordWrap(True)
        address.setTextFormat(Qt.TextFormat.PlainText)
        address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        address.setAccessibleName("Link address")
        font = address.font()
        font.setFamily("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        address.setFont(font)
        hint = QLabel("Nothing is fetched unless you choose to open it.", self)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.open_button = box.addButton("Open in Browser", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setObjectName("openLinkButton")
        self.open_button.setAutoDefault(False)
        cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter does not open it by accident
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(question)
        layout.addWidget(address)
        layout.addWidget(hint)
        layout.addWidget(box)
        self.setMinimumWidth(420)
        cancel.setFocus()
