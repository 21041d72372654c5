"""File ▸ Export… and File ▸ Import Annotations…, run off the GUI thread; and Copy with Citation.

Export: `ExportDialog` → a save-file dialog → an `_ExportJob` on a one-thread pool reads the
transcripts and their annotations (read-only) and writes the file atomically. PDF is laid out
with QTextDocument and QPdfWriter, which belong to the GUI thread, so for PDF the job only
collects and the GUI thread renders and writes (fast for a few episodes).
Import: a file dialog → an `_ImportJob` runs `import_annotations` into the open library and
recounts the episodes it touched; the open episode then merges the new annotations from disk.
Every outcome is a status message; a failure or an import with problems also opens a
`ReportDialog`. Nothing raises into Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFileDialog

from reader.ui.dialogs import open_dialog
from reader.ui.export_dialog import (
    FORMAT_INFO,
    ExportChoice,
    ExportDialog,
    ExportPrefs,
    ReportDialog,
)
from reader.ui.export_install import (
    EXPORT_SHORTCUT,
    exporter_for,
    install,
    shortcut_owner,
)
from reader.ui.library_loader import AnnotationCounts

if TYPE_CHECKING:
    from reader.core.export import Episode, ExportOptions
    from reader.core.importer import ImportReport
    from reader.ui.main_window import MainWindow

__all__ = ["EXPORT_SHORTCUT", "Exporter", "exporter_for", "install", "shortcut_owner"]

log = logging.getLogger(__name__)

IMPORT_FILTER = "W3C Web Annotations (*.jsonld *.json);;All files (*)"


# --- background jobs --------------------------------------------------------------------------


@dataclass(slots=True)
class ExportResult:
    """What an export job produced (``episodes`` is kept only when the GUI thread must render)."""

    out: Path
    fmt: str
    annotations: int
    transcripts: int
    episodes: list[Episode] = field(default_factory=list)


class _Signals(QObject):
    exported = Signal(object, object)  # ExportResult, ExportOptions
    export_failed = Signal(str, str)  # file, message
    imported = Signal(str, object, object)  # file, ImportReport, {path: AnnotationCounts}
    import_failed = Signal(str, str)  # file, message


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__


class _ExportJob(QRunnable):
    """Collects the episodes under ``source`` and writes a text format to ``out``."""

    def __init__(
        self, source: Path, out: Path, fmt: str, options: ExportOptions, signals: _Signals
    ) -> None:
        super().__init__()
        self.source, self.out, self.fmt, self.options = source, out, fmt, options
        self.signals = signals

    def run(self) -> None:
        from reader.core.export import collect, export_text
        from reader.core.sidecar import atomic_write

        try:
            _root, episodes = collect(self.source, include_private=self.options.include_private)
            count = sum(len(ep.annotations) + len(ep.orphans) for ep in episodes)
            result = ExportResult(self.out, self.fmt, count, len(episodes))
            if self.fmt == "pdf":
                result.episodes = episodes  # rendered on the GUI thread
            else:
                text = export_text(self.fmt, episodes, self.options)
                atomic_write(self.out, text.encode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - reported to the user, never raised into Qt
            log.warning("export to %s failed", self.out, exc_info=True)
            self.signals.export_failed.emit(str(self.out), _error_text(exc))
            return
        self.signals.exported.emit(result, self.options)


def _counts(path: Path) -> AnnotationCounts:
    """The episode list's counts for ``path`` as its sidecar now stands."""
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    store = AnnotationStore.open(load_transcript(path), read_only=True)
    return AnnotationCounts(
        live=sum(1 for a in store.annotations if a.status != "orphaned"),
        orphans=len(store.orphans),
        moved=sum(1 for a in store.annotations if a.status == "moved"),
        problems=tuple(store.errors),
        tags=frozenset(t for a in store.annotations for t in a.tags),
    )


class _ImportJob(QRunnable):
    """Imports ``file`` into the library at ``root`` and recounts the transcripts it changed."""

    def __init__(self, file: Path, root: Path, signals: _Signals) -> None:
        super().__init__()
        self.file, self.root, self.signals = file, root, signals

    def run(self) -> None:
        from reader.core.importer import ImportInputError, import_annotations

        try:
            report = import_annotations(self.file, root=self.root)
        except ImportInputError as exc:
            self.signals.import_failed.emit(str(self.file), str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported to the user, never raised into Qt
            log.warning("import of %s failed", self.file, exc_info=True)
            self.signals.import_failed.emit(str(self.file), _error_text(exc))
            return
        counts: dict[str, AnnotationCounts] = {}
        for rel in report.per_file:
            path = self.root / rel
            try:
                counts[str(path)] = _counts(path)
            except Exception:  # noqa: BLE001 - a count is a nicety; the import is done
                log.warning("cannot recount %s", path, exc_info=True)
        self.signals.imported.emit(str(self.file), report, counts)


# --- the controller -----------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Exporter(QObject):
    """Runs exports and imports for ``window`` and reports on them in its status bar."""

    #: An export finished: the file written (tests and the status bar listen).
    exportFinished = Signal(str)
    #: An export or import could not be done: the message shown.
    failed = Signal(str)
    #: An import finished: the report.
    importFinished = Signal(object)

    def __init__(self, window: MainWindow, prefs: ExportPrefs) -> None:
        super().__init__(window)
        self.window = window
        self.prefs = prefs
        self.dialog: ExportDialog | None = None
        self.report_dialog: ReportDialog | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one at a time, in the order asked
        self._signals = _Signals(self)
        self._signals.exported.connect(self._on_exported)
        self._signals.export_failed.connect(self._on_export_failed)
        self._signals.imported.connect(self._on_imported)
        self._signals.import_failed.connect(self._on_import_failed)
        self._running = 0

    def is_busy(self) -> bool:
        """Whether an export or an import is still running."""
        return self._running > 0

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Wait for the running job (the window is closing)."""
        self._pool.waitForDone(timeout_ms)

    # Export ------------------------------------------------------------------------------------

    def open_dialog(self) -> ExportDialog | None:
        """Show the export dialog (None when no library is open)."""
        window = self.window
        if window.library is None:
            window.show_message("Open a folder of transcripts before exporting.")
            return None
        title = window.transcript.meta.title if window.transcript is not None else None
        dialog = ExportDialog(self.prefs, title, window.library.name, window)
        dialog.accepted.connect(lambda: self._dialog_accepted(dialog.choice()))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        open_dialog(dialog)
        return dialog

    def _dialog_accepted(self, choice: ExportChoice) -> None:
        self.prefs.format = choice.fmt
        self.prefs.scope = choice.scope
        self.prefs.bom = choice.bom if choice.fmt == "csv" else self.prefs.bom
        if FORMAT_INFO[choice.fmt].cites:
            self.prefs.style = choice.style
            self.prefs.series = choice.series
        # Ask for the file once the dialog has closed.
        QTimer.singleShot(0, self, lambda: self._ask_file(choice))

    def _source(self, scope: str) -> Path | None:
        window = self.window
        if scope == "episode" and window.transcript is not None:
            return Path(window.transcript.path)
        return window.library

    def _ask_file(self, choice: ExportChoice) -> None:
        source = self._source(choice.scope)
        if source is None:
            return
        info = FORMAT_INFO[choice.fmt]
        folder = Path(self.prefs.folder) if self.prefs.folder else source.parent
        if not folder.is_dir():
            folder = Path.home()
        stem = source.stem if source.is_file() else source.name
        name = f"{stem}{'' if choice.fmt == 'txt' else '-annotations'}{info.suffix}"
        path, _filter = QFileDialog.getSaveFileName(
            self.window,
            "Export Annotations",
            str(folder / name),
            f"{info.name} (*{info.suffix});;All files (*)",
        )
        if not path:
            return
        out = Path(path)
        if not out.suffix:
            out = out.with_suffix(info.suffix)
        self.prefs.folder = str(out.parent)
        self.export(source, out, choice)

    def export(self, source: Path, out: Path, choice: ExportChoice) -> None:
        """Export ``source`` (a transcript or a folder) to ``out`` in the background."""
        from reader.core.export import ExportOptions  # the export machinery, when first used

        options = ExportOptions(
            include_private=choice.include_private,
            style=choice.style,
            series=choice.series or None,
            bom=choice.bom,
        )
        self._running += 1
        self.window.show_message(f"Exporting to {out.name}…")
        self._pool.start(_ExportJob(source, out, choice.fmt, options, self._signals))

    def _on_exported(self, result: ExportResult, options: ExportOptions) -> None:
        if result.fmt == "pdf":
            from reader.export_pdf import write_pdf

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                write_pdf(result.out, result.episodes, options)
            except Exception as exc:  # noqa: BLE001 - reported to the user, never raised into Qt
                log.warning("PDF export to %s failed", result.out, exc_info=True)
                self._on_export_failed(str(result.out), _error_text(exc))
                return
            finally:
                QApplication.restoreOverrideCursor()
        self._running -= 1
        if FORMAT_INFO[result.fmt].annotations:
            what = _plural(result.annotations, "annotation")
        else:
            what = f"the text of {_plural(result.transcripts, 'transcript')}"
        self.window.show_message(f"Exported {what} to {result.out}")
        self.exportFinished.emit(str(result.out))

    def _on_export_failed(self, file: str, message: str) -> None:
        self._running -= 1
        text = f"Could not export to {file}: {message}"
        self.window.show_message(text)
        self._report("Export failed", text, [])
        self.failed.emit(text)

    # Import ------------------------------------------------------------------------------------

    def choose_import(self) -> None:
        """Ask for a W3C JSON-LD file and import it into the open library."""
        window = self.window
        if window.library is None:
            window.show_message("Open a folder of transcripts before importing annotations.")
            return
        folder = self.prefs.folder or str(window.library)
        path, _filter = QFileDialog.getOpenFileName(
            window, "Import Annotations", folder, IMPORT_FILTER
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, file: Path) -> None:
        """Import ``file`` into the open library in the background."""
        if self.window.library is None:
            return
        self._running += 1
        self.window.show_message(f"Importing {file.name}…")
        self._pool.start(_ImportJob(file, self.window.library, self._signals))

    def _on_imported(self, file: str, report: ImportReport, counts: dict) -> None:
        self._running -= 1
        window = self.window
        current = str(window.transcript.path) if window.transcript is not None else None
        for path, value in counts.items():
            if path != current:
                window.episodes.model.set_count(path, value)
        if current is not None and current in counts:
            self._reload_current()
        summary = f"Imported from {Path(file).name}: {report.summary()}"
        window.show_message(summary)
        if report.problems:
            self._report("Import finished", summary, report.problems)
        self.importFinished.emit(report)

    def _reload_current(self) -> None:
        """Show the annotations the import added to the open episode."""
        window = self.window
        model = getattr(window, "model", None)
        if model is not None and hasattr(model, "reload"):
            model.reload()
        elif hasattr(window, "reload_episode"):
            window.reload_episode()
        elif window.transcript is not None:
            path = str(window.transcript.path)
            window.transcript = None
            window.open_episode(path)

    def _on_import_failed(self, file: str, message: str) -> None:
        self._running -= 1
        text = f"Could not import {Path(file).name}: {message}"
        self.window.show_message(text)
        self._report("Import failed", text, [])
        self.failed.emit(text)

    def _report(self, title: str, summary: str, details: list[str]) -> None:
        dialog = ReportDialog(title, summary, details, self.window)
        dialog.finished.connect(lambda _r: setattr(self, "report_dialog", None))
        self.report_dialog = dialog
        open_dialog(dialog)
