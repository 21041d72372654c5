"""The main window: episode list | transcript | annotation sidebar, menus, toolbar, status bar.

The window composes the parts and wires them together in `_connect_signals`; actions come from
`reader.ui.actions`, annotation logic from `reader.ui.annotate`, loading from
`reader.ui.library_loader`. It remembers the layout, the library, the episode and the reading
position of every episode through `Settings`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.core.annotations import now_iso
from reader.core.transcript import Transcript
from reader.ui.actions import Actions
from reader.ui.annotate import AnnotationController, is_interactive
from reader.ui.annotation_model import AnnotationModel
from reader.ui.annotation_sidebar import AnnotationSidebar
from reader.ui.appearance import Appearance
from reader.ui.dialogs import SettingsDialog, about_box, open_dialog
from reader.ui.episode_list import EpisodeListPanel
from reader.ui.features import install_features
from reader.ui.find_bar import FindBar
from reader.ui.library_loader import AnnotationCounts, LibraryLoader
from reader.ui.settings import Settings
from reader.ui.transcript_view import TranscriptView
from reader.ui.window_parts import build_menus, build_toolbar, context_menu
from reader.ui.window_state import default_sizes, restore_layout, save_layout

SELECTION_SETTLE_MS = 350


class MainWindow(QMainWindow):
    """The reading and annotating window."""

    def __init__(self, settings: Settings | None = None, *, interactive: bool | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.settings = settings or Settings(parent=self)
        self.library: Path | None = None
        self.transcript: Transcript | None = None
        self._pending_episode: str | None = None

        self.undo_group = QUndoGroup(self)
        self.model = AnnotationModel(self)
        self.loader = LibraryLoader(self)
        self.controller = AnnotationController(
            self.model,
            self.undo_group,
            self.settings,
            self,
            interactive=is_interactive() if interactive is None else interactive,
        )
        self.actions = Actions(self, self.undo_group)
        self._build_panes()
        self.controller.library_tags = self.library_tags
        self._build_chrome()
        self._selection_timer = QTimer(self)
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(SELECTION_SETTLE_MS)
        self._connect_signals()
        self.setAcceptDrops(True)
        self.appearance = Appearance(
            self.settings, self.actions, self.view, self.episodes, self.sidebar
        )
        self.appearance.apply_all()
        install_features(self)
        self._restore_layout()
        self._update_actions()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # ready to read and select
        self.layout().activate()  # size constraints settle before the native window exists

    # Construction ------------------------------------------------------------------------------

    def _build_panes(self) -> None:
        self.episodes = EpisodeListPanel(self)
        self.view = TranscriptView(self)
        self.view.setObjectName("transcriptView")
        self.find_bar = FindBar(self.view, self)
        self.find_bar.hide()
        centre = QWidget(self)
        centre.setObjectName("transcriptPane")
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view, 1)
        self.sidebar = AnnotationSidebar(self.model, self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        for pane in (self.episodes, centre, self.sidebar):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        # Explicit minimums: the window's minimum size must not follow what the panes show.
        self.episodes.setMinimumWidth(180)
        centre.setMinimumWidth(320)
        self.sidebar.setMinimumWidth(240)
        self.splitter.setMinimumSize(740, 420)
        self.setCentralWidget(self.splitter)
        self.panes = {"episodes": self.episodes, "sidebar": self.sidebar}

    def _build_chrome(self) -> None:
        build_menus(self, self.actions)
        self.recent_menu: QMenu = self.findChild(QMenu, "menu_recent")
        self.toolbar: QToolBar = build_toolbar(self, self.actions)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusMessage")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("loadProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.location_label = QLabel(self)
        self.location_label.setObjectName("notesLocation")
        for label in (self.status_label, self.location_label):  # long text must not widen us
            label.setMinimumWidth(1)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.location_label)
        for action in self.actions.all.values():
            self.addAction(action)  # shortcuts work even with the menu bar hidden

    def _connect_signals(self) -> None:
        """All wiring between the parts, in one place."""
        a = self.actions
        a.open_folder.triggered.connect(self.choose_folder)
        a.quit.triggered.connect(self.close)
        a.settings.triggered.connect(self._open_settings)
        for action in a.colors:
            action.triggered.connect(lambda _c=False, x=action: self._highlight(x.data()))
        a.add_note.triggered.connect(self.controller.add_note)
        a.tags.triggered.connect(self.controller.edit_tags)
        a.private.toggled.connect(self._on_private_toggled)
        a.delete.triggered.connect(lambda: self.controller.delete())
        a.confirm_moved.triggered.connect(lambda: self.controller.confirm_moved())
        a.reattach.triggered.connect(lambda: self.controller.reattach())
        a.copy.triggered.connect(self._copy)
        a.find.triggered.connect(self._open_find)
        a.find_next.triggered.connect(lambda: self.find_bar.find_next(False))
        a.find_previous.triggered.connect(lambda: self.find_bar.find_next(True))
        a.show_episodes.toggled.connect(lambda on: self.set_pane_visible("episodes", on))
        a.show_sidebar.toggled.connect(lambda on: self.set_pane_visible("sidebar", on))
        a.next_pane.triggered.connect(lambda: self._cycle_focus(1))
        a.previous_pane.triggered.connect(lambda: self._cycle_focus(-1))
        a.zoom_in.triggered.connect(lambda: self.appearance.zoom(1))
        a.zoom_out.triggered.connect(lambda: self.appearance.zoom(-1))
        a.theme_group.triggered.connect(
            lambda action: self.settings.set_value("appearance/theme", action.data())
        )
        a.font.triggered.connect(lambda: self.appearance.choose_font(self))
        a.keep_applying.toggled.connect(self._on_keep_applying)
        a.about.triggered.connect(self._about)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

        self.loader.progress.connect(self._on_load_progress)
        self.loader.episodesLoaded.connect(self._on_episodes_loaded)
        self.loader.countsLoaded.connect(self.episodes.model.set_counts)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.finished.connect(self._on_load_finished)

        self.episodes.episodeActivated.connect(self.open_episode)
        self.episodes.sortKeyChanged.connect(lambda k: self.settings.set_value("episodes/sort", k))

        self.view.selectionOffsetsChanged.connect(self._on_selection)
        self.view.annotationActivated.connect(self._on_annotation_clicked)
        self.view.contextMenuRequested.connect(self._show_context_menu)
        self._selection_timer.timeout.connect(self._on_selection_settled)

        self.sidebar.annotationSelected.connect(self._on_sidebar_selected)
        self.sidebar.noteEditRequested.connect(self.controller.set_note)
        self.sidebar.reattachRequested.connect(self.controller.reattach)
        self.sidebar.deleteRequested.connect(self.controller.delete)
        self.sidebar.confirmMovedRequested.connect(self.controller.confirm_moved)
        self.sidebar.sortKeyChanged.connect(lambda k: self.settings.set_value("sidebar/sort", k))

        self.controller.currentChanged.connect(self._on_current_changed)
        self.controller.message.connect(self.show_message)
        self.model.annotationAdded.connect(self._on_annotation_added)
        self.model.annotationChanged.connect(self._on_annotation_changed)
        self.model.annotationRemoved.connect(self._on_annotation_removed)
        self.model.saveFailed.connect(self._on_save_failed)

    # Library and episodes ----------------------------------------------------------------------

    def open_path(self, path: Path) -> None:
        """Open a folder as the library, or a file's folder with that file open."""
        path = Path(path).expanduser()
        if path.is_file():
            self.open_library(path.parent, episode=path)
        else:
            self.open_library(path)

    def open_library(self, folder: Path, episode: Path | None = None) -> None:
        """Load ``folder`` in the background; then open ``episode`` or the last one read."""
        folder = Path(folder).resolve()
        self._save_reading_position()
        self.library = folder
        key = str(folder)
        self._pending_episode = str(episode.resolve()) if episode else None
        self._pending_episode = self._pending_episode or self.settings.last_episode(key)
        self.settings.set_value("library/last", key)
        self.settings.add_recent(key)
        self.setWindowTitle(f"{folder.name} — {APP_NAME}")
        self.show_message(f"Loading {folder}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.loader.load(folder)

    def choose_folder(self) -> None:
        """Ask for a folder (non-blocking) and open it."""
        dialog = QFileDialog(self, "Open a folder of transcripts")
        dialog.setObjectName("openFolderDialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        if self.library:
            dialog.setDirectory(str(self.library))
        dialog.fileSelected.connect(lambda path: self.open_path(Path(path)))
        open_dialog(dialog)

    def open_episode(self, path: str) -> None:
        """Parse the file, open its annotations and show it, restoring the reading position."""
        from reader.core.store import AnnotationStore
        from reader.core.transcript import load_transcript

        if self.transcript is not None and str(self.transcript.path) == path:
            return
        self.sidebar.commit_note()
        self._save_reading_position()
        transcript = load_transcript(Path(path))
        store = AnnotationStore.open(transcript)
        self.transcript = transcript
        self.controller.set_transcript(transcript)
        self.sidebar.set_transcript(transcript)
        self.model.set_store(store)
        self.view.set_transcript(transcript, self.model.annotations())
        self.find_bar.refresh()
        position = self.settings.reading_position(path)
        if position is not None:
            self.view.set_reading_offset(position[0])
        self.episodes.select_path(path, emit=False)
        if self.library is not None:
            self.settings.set_last_episode(str(self.library), path)
        self.episodes.model.mark_read(path, now_iso())
        self.location_label.setText(store.location)
        problems = list(transcript.meta.errors) + list(store.errors)
        self.show_message(problems[0] if problems else transcript.meta.title)
        self._update_counts()
        self._update_actions()

    def library_tags(self) -> list[str]:
        """Every tag used in the library (offered by the tags editor's completer)."""
        tags = self.episodes.model.all_tags() | set(self.model.tags())
        return sorted(tags, key=str.casefold)

    def close_episode(self) -> None:
        """Show nothing (the library has no transcripts)."""
        self.sidebar.commit_note()
        self._save_reading_position()
        self.transcript = None
        self.controller.set_transcript(None)
        self.sidebar.set_transcript(None)
        self.model.set_store(None)
        self.view.set_transcript(None)
        self.location_label.setText("")
        self._update_actions()

    def show_annotations_in_view(self) -> None:
        """Scroll to the first annotation so the highlights are on screen (screenshots)."""
        annotations = self.model.annotations()
        if annotations:
            self.view.scroll_to_offset(annotations[0].start)
            self.controller.set_current(annotations[0].id)

    def _save_reading_position(self) -> None:
        if self.transcript is not None:
            path = str(self.transcript.path)
            self.settings.set_reading_position(path, self.view.reading_offset(), now_iso())

    def _on_load_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.show_message(f"Reading {done} of {total} transcripts…")

    def _on_episodes_loaded(self, metas: list) -> None:
        self.episodes.model.set_episodes(metas)
        last_read = {k: v[1] for k, v in self.settings.value("reading/positions").items()}
        self.episodes.model.set_last_read(last_read)
        wanted = self._pending_episode
        self._pending_episode = None
        if wanted and self.episodes.model.row_of(wanted) is not None:
            self.open_episode(wanted)
        elif self.episodes.first_path():
            self.open_episode(self.episodes.first_path())
        else:
            self.close_episode()
        self.show_message(f"{len(metas)} transcripts in {self.library}")
        if not isinstance(QApplication.focusWidget(), (QLineEdit, QPlainTextEdit)):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # ready to read and select

    def _on_load_failed(self, message: str) -> None:
        self.show_message(f"Could not read the folder: {message}")

    def _on_load_finished(self) -> None:
        self.progress.hide()

    # Annotating --------------------------------------------------------------------------------

    def _highlight(self, color: str) -> None:
        if self.controller.highlight(color) is None and not self.controller.has_target():
            self.show_message("Select text in the transcript first, then press 1-5.")

    def _on_selection(self, start: int, end: int) -> None:
        self.controller.set_selection(start, end)
        if end > start and self.actions.keep_applying.isChecked():
            self._selection_timer.start()
        self._update_actions()

    def _on_selection_settled(self) -> None:
        """Keep-applying mode: the selection stopped changing and the mouse is up."""
        if QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._selection_timer.start()
            return
        self.controller.apply_last()

    def _on_keep_applying(self, on: bool) -> None:
        self.controller.keep_applying = on
        color = self.settings.color_meaning(self.controller.last_color)
        self.show_message(f"Keep applying: {color}" if on else "Keep applying is off")

    def _on_annotation_clicked(self, annotation_id: str) -> None:
        self.controller.set_current(annotation_id)

    def _on_sidebar_selected(self, annotation_id: str) -> None:
        self.controller.set_current(annotation_id)
        ann = self.model.get(annotation_id)
        if ann is not None and ann.status != "orphaned":
            self.view.scroll_to_offset(ann.start, flash=True)

    def _on_current_changed(self, annotation_id: str | None) -> None:
        ann = self.model.get(annotation_id) if annotation_id else None
        visible = ann is not None and ann.status != "orphaned"
        self.view.set_current_annotation(annotation_id if visible else None)
        self.sidebar.select_annotation(annotation_id)
        self._update_actions()

    def _on_private_toggled(self, on: bool) -> None:
        self.controller.set_private(on)

    def _on_annotation_added(self, annotation_id: str) -> None:
        ann = self.model.get(annotation_id)
        if ann is not None and ann.status != "orphaned":
            self.view.update_annotation(ann)
        self._after_change()

    def _on_annotation_changed(self, annotation_id: str) -> None:
        ann = self.model.get(annotation_id)
        if ann is None:
            return
        if ann.status == "orphaned":
            self.view.remove_annotation(annotation_id)
        else:
            self.view.update_annotation(ann)
        self._after_change()

    def _on_annotation_removed(self, annotation_id: str) -> None:
        self.view.remove_annotation(annotation_id)
        if self.controller.current_id == annotation_id:
            self.controller.set_current(None)
        self._after_change()

    def _after_change(self) -> None:
        self._update_counts()
        self._update_actions()
        if self.model.store is not None:
            self.location_label.setText(self.model.store.location)

    def _on_save_failed(self, message: str) -> None:
        self.show_message(message)
        self.location_label.setText("⚠ Notes not saved")

    def _update_counts(self) -> None:
        if self.transcript is None:
            return
        store = self.model.store
        counts = AnnotationCounts(
            live=len(self.model.annotations()),
            orphans=len(self.model.orphans()),
            problems=tuple(store.errors) if store else (),
            tags=frozenset(self.model.tags()),
        )
        self.episodes.model.set_count(str(self.transcript.path), counts)

    def _update_actions(self) -> None:
        a = self.actions
        has_episode = self.transcript is not None
        target = has_episode and self.controller.has_target()
        current = self.controller.current()
        for action in a.colors:  # always in colour; without a target they say what to do
            action.setEnabled(has_episode)
        for action in (a.add_note, a.tags):
            action.setEnabled(target)
        a.delete.setEnabled(current is not None)
        a.private.setEnabled(current is not None)
        a.private.blockSignals(True)
        a.private.setChecked(bool(current and current.private))
        a.private.blockSignals(False)
        a.confirm_moved.setEnabled(current is not None and current.status == "moved")
        a.reattach.setEnabled(current is not None and self.controller.selection is not None)
        a.copy.setEnabled(self.controller.selection is not None)
        for action in (a.find, a.find_next, a.find_previous, a.zoom_in, a.zoom_out):
            action.setEnabled(has_episode)

    def _show_context_menu(self, pos: QPoint) -> None:
        menu = context_menu(self, self.actions)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)

    def _copy(self) -> None:
        if self.transcript is not None and self.controller.selection is not None:
            start, end = self.controller.selection
            QGuiApplication.clipboard().setText(self.transcript.text[start:end])

    # Find ----------------------------------------------------------------------------------------

    def _open_find(self) -> None:
        selected = ""
        if self.transcript is not None and self.controller.selection is not None:
            start, end = self.controller.selection
            selected = self.transcript.text[start:end] if end - start < 80 else ""
        self.find_bar.open_bar(selected if "\n" not in selected else "")

    # Dialogs -----------------------------------------------------------------------------------

    def _open_settings(self) -> None:
        dialog = SettingsDialog(
            self.settings.value("author/name"),
            self.settings.value("annotate/color_meanings"),
            self,
        )

        def accepted() -> None:
            if dialog.author():
                self.settings.set_value("author/name", dialog.author())
            self.settings.set_value("annotate/color_meanings", dialog.meanings())

        dialog.accepted.connect(accepted)
        self.controller.show_dialog(dialog)

    def _about(self) -> None:
        open_dialog(about_box(self))

    # Panes, layout, state ------------------------------------------------------------------------

    def set_pane_visible(self, name: str, visible: bool) -> None:
        pane = self.panes[name]
        pane.setVisible(visible)
        action = self.actions.show_episodes if name == "episodes" else self.actions.show_sidebar
        action.blockSignals(True)
        action.setChecked(visible)
        action.blockSignals(False)
        if not visible and pane.isAncestorOf(QApplication.focusWidget()):
            self.view.setFocus()

    def _cycle_focus(self, step: int) -> None:
        """F6 / Shift+F6: episode list → transcript → sidebar (the visible ones)."""
        panes = [p for p in (self.episodes, self.view, self.sidebar) if p.isVisible()]
        if not panes:
            return
        focused = QApplication.focusWidget()
        current = next((i for i, p in enumerate(panes) if p.isAncestorOf(focused)), -1)
        if focused is self.view:
            current = panes.index(self.view)
        target = panes[(current + step) % len(panes)]
        if target is self.episodes:
            widget = self.episodes.view if self.episodes.view.isVisible() else None
            widget = widget or self.episodes.filter_edit
        elif target is self.sidebar:
            widget = self.sidebar.view if self.sidebar.view.isVisible() else None
            widget = widget or self.sidebar.filter_edit
        else:
            widget = self.view.text_edit()
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _restore_layout(self) -> None:
        hidden = restore_layout(self, self.splitter, self.settings)
        for name in self.panes:
            self.set_pane_visible(name, name not in hidden)

    def reset_pane_sizes(self) -> None:
        """Split the current width in the default proportions (24/50/26 %)."""
        default_sizes(self, self.splitter)

    def save_layout(self) -> None:
        hidden = [name for name, pane in self.panes.items() if pane.isHidden()]
        save_layout(self, self.splitter, hidden, self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.sidebar.commit_note()
        self._save_reading_position()
        self.save_layout()
        self.loader.shutdown()
        self.settings.sync()
        super().closeEvent(event)

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    # Drag and drop -------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = self._dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_path(path)

    @staticmethod
    def _dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        for url in urls:
            if url.isLocalFile() and Path(url.toLocalFile()).exists():
                return Path(url.toLocalFile())
        return None

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for folder in self.settings.value("library/recent"):
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _c=False, f=folder: self.open_path(Path(f)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent folders").setEnabled(False)
