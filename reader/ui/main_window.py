"""The main window: episode list | transcript | annotation sidebar, menus, toolbar, status bar.

The window composes the parts and wires them together in `_connect_signals`; actions come from
`reader.ui.actions`, annotation logic from `reader.ui.annotate` and `reader.ui.window_annotating`,
loading (the library and each episode, off the GUI thread) from `reader.ui.library_loader`. It
remembers the layout, the library, the episode and the reading position of every episode (saved
a moment after scrolling stops, and on close) through `Settings`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
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
from reader.ui.dialogs import WEB_SCHEMES, LinkDialog, SettingsDialog, open_dialog
from reader.ui.episode_list import EpisodeListPanel
from reader.ui.features import install_features
from reader.ui.find_bar import FindBar
from reader.ui.library_loader import EpisodeLoader, LibraryLoader, OpenedEpisode
from reader.ui.outline import OutlinePanel
from reader.ui.selection_bar import SelectionBar
from reader.ui.settings import Settings
from reader.ui.transcript_view import TranscriptView
from reader.ui.window_annotating import SELECTION_SETTLE_MS, AnnotatingMixin, reload_summary
from reader.ui.window_parts import build_menus, build_toolbar, dropped_path, fill_recent_menu
from reader.ui.window_state import PanesMixin

#: The reading position is saved this long after scrolling stops (and on close).
POSITION_SAVE_MS = 1500


class MainWindow(AnnotatingMixin, PanesMixin, QMainWindow):
    """The reading and annotating window."""

    def __init__(self, settings: Settings | None = None, *, interactive: bool | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.settings = settings or Settings(parent=self)
        self.library: Path | None = None
        self.transcript: Transcript | None = None
        self._pending_episode: str | None = None
        self._first_delivery = False  # the next episode list is a new library's first
        self._initial_open = False  # the library's first episode is still to be opened
        self._library_to_remember: str | None = None
        self._bar_pending = False
        self._keep_position_once: int | None = None
        self._opening_message = ""
        self._reload_from: dict[str, tuple[str, int | None, int | None]] = {}

        self.undo_group = QUndoGroup(self)
        self.model = AnnotationModel(self)
        self.loader = LibraryLoader(self)
        self.episode_loader = EpisodeLoader(self)
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
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(POSITION_SAVE_MS)
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
        layout = self.layout()
        assert layout is not None  # QMainWindow always has its own layout
        layout.activate()  # size constraints settle before the native window exists

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
        self.outline = OutlinePanel(centre)
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
        recent_menu = self.findChild(QMenu, "menu_recent")
        assert recent_menu is not None  # made by build_menus
        self.recent_menu: QMenu = recent_menu
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
        a = self.actions
        self.selection_bar = SelectionBar(
            a.colors, (a.add_note, a.tags, a.copy), self.view.text_edit().viewport()
        )

    def _connect_signals(self) -> None:
        """All wiring between the parts, in one place."""
        a = self.actions
        a.open_folder.triggered.connect(self.choose_folder)
        a.reload_episode.triggered.connect(lambda: self.reload_episode())
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
        a.outline.triggered.connect(self.open_outline)
        a.zoom_in.triggered.connect(lambda: self.appearance.zoom(1))
        a.zoom_out.triggered.connect(lambda: self.appearance.zoom(-1))
        a.theme_group.triggered.connect(
            lambda action: self.settings.set_value("appearance/theme", action.data())
        )
        a.font.triggered.connect(lambda: self.appearance.choose_font(self))
        a.keep_applying.toggled.connect(self._on_keep_applying)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

        self.loader.progress.connect(self._on_load_progress)
        self.loader.episodesLoaded.connect(self._on_episodes_loaded)
        self.loader.countsLoaded.connect(self.episodes.model.set_counts)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.finished.connect(self._on_load_finished)
        self.episode_loader.opened.connect(self._show_episode)

        self.episodes.episodeActivated.connect(self.open_episode)
        self.episodes.sortKeyChanged.connect(lambda k: self.settings.set_value("episodes/sort", k))

        self.view.selectionOffsetsChanged.connect(self._on_selection)
        self.view.annotationActivated.connect(self._on_annotation_clicked)
        self.view.contextMenuRequested.connect(self._show_context_menu)
        self.view.mouseSelectionFinished.connect(self._on_mouse_selection)
        self.view.escapePressed.connect(self._hide_selection_bar)
        self.view.linkActivated.connect(self.confirm_link)
        self.view.scrolled.connect(self._position_timer.start)
        self._position_timer.timeout.connect(self._save_reading_position)
        self._selection_timer.timeout.connect(self._on_selection_settled)
        self.outline.entryActivated.connect(self._jump_to)
        self.outline.closed.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)

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
        """Load ``folder`` in the background; then open ``episode`` or the last one read.

        The list shows at once from the metadata cache when there is one, and is refreshed when
        the folder has been checked; only the first list opens an episode (a refresh keeps the
        selection and the episode open).
        """
        folder = Path(folder).resolve()
        self._save_reading_position()
        self.library = folder
        key = str(folder)
        self._pending_episode = str(episode.resolve()) if episode else None
        self._pending_episode = self._pending_episode or self.settings.last_episode(key)
        # Remembered (last library, recent folders: a settings file written) once the list
        # arrives or the load ends, not before the window's first paint.
        self._library_to_remember = key
        self.setWindowTitle(f"{folder.name} — {APP_NAME}")
        self.show_message(f"Loading {folder}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self._first_delivery = True
        self._initial_open = True
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
        """Open ``path``: parsed and re-anchored off the GUI thread, shown when ready.

        If another episode is picked before this one is ready, this one is never shown.
        """
        current = self.transcript is not None and str(self.transcript.path) == path
        if current and self.episode_loader.pending_path is None:
            return
        if self.episode_loader.pending_path == path:
            return
        if current:  # back to the episode shown while another was still loading
            self.episode_loader.cancel()
            return
        self._opening_message = f"Opening {Path(path).name}…"
        self.show_message(self._opening_message)
        self.episode_loader.request(path)

    def reload_episode(self, keep_position: bool = True) -> None:
        """Read the open transcript again (it changed on disk) and re-open its annotations.

        The annotations are re-anchored on the new text; the status bar then says how many
        moved or lost their passage. The reading position stays unless ``keep_position`` is off.
        """
        if self.transcript is None:
            return
        self.sidebar.commit_note()
        path = str(self.transcript.path)
        self._reload_from = {a.id: (a.status, a.start, a.end) for a in self.model.all()}
        self._keep_position_once = self.view.reading_offset() if keep_position else 0
        self.show_message(f"Reloading {Path(path).name}…")
        self.episode_loader.request(path)

    def _show_episode(self, opened: OpenedEpisode) -> None:
        """Show an episode the loader finished opening, restoring its reading position."""
        path = opened.path
        reloading = self.transcript is not None and str(self.transcript.path) == path
        self.sidebar.commit_note()
        self._hide_selection_bar()
        if not reloading:
            self._save_reading_position()
        transcript, store = opened.transcript, opened.store
        self.transcript = transcript
        if reloading:
            self.controller.forget_history(path)
        self.controller.set_transcript(transcript)
        self.sidebar.set_transcript(transcript)
        self.model.set_store(store)
        self.view.set_transcript(transcript, self.model.annotations())
        self.outline.set_transcript(transcript)
        self.find_bar.refresh()
        position = self.settings.reading_position(path)
        keep, self._keep_position_once = self._keep_position_once, None
        offset = keep if reloading and keep is not None else (position[0] if position else 0)
        if offset:
            self.view.set_reading_offset(offset)
        self._position_timer.stop()  # restoring is not reading
        self.episodes.select_path(path, emit=False)
        if self.library is not None:
            self.settings.set_last_episode(str(self.library), path)
        self.episodes.model.mark_read(path, now_iso())
        self.location_label.setText(store.location if store else "")
        problems = list(transcript.meta.errors) + (list(store.errors) if store else [])
        problems += [opened.error] if opened.error else []
        # The title replaces only our own "Opening…": news from other parts stays readable.
        opening = self.status_label.text() == self._opening_message
        message = problems[0] if problems else (transcript.meta.title if opening else "")
        if reloading:
            message = reload_summary(self._reload_from, self.model.all())
            self._reload_from = {}
        if message:
            self.show_message(message)
        self._update_counts()
        self._update_actions()
        self.loader.start_refresh()  # the window is up: the library's refresh may run now

    def library_tags(self) -> list[str]:
        """Every tag used in the library (offered by the tags editor's completer)."""
        tags = self.episodes.model.all_tags() | set(self.model.tags())
        return sorted(tags, key=str.casefold)

    def close_episode(self) -> None:
        """Show nothing (the library has no transcripts)."""
        self.sidebar.commit_note()
        self._save_reading_position()
        self.episode_loader.cancel()
        self._hide_selection_bar()
        self.transcript = None
        self.controller.set_transcript(None)
        self.sidebar.set_transcript(None)
        self.model.set_store(None)
        self.view.set_transcript(None)
        self.outline.set_transcript(None)
        self.location_label.setText("")
        self._update_actions()

    def show_annotations_in_view(self) -> None:
        """Scroll to the first annotation so the highlights are on screen (screenshots)."""
        annotations = self.model.annotations()
        if annotations:
            self.view.scroll_to_offset(annotations[0].start)
            self.controller.set_current(annotations[0].id)

    def _save_reading_position(self) -> None:
        self._position_timer.stop()
        if self.transcript is not None:
            path = str(self.transcript.path)
            offset = self.view.reading_offset()
            saved = self.settings.reading_position(path)
            if saved is None or saved[0] != offset:
                self.settings.set_reading_position(path, offset, now_iso())

    def _on_load_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.show_message(f"Reading {done} of {total} transcripts…")

    def _on_episodes_loaded(self, metas: list) -> None:
        """A list of the library's episodes: the first of a load, or a refresh of it."""
        first, self._first_delivery = self._first_delivery, False
        self._remember_library()
        last_read = None
        if first:
            last_read = {k: v[1] for k, v in self.settings.value("reading/positions").items()}
        self.episodes.model.set_episodes(metas, last_read)  # a refresh keeps the selection
        if self._initial_open:
            QTimer.singleShot(0, self, self._open_initial_episode)  # after this turn's paint
        if self.loader.from_cache:
            self.show_message(f"{len(metas)} transcripts in {self.library} (checking for changes…)")
        else:
            self.show_message(f"{len(metas)} transcripts in {self.library}")
        if first and not isinstance(QApplication.focusWidget(), (QLineEdit, QPlainTextEdit)):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # ready to read and select

    def _open_initial_episode(self) -> None:
        """Open the episode asked for, else the last one read, else the first in the list."""
        if not self._initial_open:
            return
        wanted = self._pending_episode
        model = self.episodes.model
        known = wanted is not None and model.contains(wanted)
        if wanted and not known and self.loader.is_loading() and self.loader.from_cache:
            self.loader.start_refresh()
            return  # not in the cached list: the refresh may bring it
        self._initial_open = False
        self._pending_episode = None
        if known and wanted is not None:
            self.open_episode(wanted)
        elif first := self.episodes.first_path():
            self.open_episode(first)
        else:
            self.close_episode()
        if self.episode_loader.pending_path is None:  # nothing to wait for (already open)
            self.loader.start_refresh()

    def _remember_library(self) -> None:
        key, self._library_to_remember = self._library_to_remember, None
        if key is not None:
            self.settings.set_value("library/last", key)
            self.settings.add_recent(key)

    def _on_load_failed(self, message: str) -> None:
        self._remember_library()
        self.show_message(f"Could not read the folder: {message}")

    def _on_load_finished(self) -> None:
        self._remember_library()
        self.progress.hide()
        if self._initial_open and self._first_delivery:  # nothing came: the folder failed
            self._initial_open = False
        elif self._initial_open and not self.loader.is_loading():
            QTimer.singleShot(0, self, self._open_initial_episode)

    # Jumping around and links -----------------------------------------------------------------

    def open_outline(self) -> None:
        """Show the outline (headings, or speaker turns) over the transcript."""
        if self.transcript is None:
            return
        if self.outline.isVisible():
            self.outline.close_panel()
            return
        self._hide_selection_bar()
        self.outline.open_at(self.view.reading_offset())

    def _jump_to(self, offset: int) -> None:
        self.view.jump_to(offset)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirm_link(self, url: str) -> LinkDialog | None:
        """Show where a clicked link leads; open it in the browser only if the user says so."""
        scheme = QUrl(url).scheme().lower()
        if scheme not in WEB_SCHEMES:
            self.show_message(f"Not a web address, not opened: {url}")
            return None
        dialog = LinkDialog(url, self)
        dialog.accepted.connect(lambda: QDesktopServices.openUrl(QUrl(url)))
        self.controller.show_dialog(dialog)
        return dialog

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A click or a key took the focus out of the text: the floating bar goes."""
        if new is not None and new is not self.view.text_edit():
            self._hide_selection_bar()

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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._remember_library()
        self.sidebar.commit_note()
        self._save_reading_position()
        self.save_layout()
        self.loader.shutdown()
        self.episode_loader.shutdown()
        self.settings.sync()
        super().closeEvent(event)

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    # Drag and drop -------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_path(path)

    def _fill_recent_menu(self) -> None:
        fill_recent_menu(self.recent_menu, self.settings.value("library/recent"), self.open_path)
