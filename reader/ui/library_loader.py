"""Loading a library folder off the GUI thread, with progress.

`LibraryLoader.load(root)` scans the folder in a worker thread: first the episode list as last
cached (`reader.core.metacache.cached_snapshot`, no file of the library touched), delivered at
once when there is one, then the list brought up to date (`load_library_cached`: a stat of every
file, only new and changed files read), delivered again only when it differs, then the annotation
counts of the episodes that have a sidecar (opening their stores, which re-anchors when a
transcript changed). When many files are to be read (`metacache.QUICK_FROM`, as on the first
open of a large library) the list comes in two steps: read without the turns of the bodies
(half the work: front matter, speaker key, title), then completed with the speakers of the
turns, delivered again as they are completed (the list's top first, at most once a second:
`metacache.INTERIM_SECONDS`). So ``episodesLoaded`` comes once or more per load; `from_cache`
says whether the list just delivered may still change (the cached one, or a partial one),
`partial` whether it lacks some of the turns' speakers. Results arrive as queued
signals on the GUI thread, progress at most `PROGRESS_PER_SECOND` times a second; a newer `load`
supersedes an older one, which is cancelled and whose late results are dropped.

`EpisodeLoader.request(path)` parses one transcript and opens its annotations in the same way, so
a long transcript or a slow re-anchoring never freezes the window; when the user picks another
episode meanwhile, the older result is dropped.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal

from reader.core.transcript import EpisodeMeta, Transcript

if TYPE_CHECKING:
    from reader.core.store import AnnotationStore
    from reader.ui.episode_model import Presorted

#: At most this many progress signals a second reach the GUI thread (the first and last always).
PROGRESS_PER_SECOND = 20
#: After the cached list, the refresh waits at most this many 50 ms steps for `start_refresh`.
REFRESH_HOLD_STEPS = 40
#: A list of at least this many episodes is sorted and indexed in the loading thread (50,000
#: take ≈60 ms, which the GUI thread would otherwise spend before it can show them).
PRESORT_FROM = 2000


@dataclass(frozen=True, slots=True)
class AnnotationCounts:
    """How many live and orphaned annotations an episode has, and problems with its sidecar."""

    live: int = 0
    orphans: int = 0
    moved: int = 0
    problems: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()


class _Cancelled(Exception):
    pass


class _JobSignals(QObject):
    progress = Signal(int, int, int)  # generation, done, total
    # Lists and dicts travel as `object`: as `list`/`dict` PySide would convert every element to
    # and from a QVariant for each connection (≈12 ms per 10,000 episodes, on the GUI thread).
    # generation, metas, from the cache or partial (a refresh follows), partial, presorted
    episodes = Signal(int, object, bool, bool, object)
    counts = Signal(int, object)
    failed = Signal(int, str)
    done = Signal(int)


class _LoadJob(QRunnable):
    """Runs in the pool: metadata first, then annotation counts."""

    def __init__(
        self,
        generation: int,
        root: Path,
        signals: _JobSignals,
        skip: Callable[[str], bool] = lambda _path: False,
        sort_key: Callable[[], str] = lambda: "date",
    ) -> None:
        super().__init__()
        self.generation = generation
        self.root = root
        self.signals = signals
        #: Paths whose annotations are not counted (asked at the time: the window's episode).
        self.skip = skip
        #: The list's order (asked at the time): large lists are sorted here, not on the GUI
        #: thread (`reader.ui.episode_model.presort`).
        self.sort_key = sort_key
        self.cancelled = threading.Event()
        #: Set on the GUI thread when the refresh may start (see `LibraryLoader.start_refresh`).
        self.go = threading.Event()

    def run(self) -> None:
        gen = self.generation
        try:
            metas = self._load_metadata()
            self._check()
            self.signals.counts.emit(gen, self._count_annotations(metas))
            del metas
            _release_free_memory()
        except _Cancelled:
            pass
        except Exception as exc:  # noqa: BLE001 - reported to the user, never kills the app
            self.signals.failed.emit(gen, f"{type(exc).__name__}: {exc}")
        finally:
            self.signals.done.emit(gen)

    def _check(self) -> None:
        if self.cancelled.is_set():
            raise _Cancelled

    def _presort(self, metas: list[EpisodeMeta]) -> Presorted | None:
        """The list sorted and indexed in the window's order, for a large list (else None)."""
        if len(metas) < PRESORT_FROM:
            return None
        from reader.ui.episode_model import presort  # (it imports this module)

        return presort(metas, self.sort_key())

    def _load_metadata(self) -> list[EpisodeMeta]:
        """The cached list at once (if any), then the list brought up to date if it differs."""
        from reader.core.metacache import (
            QUICK_FROM,
            LoadCancelled,
            cached_snapshot,
            load_library_cached,
        )

        snapshot = cached_snapshot(self.root)
        self._check()
        for meta in snapshot:
            str(meta.path)  # formatted (and kept by pathlib) here, not on the GUI thread
        if snapshot:
            presorted = self._presort(snapshot)
            _keep_out_of_gc()
            self.signals.episodes.emit(
                self.generation, snapshot, True, _partial(snapshot), presorted
            )
            self._hold()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            self._check()
            now = time.monotonic()
            if done in (0, total) or now - last[0] >= 1 / PROGRESS_PER_SECOND:
                last[0] = now
                self.signals.progress.emit(self.generation, done, total)

        def interim(metas: list[EpisodeMeta]) -> None:
            """The speakers completed so far (the list's top first): shown as they come."""
            self._check()
            self.signals.episodes.emit(self.generation, metas, True, True, None)

        shown = snapshot
        for quick in (QUICK_FROM, 0):
            try:
                metas = load_library_cached(
                    self.root,
                    progress,
                    cancel=self.cancelled.is_set,
                    reuse=shown,
                    partial_from=quick,
                    background=bool(shown),  # a list is on screen: the window comes first
                    interim=interim,
                )
            except LoadCancelled:
                raise _Cancelled from None
            self._check()
            partial = _partial(metas)
            # Unchanged files come back as the very objects of the list shown: a quick
            # comparison, made here, off the GUI thread; an unchanged list is not delivered twice.
            if not shown or metas != shown:
                for meta in metas:
                    str(meta.path)
                presorted = None if shown else self._presort(metas)  # (a refresh is merged)
                _keep_out_of_gc()
                self.signals.episodes.emit(self.generation, metas, partial, partial, presorted)
                self._hold()  # the rest can wait for the first episode too
            shown = metas
            if not partial:
                break
        return shown

    def _hold(self) -> None:
        """Wait until the window has shown the list and its first episode (`start_refresh`).

        The loader, the episode being opened and the GUI thread all run Python: working at
        the same time, the two background threads would starve the GUI thread of the GIL.
        """
        for _ in range(REFRESH_HOLD_STEPS):
            if self.go.wait(0.05) or self.cancelled.is_set():
                break
        self._check()

    def _count_annotations(self, metas: list[EpisodeMeta]) -> dict[str, AnnotationCounts]:
        from reader.core.store import AnnotationStore, sidecar_path
        from reader.core.transcript import load_transcript

        counts: dict[str, AnnotationCounts] = {}
        for meta in metas:
            self._check()
            if self.skip(str(meta.path)) or not sidecar_path(meta.path).exists():
                continue
            try:
                store = AnnotationStore.open(load_transcript(meta.path))
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the scan
                counts[str(meta.path)] = AnnotationCounts(problems=(str(exc),))
                continue
            counts[str(meta.path)] = AnnotationCounts(
                live=sum(1 for a in store.annotations if a.status != "orphaned"),
                orphans=len(store.orphans),
                moved=sum(1 for a in store.annotations if a.status == "moved"),
                problems=tuple(store.errors),
                tags=frozenset(t for a in store.annotations for t in a.tags),
            )
        return counts


def _partial(metas: list[EpisodeMeta]) -> bool:
    """Whether some of ``metas`` lack the speakers of their turns (read quickly)."""
    return any(meta.partial for meta in metas)


def _keep_out_of_gc() -> None:
    """Keep what exists now (the episode list, the window, the modules) out of later cyclic
    garbage collections (``gc.freeze()``).

    An episode list is hundreds of thousands of long-lived, acyclic objects (50,000 episodes:
    ≈2 million); every full collection would scan them all, holding the interpreter for 0.1 to
    0.5 s, which stalls the GUI thread. Frozen objects are still freed as usual when no longer
    used (reference counting; an episode list has no cycles); only a reference cycle that was
    already garbage, or becomes garbage among these objects, is not reclaimed.
    """
    gc.freeze()


def _release_free_memory() -> None:
    """Give the memory freed by the load back to the system (glibc keeps it, per thread).

    Reading a large library allocates and frees tens of MB (rows of the cache, JSON, parser
    temporaries) in this thread's own malloc arena; without a trim the process keeps it all.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to do
        pass


class LibraryLoader(QObject):
    """Loads one library at a time in a background thread; the window never waits on it."""

    #: (done, total) files read so far.
    progress = Signal(int, int)
    #: The metadata of every episode of the folder being loaded: once or twice per `load` (the
    #: cached list first when there is one, then the list brought up to date if it differs).
    episodesLoaded = Signal(object)
    #: File path (str) → AnnotationCounts for the episodes that have annotations (a dict).
    countsLoaded = Signal(object)
    #: A message when the folder could not be read at all.
    failed = Signal(str)
    #: The load finished (successfully or not) and nothing is running any more.
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _JobSignals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.episodes.connect(self._on_episodes)
        self._signals.counts.connect(self._on_counts)
        self._signals.failed.connect(self._on_failed)
        self._signals.done.connect(self._on_done)
        self._generation = 0
        self._job: _LoadJob | None = None
        self._running = 0
        self._open: frozenset[str] = frozenset()
        #: Whether the list delivered last may still change: the cached snapshot, or a partial
        #: list (a refresh follows).
        self.from_cache = False
        #: Whether the list delivered last lacks some speakers of the turns (a quick first read).
        self.partial = False
        #: While `episodesLoaded` is emitted: the list sorted and indexed in the order
        #: `sort_key` gave (`reader.ui.episode_model.Presorted`), or None.
        self.presorted: Presorted | None = None
        #: The list's order, asked from the loading thread (the window sets it).
        self.sort_key: Callable[[], str] = lambda: "date"
        self._queued: list[_LoadJob] = []

    def load(self, root: Path) -> None:
        """Start loading ``root``; a load still running is cancelled and its results dropped."""
        self.cancel()
        self.from_cache = self.partial = False
        self._generation += 1
        self._job = _LoadJob(
            self._generation, root, self._signals, self.is_open, lambda: self.sort_key()
        )
        self._job.setAutoDelete(False)
        self._running += 1
        # The worker starts on the next event-loop turn: a window shown just before paints
        # first, without a Python thread competing with it for the interpreter.
        self._queued.append(self._job)
        QTimer.singleShot(0, self, self._start_queued)

    def _start_queued(self) -> None:
        jobs, self._queued = self._queued, []
        for job in jobs:
            if job.cancelled.is_set():  # superseded before it started: it never runs
                self._on_done(job.generation)
            else:
                self._pool.start(job)

    def is_loading(self) -> bool:
        return self._running > 0

    def set_open_episodes(self, paths: Iterable[str]) -> None:
        """The episodes the window shows or is opening. Their annotations are not counted in
        the background: the window counts them from the store it has (`_update_counts`), and
        parsing a long transcript a second time, in a thread, just as the window shows it, took
        the interpreter lock from the GUI thread for as long (≈130 ms for 2 MB)."""
        self._open = frozenset(paths)

    def is_open(self, path: str) -> bool:
        """Whether ``path`` is one of `set_open_episodes` (read from the loading thread)."""
        return path in self._open

    def start_refresh(self) -> None:
        """Let the refresh that follows the cached list begin now (the window calls this once
        its first episode is shown; without it the refresh begins after 2 s)."""
        if self._job is not None:
            self._job.go.set()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancelled.set()

    def shutdown(self) -> None:
        """Cancel and wait for the worker (before the application quits)."""
        self.cancel()
        self._start_queued()  # a load not started yet never starts
        self._pool.waitForDone()

    def wait_until_idle(self, timeout_ms: int = 60_000) -> bool:
        """Process events until no load runs (for screenshots and tests); False on timeout."""
        if not self.is_loading():
            return True
        loop = QEventLoop()
        self.finished.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.finished.disconnect(loop.quit)
        return not self.is_loading()

    def _current(self, generation: int) -> bool:
        return generation == self._generation

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if self._current(generation):
            self.progress.emit(done, total)

    def _on_episodes(
        self, generation: int, metas: object, from_cache: bool, partial: bool, presorted: object
    ) -> None:
        if self._current(generation):
            self.from_cache = from_cache
            self.partial = partial
            self.presorted = presorted  # type: ignore[assignment]  # (a Presorted, or None)
            self.episodesLoaded.emit(metas)
            self.presorted = None

    def _on_counts(self, generation: int, counts: object) -> None:
        if self._current(generation):
            self.countsLoaded.emit(counts)

    def _on_failed(self, generation: int, message: str) -> None:
        if self._current(generation):
            self.failed.emit(message)

    def _on_done(self, generation: int) -> None:
        self._running -= 1
        if self._current(generation):
            self.from_cache = False  # whatever was delivered is now up to date
            self.partial = False
        if self._running == 0:
            self._job = None
            self.finished.emit()


@dataclass(frozen=True, slots=True)
class OpenedEpisode:
    """A transcript parsed and its annotation store opened (re-anchored) in the background."""

    path: str
    transcript: Transcript
    store: AnnotationStore | None
    #: What went wrong opening the store (the transcript is still shown, without annotations).
    error: str = ""


class _EpisodeSignals(QObject):
    opened = Signal(int, object)  # ticket, OpenedEpisode
    done = Signal(int)


class _EpisodeJob(QRunnable):
    """Parses one transcript and opens its store; skipped when a newer request came first."""

    def __init__(self, ticket: int, path: str, owner: EpisodeLoader) -> None:
        super().__init__()
        self.ticket = ticket
        self.path = path
        self.owner = owner
        self.signals = owner._signals

    def run(self) -> None:
        try:
            if self.owner.latest_ticket() == self.ticket:  # superseded jobs do no work
                self.signals.opened.emit(self.ticket, open_episode_files(self.path))
        finally:
            self.signals.done.emit(self.ticket)


def open_episode_files(path: str) -> OpenedEpisode:
    """Parse ``path`` and open its annotations (never raises: problems are in the result)."""
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    transcript = load_transcript(Path(path))
    try:
        store = AnnotationStore.open(transcript)
        store.prepare_save()  # here, not in the first save on the GUI thread
        return OpenedEpisode(path, transcript, store)
    except Exception as exc:  # noqa: BLE001 - shown to the user; the text is still readable
        return OpenedEpisode(path, transcript, None, f"Could not open the notes: {exc}")


class EpisodeLoader(QObject):
    """Opens episodes off the GUI thread; only the result of the latest request is delivered."""

    #: The episode asked for last is ready (an `OpenedEpisode`).
    opened = Signal(object)
    #: Nothing is being opened any more.
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _EpisodeSignals(self)
        self._signals.opened.connect(self._on_opened)
        self._signals.done.connect(self._on_done)
        self._ticket = 0
        self._lock = threading.Lock()
        self._running = 0
        self.pending_path: str | None = None

    def latest_ticket(self) -> int:
        with self._lock:
            return self._ticket

    def request(self, path: str) -> None:
        """Open ``path``; an earlier request still pending is dropped."""
        with self._lock:
            self._ticket += 1
            ticket = self._ticket
        self.pending_path = path
        self._running += 1
        self._pool.start(_EpisodeJob(ticket, path, self))

    def cancel(self) -> None:
        """Forget the pending request (its result, if any, is dropped)."""
        with self._lock:
            self._ticket += 1
        self.pending_path = None

    def is_busy(self) -> bool:
        return self._running > 0

    def shutdown(self) -> None:
        self.cancel()
        self._pool.waitForDone()

    def wait_until_idle(self, timeout_ms: int = 30_000) -> bool:
        """Process events until no episode is being opened (screenshots, tests)."""
        if not self.is_busy():
            return True
        loop = QEventLoop()
        self.idle.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.idle.disconnect(loop.quit)
        return not self.is_busy()

    def _on_opened(self, ticket: int, result: OpenedEpisode) -> None:
        if ticket == self.latest_ticket():
            self.pending_path = None
            self.opened.emit(result)

    def _on_done(self, _ticket: int) -> None:
        self._running -= 1
        if self._running == 0:
            self.idle.emit()
