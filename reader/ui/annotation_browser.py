"""The annotation browser (Annotate ▸ Annotation Browser…, Ctrl+Shift+B): every annotation of
the library in one dock, for reviewing and for thematic analysis.

Filters on the left (free text, tag, colour, author, episode, created between two dates), the
annotations on the right grouped by tag (a codebook with counts) or by episode. Enter or a
double-click opens an annotation in its transcript. Tags can be renamed and merged across the
whole library; those changes are commands on a library-wide undo stack (in the window's undo
group, but never made its active stack, so Edit ▸ Undo keeps meaning "undo in this episode"):
the browser's own Undo and Redo buttons, and Ctrl+Z / Ctrl+Shift+Z while the list has the focus,
take them back on disk. Annotations are read in a worker thread (`BrowserLoader`), read-only.
The dock is added when the window is built, its browser only when the dock is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.core.annotations import COLORS
from reader.ui.browser_install import SHORTCUT, BrowserDock, install
from reader.ui.browser_model import (
    UNTAGGED,
    BrowserEntry,
    BrowserFilter,
    BrowserLoader,
    BrowserModel,
    EntryRole,
    FileAnnotations,
    GroupBy,
    group_entries,
)
from reader.ui.browser_tags import TagActionsMixin
from reader.ui.swatches import color_icon
from reader.ui.theme import SPACE_M, SPACE_S, SPACE_XS

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

NO_DATE = QDate(2000, 1, 1)  # the minimum of the date boxes, shown as "any"
RELOAD_DELAY_MS = 600


class AnnotationBrowser(TagActionsMixin, QWidget):
    """Filters, grouping and the annotation tree; renames and merges tags (undoably)."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        from reader.ui.jump import EpisodeJump

        super().__init__(parent)
        self.setObjectName("annotationBrowser")
        self.window_ = window
        self.stack = QUndoStack(self)  # library-wide; in the group, never its active stack
        window.undo_group.addStack(self.stack)
        self.stack.setObjectName("libraryUndoStack")
        self.loader = BrowserLoader(self)
        self.jump = EpisodeJump(window)
        self.files: dict[Path, FileAnnotations] = {}
        self.model = BrowserModel(self)
        self._root: Path | None = None
        self._dirty: set[Path] = set()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._build()
        self._connect()

    # Construction ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("browserText")
        self.text_edit.setPlaceholderText("Quote, note, tag, episode…")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setAccessibleName("Filter by text")
        self.tag_combo = self._combo("browserTag", "Filter by tag")
        self.color_combo = self._combo("browserColor", "Filter by colour")
        self.author_combo = self._combo("browserAuthor", "Filter by author")
        self.episode_combo = self._combo("browserEpisode", "Filter by episode")
        self.from_date = self._date("browserFrom", "Created on or after")
        self.to_date = self._date("browserTo", "Created on or before")
        self.group_combo = self._combo("browserGroupBy", "Group by")
        self.group_combo.addItem("Tag (codebook)", "tag")
        self.group_combo.addItem("Episode", "episode")
        self.clear_button = QPushButton("Clear Filters", self)
        self.clear_button.setObjectName("browserClear")

        form = QFormLayout()
        form.setSpacing(SPACE_S)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Text", self.text_edit)
        form.addRow("Tag", self.tag_combo)
        form.addRow("Colour", self.color_combo)
        form.addRow("Author", self.author_combo)
        form.addRow("Episode", self.episode_combo)
        dates = QHBoxLayout()
        dates.setSpacing(SPACE_XS)
        dates.addWidget(self.from_date, 1)
        dates.addWidget(QLabel("–", self))
        dates.addWidget(self.to_date, 1)
        form.addRow("Created", dates)
        form.addRow("Group by", self.group_combo)
        filters = QWidget(self)
        filters.setObjectName("browserFilters")
        filters.setFixedWidth(300)
        left = QVBoxLayout(filters)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignRight)
        left.addStretch(1)

        self.summary = QLabel(self)
        self.summary.setObjectName("browserSummary")
        self.summary.setMinimumWidth(1)
        self.rename_action = self._action(
            "Rename Tag…", "browser_rename", "Rename the selected tag"
        )
        self.merge_action = self._action("Merge Tags…", "browser_merge", "Merge the selected tags")
        self.undo_action = self._action("Undo", "browser_undo", "Nothing to undo")
        self.redo_action = self._action("Redo", "browser_redo", "Nothing to redo")
        self.reload_action = self._action("Reload", "browser_reload", "Read every note again")
        bar = QHBoxLayout()
        bar.setSpacing(SPACE_XS)
        bar.addWidget(self.summary, 1)
        for action in (self.rename_action, self.merge_action, None, self.undo_action,
                       self.redo_action, None, self.reload_action):  # fmt: skip
            if action is None:
                bar.addSpacing(SPACE_M)
                continue
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setObjectName(f"tool_{action.objectName().removeprefix('action_')}")
            button.setAutoRaise(True)
            bar.addWidget(button)

        self.tree = QTreeView(self)
        self.tree.setObjectName("browserTree")
        self.tree.setAccessibleName("Annotations of the library")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(SPACE_M + SPACE_XS)
        self.empty = QLabel(self)
        self.empty.setObjectName("browserEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumWidth(1)
        self.empty.hide()

        right = QVBoxLayout()
        right.setSpacing(SPACE_XS)
        right.addLayout(bar)
        right.addWidget(self.tree, 1)
        right.addWidget(self.empty, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_S, SPACE_S, SPACE_S, SPACE_S)
        layout.setSpacing(SPACE_M)
        layout.addWidget(filters)
        layout.addLayout(right, 1)
        self._fill_static_choices()
        self._update_buttons()

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def _date(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("any")
        edit.setDate(NO_DATE)
        return edit

    def _action(self, text: str, name: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        action.setToolTip(tip)
        return action

    def _connect(self) -> None:
        self.text_edit.textChanged.connect(self.refresh)
        for combo in (self.tag_combo, self.color_combo, self.author_combo, self.episode_combo,
                      self.group_combo):  # fmt: skip
            combo.currentIndexChanged.connect(self.refresh)
        self.from_date.dateChanged.connect(self.refresh)
        self.to_date.dateChanged.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear_filters)
        self.tree.activated.connect(self.open_index)
        self.tree.selectionModel().selectionChanged.connect(self._update_buttons)
        self.rename_action.triggered.connect(self.ask_rename)
        self.merge_action.triggered.connect(self.ask_merge)
        self.undo_action.triggered.connect(self.stack.undo)
        self.redo_action.triggered.connect(self.stack.redo)
        self.reload_action.triggered.connect(self.reload)
        self.stack.indexChanged.connect(self._update_buttons)
        self.loader.loaded.connect(self._on_loaded)
        self._reload_timer.timeout.connect(self._reload_dirty)
        self.tree.installEventFilter(self)
        model = self.window_.model
        for signal in (model.annotationAdded, model.annotationChanged, model.annotationRemoved):
            signal.connect(self._on_annotation_changed)
        self.window_.loader.episodesLoaded.connect(lambda _m: self.on_library_loaded())

    # Loading -----------------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Read the window's library if it is not the one shown."""
        library = self.window_.library
        root = Path(library).resolve() if library is not None else None
        if root != self._root:
            self._root = root
            self.files = {}
            self.stack.clear()  # its commands belong to another library
            self.reload()

    def reload(self) -> None:
        """Read every annotated transcript again (in the background)."""
        if self._root is None:
            self.refresh()
            return
        self.summary.setText("Reading the notes of the library…")
        self.loader.load(self._root)

    def on_library_loaded(self) -> None:
        if self.isVisible():
            self.ensure_loaded()

    def reload_files(self, paths: list[Path]) -> None:
        """Read these transcripts' annotations again (they changed)."""
        if self._root is not None and paths:
            self.loader.load(self._root, [Path(p) for p in paths])

    def _on_annotation_changed(self, _annotation_id: str) -> None:
        transcript = self.window_.transcript
        if transcript is not None and self._root is not None:
            self._dirty.add(Path(transcript.path))
            self._reload_timer.start()

    def _reload_dirty(self) -> None:
        paths, self._dirty = sorted(self._dirty), set()
        self.reload_files(paths)

    def _on_loaded(self, files: list[FileAnnotations], whole: bool) -> None:
        if whole:
            self.files = {}
        current = self.window_.transcript
        for file in files:
            if not whole and (current is None or Path(current.path) != file.path):
                # a tag change reached an episode not open: its count and tags in the list
                self.window_.episodes.model.set_count(str(file.path), file.counts())
            if file.entries or file.problems:
                self.files[file.path] = file
            else:
                self.files.pop(file.path, None)
        self._refresh_choices()
        self.refresh()

    def entries(self) -> list[BrowserEntry]:
        return [e for f in self.files.values() for e in f.entries]

    # Filtering and grouping ----------------------------------------------------------------------

    def current_filter(self) -> BrowserFilter:
        def date(edit: QDateEdit) -> str | None:
            return None if edit.date() == NO_DATE else edit.date().toString("yyyy-MM-dd")

        return BrowserFilter(
            text=self.text_edit.text(),
            tag=self.tag_combo.currentData(),
            color=self.color_combo.currentData(),
            author=self.author_combo.currentData(),
            episode=self.episode_combo.currentData(),
            date_from=date(self.from_date),
            date_to=date(self.to_date),
        )

    def group_by(self) -> GroupBy:
        return self.group_combo.currentData() or "tag"

    def refresh(self) -> None:
        """Show the entries that pass the filters, grouped."""
        selected = self.selected_tags()
        flt = self.current_filter()
        shown = [e for e in self.entries() if flt.accepts(e)]
        by = self.group_by()
        meanings = self.window_.settings.value("annotate/color_meanings")
        self.model.set_groups(group_entries(shown, by), by, meanings)
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 220), (2, 120), (3, 170), (4, 90), (5, 90)):
            self.tree.setColumnWidth(column, width)
        total = len(self.entries())
        episodes = len({e.path for e in shown})
        if self._root is None:
            self.summary.setText("Open a folder of transcripts to browse its annotations.")
        elif not self.loader.is_loading() or total:
            self.summary.setText(
                f"{len(shown)} of {total} annotations · {episodes} "
                f"{'episode' if episodes == 1 else 'episodes'} · {len(self.model.groups)} "
                f"{'tags' if by == 'tag' else 'groups'}"
            )
        self.empty.setText(
            "No annotations match these filters." if total
            else "No annotations yet. Select text in a transcript and press 1 to highlight it."
        )  # fmt: skip
        self.empty.setVisible(not shown and not self.loader.is_loading())
        self.tree.setVisible(bool(shown) or self.loader.is_loading())
        self._select_tags(selected)
        self._update_buttons()

    def _refresh_choices(self) -> None:
        entries = self.entries()
        tags = sorted({t for e in entries for t in e.annotation.tags}, key=str.casefold)
        authors = sorted({e.annotation.creator for e in entries if e.annotation.creator})
        episodes = sorted({(e.title, str(e.path)) for e in entries}, key=lambda x: x[0].casefold())
        self._fill(self.tag_combo, "Any tag", [(t, t) for t in tags] + [(UNTAGGED, UNTAGGED)])
        self._fill(self.author_combo, "Anyone", [(a, a) for a in authors])
        self._fill(self.episode_combo, "Every episode", episodes)

    def _fill_static_choices(self) -> None:
        meanings = self.window_.settings.value("annotate/color_meanings")
        self.color_combo.blockSignals(True)
        current = self.color_combo.currentData()
        self.color_combo.clear()
        self.color_combo.addItem("Any colour", None)
        for color in COLORS:
            self.color_combo.addItem(color_icon(color, 12), meanings.get(color, color), color)
        self.color_combo.setCurrentIndex(max(self.color_combo.findData(current), 0))
        self.color_combo.blockSignals(False)

    @staticmethod
    def _fill(combo: QComboBox, anything: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, None)
        for label, data in items:
            combo.addItem(label, data)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        combo.blockSignals(False)

    def clear_filters(self) -> None:
        for widget in (self.text_edit, self.tag_combo, self.color_combo, self.author_combo,
                       self.episode_combo, self.from_date, self.to_date):  # fmt: skip
            widget.blockSignals(True)
        self.text_edit.clear()
        for combo in (self.tag_combo, self.color_combo, self.author_combo, self.episode_combo):
            combo.setCurrentIndex(0)
        self.from_date.setDate(NO_DATE)
        self.to_date.setDate(NO_DATE)
        for widget in (self.text_edit, self.tag_combo, self.color_combo, self.author_combo,
                       self.episode_combo, self.from_date, self.to_date):  # fmt: skip
            widget.blockSignals(False)
        self.refresh()

    # Opening -----------------------------------------------------------------------------------

    def open_index(self, index: QModelIndex) -> None:
        entry = index.data(EntryRole)
        if isinstance(entry, BrowserEntry):
            self.open_entry(entry)
        elif index.isValid():
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    def open_entry(self, entry: BrowserEntry) -> None:
        """Open the annotation's transcript, make it current and bring it into view."""
        self.jump.go(entry.path, lambda: self._show_entry(entry))

    def _show_entry(self, entry: BrowserEntry) -> None:
        window = self.window_
        ann = window.model.get(entry.annotation.id)
        if ann is None:
            window.show_message("That annotation is no longer there; reload the browser.")
            return
        window.controller.set_current(ann.id)
        if ann.status != "orphaned":
            window.view.scroll_to_offset(ann.start, flash=True, end=ann.end)


__all__ = ["SHORTCUT", "AnnotationBrowser", "BrowserDock", "install"]
