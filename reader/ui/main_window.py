"""The main window: episode list | transcript | annotation sidebar, menus, toolbar, status bar.

The window composes the parts and wires them together in `_connect_signals`; actions come from
`reader.ui.actions`, annotation logic from `reader.ui.annotate` and `reader.ui.window_annotating`,
loading (the library and each episode, off the GUI thread) from `reader.ui.library_loader`,
driven by `reader.ui.window_library`; panes and layout from `reader.ui.window_state`. It
remembers the layout, the library, the episode and the reading position of every episode (saved
a moment after scrolling stops, and on close) through `Settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.core.transcript import Transcript
from reader.ui.actions import Actions
from reader.ui.annotate import AnnotationController, is_interactive
from reader.ui.annotation_model import AnnotationModel
from reader.ui.annotation_sidebar import AnnotationSidebar
from reader.ui.appearance import Appearance
from reader.ui.episode_list import EpisodeListPanel
from reader.ui.features import install_features
from reader.ui.find_bar import FindBar
from reader.ui.library_loader import EpisodeLoader, LibraryLoader
from reader.ui.outline import OutlinePanel
from reader.ui.selection_bar import SelectionBar
from reader.ui.settings import Settings
from reader.ui.transcript_view import TranscriptView
from reader.ui.window_annotating import SELECTION_SETTLE_MS, AnnotatingMixin
from reader.ui.window_library import LibraryMixin
from reader.ui.window_parts import build_menus, build_toolbar, dropped_path, fill_recent_menu
from reader.ui.window_state import PanesMixin

if TYPE_CHECKING:  # the dialogs load when first opened (start-up stays cheap)
    from reader.ui.dialogs import LinkDialog

#: The reading position is saved this long after scrolling stops (and on close).
POSITION_SAVE_MS = 1500


class MainWindow(LibraryMixin, AnnotatingMixin, PanesMixin, QMainWindow):
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
        self._passing_message = ""  # the load's progress, or a title: may be replaced
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
        self.loader.sort_key = lambda: self.episodes.model.sort_key  # (read off-thread)
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

    # Library and episodes (the rest: `LibraryMixin`) ----------------------------------------

    def library_tags(self) -> list[str]:
        """Every tag used in the library (offered by the tags editor's completer)."""
        tags = self.episodes.model.all_tags() | set(self.model.tags())
        return sorted(tags, key=str.casefold)

    def show_annotations_in_view(self) -> None:
        """Scroll to the first annotation so the highlights are on screen (screenshots)."""
        annotations = self.model.annotations()
        if annotations:
            self.view.scroll_to_offset(annotations[0].start)
            self.controller.set_current(annotations[0].id)

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
        from reader.ui.dialogs import WEB_SCHEMES, LinkDialog

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
        from reader.ui.dialogs import SettingsDialog

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
