"""GUI measurements, each run in its own process (QT_QPA_PLATFORM=offscreen) by run.py.

``python -m tests.benchmarks.gui_probe MODE [ARGS]`` prints one JSON object on its last line.
Modes: ``start-ours``/``start-bare`` (seconds from process start to the window shown),
``library-ours``/``library-ours-cached``/``library-bare`` (resident memory with a library open,
GUI stalls while it loads), ``open-ours``/``open-bare`` (show a transcript with its highlights).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _process_start() -> float:
    """The wall-clock time this process was started (from /proc, so imports are included)."""
    with open("/proc/self/stat", encoding="ascii") as fh:
        start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime", encoding="ascii") as fh:
        uptime = float(fh.read().split()[0])
    return time.time() - uptime + start_ticks / os.sysconf("SC_CLK_TCK")


def bare_window():
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QListView, QMainWindow, QSplitter, QTextEdit

    win = QMainWindow()
    split = QSplitter(Qt.Orientation.Horizontal)
    for w in (QListView(), QTextEdit(), QListView()):
        split.addWidget(w)
    win.setCentralWidget(split)
    win.resize(1280, 800)
    return win


def ours_window(home: str):
    from reader.app import application
    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    application(offscreen=True)
    win = MainWindow(Settings(Path(home) / "settings.ini"), interactive=False)
    win.resize(1280, 800)
    return win


def start(mode: str) -> dict:
    t0 = time.perf_counter()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as home:
        os.environ["TRANSCRIPT_READER_HOME"] = home
        if mode == "start-bare":
            app = QApplication.instance() or QApplication(sys.argv[:1])
            win = bare_window()
        else:
            win = ours_window(home)
            app = QApplication.instance()
        shown: dict = {}

        def on_shown() -> None:
            shown["t"] = time.perf_counter()
            app.quit()

        win.show()
        if mode == "start-ours":
            from reader.core.paths import sample_library

            win.open_path(sample_library())  # what run_gui does right after show()
        QTimer.singleShot(0, on_shown)
        app.exec()
        wall = time.time() - _process_start()
        in_process = shown["t"] - t0
        if mode == "start-ours":
            win.loader.shutdown()
        shown_epoch = time.time() - (time.perf_counter() - shown["t"])
        return {
            "seconds": wall - (time.perf_counter() - shown["t"]),
            "in_process": in_process,
            "shown_epoch": shown_epoch,
        }


def library(mode: str, root: str) -> dict:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as home:
        os.environ["TRANSCRIPT_READER_HOME"] = os.environ.get("BENCH_HOME") or home
        if mode == "library-bare":
            app = QApplication.instance() or QApplication(sys.argv[:1])
            win = bare_window()
            win.show()
            app.processEvents()
            return {"rss_mb": _rss_mb()}
        if mode == "library-ours-cached":  # the proposed wiring, patched in for the measurement
            from reader.core import library as lib
            from reader.core.metacache import load_library_cached

            lib.load_library = lambda r, progress=None: load_library_cached(r, progress)
        win = ours_window(home)
        app = QApplication.instance()
        win.show()
        app.processEvents()
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        def tick() -> None:
            now = clock.nsecsElapsed()
            gaps.append((now - last[0]) / 1e6)
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        listed: dict = {}
        win.loader.episodesLoaded.connect(lambda metas: listed.setdefault("t", clock.elapsed()))
        timer.start()
        t0 = clock.elapsed()
        win.open_path(Path(root))
        win.loader.wait_until_idle(timeout_ms=900_000)
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)  # let queued work (the list, the first episode) finish
        loop.exec()
        timer.stop()
        win.loader.shutdown()
        rows = win.episodes.model.rowCount()
        return {
            "rss_mb": _rss_mb(),
            "max_gap_ms": max(gaps) - 10 if gaps else None,
            "gaps_over_100ms": sum(1 for g in gaps if g - 10 > 100),
            "list_seconds": (listed.get("t", clock.elapsed()) - t0) / 1000,
            "total_seconds": (clock.elapsed() - t0) / 1000 - 0.3,
            "rows": rows,
        }


def open_transcript(mode: str, path: str, runs: int) -> dict:
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
    from PySide6.QtWidgets import QApplication, QTextEdit

    app = QApplication.instance() or QApplication(sys.argv[:1])
    times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        os.environ["TRANSCRIPT_READER_HOME"] = home
        from reader.core.store import AnnotationStore
        from reader.core.transcript import load_transcript

        spans = [
            (a.start, a.end) for a in AnnotationStore.open(load_transcript(Path(path))).annotations
        ]
        if mode == "open-ours":
            from reader.ui.transcript_view import TranscriptView

            widget = TranscriptView()
        else:
            widget = QTextEdit()
        widget.resize(800, 700)
        widget.show()
        app.processEvents()
        for _ in range(runs + 1):  # the first is the warm-up
            t0 = time.perf_counter()
            if mode == "open-ours":
                transcript = load_transcript(Path(path))
                store = AnnotationStore.open(transcript)
                widget.set_transcript(transcript, store.annotations)
            else:
                text = Path(path).read_text("utf-8")
                widget.setPlainText(text)
                fmt = QTextCharFormat()
                fmt.setBackground(QColor("#fff3a0"))
                cursor = QTextCursor(widget.document())
                for s, e in spans:
                    cursor.setPosition(s)
                    cursor.setPosition(e, QTextCursor.MoveMode.KeepAnchor)
                    cursor.mergeCharFormat(fmt)
            widget.repaint()  # highlights painted (synchronously)
            times.append(time.perf_counter() - t0)
            widget.set_transcript(None) if mode == "open-ours" else widget.clear()
            app.processEvents()
    times = times[1:]
    times.sort()
    return {"seconds": times[len(times) // 2], "runs": len(times), "annotations": len(spans)}


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode.startswith("start-"):
        out = start(mode)
    elif mode.startswith("library-"):
        out = library(mode, argv[1] if len(argv) > 1 else "")
    else:
        out = open_transcript(mode, argv[1], int(argv[2]) if len(argv) > 2 else 3)
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown (not measured)


if __name__ == "__main__":
    main(sys.argv[1:])
