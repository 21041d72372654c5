"""The library search panel (Edit ▸ Search Library…, Ctrl+Shift+F): a dock beside the panes.

A query box, a line saying what the panel is doing (indexing 12 of 40…, 8 hits in 3 episodes, or
why a query cannot run), and the results grouped by episode (`reader.ui.search_results`).
Everything slow happens in `SearchWorker`: the index is brought up to date when the panel is
first shown and whenever another library is opened; each annotation change re-indexes its
transcript; queries run 250 ms after typing stops. Choosing a hit (click, Enter, double-click)
opens its episode, selects the match and flashes it; a hit in a note makes its annotation
current, so the sidebar shows it. The dock is added when the window is built, but its panel
(and with it the search machinery) only when the dock is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from reader.ui.search_install import (
    SHORTCUT,
    SearchDock,
    find_menu,
    install,
    keep_minimum_size,
)
from reader.ui.theme import SPACE_S, SPACE_XS

if TYPE_CHECKING:
    from reader.core.search import SearchResult
    from reader.ui.main_window import MainWindow

#: Typing pause before a query runs, and before an edited episode is re-indexed.
QUERY_DELAY_MS = 250
REFRESH_DELAY_MS = 800
SYNTAX_HELP = (
    'Words (all must occur), "exact phrase", prefix*, OR, -exclude. '
    "Searches every transcript and every note and tag."
)


class SearchPanel(QWidget):
    """Query box, status line and grouped results; drives a `SearchWorker`."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        from reader.ui.jump import EpisodeJump
        from reader.ui.search_results import ResultDelegate, ResultsModel, ResultsView
        from reader.ui.search_worker import SearchWorker

        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.window_ = window
        self.worker = SearchWorker(self)
        self.jump = EpisodeJump(window)
        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("searchQuery")
        self.query_edit.setAccessibleName("Search the library")
        self.query_edit.setPlaceholderText("Search transcripts and notes")
        self.query_edit.setToolTip(SYNTAX_HELP)
        self.query_edit.setClearButtonEnabled(True)
        self.status = QLabel(self)
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(1)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("searchProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        self.model = ResultsModel(self)
        self.view = ResultsView(self)
        self.view.setObjectName("searchResults")
        self.view.setAccessibleName("Search results")
        self.view.setModel(self.model)
        self.delegate = ResultDelegate(self.view)
        self.view.setItemDelegate(self.delegate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_S, SPACE_S, SPACE_S, 0)
        layout.setSpacing(SPACE_XS)
        layout.addWidget(self.query_edit)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(SPACE_XS, 0, SPACE_XS, 0)
        status_row.addWidget(self.status, 1)
        layout.addLayout(status_row)
        layout.addWidget(self.progress)
        layout.addSpacing(SPACE_XS)
        layout.addWidget(self.view, 1)
        self.setMinimumWidth(220)

        self._query_timer = QTimer(self)
        self._query_timer.setSingleShot(True)
        self._query_timer.setInterval(QUERY_DELAY_MS)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._dirty: set[Path] = set()
        self._error = ""
        self._last_query = ""
        self._ready = False  # the index has been brought up to date once for this library
        self._connect()
        self._show_idle()

    def _connect(self) -> None:
        self.query_edit.textChanged.connect(self._on_text_changed)
        self.query_edit.returnPressed.connect(self._on_return)
        self._query_timer.timeout.connect(self.run_query)
        self._refresh_timer.timeout.connect(self._refresh_dirty)
        self.view.clicked.connect(lambda index: self.open_index(index, focus_view=False))
        self.view.activated.connect(lambda index: self.open_index(index, focus_view=True))
        self.worker.indexProgress.connect(self._on_progress)
        self.worker.indexUpdated.connect(self._on_indexed)
        self.worker.indexFailed.connect(self._on_index_failed)
        self.worker.resultsReady.connect(self._on_results)
        self.worker.moreResults.connect(self._on_more_results)
        self.worker.queryFailed.connect(self._on_query_failed)
        model = self.window_.model
        for signal in (model.annotationAdded, model.annotationChanged, model.annotationRemoved):
            signal.connect(self._on_annotation_changed)
        self.window_.loader.episodesLoaded.connect(lambda _metas: self.on_library_loaded())
        self.query_edit.installEventFilter(self)
        self.view.installEventFilter(self)

    # Index -------------------------------------------------------------------------------------

    def ensure_index(self) -> None:
        """Search the window's library, bringing its index up to date if not done yet."""
        library = self.window_.library
        if library is None:
            self._show_idle()
            return
        if self.worker.root != Path(library).resolve():
            self.worker.set_root(Path(library))
            self._ready = False
        if not self._ready and not self.worker.is_indexing():
            self._ready = True
            self.progress.setRange(0, 0)
            self.progress.show()
            self._set_status("Updating the search index…")
            self.worker.update_index()

    def on_library_loaded(self) -> None:
        """Another library was opened: index it now if the panel is in use."""
        if self.isVisible():
            self.ensure_index()
            if self.query_edit.text().strip():
                self.run_query()

    def refresh_files(self, paths: list[Path]) -> None:
        """Re-index these transcripts (their notes or tags changed) in the background."""
        if self.worker.root is not None:
            self.worker.refresh_files(paths)

    def _on_annotation_changed(self, _annotation_id: str) -> None:
        transcript = self.window_.transcript
        if transcript is not None and self.worker.root is not None:
            self._dirty.add(Path(transcript.path))
            self._refresh_timer.start()

    def _refresh_dirty(self) -> None:
        paths, self._dirty = sorted(self._dirty), set()
        self.refresh_files(paths)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.show()
        if not self._error and not self.model.rowCount():
            self._set_status(f"Indexing {done} of {total} transcripts…")

    def _on_indexed(self, stats: object) -> None:
        from reader.core.search import UpdateStats  # loaded by the worker already

        if self.worker.is_indexing():
            return
        self.progress.hide()
        if isinstance(stats, UpdateStats) and stats.errors and not self.query_edit.text():
            self._set_status(f"Indexed; {len(stats.errors)} files could not be read.")
        if self.query_edit.text().strip():
            self.run_query()  # the answer may have changed
        elif not (isinstance(stats, UpdateStats) and stats.errors):
            self._show_idle()

    def _on_index_failed(self, message: str) -> None:
        self.progress.hide()
        self._set_status(f"The search index cannot be used: {message}", error=True)

    # Queries -----------------------------------------------------------------------------------

    def _on_text_changed(self, text: str) -> None:
        if not text.strip():
            self._query_timer.stop()
            self.worker.forget_query()
            self._last_query = ""
            self.model.set_results([])
            self._show_idle()
            return
        self._query_timer.start()

    def _on_return(self) -> None:
        if self._query_timer.isActive() or self.query_edit.text().strip() != self._last_query:
            self.run_query()
        elif self.model.rowCount():
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.view.setCurrentIndex(self.model.index(0, 0, self.model.index(0, 0)))

    def run_query(self) -> None:
        """Run the text of the query box now (in the background)."""
        self._query_timer.stop()
        query = self.query_edit.text().strip()
        if not query:
            return
        self.ensure_index()
        self._last_query = query
        self.worker.search(query)

    def _on_results(self, query: str, results: list[SearchResult]) -> None:
        self._error = ""
        self.model.set_results(results)
        self._show_results(query)

    def _on_more_results(self, query: str, results: list[SearchResult]) -> None:
        self.model.extend(results)
        self._show_results(query)

    def _show_results(self, query: str) -> None:
        self.view.expandAll()
        hits, episodes = self.model.hit_count(), len(self.model.groups)
        if not hits:
            self._set_status(f"Nothing found for {query}.")
        else:
            more = " (the best ones)" if hits >= 200 else ""
            self._set_status(
                f"{hits} {'hit' if hits == 1 else 'hits'}{more} in {episodes} "
                f"{'episode' if episodes == 1 else 'episodes'}"
            )

    def _on_query_failed(self, _query: str, message: str) -> None:
        self.model.set_results([])
        self._set_status(message, error=True)

    def _show_idle(self) -> None:
        if self.window_.library is None:
            self._set_status("Open a folder of transcripts to search it.")
        else:
            self._set_status(SYNTAX_HELP)

    def _set_status(self, text: str, error: bool = False) -> None:
        self._error = text if error else ""
        self.status.setText(text)
        self.status.setProperty("error", error)
        theme = self.window_.appearance.theme
        color = theme.speakers[1] if error else theme.muted
        self.status.setStyleSheet(f"color: {color};")

    # Opening -----------------------------------------------------------------------------------

    def open_index(self, index: QModelIndex, *, focus_view: bool) -> None:
        """Open the hit at ``index`` (an episode row: its best hit)."""
        if not index.isValid():
            return
        from reader.core.search import SearchResult  # results exist: the search module is loaded
        from reader.ui.search_results import ResultRole

        result = index.data(ResultRole)
        if not isinstance(result, SearchResult):
            child = self.model.index(0, 0, index)
            result = child.data(ResultRole) if child.isValid() else None
        if isinstance(result, SearchResult):
            self.open_result(result, focus_view=focus_view)

    def open_result(self, result: SearchResult, *, focus_view: bool = True) -> None:
        """Open the hit's episode, select the match and flash it (or show the note)."""
        self.jump.go(result.path, lambda: self._show_result(result, focus_view))

    def _show_result(self, result: SearchResult, focus_view: bool) -> None:
        window = self.window_
        if result.kind == "note" and result.annotation_id:
            if window.model.get(result.annotation_id) is not None:
                window.controller.set_current(result.annotation_id)
            if not result.orphaned:
                window.view.scroll_to_offset(result.start, flash=True, end=result.end)
        else:
            window.view.set_selection(result.start, result.end)
            window.view.scroll_to_offset(result.start, flash=True, end=result.end)
        if focus_view:
            window.view.text_edit().setFocus(Qt.FocusReason.OtherFocusReason)

    # Keyboard ------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.query_edit and key == Qt.Key.Key_Down and self.model.rowCount():
                self.view.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.view.currentIndex().isValid():
                    self.view.setCurrentIndex(self.model.index(0, 0))
                return True
            if key == Qt.Key.Key_Escape:
                self.window_.view.text_edit().setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def focus_query(self) -> None:
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def apply_theme(self) -> None:
        self.delegate.theme = self.window_.appearance.theme
        self._set_status(self.status.text(), error=bool(self._error))
        self.view.viewport().update()


__all__ = [
    "SHORTCUT",
    "SearchDock",
    "SearchPanel",
    "find_menu",
    "install",
    "keep_minimum_size",
]
