"""The Help menu: a searchable list of every keyboard shortcut, and the About dialog.

The shortcuts list is generated from the window's actions at the moment it opens (its own and
those of the parts installed later), never written by hand, so it cannot go stale. About says
which version runs, under which licence, and where the program keeps settings, caches, data and
private notes (`reader.core.paths`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader import APP_ID, APP_NAME, __version__
from reader.core.paths import user_cache_dir, user_config_dir, user_data_dir
from reader.ui.dialogs import open_dialog
from reader.ui.filtering import refilter
from reader.ui.theme import SPACE_L, SPACE_M, SPACE_S

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

LICENSE = "GPL-3.0-or-later"
NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True, slots=True)
class ShortcutRow:
    """One line of the shortcuts list."""

    menu: str
    action: str
    keys: str
    description: str


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def _menu_of(action: QAction) -> str:
    """The title of the first menu holding ``action`` ("" when it is in none)."""
    for widget in action.associatedObjects():
        title = getattr(widget, "title", None)
        if callable(title) and title():
            return _plain(title())
    return ""


def shortcut_rows(window: QWidget) -> list[ShortcutRow]:
    """Every action of ``window`` that has keys, in menu order then by name."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()
    for action in window.findChildren(QAction):
        keys = [k.toString(NATIVE) for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen or not action.text():
            continue
        seen.add(id(action))
        name = str(action.property("accessibleName") or "") or _plain(action.text())
        description = action.statusTip() or action.toolTip().split(" (")[0]
        rows.append(ShortcutRow(_menu_of(action), name, ", ".join(keys), description))
    order = {"File": 0, "Edit": 1, "View": 2, "Annotate": 3, "Help": 9}
    return sorted(rows, key=lambda r: (order.get(r.menu, 5), r.menu, r.action.casefold()))


class _AllColumnsFilter(QSortFilterProxyModel):
    """Keeps rows where every word of the filter occurs in some column."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        refilter(self, lambda: setattr(self, "_words", text.casefold().split()))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802, ANN001
        model = self.sourceModel()
        cells = [
            str(model.index(source_row, c, source_parent).data() or "")
            for c in range(model.columnCount())
        ]
        haystack = "\n".join(cells).casefold()
        return all(word in haystack for word in self._words)


class ShortcutsDialog(QDialog):
    """A filter box over a table of every action: menu, action, keys, what it does."""

    def __init__(self, rows: list[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("shortcutsFilter")
        self.filter_edit.setPlaceholderText("Filter by action, key or menu (e.g. “note”, “Ctrl+F”)")
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Menu", "Action", "Keys", "What it does"])
        for row in rows:
            items = [QStandardItem(v) for v in (row.menu, row.action, row.keys, row.description)]
            for item in items:
                item.setEditable(False)
            self.model.appendRow(items)
        self.proxy = _AllColumnsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("shortcutsCount")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_S)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self._on_filter)
        self._on_filter("")
        self.resize(760, 560)
        self.filter_edit.setFocus()

    def _on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(
            f"{total} shortcuts" if shown == total else f"{shown} of {total} shortcuts"
        )

    def visible_actions(self) -> list[str]:
        return [self.proxy.index(r, 1).data() for r in range(self.proxy.rowCount())]


def storage_locations() -> list[tuple[str, str]]:
    """(what, where) for each folder the program writes to, besides the library."""
    data = user_data_dir()
    return [
        ("Shared notes", "Beside each transcript: <file name>.annotations.json"),
        ("Private notes", str(data / "private")),
        ("Settings", str(user_config_dir())),
        ("Caches and search index", str(user_cache_dir())),
        ("Other data and backups", str(data)),
    ]


class AboutDialog(QDialog):
    """Version, purpose, licence, application id and where files are kept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        title = QLabel(f"<b style='font-size:15pt'>{APP_NAME}</b> &nbsp; {__version__}", self)
        title.setObjectName("aboutTitle")
        title.setTextFormat(Qt.TextFormat.RichText)
        blurb = QLabel(
            "Read and annotate podcast and interview transcripts offline. Notes are saved "
            "next to each transcript as W3C Web Annotations, so a folder keeps its notes "
            "when it is copied, synced or shared.",
            self,
        )
        blurb.setWordWrap(True)
        form = QFormLayout()
        form.setHorizontalSpacing(SPACE_M)
        form.setVerticalSpacing(SPACE_S)
        self.values: dict[str, str] = {
            "Version": __version__,
            "Licence": LICENSE,
            "Application id": APP_ID,
        }
        self.values.update(dict(storage_locations()))
        for name, value in self.values.items():
            label = QLabel(value, self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setObjectName(f"about_{name.split()[0].lower()}")
            form.addRow(f"{name}:", label)
        licence = QLabel(
            "This program is free software: you can redistribute it and/or modify it under the "
            "terms of the GNU General Public License, version 3 or (at your option) any later "
            "version. It comes with no warranty.",
            self,
        )
        licence.setWordWrap(True)
        licence.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(licence)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.resize(620, 420)


def show_shortcuts(window: QWidget) -> ShortcutsDialog:
    """Open the shortcuts list of ``window`` (non-blocking)."""
    dialog = ShortcutsDialog(shortcut_rows(window), window)
    open_dialog(dialog)
    return dialog


def show_about(window: QWidget) -> AboutDialog:
    """Open the About dialog (non-blocking)."""
    dialog = AboutDialog(window)
    open_dialog(dialog)
    return dialog


def install(window: MainWindow) -> None:
    """Connect Help ▸ Keyboard Shortcuts and Help ▸ About (`reader.ui.features.install_help`)."""
    from reader.ui.features import install_help

    install_help(window)
