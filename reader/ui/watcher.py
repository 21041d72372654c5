"""Noticing changes made outside the program while it runs: transcripts, sidecars, sync copies.

`EpisodeWatcher` watches, with one `QFileSystemWatcher`, the library folder, the open
transcript's folder, the transcript, its sidecar and its private-notes file. Events are debounced
(editors and sync tools write in bursts), and paths are re-added after each event because the
watcher drops a file that was replaced by a rename (the way the store, editors and sync tools
save). Then:

- an edited transcript is re-parsed and its notes re-anchored (``window.reload_episode``, which
  keeps the reading position and tells the user how many moved or were orphaned; the
  ``reanchored`` signal carries the counts);
- a changed sidecar (another window, a sync tool) or a new sync-conflict copy is merged by id and
  ``modified`` (``store.reload()``), deletions honoured through tombstones; a change whose save
  had failed is saved now; the annotation model is told of every changed annotation;
- a deleted or renamed transcript keeps its notes (its sidecar is never touched); when a
  transcript with the same text appears, File › Recover… offers to re-link them;
- transcripts added to or removed from the library folder refresh the episode list.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from reader.core.annotations import Annotation

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

DEBOUNCE_MS = 250


def refresh_model(window: MainWindow, before: dict[str, Annotation], changed: set[str]) -> None:
    """Tell the window's annotation model about ids the store changed behind its back.

    ``before``: the store's annotations (by id) before the change. The model's own signals are
    emitted, so the sidebar, the transcript view and the counts update row by row.
    """
    model = window.model
    store = model.store
    if store is None:
        return
    for ann_id in sorted(changed):
        now, was = store.get(ann_id), before.get(ann_id)
        if now is not None and was is None:
            model.annotationAdded.emit(ann_id)
        elif now is not None and now != was:
            model.annotationChanged.emit(ann_id)
        elif now is None and was is not None:
            model.annotationRemoved.emit(ann_id)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _transcript_names(folder: Path) -> frozenset[str]:
    from reader.core.library import is_transcript_name  # loaded when the first episode opens

    try:
        return frozenset(p.name for p in folder.iterdir() if is_transcript_name(p.name))
    except OSError:
        return frozenset()


class EpisodeWatcher(QObject):
    """Watches the open episode's files and the library folder (see the module docstring)."""

    #: A transcript was re-read after a change: its path, how many notes moved, were orphaned.
    reanchored = Signal(str, int, int)
    #: Notes changed on disk were merged: the sidecar's path and the ids that changed.
    merged = Signal(str, list)
    #: Something the user should be told (also shown with ``window.show_message``).
    message = Signal(str)

    def __init__(self, window: MainWindow, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(window)
        self.setObjectName("episodeWatcher")
        self._window = window
        self._fs = QFileSystemWatcher(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.check_now)
        self._fs.fileChanged.connect(self._schedule)
        self._fs.directoryChanged.connect(self._schedule)
        self._transcript: Path | None = None
        self._transcript_stat: tuple[int, int] | None = None
        self._listings: dict[Path, frozenset[str]] = {}
        self._gone_reported: Path | None = None
        self._reloading: tuple[Path, dict[str, Annotation]] | None = None
        self._repeat: str | None = None  # said again once the episode list is reloaded
        window.loader.finished.connect(self._after_library_reload)
        window.model.modelReset.connect(self._on_episode_changed)
        self.message.connect(window.show_message)

    # --- what is watched ----------------------------------------------------------------------

    def watched(self) -> list[str]:
        """The paths watched now (files and folders)."""
        return sorted(self._fs.files() + self._fs.directories())

    def _wanted(self) -> set[str]:
        window = self._window
        paths: list[Path] = []
        if window.library is not None:
            paths.append(window.library)
        store = window.model.store
        if self._transcript is not None:
            paths += [self._transcript, self._transcript.parent]
        if store is not None:
            paths += [store.sidecar_path, store.fallback_path]
            if store.private_path is not None:
                paths.append(store.private_path)
        return {str(p) for p in paths if p.exists()}

    def _rewatch(self) -> None:
        wanted = self._wanted()
        current = set(self._fs.files()) | set(self._fs.directories())
        stale = sorted(current - wanted)
        missing = sorted(wanted - current)
        if stale:
            self._fs.removePaths(stale)
        if missing:
            self._fs.addPaths(missing)
        for folder in {Path(p) for p in wanted if Path(p).is_dir()}:
            self._listings.setdefault(folder, _transcript_names(folder))

    # --- events -------------------------------------------------------------------------------

    def _schedule(self, _path: str = "") -> None:
        self._timer.start()

    def _on_episode_changed(self) -> None:
        """Another episode (or none) is shown: watch its files, finish what opening found."""
        transcript = self._window.transcript
        self._transcript = Path(transcript.path) if transcript is not None else None
        self._transcript_stat = _stat(self._transcript) if self._transcript else None
        self._gone_reported = None
        self._rewatch()
        if self._reloading is not None:
            self._report_reanchored()
        QTimer.singleShot(0, self, self._settle)  # once the window shows the episode

    def _settle(self) -> None:
        from reader.core.store import StoreError

        store = self._window.model.store
        if store is None:
            return
        before = {a.id: a for a in store.annotations}
        try:
            notices = store.settle()
        except StoreError as exc:
            notices = [*store.take_notices(), str(exc)]
        refresh_model(self._window, before, set(before) ^ {a.id for a in store.annotations})
        for notice in notices:
            self.message.emit(notice)

    def check_now(self) -> None:
        """Look at every watched file now (the debounce timer calls this)."""
        self._timer.stop()
        try:
            if self._transcript is not None:
                if not self._transcript.exists():
                    self._report_gone(self._transcript)
                elif _stat(self._transcript) != self._transcript_stat:
                    self._transcript_changed()
            self._merge_notes()
            self._check_listings()
        finally:
            self._rewatch()

    def _report_gone(self, path: Path) -> None:
        if self._gone_reported == path:
            return
        self._gone_reported = path
        from reader.core.recovery import find_relinks

        offers = [
            t for o, t in find_relinks(path.parent) if o.name == f"{path.name}.annotations.json"
        ]
        sidecar = path.name + ".annotations.json"
        text = f"{path.name} was deleted or renamed; its notes are kept in {sidecar}"
        if offers:
            text += f". It looks renamed to {offers[0].name}: File › Recover… re-links the notes"
        self._repeat = text + "."
        self.message.emit(self._repeat)

    def _transcript_changed(self) -> None:
        """The open transcript was edited: re-parse and re-anchor (``window.reload_episode``)."""
        from reader.core.store import StoreError
        from reader.core.transcript import load_transcript

        window, path = self._window, self._transcript
        assert path is not None
        self._transcript_stat = _stat(path)
        old = window.model.store
        if (
            window.transcript is not None
            and load_transcript(path).sha256 == window.transcript.sha256
        ):
            return  # touched, or saved without a change to the text
        if old is not None:
            try:
                old.save()  # nothing pending may be lost when the episode is reopened
            except StoreError as exc:
                self.message.emit(f"{path.name} changed, but {exc}")
                return
        self._reloading = (path, {a.id: a for a in old.annotations} if old is not None else {})
        window.reload_episode(keep_position=True)  # the window reports what moved

    def _report_reanchored(self) -> None:
        """The reloaded episode is shown: count what moved or was orphaned, emit reanchored."""
        path, before = self._reloading or (None, {})
        self._reloading = None
        store = self._window.model.store
        if path is None or store is None or path != self._transcript:
            return
        after = store.annotations
        moved = sum(
            1 for a in after if a.status == "moved" and before.get(a.id, a).status != "moved"
        )
        orphaned = sum(
            1 for a in after if a.status == "orphaned" and before.get(a.id, a).status != "orphaned"
        )
        self.reanchored.emit(str(path), moved, orphaned)

    def _merge_notes(self) -> None:
        """Merge what changed in the sidecar, the private file or new sync-conflict copies."""
        from reader.core.store import StoreError

        store = self._window.model.store
        if store is None:
            return
        before = {a.id: a for a in store.annotations}
        changed = store.reload()
        notices: list[str] = []
        try:
            if store.unsaved:
                store.save()  # a change whose save failed: write it merged with the new file
            notices = store.settle()
        except StoreError as exc:
            notices = [*store.take_notices(), str(exc)]
        changed |= set(before) ^ {a.id for a in store.annotations}
        if changed:
            refresh_model(self._window, before, changed)
            self.merged.emit(str(store.sidecar_path), sorted(changed))
            n = len(changed)
            notices.insert(
                0, f"Merged {n} note{'s' * (n != 1)} changed in {store.sidecar_path.name}"
            )
        self._window.location_label.setText(store.location)
        for notice in notices:
            self.message.emit(notice)

    def _check_listings(self) -> None:
        """Transcripts added to or removed from a watched folder: refresh the episode list."""
        window = self._window
        changed = False
        for folder in list(self._listings):
            names = _transcript_names(folder)
            if names != self._listings[folder]:
                self._listings[folder] = names
                changed = True
        if changed and window.library is not None and not window.loader.is_loading():
            episode = self._transcript if self._transcript and self._transcript.exists() else None
            window.open_library(window.library, episode=episode)

    def _after_library_reload(self) -> None:
        if self._repeat:
            text, self._repeat = self._repeat, None
            QTimer.singleShot(0, self, lambda: self.message.emit(text))


def install(window: MainWindow) -> EpisodeWatcher:
    """Give ``window`` an :class:`EpisodeWatcher` (``window.findChild(EpisodeWatcher)``)."""
    return EpisodeWatcher(window)
