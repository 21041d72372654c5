"""The library half of the main window: opening a folder and its episodes, and the status bar
while the library loads.

`LibraryMixin` is mixed into `MainWindow` (it uses the window's parts: ``loader``,
``episode_loader``, ``episodes``, ``view``, ``sidebar``, ``model``, ``controller``, the status
bar); it starts loads, shows the episode list as it arrives (the cached list first, then the
refreshed one), opens the episode asked for or the last one read, and restores reading positions.

The status bar says what the load is doing ("Loading…", "Reading 3 of 5 transcripts…") and,
once it has finished, how many transcripts the library has (`library_summary`). These passing
messages, and an opened episode's title, give way to each other; a message from another part of
the window (a problem, a merge, an export) is never replaced by one of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPlainTextEdit

from reader import APP_NAME
from reader.core.annotations import now_iso
from reader.ui.window_annotating import reload_summary

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar

    from reader.core.transcript import Transcript
    from reader.ui.annotate import AnnotationController
    from reader.ui.annotation_model import AnnotationModel
    from reader.ui.annotation_sidebar import AnnotationSidebar
    from reader.ui.episode_list import EpisodeListPanel
    from reader.ui.find_bar import FindBar
    from reader.ui.library_loader import EpisodeLoader, LibraryLoader, OpenedEpisode
    from reader.ui.outline import OutlinePanel
    from reader.ui.settings import Settings
    from reader.ui.transcript_view import TranscriptView

    _MixinBase = QMainWindow  # for the type checker the mixin is the window it is mixed into
else:
    _MixinBase = object


def library_summary(count: int, folder: Path) -> str:
    """The status bar once a library is loaded: ``"5 transcripts in sample"``."""
    name = folder.name or str(folder)
    if count == 0:
        return f"No transcripts in {name}"
    return f"{count} transcript{'s' if count != 1 else ''} in {name}"


class LibraryMixin(_MixinBase):
    """Slots of `MainWindow` that load the library, open episodes and report the load."""

    if TYPE_CHECKING:  # what it uses of `MainWindow`
        settings: Settings
        library: Path | None
        transcript: Transcript | None
        loader: LibraryLoader
        episode_loader: EpisodeLoader
        episodes: EpisodeListPanel
        view: TranscriptView
        sidebar: AnnotationSidebar
        model: AnnotationModel
        controller: AnnotationController
        outline: OutlinePanel
        find_bar: FindBar
        progress: QProgressBar
        status_label: QLabel
        location_label: QLabel
        _position_timer: QTimer
        _pending_episode: str | None
        _first_delivery: bool
        _initial_open: bool
        _library_to_remember: str | None
        _keep_position_once: int | None
        _opening_message: str
        _passing_message: str
        _reload_from: dict[str, tuple[str, int | None, int | None]]

        def show_message(self, text: str) -> None: ...
        def _hide_selection_bar(self) -> None: ...
        def _update_counts(self) -> None: ...
        def _update_actions(self) -> None: ...

    # Opening -------------------------------------------------------------------------------------

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
        self._passing_message = f"Loading {folder}…"
        self.show_message(self._passing_message)
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
        from reader.ui.dialogs import open_dialog  # loads when first used

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
        shown = [str(self.transcript.path)] if self.transcript is not None else []
        self.loader.set_open_episodes([*shown, path])
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
        self.loader.set_open_episodes([path])
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
        if reloading:
            self.show_message(reload_summary(self._reload_from, self.model.all()))
            self._reload_from = {}
        elif problems:
            self.show_message(problems[0])
        elif opening:  # a passing message too: the load's progress may replace it
            self._show_passing(transcript.meta.title or Path(path).name)
        self._update_counts()
        self._update_actions()
        self.loader.start_refresh()  # the window is up: the library's refresh may run now

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

    def _save_reading_position(self) -> None:
        self._position_timer.stop()
        if self.transcript is not None:
            path = str(self.transcript.path)
            offset = self.view.reading_offset()
            saved = self.settings.reading_position(path)
            if saved is None or saved[0] != offset:
                self.settings.set_reading_position(path, offset, now_iso())

    # The load's progress and results -------------------------------------------------------------

    def _show_passing(self, text: str) -> None:
        """Say ``text`` unless the status bar has news from another part (see the module doc)."""
        shown = self.status_label.text()
        if shown in ("", self._passing_message, self._opening_message):
            self._passing_message = text
            self.show_message(text)

    def _library_summary(self) -> str:
        assert self.library is not None
        return library_summary(self.episodes.model.episode_count(), self.library)

    def _on_load_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if self.loader.partial:  # the list is shown: its speakers are being completed
            self._show_passing(f"Finding who speaks: {done} of {total} transcripts…")
        else:
            self._show_passing(f"Reading {done} of {total} transcripts…")

    def _on_episodes_loaded(self, metas: list) -> None:
        """A list of the library's episodes: the first of a load, or a refresh of it."""
        first, self._first_delivery = self._first_delivery, False
        self._remember_library()
        last_read = None
        if first:
            last_read = {k: v[1] for k, v in self.settings.value("reading/positions").items()}
        # a refresh keeps the selection; a large first list comes sorted from the loader
        self.episodes.model.set_episodes(metas, last_read, self.loader.presorted)
        if self._initial_open:
            QTimer.singleShot(0, self, self._open_initial_episode)  # after this turn's paint
        if self.loader.partial:
            checking = " (finding who speaks…)"
        elif self.loader.from_cache:
            checking = " (checking for changes…)"
        else:
            checking = ""
        self._show_passing(self._library_summary() + checking)
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
        if self.library is not None and not self._first_delivery:
            self._show_passing(self._library_summary())  # not "Reading 5 of 5…" any more
