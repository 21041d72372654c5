"""Starting the window: the QApplication, the library to open, and the screenshot mode.

`run_gui` is what the CLI calls when no subcommand is given. With ``screenshot`` it renders the
window offscreen (fresh settings, the first episode open with its annotations in view), writes a
PNG and returns, so README images and visual checks need no display.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from reader import APP_ID, APP_NAME, __version__
from reader.core.paths import sample_library, user_sample_library

DEFAULT_SCREENSHOT_SIZE = (1280, 800)


def application(*, offscreen: bool = False) -> QApplication:
    """The QApplication (created once), named after the program."""
    app = QApplication.instance()
    if app is None:
        if offscreen:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Transcript Reader")
    app.setOrganizationDomain("transcriptreader.org")
    app.setDesktopFileName(APP_ID)
    return app


def resolve_library(path: str | None, last_library: str) -> Path:
    """PATH if given (a folder, or a file whose folder is opened); else the last library if it
    still exists; else a writable copy of the bundled sample library (the bundled one may sit in
    a read-only install, and practising highlights on it must save)."""
    if path:
        return Path(path).expanduser()
    if last_library and Path(last_library).is_dir():
        return Path(last_library)
    return user_sample_library()


def freeze_support() -> None:
    """In the frozen bundle, let a worker process of the search index's pool run its task.

    The pool starts its processes from the bundle's executable (there is no separate Python), and
    `multiprocessing.freeze_support` makes such a process run its task and exit instead of
    starting the program. Nothing to do (and nothing imported) when not frozen. It must run
    before the command line is parsed: the worker's arguments are not the program's.
    """
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()


def run_gui(
    path: str | None,
    *,
    screenshot: str | None = None,
    size: tuple[int, int] | None = None,
    theme: str | None = None,
) -> int:
    """Show the main window on ``path`` (or render it to ``screenshot`` and return)."""
    freeze_support()
    app = application(offscreen=screenshot is not None)
    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    if screenshot is not None:
        return _screenshot(app, path, Path(screenshot), size or DEFAULT_SCREENSHOT_SIZE, theme)

    settings = Settings()
    if theme:
        settings.set_value("appearance/theme", theme)
    library = resolve_library(path, settings.value("library/last"))
    if path and not library.exists():
        print(f"{library}: no such file or folder", file=sys.stderr)
        return 2
    window = MainWindow(settings)
    window.show()
    # The window paints first; the library loads from the next event-loop turn (in the
    # background, the cached list at once).
    QTimer.singleShot(0, window, lambda: window.open_path(library))
    return app.exec()


def _screenshot(
    app: QApplication, path: str | None, out: Path, size: tuple[int, int], theme: str | None
) -> int:
    import tempfile

    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    with tempfile.TemporaryDirectory(prefix="transcript-reader-shot-") as tmp:
        settings = Settings(Path(tmp) / "settings.ini")  # never the user's own preferences
        settings.set_value("appearance/theme", theme or "light")
        settings.set_value("author/name", "Reader")
        # No PATH: the bundled sample as it is (a screenshot writes nothing to the user's folders).
        library = resolve_library(path, "") if path else sample_library()
        if not library.exists():
            print(f"{library}: no such file or folder", file=sys.stderr)
            return 2
        window = MainWindow(settings, interactive=False)
        window.resize(*size)
        window.reset_pane_sizes()
        window.show()
        window.open_path(library)
        window.loader.wait_until_idle()
        _settle(app, 0)  # the first episode is opened on the turn after the list arrives
        window.episode_loader.wait_until_idle()
        _settle(app)
        window.show_annotations_in_view()
        _settle(app)
        image = window.grab().toImage()
        window.close()
        out.parent.mkdir(parents=True, exist_ok=True)
        # The stubs want the format as bytes; PySide6 6.11 itself accepts only str here.
        if image.isNull() or not image.save(str(out), "PNG"):  # type: ignore[call-overload]
            print(f"{out}: could not write the screenshot", file=sys.stderr)
            return 1
    print(f"{out}: {image.width()}×{image.height()}")
    return 0


def _settle(app: QApplication, ms: int = 150) -> None:
    """Let queued signals, layouts and paints run."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    QCoreApplication.sendPostedEvents()
    app.processEvents()
