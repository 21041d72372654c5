"""Run the benchmark suite and print the table (figure, ours, baseline, ratio, target, pass/fail).

    .venv/bin/python -m tests.benchmarks.run [--sizes 100,1000,10000] [--quick]
        [--only library,index,long,window,scale] [--markdown FILE]

Libraries are generated from the corpus's statistics (tests/benchmarks/generate.py) into the
system temp folder once and reused. Every figure is compared with a baseline measured in the same
run on the same data; each is the median of several runs after a warm-up (fewer runs for the
slow 10k figures: see the "runs" column). GUI figures run in subprocesses (QT_QPA_PLATFORM=
offscreen). The program's own cache and settings go to a fresh temporary TRANSCRIPT_READER_HOME.

The scale rows are opt-in (slow, no targets): a library size above 10,000 in ``--sizes`` (e.g.
``--sizes 100,1000,10000,50000``) or ``scale`` in ``--only`` (50,000 episodes by default) adds
the window's cold and warm open of that library (time to the list shown, longest GUI stall,
memory) and the opening of a ≈2 MB transcript with 2,000 annotations. Sizes above 10,000 are only
used by the scale rows (no index build or library figures at 50,000).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks import generate

ROOT = generate.ROOT
#: Library sizes above this one are "scale" sizes: only the opt-in scale rows use them.
STANDARD_MAX = 10_000
GROUPS = ("library", "index", "long", "window", "scale")
QUERIES = [
    "welfare",
    "social work",
    "lightning",
    "accessibility",
    "vulnerability",
    "mental health",
    "children",
    "privacy",
]


@dataclass
class Row:
    figure: str
    ours: float | None
    baseline: float | None
    target: str
    ok: bool | None
    unit: str = "s"
    runs: int = 0
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


def median_time(
    fn: Callable[[], object],
    runs: int,
    setup: Callable[[], object] | None = None,
    warmup: bool = True,
) -> float:
    if warmup:
        if setup:
            setup()
        fn()
    times = []
    for _ in range(runs):
        if setup:
            setup()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def scandir_stat(root: Path) -> int:
    n = 0
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                if e.is_dir():
                    stack.append(e.path)
                else:
                    e.stat()
                    n += 1
    return n


def gui(mode: str, *args: str, env: dict | None = None, timeout: float = 1800) -> dict:
    """Run a `gui_probe` mode in a new process; ``env`` adds variables (a value of None removes
    one). Returns the probe's JSON result."""
    e = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for key, value in (env or {}).items():
        if value is None:
            e.pop(key, None)
        else:
            e[key] = value
    before = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.gui_probe", mode, *args],
        cwd=ROOT,
        env=e,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} failed: {out.stderr[-2000:]}")
    result = json.loads(lines[-1])
    if "shown_epoch" in result:
        result["from_spawn"] = result["shown_epoch"] - before
    return result


# --- library figures ----------------------------------------------------------------------------


#: `--drop-caches`: also measure the cold open with the page cache dropped (needs root).
DROP_CACHES = False


def drop_page_cache() -> None:
    """Drop the kernel's page cache (clean pages only), as after a restart: root only."""
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w", encoding="ascii") as fh:
        fh.write("1")


def page_cache_row(
    size: int, root: Path, base: Callable[[], object], ours: Callable[[], object]
) -> Row:
    """The cold open with the library's files out of the page cache (the first open after a
    restart): the baseline and ours once each, the cache dropped before each."""
    from reader.core.metacache import clear_cache

    drop_page_cache()
    t0 = time.perf_counter()
    base()
    base_t = time.perf_counter() - t0
    clear_cache(root)
    drop_page_cache()
    t0 = time.perf_counter()
    ours()
    ours_t = time.perf_counter() - t0
    return Row(
        f"cold library open, {size}, files not in the page cache (first open after a restart)",
        ours_t,
        base_t,
        "≤ 1.0×",
        ours_t <= base_t,
        runs=1,
        note="--drop-caches: the kernel's page cache dropped before each; ours: the list, as above",
    )


def library_rows(size: int, runs: int) -> list[Row]:
    import frontmatter

    from reader.core.library import iter_transcript_paths, load_library
    from reader.core.metacache import QUICK_FROM, cached_snapshot, clear_cache, load_library_cached

    root = generate.library(size)
    slow = size >= 10_000
    cold_runs = 3 if slow else runs
    rows: list[Row] = []

    def fm_loop() -> None:
        for p in iter_transcript_paths(root):
            frontmatter.load(p)

    def ours_loop() -> None:
        # as the window's loader does: the list (quickly, without the turns' speakers, from
        # QUICK_FROM files to read), then, if it is partial, the list completed
        clear_cache(root)
        t0 = time.perf_counter()
        listed = load_library_cached(root, partial_from=QUICK_FROM)
        ours_times.append(time.perf_counter() - t0)
        if any(m.partial for m in listed):
            load_library_cached(root, reuse=listed)
            complete_times.append(time.perf_counter() - t0)

    # alternated, after one uncounted run of each, so a change in the machine's load falls on both
    fm_loop()
    ours_times: list[float] = []
    complete_times: list[float] = []
    ours_loop()
    ours_times.clear()
    complete_times.clear()
    base_times = []
    for _ in range(cold_runs):
        t0 = time.perf_counter()
        fm_loop()
        base_times.append(time.perf_counter() - t0)
        ours_loop()
    base_cold, ours_cold = statistics.median(base_times), statistics.median(ours_times)
    plain = median_time(lambda: load_library(root), 1, warmup=False)
    note = f"load_library without cache: {plain:.2f} s"
    if complete_times:

        def at_once() -> None:
            clear_cache(root)
            load_library_cached(root)

        whole = median_time(at_once, 1, warmup=False)
        note = (
            f"list without the turns' speakers (from {QUICK_FROM} files); complete after "
            f"{statistics.median(complete_times):.2f} s; read in full at once: {whole:.2f} s; "
            + note
        )
    rows.append(
        Row(
            f"cold library open, {size} (metadata of every file)",
            ours_cold,
            base_cold,
            "≤ 1.0×",
            ours_cold <= base_cold,
            runs=cold_runs,
            note=note,
        )
    )
    if DROP_CACHES and slow:
        rows.append(
            page_cache_row(
                size, root, fm_loop, lambda: load_library_cached(root, partial_from=QUICK_FROM)
            )
        )
    load_library_cached(root)  # the cache is warm
    base_warm = median_time(lambda: scandir_stat(root), runs)
    ours_snap = median_time(lambda: cached_snapshot(root), runs)
    # the window's refresh: after the cached list is shown, with that list to reuse (an unchanged
    # file keeps its object, so its row is not decoded again)
    shown = cached_snapshot(root)
    ours_warm = median_time(lambda: load_library_cached(root, reuse=shown), runs)
    n = len(shown)
    rows.append(
        Row(
            f"warm library open, {size} (list populated from cache)",
            ours_snap,
            base_warm,
            "≤ 4×",
            ours_snap <= 4 * base_warm,
            runs=runs,
            note=f"cached_snapshot, {n} episodes, no stat",
        )
    )
    rows.append(
        Row(
            f"warm library refresh, {size} (cache + stat of every file)",
            ours_warm,
            base_warm,
            "≤ 4×",
            ours_warm <= 4 * base_warm,
            runs=runs,
            note="load_library_cached on an unchanged folder, reusing the list shown (as the "
            "window does)",
        )
    )
    return rows


def index_rows(size: int, runs: int) -> list[Row]:
    from reader.core.search import Index
    from reader.core.search_store import TOKENIZER

    root = generate.library(size)
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    build_runs = 1 if size >= 10_000 else max(1, runs // 2)
    try:

        def bare() -> None:
            db_path = tmp / "bare.sqlite3"
            if db_path.exists():
                db_path.unlink()
            con = sqlite3.connect(db_path)
            con.execute(f"CREATE VIRTUAL TABLE fts USING fts5 (body, tokenize='{TOKENIZER}')")
            with con:
                for dirpath, dirnames, files in os.walk(root):
                    dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                    for f in files:
                        if f.endswith(".md"):
                            body = Path(dirpath, f).read_text("utf-8")
                            con.execute("INSERT INTO fts (body) VALUES (?)", (body,))
            con.close()

        def ours() -> None:
            f = tmp / "ours.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{f}{suffix}").unlink(missing_ok=True)
            with Index(root, index_file=f) as index:
                index.update()

        base_t = median_time(bare, build_runs, warmup=size < 10_000)
        ours_t = median_time(ours, build_runs, warmup=size < 10_000)
        rows = [
            Row(
                f"full-text index build, {size}",
                ours_t,
                base_t,
                "≤ 1.5×",
                ours_t <= 1.5 * base_t,
                runs=build_runs,
            )
        ]
        # search: median over the queries of each query's median time
        index = Index(root, index_file=tmp / "ours.sqlite3")
        ours_q = []
        for q in QUERIES:
            ours_q.append(median_time(lambda q=q: index.search(q), runs))
        index.close()
        # and each query's first search in a new Index (nothing parsed or matched yet: the
        # episodes of the page are parsed then), median over the queries
        first_q = []
        for q in QUERIES:
            fresh = Index(root, index_file=tmp / "ours.sqlite3")
            fresh.search("zzzz-warm-the-connection")  # (opening the database is not the query)
            t0 = time.perf_counter()
            fresh.search(q)
            first_q.append(time.perf_counter() - t0)
            fresh.close()
        rg = shutil.which("rg")
        if rg is None:
            rows.append(
                Row(
                    f"search, {size}",
                    statistics.median(ours_q),
                    None,
                    "≤ 1/5",
                    None,
                    runs=runs,
                    note="ripgrep (rg) not installed: no baseline",
                )
            )
        else:
            base_q = []
            for q in QUERIES:
                cmd = [rg, "-il", "-F", q, str(root)]
                base_q.append(
                    median_time(lambda c=cmd: subprocess.run(c, capture_output=True), runs)
                )
            o, b = statistics.median(ours_q), statistics.median(base_q)
            f = statistics.median(first_q)
            rows.append(
                Row(
                    f"search, median of {len(QUERIES)} queries, {size}",
                    o,
                    b,
                    "≤ 1/5",
                    o <= b / 5,
                    runs=runs,
                    note="baseline: rg -il -F",
                )
            )
            rows.append(
                Row(
                    f"search, first time (the page's episodes parsed then), {size}",
                    f,
                    b,
                    "≤ 1/5",
                    f <= b / 5,
                    runs=1,
                    note="each query once in a new Index (its connection opened first); "
                    f"slowest {max(first_q) * 1000:.1f} ms",
                )
            )
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- one long transcript ----------------------------------------------------------------------


def long_rows(runs: int) -> list[Row]:
    from reader.core.anchoring import anchor_many
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    src = generate.long_transcript()
    rows = []
    ours = gui("open-ours", str(src), str(runs))
    base = gui("open-bare", str(src), str(runs))
    rows.append(
        Row(
            f"open the {src.stat().st_size // 1000} KB transcript with "
            f"{ours['annotations']} annotations, highlights painted",
            ours["seconds"],
            base["seconds"],
            "≤ 3×",
            ours["seconds"] <= 3 * base["seconds"],
            runs=runs,
            note="baseline: QTextEdit.setPlainText + char-format merges; "
            + (
                f"progressive build waited for (top shown after {fmt(ours['first_seconds'], 's')})"
                if ours.get("progressive")
                else "built in one go (under TranscriptView.PROGRESSIVE_CHARS)"
            ),
        )
    )

    transcript = load_transcript(src)
    anns = AnnotationStore.open(transcript).annotations
    text = transcript.text
    cut = text.index(" ", 400)
    edited = text[:cut] + " (and here, an editor added a sentence near the top)" + text[cut:]
    results: list = []
    t = median_time(lambda: results.append(anchor_many(edited, anns)), runs)
    found = sum(1 for a in results[-1] if a is not None)
    rows.append(
        Row(
            f"re-anchor {len(anns)} annotations after an edit near the top",
            t,
            None,
            "≤ 0.5 s",
            t <= 0.5,
            runs=runs,
            note=f"anchor_many: {found}/{len(anns)} found",
        )
    )

    tmp = Path(tempfile.mkdtemp(prefix="bench-save-"))
    try:
        copy = tmp / src.name
        shutil.copy2(src, copy)
        shutil.copy2(
            src.with_name(src.name + ".annotations.json"), tmp / (src.name + ".annotations.json")
        )
        store = AnnotationStore.open(load_transcript(copy))
        ids = [a.id for a in store.annotations]
        times = []
        for k in range(max(15, runs * 3) + 1):
            ann = store.get(ids[k * 97 % len(ids)])
            t0 = time.perf_counter()
            store.update(ann.touched(note=f"changed {k}"))
            times.append(time.perf_counter() - t0)
        t = statistics.median(times[1:])
        rows.append(
            Row(
                f"save after one change, {len(ids)} annotations",
                t,
                None,
                "≤ 30 ms median",
                t <= 0.030,
                runs=len(times) - 1,
                note="store.update (merge with disk, atomic write, fsync)",
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


# --- window --------------------------------------------------------------------------------------


def use_bytecode_cache(folder: str) -> None:
    """Make every program process of the run (the GUI probes and the worker processes) read and
    write its bytecode in ``folder``, as an installed program has it: pip compiles a package's
    modules when it installs it, a bundle ships them compiled, and any normal run writes the
    cache. Environments that set ``PYTHONDONTWRITEBYTECODE`` (some sandboxes and CI images)
    would otherwise compile every module from source at every start, and the GUI figures would
    measure the compiler. The package is compiled ahead; Python's and PySide6's modules are on
    their first import, in a start of each probe that is not counted."""
    os.environ["PYTHONPYCACHEPREFIX"] = folder
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "reader")],
        check=False,
        capture_output=True,
    )
    gui("start-ours")
    gui("start-bare")


def start_times(runs: int, bytecode: bool) -> tuple[float, float]:
    """Medians of ``runs`` starts of ours and of the bare window, alternated (so a change in the
    machine's load falls on both), after one start of each that is not counted.

    ``bytecode``: with the run's bytecode cache (`use_bytecode_cache`), as an installed program
    starts. Without: ``PYTHONDONTWRITEBYTECODE`` set and no prefix, so Python and PySide6 use
    the bytecode their installation compiled, and this checkout's modules are compiled from
    source at every start (unless ``__pycache__`` folders were left in it: `window_rows` says
    so); the bare window has none of its own to compile.
    """
    env: dict[str, str | None] = (
        {} if bytecode else {"PYTHONPYCACHEPREFIX": None, "PYTHONDONTWRITEBYTECODE": "1"}
    )
    gui("start-ours", env=env)
    gui("start-bare", env=env)
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        ours.append(gui("start-ours", env=env)["from_spawn"])
        bare.append(gui("start-bare", env=env)["from_spawn"])
    return statistics.median(ours), statistics.median(bare)


def window_rows(size: int, runs: int) -> list[Row]:
    rows = []
    note = "MainWindow + open_path(sample), to the first event-loop turn"
    if "PYTHONPYCACHEPREFIX" in os.environ:  # the run's bytecode cache (`use_bytecode_cache`)
        ours, bare = start_times(runs + 1, bytecode=True)
        cold_ours, cold_bare = start_times(max(3, runs // 2), bytecode=False)
        stale = " for this checkout's modules"
        if (ROOT / "reader" / "__pycache__").is_dir():
            stale = ", but this checkout has __pycache__ folders, which Python used"
        note += (
            f"; with a bytecode cache, as installed (without one{stale}: "
            f"{cold_ours * 1000:.0f} ms against {cold_bare * 1000:.0f} ms, "
            f"{cold_ours / cold_bare:.2f}×)"
        )
    else:
        ours, bare = start_times(runs + 1, bytecode=False)
        note += "; --no-bytecode-cache"
    rows.append(
        Row(
            "program start to window shown (offscreen)",
            ours,
            bare,
            "≤ 2.5×",
            ours <= 2.5 * bare,
            runs=runs + 1,
            note=note,
        )
    )
    return rows + library_window_rows(size, "≤ 3×", "none over 100 ms")


def library_window_rows(size: int, mem_target: str | None, stall_target: str | None) -> list[Row]:
    """The window opens the ``size`` library twice with the same program folders: cold (empty
    metadata cache, as after a fresh install), then warm (the cache the first open filled).
    Without targets (the scale rows) the rows are reported without pass/fail."""
    root = str(generate.library(size))
    bare_mem = gui("library-bare")["rss_mb"]
    home = tempfile.mkdtemp(prefix="bench-home-")
    rows = []
    try:
        for label in ("cold (empty metadata cache)", "warm (second open, cache filled)"):
            r = gui("library-ours", root, env={"BENCH_HOME": home})
            warm = label.startswith("warm")
            cache_note = ""
            if warm and not r.get("listed_from_cache"):
                cache_note = "; NOT listed from the cache (parser sources changed meanwhile?)"
            if r["complete_seconds"] > r["list_seconds"]:
                first = r.get("interim_seconds")
                filling = f", the first of them after {first:.2f} s" if first else ""
                cache_note += (
                    f"; without the turns' speakers, completed (newest first{filling}) after "
                    f"{r['complete_seconds']:.2f} s"
                )
            rows.append(
                Row(
                    f"window opens the {size} library, {label}: list shown",
                    r["list_seconds"],
                    None,
                    "– (no target)",
                    None,
                    runs=1,
                    note=f"open_path to the first list delivered ({r['rows']} rows); "
                    f"loader idle after {r['total_seconds']:.2f} s{cache_note}",
                )
            )
            rows.append(
                Row(
                    f"resident memory with the {size} library open, {label}",
                    r["rss_mb"],
                    bare_mem,
                    mem_target or "– (no target)",
                    r["rss_mb"] <= 3 * bare_mem if mem_target else None,
                    unit="MB",
                    runs=1,
                    note=f"{r['rows']} rows listed; baseline: the bare window",
                )
            )
            rows.append(
                Row(
                    f"GUI stalls while loading the {size} library, {label}",
                    r["max_gap_ms"] / 1000,
                    None,
                    stall_target or "– (no target)",
                    r["gaps_over_100ms"] == 0 if stall_target else None,
                    runs=1,
                    note=f"longest stall (10 ms timer probe); {r['gaps_over_100ms']} gaps > 100 ms",
                )
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return rows


def scale_rows(sizes: list[int], runs: int) -> list[Row]:
    """Past the targets (no pass/fail): the 50k library in the window, a 2 MB transcript."""
    rows: list[Row] = []
    for size in sizes:
        print(f"library of {size}: {generate.library(size)}", file=sys.stderr)
        rows += library_window_rows(size, None, None)
    src = generate.huge_transcript()
    nbytes = src.stat().st_size
    kb = f"{nbytes / 1e6:.1f} MB" if nbytes >= 1e6 else f"{nbytes // 1000} KB"
    view = gui("open-ours", str(src), str(runs), timeout=600)
    bare = gui("open-bare", str(src), "1", timeout=600)
    rows.append(
        Row(
            f"open the {kb} transcript with {view['annotations']} annotations, highlights "
            "painted (the reading view alone)",
            view["seconds"],
            bare["seconds"],
            "– (no target; ≤ 3× at 250 KB)",
            None,
            runs=runs,
            note="parse + open notes + set_transcript + repaint"
            + (
                f", waiting for the progressive build to finish (top shown after "
                f"{fmt(view['first_seconds'], 's')}; longest stall {view['max_gap_ms']:.0f} ms, "
                "parse included)"
                if view.get("progressive")
                else ""
            )
            + "; baseline (1 run): QTextEdit.setPlainText + char-format merges",
        )
    )
    w = gui("window-open", str(src), timeout=900)
    rows.append(
        Row(
            f"open the {kb} transcript in the window, highlights painted",
            w["shown_seconds"],
            None,
            "– (no target)",
            None,
            runs=1,
            note=f"open_path(file) until shown and painted ({w['painted']} highlights)"
            + (
                f", progressive build finished (top shown after {fmt(w['first_seconds'], 's')})"
                if w.get("progressive")
                else ""
            )
            + f"; {w['rss_mb']:.0f} MB resident",
        )
    )
    rows.append(
        Row(
            f"GUI stalls while the window opens the {kb} transcript",
            w["max_gap_ms"] / 1000,
            None,
            "– (no target)",
            None,
            runs=1,
            note=f"longest stall over the whole open (open_path to idle; from the first "
            f"slice to the build finished: {w['max_gap_build_ms'] or 0:.0f} ms); "
            f"{w['gaps_over_100ms']} gaps > 100 ms; idle after {w['total_seconds']:.2f} s",
        )
    )
    return rows


class LoadSampler:
    """Samples the load average every few seconds while the suite runs (for the report)."""

    def __init__(self, every: float = 5.0) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self._every):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "load average: unknown"
        s = sorted(self.samples)
        return (
            f"1-minute load average during the run: min {s[0]:.2f}, median "
            f"{statistics.median(s):.2f}, max {s[-1]:.2f} ({len(s)} samples)"
        )


# --- output --------------------------------------------------------------------------------------


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def table(rows: list[Row]) -> str:
    out = [
        "| figure | ours | baseline | ratio | target | result | runs | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "–" if r.ratio is None else f"{r.ratio:.2f}×"
        res = "–" if r.ok is None else ("pass" if r.ok else "**FAIL**")
        out.append(
            f"| {r.figure} | {fmt(r.ours, r.unit)} | {fmt(r.baseline, r.unit)} | {ratio} "
            f"| {r.target} | {res} | {r.runs} | {r.note} |"
        )
    return "\n".join(out)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import PySide6
    from PySide6.QtCore import qVersion

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{usable} cores usable of {os.cpu_count()} ({cpu}), "
        f"{platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt {qVersion()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        default="100,1000,10000",
        help="library sizes (comma-separated); sizes above 10000 add the opt-in scale rows",
    )
    ap.add_argument("--quick", action="store_true", help="fewer runs (3 instead of 5)")
    ap.add_argument(
        "--only",
        default="library,index,long,window",
        help="groups to run: library,index,long,window,scale (scale: opt-in, slow)",
    )
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    ap.add_argument(
        "--drop-caches",
        action="store_true",
        help="also measure the 10k cold open with the files out of the page cache (root only: "
        "writes /proc/sys/vm/drop_caches, which slows the whole machine for a moment)",
    )
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the program processes with the environment as it is (by default they get a "
        "bytecode cache, as an installed program has: see use_bytecode_cache)",
    )
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    standard = [n for n in sizes if n <= STANDARD_MAX]
    scale = [n for n in sizes if n > STANDARD_MAX]
    runs = 3 if args.quick else 5
    only = set(args.only.split(","))
    unknown = only - set(GROUPS)
    if unknown:
        ap.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    if scale:
        only.add("scale")
    elif "scale" in only:
        scale = [generate.SCALE_LIBRARY]
    home = tempfile.mkdtemp(prefix="bench-home-")
    os.environ["TRANSCRIPT_READER_HOME"] = home
    if not args.no_bytecode_cache:
        use_bytecode_cache(str(Path(home) / "pycache"))
    global DROP_CACHES
    DROP_CACHES = args.drop_caches
    rows: list[Row] = []
    t0 = time.perf_counter()
    with LoadSampler() as load:
        try:
            for size in standard if only & {"library", "index"} else []:
                print(f"library of {size}: {generate.library(size)}", file=sys.stderr)
                if "library" in only:
                    rows += library_rows(size, runs)
                if "index" in only:
                    rows += index_rows(size, runs)
                print(table(rows), file=sys.stderr)
            if "long" in only:
                rows += long_rows(runs)
            if "window" in only and standard:
                rows += window_rows(max(standard), runs)
            if "scale" in only:
                rows += scale_rows(scale, runs)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    wall = time.perf_counter() - t0
    text = table(rows)
    command = "python -m tests.benchmarks.run " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    footer = (
        f"Machine: {machine()}.\n{load.summary().capitalize()}.\n"
        f"Command: `{command.strip()}` ({wall:.0f} s)."
    )
    print(text)
    print("\n" + footer)
    if args.markdown:
        args.markdown.write_text(text + "\n\n" + footer + "\n", "utf-8")
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
