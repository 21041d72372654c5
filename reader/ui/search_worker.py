"""The library's search index, kept up to date and queried off the GUI thread.

`SearchWorker` owns one `reader.core.search.Index` (for the open library) and two one-thread
pools: one writes the index (`Index.update`, `Index.refresh_file`, in the order asked), the
other answers queries, so a search is answered while the index is still being built. Results
and progress arrive as queued signals on the GUI thread; a query superseded by a newer one
before it starts is skipped, and its late results are dropped. `shutdown` cancels the update
and waits for both pools, so no thread outlives the window.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:
    from reader.core.search import Index

#: Results asked for per query (the panel shows them grouped by episode).
RESULT_LIMIT = 200
#: The first results of a query, sent as soon as found; the rest follow (`moreResults`): a
#: search parses the episodes it shows the first time, ≈1 ms each, so 200 results can take
#: 0.1–0.2 s at first where the first page takes 10–20 ms.
FIRST_RESULTS = 20


class _Signals(QObject):
    progress = Signal(int, int, int)  # generation, done, total
    indexed = Signal(int, object)  # generation, UpdateStats | None (a refresh)
    index_failed = Signal(int, str)
    results = Signal(int, str, list)  # query generation, query, results
    more = Signal(int, str, list)  # query generation, query, the results after the first page
    query_failed = Signal(int, str, str)  # query generation, query, message
    job_done = Signal()


class _UpdateJob(QRunnable):
    """Brings the whole index up to date (or re-indexes ``paths`` only)."""

    def __init__(
        self, index: Index, generation: int, signals: _Signals, paths: list[Path] | None = None
    ) -> None:
        super().__init__()
        self.index = index
        self.generation = generation
        self.signals = signals
        self.paths = paths
        self.cancelled = threading.Event()

    def run(self) -> None:
        from reader.core.search import SearchIndexError

        gen = self.generation
        try:
            if self.paths is None:
                stats = self.index.update(
                    lambda done, total: self.signals.progress.emit(gen, done, total),
                    self.cancelled.is_set,
                )
                self.signals.indexed.emit(gen, stats)
            else:
                for path in self.paths:
                    if self.cancelled.is_set():
                        break
                    self.index.refresh_file(path)
                self.signals.indexed.emit(gen, None)
        except SearchIndexError as exc:
            self.signals.index_failed.emit(gen, str(exc))
        except Exception as exc:  # noqa: BLE001 - shown in the panel, never kills the window
            self.signals.index_failed.emit(gen, f"{type(exc).__name__}: {exc}")
        finally:
            self.signals.job_done.emit()


class _QueryJob(QRunnable):
    """Runs one query (unless a newer one was asked for before it started)."""

    def __init__(
        self, worker: SearchWorker, index: Index, generation: int, query: str, limit: int
    ) -> None:
        super().__init__()
        self.worker = worker
        self.index = index
        self.generation = generation
        self.query = query
        self.limit = limit
        self.signals = worker._signals

    def run(self) -> None:
        from reader.core.search import QueryError, SearchIndexError

        try:
            if self.generation != self.worker._query_generation:
                return  # superseded while waiting
            try:
                first = min(FIRST_RESULTS, self.limit)
                results = self.index.search(self.query, first)
                self.signals.results.emit(self.generation, self.query, results)
                if len(results) == first < self.limit:
                    if self.generation != self.worker._query_generation:
                        return  # superseded meanwhile
                    more = self.index.search(self.query, self.limit - first, offset=first)
                    if more:
                        self.signals.more.emit(self.generation, self.query, more)
            except QueryError as exc:
                self.signals.query_failed.emit(self.generation, self.query, str(exc))
                return
            except SearchIndexError as exc:
                self.signals.query_failed.emit(self.generation, self.query, str(exc))
                return
            finally:
                self.index.close()  # this thread's connection
        except Exception as exc:  # noqa: BLE001 - shown in the panel, never kills the window
            self.signals.query_failed.emit(self.generation, self.query, f"{exc}")
        finally:
            self.signals.job_done.emit()


class SearchWorker(QObject):
    """Index updates and queries for one library at a time, in the background."""

    #: (done, total) transcripts looked at by the update running now.
    indexProgress = Signal(int, int)
    #: An update finished: its `UpdateStats` (``cancelled`` when stopped), or None for a refresh.
    indexUpdated = Signal(object)
    #: The index could not be built or written; a message for the user.
    indexFailed = Signal(str)
    #: Results of the latest query: (query, list of `SearchResult`, best first): its first
    #: ones (up to `FIRST_RESULTS`), then, in `moreResults`, the next ones up to the limit.
    resultsReady = Signal(str, list)
    moreResults = Signal(str, list)
    #: The latest query could not be run: (query, message).
    queryFailed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index_pool = QThreadPool(self)
        self._index_pool.setMaxThreadCount(1)
        self._query_pool = QThreadPool(self)
        self._query_pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.indexed.connect(self._on_indexed)
        self._signals.index_failed.connect(self._on_index_failed)
        self._signals.results.connect(self._on_results)
        self._signals.more.connect(self._on_more)
        self._signals.query_failed.connect(self._on_query_failed)
        self._signals.job_done.connect(self._on_job_done)
        self._index: Index | None = None
        self._generation = 0  # of the library: results of an older one are dropped
        self._query_generation = 0
        self._jobs: list[_UpdateJob] = []
        self._running = 0
        self._indexing = 0

    # Library ---------------------------------------------------------------------------------

    @property
    def root(self) -> Path | None:
        return self._index.root if self._index is not None else None

    def set_root(self, root: Path | None) -> None:
        """Search the library at ``root`` from now on (cancelling work on the previous one)."""
        if root is not None and self._index is not None and self._index.root == root.resolve():
            return
        self.cancel()
        self._generation += 1
        self._query_generation += 1
        if root is None:
            self._index = None
            return
        from reader.core.search import Index  # the search machinery loads when first needed

        self._index = Index(root)

    def update_index(self) -> None:
        """Bring the whole index up to date in the background (progress: `indexProgress`)."""
        self._start_update(None)

    def refresh_files(self, paths: Iterable[Path]) -> None:
        """Re-index these transcripts' text and notes in the background."""
        paths = list(dict.fromkeys(Path(p) for p in paths))
        if paths:
            self._start_update(paths)

    def _start_update(self, paths: list[Path] | None) -> None:
        if self._index is None:
            return
        job = _UpdateJob(self._index, self._generation, self._signals, paths)
        job.setAutoDelete(False)  # kept in _jobs so it can be cancelled
        self._jobs.append(job)
        self._running += 1
        self._indexing += 1
        self._index_pool.start(job)

    def is_indexing(self) -> bool:
        return self._indexing > 0

    def is_busy(self) -> bool:
        """Whether any update or query is queued or running."""
        return self._running > 0

    # Queries ---------------------------------------------------------------------------------

    def search(self, query: str, limit: int = RESULT_LIMIT) -> None:
        """Run ``query`` in the background; `resultsReady` or `queryFailed` answers it."""
        if self._index is None:
            return
        self._query_generation += 1
        job = _QueryJob(self, self._index, self._query_generation, query, limit)
        self._running += 1
        self._query_pool.start(job)

    def forget_query(self) -> None:
        """Drop the answer of any query still running (the query box was cleared)."""
        self._query_generation += 1

    # Stopping --------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the running update to stop and drop the queued ones."""
        for job in self._jobs:
            job.cancelled.set()

    def shutdown(self) -> None:
        """Cancel everything and wait until no worker thread runs (before the window closes)."""
        self.cancel()
        self._query_generation += 1
        self._index_pool.waitForDone()
        self._query_pool.waitForDone()

    # Results (GUI thread) --------------------------------------------------------------------

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation:
            self.indexProgress.emit(done, total)

    def _on_indexed(self, generation: int, stats: object) -> None:
        self._indexing -= 1
        if generation == self._generation:
            self.indexUpdated.emit(stats)

    def _on_index_failed(self, generation: int, message: str) -> None:
        self._indexing -= 1
        if generation == self._generation:
            self.indexFailed.emit(message)

    def _on_results(self, generation: int, query: str, results: list) -> None:
        if generation == self._query_generation:
            self.resultsReady.emit(query, results)

    def _on_more(self, generation: int, query: str, results: list) -> None:
        if generation == self._query_generation:
            self.moreResults.emit(query, results)

    def _on_query_failed(self, generation: int, query: str, message: str) -> None:
        if generation == self._query_generation:
            self.queryFailed.emit(query, message)

    def _on_job_done(self) -> None:
        self._running -= 1
        if self._indexing == 0:
            self._jobs.clear()
