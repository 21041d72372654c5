"""File › Recover…: notes that need attention, and what the user can do about each.

The dialog lists, for the open library: orphaned annotations (their passage is gone), sidecars
and private files that cannot be read (left untouched on disk), transcripts that cannot be
parsed, notes whose transcript was renamed (re-link offers), sync-conflict copies that were merged
and set aside, and the backups of the open episode's notes (except one that holds the notes as
they are now). Each row says what can be done: Open, Re-link, Restore or Show in Folder (opens a
local folder, nothing else). Finding all this parses every transcript of the library, so it runs
in a background thread (`collect`), cancelled when the dialog closes or scans again.

``install(window)`` adds the action to the File menu and gives the window its
:class:`reader.ui.watcher.EpisodeWatcher`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from reader.core.recovery import Finding
    from reader.ui.main_window import MainWindow

Role = Qt.ItemDataRole.UserRole

SECTIONS = {
    "orphan": ("Orphaned notes", "Their passage is no longer in the transcript. Open the "
               "episode, select the passage and use Re-attach, or delete them."),
    "unreadable": ("Notes files that cannot be read", "They are left untouched. Show the folder "
                   "to repair or move the file; nothing is written to it meanwhile."),
    "unparsed": ("Transcripts that cannot be read", "Their notes are read-only until the file "
                 "can be read. Show the folder to check the file."),
    "relink": ("Notes of renamed transcripts", "A transcript with the same text exists under "
               "another name. Re-link moves the notes to it (merging, nothing is lost)."),
    "set-aside": ("Sync conflict copies set aside", "They were merged into the notes and moved "
                  "out of the library folder. Keep them or delete them as you like."),
    "backup": ("Backups of this episode's notes", "Restore brings back that version's notes as "
               "new versions; notes made since are kept."),
}  # fmt: skip


#: At most this many progress updates a second reach the dialog while it scans.
PROGRESS_PER_SECOND = 10


def show_in_folder(path: Path) -> bool:
    """Open the folder holding ``path`` (or ``path`` itself when a folder) in the file manager."""
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def collect(
    library: Path | None, backup_of: tuple[str, Path, Path | None] | None, **scan: Any
) -> list[Finding]:
    """What the Recover view lists: `reader.core.recovery.scan` of ``library`` and the backups
    of ``backup_of`` (the open episode's document id, sidecar and private file) except the one
    that holds its notes as they are now. Reads only: runs in any thread. ``scan``: `progress`
    and `cancel` for `recovery.scan`."""
    from reader.core import backups, recovery
    from reader.core.recovery import Finding

    found: list[Finding] = []
    if library is not None:
        found = recovery.scan(library, **scan)
    if backup_of is not None:
        for b, is_current in backups.with_current(*backup_of):
            if is_current:
                continue  # the notes as they are now: nothing to restore
            count = b.annotations()
            local = b.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            title = f"{local}{' (private notes)' if b.private else ''}"
            detail = f"{'?' if count is None else count} annotations — {b.id}"
            found.append(Finding("backup", b.path, title, detail, annotation_id=b.id))
    return found


class _ScanSignals(QObject):
    progress = Signal(int, int, int)  # generation, done, total
    done = Signal(int, object, str)  # generation, findings, error


class _ScanJob(QRunnable):
    """`collect` in a pool thread: parsing every transcript of a large library takes seconds,
    which the window must not spend frozen."""

    def __init__(self, generation: int, signals: _ScanSignals, args: tuple[Any, Any]) -> None:
        super().__init__()
        self.generation = generation
        self.signals = signals
        self.args = args
        self.cancelled = threading.Event()

    def run(self) -> None:
        from reader.core.recovery import ScanCancelled

        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 1 / PROGRESS_PER_SECOND and not self.cancelled.is_set():
                last[0] = now
                self.signals.progress.emit(self.generation, done, total)

        try:
            found = collect(*self.args, progress=progress, cancel=self.cancelled.is_set)
            error = ""
        except ScanCancelled:
            return
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, never kills the app
            found, error = [], f"{type(exc).__name__}: {exc}"
        if not self.cancelled.is_set():
            self.signals.done.emit(self.generation, found, error)


class RecoverDialog(QDialog):
    """The Recover view (see the module docstring). It scans the library in a background
    thread: the list fills in when the scan is done, meanwhile the dialog says how far it got.
    """

    #: A scan's result is shown (after opening, Refresh, or an action).
    scanned = Signal()

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("recoverDialog")
        self.setWindowTitle("Recover Notes")
        self._window = window
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _ScanSignals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.done.connect(self._on_scanned)
        self._generation = 0
        self._job: _ScanJob | None = None
        self.finished.connect(self._stop_scan)
        window.installEventFilter(self)  # the window closing stops a scan: no thread outlives it
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("recoverList")
        self.tree.setHeaderLabels(["What", "Details"])
        self.tree.setColumnWidth(0, 360)
        self.help = QLabel(self)
        self.help.setObjectName("recoverHelp")
        self.help.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.open_button = self._button("Open", "recoverOpen", self._open)
        self.relink_button = self._button("Re-link", "recoverRelink", self._relink)
        self.restore_button = self._button("Restore", "recoverRestore", self._restore)
        self.folder_button = self._button("Show in Folder", "recoverShowFolder", self._folder)
        self._button("Refresh", "recoverRefresh", self.refresh)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.tree, self.help, self.buttons):
            layout.addWidget(widget)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.resize(760, 480)
        self.refresh()

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- content ------------------------------------------------------------------------------

    def _scan_args(self) -> tuple[Path | None, tuple[str, Path, Path | None] | None]:
        store = self._window.model.store
        backup_of = (
            (store.document_id, store.sidecar_path, store.private_path)
            if store is not None
            else None
        )
        return self._window.library, backup_of

    def findings(self) -> list[Finding]:
        """What the list shows (backups of the open episode included), found now, here."""
        return collect(*self._scan_args())

    def is_scanning(self) -> bool:
        return self._job is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._stop_scan()
            self.reject()  # it goes with its window
        return False

    def refresh(self) -> None:
        """Scan again (in the background) and show the result when it is done."""
        self._stop_scan(wait=False)
        self._generation += 1
        self.tree.clear()
        self.tree.setEnabled(False)
        library = self._window.library
        self.intro.setText(f"Looking for notes that need attention in {library}…")
        self._update_buttons()
        self._job = _ScanJob(self._generation, self._signals, self._scan_args())
        self._pool.start(self._job)

    def _stop_scan(self, *_args: object, wait: bool = True) -> None:
        """Cancel a scan under way (its result is dropped); ``wait``: until its thread is out."""
        if self._job is not None:
            self._job.cancelled.set()
            self._job = None
        if wait:
            self._pool.waitForDone()

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation and self._job is not None:
            self.intro.setText(
                f"Looking for notes that need attention in {self._window.library}… "
                f"({done:,} of {total:,} transcripts)"
            )

    def _on_scanned(self, generation: int, found: object, error: str) -> None:
        if generation != self._generation:
            return  # a scan that was superseded
        self._job = None
        self.tree.setEnabled(True)
        self._show(found if isinstance(found, list) else [], error)
        self.scanned.emit()

    def _show(self, found: list[Finding], error: str) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for finding in found:
            group = groups.get(finding.kind)
            if group is None:
                title, _help = SECTIONS[finding.kind]
                group = groups[finding.kind] = QTreeWidgetItem(self.tree, [title])
                group.setData(0, Role, None)
                group.setExpanded(True)
            item = QTreeWidgetItem(group, [finding.title, finding.detail])
            item.setToolTip(1, finding.detail)
            item.setData(0, Role, finding)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
        library = self._window.library
        if error:
            self.intro.setText(f"The notes in {library} could not all be checked: {error}")
        elif not found:
            self.intro.setText(f"Nothing needs your attention in {library}.")
        else:
            self.intro.setText(f"Notes in {library} that need your attention, and what you can do.")
        self._update_buttons()

    def current(self) -> Finding | None:
        from reader.core.recovery import Finding  # loaded by the dialog's first scan

        item = self.tree.currentItem()
        value = item.data(0, Role) if item is not None else None
        return value if isinstance(value, Finding) else None

    def select(self, kind: str, index: int = 0) -> Finding | None:
        """Make the ``index``-th row of a section current (for keyboard users and tests)."""
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is None:
                continue
            child = group.child(index) if index < group.childCount() else None
            if child is not None and child.data(0, Role).kind == kind:
                self.tree.setCurrentItem(child)
                return self.current()
        return None

    def _update_buttons(self) -> None:
        f = self.current()
        kind = f.kind if f else None
        self.open_button.setEnabled(kind == "orphan")
        self.relink_button.setEnabled(kind == "relink")
        self.restore_button.setEnabled(kind == "backup" and self._window.model.store is not None)
        self.folder_button.setEnabled(f is not None)
        self.help.setText(SECTIONS[kind][1] if kind else "Select a row to see what you can do.")

    # --- actions ------------------------------------------------------------------------------

    def _open(self) -> None:
        f = self.current()
        if f is None or f.kind != "orphan":
            return
        window = self._window
        window.open_episode(str(f.path))
        if f.annotation_id and window.model.get(f.annotation_id) is not None:
            window.controller.set_current(f.annotation_id)

    def _relink(self) -> None:
        from reader.core.recovery import relink
        from reader.core.sidecar import SidecarError
        from reader.core.store import StoreError

        f = self.current()
        if f is None or f.kind != "relink" or f.target is None:
            return
        try:
            where = relink(f.path, f.target)
        except (OSError, SidecarError, StoreError) as exc:
            self._window.show_message(f"Could not re-link {f.path.name}: {exc}")
        else:
            self._window.show_message(f"The notes of {f.path.name} are now in {where.name}.")
        self._after_change()

    def _restore(self) -> None:
        from reader.core import backups
        from reader.core.sidecar import SidecarError
        from reader.core.store import StoreError
        from reader.ui.watcher import refresh_model

        f = self.current()
        store = self._window.model.store
        if f is None or f.kind != "backup" or store is None or f.annotation_id is None:
            return
        backup = backups.find_backup(store.document_id, f.annotation_id)
        if backup is None:
            return
        before = {a.id: a for a in store.annotations}
        try:
            ids = backups.restore(store, backup)
            message = f"Restored {len(ids)} note{'s' * (len(ids) != 1)} from the backup."
        except (OSError, SidecarError) as exc:
            ids, message = [], f"Could not restore the backup: {exc}"
        except StoreError as exc:  # restored in memory; saved by the next save
            ids, message = [a.id for a in store.annotations], str(exc)
        refresh_model(self._window, before, set(ids))
        self._window.show_message(message)
        self._after_change()

    def _folder(self) -> None:
        f = self.current()
        if f is not None:
            show_in_folder(f.path)

    def _after_change(self) -> None:
        from reader.ui.watcher import EpisodeWatcher

        watcher = self._window.findChild(EpisodeWatcher)
        if watcher is not None:
            watcher.check_now()
        self.refresh()


def open_recover(window: MainWindow) -> RecoverDialog:
    """Open the Recover view (window-modal, no nested event loop)."""
    from reader.ui.dialogs import open_dialog

    dialog = RecoverDialog(window)
    open_dialog(dialog)
    return dialog


def install(window: MainWindow) -> None:
    """File › Recover… and the file watcher (`reader.ui.features.install_recover`)."""
    from reader.ui.features import install_recover

    install_recover(window)
