"""GUI measurements, each run in its own process (QT_QPA_PLATFORM=offscreen) by run.py.

``python -m tests.benchmarks.gui_probe MODE [ARGS]`` prints one JSON object on its last line.
Modes: ``start-ours``/``start-bare`` (seconds from process start to the window shown),
``library-ours``/``library-bare`` (resident memory with a library open, GUI stalls while it loads;
the program's folders go to ``$BENCH_HOME`` when set, so a second run there is a warm open),
``open-ours``/``open-bare`` (show a transcript with its highlights, the view alone),
``window-open`` (the whole window opens one transcript file: time until it is shown with its
highlights painted, GUI stalls meanwhile).

A long transcript (over ``TranscriptView.PROGRESSIVE_CHARS`` UTF-16 units) is built progressively:
its top is shown first and the rest is formatted between the event loop's turns. For such a
transcript "highlights painted" means all of them: the open-ours and window-open figures wait for
``TranscriptView.buildFinished`` (the time to the top shown is reported as ``first_seconds``).

GUI stalls are measured with a timer probe: a 10 ms QTimer on the GUI thread records the time
between its ticks; a tick late by more than 100 ms is a stall the user would feel.
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
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as home:
        os.environ["TRANSCRIPT_READER_HOME"] = os.environ.get("BENCH_HOME") or home
        if mode == "library-bare":
            app = QApplication.instance() or QApplication(sys.argv[:1])
            win = bare_window()
            win.show()
            app.processEvents()
            return {"rss_mb": _rss_mb()}
        # "library-ours-cached" is an old name of the same mode: the window itself now loads
        # through the metadata cache (a warm open is a second run with the same $BENCH_HOME).
        win = ours_window(home)
        app = QApplication.instance()
        win.show()
        app.processEvents()
        probe = StallProbe()
        listed: dict = {}

        def on_list(metas: object) -> None:
            if "t" not in listed:
                listed["t"] = probe.clock.elapsed()
                listed["from_cache"] = win.loader.from_cache
            listed["n"] = listed.get("n", 0) + 1
            if listed["n"] == 2 and win.loader.partial:  # the first speakers completed
                listed["interim"] = probe.clock.elapsed()
            if "complete" not in listed and not win.loader.partial:
                listed["complete"] = probe.clock.elapsed()  # with the speakers of the turns

        win.loader.episodesLoaded.connect(on_list)
        probe.start()
        t0 = probe.clock.elapsed()
        win.open_path(Path(root))
        win.loader.wait_until_idle(timeout_ms=900_000)
        _settle(app)
        probe.stop()
        win.loader.shutdown()
        win.episode_loader.shutdown()
        rows = win.episodes.model.rowCount()
        return {
            "rss_mb": _rss_mb(),
            **probe.result(),
            "list_seconds": (listed.get("t", probe.clock.elapsed()) - t0) / 1000,
            "listed_from_cache": listed.get("from_cache"),
            "complete_seconds": (listed.get("complete", probe.clock.elapsed()) - t0) / 1000,
            "interim_seconds": (listed["interim"] - t0) / 1000 if "interim" in listed else None,
            "total_seconds": (probe.clock.elapsed() - t0) / 1000 - SETTLE_MS / 1000,
            "rows": rows,
        }


#: After a load, the probe keeps the event loop running this long (queued work finishes).
SETTLE_MS = 300


def _settle(app) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(SETTLE_MS, loop.quit)  # let queued work (the list, the first episode) finish
    loop.exec()


class StallProbe:
    """A 10 ms timer on the GUI thread; the longest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.clock = QElapsedTimer()
        self.clock.start()
        self.gaps: list[float] = []
        self.ends: list[float] = []  # when each gap ended (seconds on `clock`)
        self._last = self.clock.nsecsElapsed()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps.append((now - self._last) / 1e6)
        self.ends.append(now / 1e9)
        self._last = now

    def start(self) -> None:
        self._last = self.clock.nsecsElapsed()
        self.t0 = self._last / 1e9
        self.timer.start()

    def stop(self) -> None:
        self._tick()  # a stall still running at the end counts too
        self.timer.stop()

    def max_gap_between(self, start_s: float, end_s: float) -> float | None:
        """The longest stall (ms over the 10 ms interval) overlapping [start_s, end_s] (seconds
        on `clock`)."""
        over = [
            g - 10
            for g, end in zip(self.gaps, self.ends, strict=False)
            if end >= start_s and end - g / 1000 <= end_s
        ]
        return max(over) if over else None

    def result(self) -> dict:
        over = [g - 10 for g in self.gaps]
        return {
            "max_gap_ms": max(over) if over else None,
            "gaps_over_100ms": sum(1 for g in over if g > 100),
            # (seconds after the start when the stall began, its length in ms)
            "stalls": [
                (round(end - g / 1000 - self.t0, 3), round(g, 1))
                for g, end in zip(over, self.ends, strict=False)
                if g > 100
            ],
        }


def window_open(path: str) -> dict:
    """The window opens ``path`` (its folder as the library, the file shown), as from the
    command line: time until the transcript is shown with all its highlights painted (for a long
    transcript, until its progressive build is finished), and the GUI thread's longest stall from
    the call until everything in the background is done."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as home:
        os.environ["TRANSCRIPT_READER_HOME"] = home
        win = ours_window(home)
        app = QApplication.instance()
        win.show()
        app.processEvents()
        probe = StallProbe()
        shown: dict = {}

        # The repaints that tell "painted" run in an event of their own, as the window's own
        # paint would (Qt paints after the handler returns): inside the window's handler they
        # would add the paint to the handler's stall.
        def painted_built() -> None:
            if "first" not in shown:  # the top's paint is still to come: after it
                QTimer.singleShot(0, painted_built)
                return
            win.view.repaint()  # every highlight painted (synchronously)
            shown["t"] = probe.clock.elapsed()

        def on_built() -> None:
            if "progressive" in shown and "t" not in shown:
                QTimer.singleShot(0, painted_built)

        def painted_first() -> None:
            win.view.repaint()  # the top shown with its highlights (synchronously)
            shown["first"] = probe.clock.elapsed()
            if not shown["progressive"]:
                shown["t"] = shown["first"]

        def on_opened(opened: object) -> None:  # connected after the window's own slot
            if "progressive" not in shown:
                shown["progressive"] = win.view.is_building()
                QTimer.singleShot(0, painted_first)

        win.view.buildFinished.connect(on_built)
        win.episode_loader.opened.connect(on_opened)
        probe.start()
        t0 = probe.clock.elapsed()
        win.open_path(Path(path))
        loop = QEventLoop()
        check = QTimer()
        check.setInterval(50)

        def done_yet() -> None:
            busy = win.loader.is_loading() or win.episode_loader.is_busy() or win.view.is_building()
            if ("t" in shown and not busy) or probe.clock.elapsed() - t0 > 600_000:
                loop.quit()

        check.timeout.connect(done_yet)
        check.start()
        loop.exec()
        check.stop()
        _settle(app)
        probe.stop()
        painted = len(win.view.painted_annotation_ids())
        still_building = win.view.is_building()
        win.loader.shutdown()
        win.episode_loader.shutdown()
        first = shown.get("first", probe.clock.elapsed())
        built = shown.get("t", probe.clock.elapsed())
        return {
            "rss_mb": _rss_mb(),
            **probe.result(),
            # the longest stall from the first slice shown to the build finished
            "max_gap_build_ms": probe.max_gap_between(first / 1000, built / 1000),
            "first_seconds": (first - t0) / 1000,
            "shown_seconds": (built - t0) / 1000,
            "progressive": shown.get("progressive"),
            "still_building": still_building,
            "total_seconds": (probe.clock.elapsed() - t0) / 1000 - SETTLE_MS / 1000,
            "painted": painted,
            "chars": len(win.view.document_text()),
        }


def open_transcript(mode: str, path: str, runs: int) -> dict:
    """Show ``path`` with its highlights in the view alone, ``runs`` times after a warm-up; the
    median time until every highlight is painted. A progressive build (open-ours, a long
    transcript) is waited for through ``buildFinished`` with the event loop running, as in the
    window; ``first_seconds`` is then the time to the top shown and ``max_gap_ms`` the longest
    GUI stall over the whole open (the worst run)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
    from PySide6.QtWidgets import QApplication, QTextEdit

    app = QApplication.instance() or QApplication(sys.argv[:1])
    times: list[float] = []
    firsts: list[float] = []
    gaps: list[float] = []
    progressive = False
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
            probe = StallProbe()
            probe.start()
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
            widget.repaint()  # highlights painted (synchronously); the top only when progressive
            firsts.append(time.perf_counter() - t0)
            if mode == "open-ours" and widget.is_building():
                progressive = True
                loop = QEventLoop()
                widget.buildFinished.connect(loop.quit)
                guard = QTimer()
                guard.setSingleShot(True)
                guard.timeout.connect(loop.quit)
                guard.start(600_000)
                if widget.is_building():
                    loop.exec()
                widget.buildFinished.disconnect(loop.quit)
                guard.stop()
                widget.repaint()  # every highlight painted
            times.append(time.perf_counter() - t0)
            probe.stop()
            gaps.append(probe.result()["max_gap_ms"] or 0.0)
            widget.set_transcript(None) if mode == "open-ours" else widget.clear()
            app.processEvents()
    times, firsts, gaps = sorted(times[1:]), sorted(firsts[1:]), gaps[1:]
    return {
        "seconds": times[len(times) // 2],
        "first_seconds": firsts[len(firsts) // 2],
        "max_gap_ms": max(gaps),
        "progressive": progressive,
        "runs": len(times),
        "annotations": len(spans),
    }


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode.startswith("start-"):
        out = start(mode)
    elif mode.startswith("library-"):
        out = library(mode, argv[1] if len(argv) > 1 else "")
    elif mode == "window-open":
        out = window_open(argv[1])
    else:
        out = open_transcript(mode, argv[1], int(argv[2]) if len(argv) > 2 else 3)
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown (not measured)


if __name__ == "__main__":
    main(sys.argv[1:])
