"""Opening a library: the cached list at once, a refresh in the background, a responsive window.

The refresh (`load_library_cached`) is held back with an event, so what the window shows before
it finishes is checked without any timing. Responsiveness is checked by structure, never by the
clock: the folder is read off the GUI thread, and a large list reaches the model in bounded
batches, with no Python comparison in the proxy.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSortFilterProxyModel
from window_helpers import test_settings, wait_loaded, write_library

from reader.core import metacache
from reader.core.metacache import load_library_cached
from reader.core.transcript import EpisodeMeta
from reader.ui.episode_list import EpisodeFilterProxy, EpisodeListModel, EpisodeListPanel
from reader.ui.main_window import MainWindow
from reader.ui.window_library import library_summary

NEW_EPISODE = '---\ntitle: "Delta: a new one"\ndate: "2024-02-02"\n---\nDD - Dee Dee\n\nDD Hi.\n'


class HeldRefresh:
    """Replaces `load_library_cached` with one that waits for `release()` (and notes threads)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.threads: list[threading.Thread] = []
        monkeypatch.setattr(metacache, "load_library_cached", self._load)

    def _load(
        self,
        root,
        progress=None,
        cancel=None,
        reuse=(),
        partial_from=0,
        background=False,
        interim=None,
    ):  # noqa: ANN001, ANN202, E501
        self.threads.append(threading.current_thread())
        self.started.set()
        self.gate.wait(20)
        return load_library_cached(
            root,
            progress,
            cancel=cancel,
            reuse=reuse,
            partial_from=partial_from,
            background=background,
            interim=interim,
        )

    def release(self) -> None:
        self.gate.set()


def shown_window(qtbot) -> MainWindow:  # noqa: ANN001
    window = MainWindow(test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def listed(window: MainWindow) -> list[str]:
    proxy = window.episodes.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = write_library(tmp_path / "library")
    load_library_cached(root)  # the metadata cache is warm, as after an earlier session
    return root


def test_cached_list_shows_before_the_refresh_finishes(
    qtbot, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldRefresh(monkeypatch)
    window = shown_window(qtbot)
    window.open_path(library)
    qtbot.waitUntil(lambda: window.episodes.model.rowCount() == 3)
    assert window.loader.is_loading() and window.loader.from_cache
    # The first episode opens from the cached list, on a later event-loop turn; then the
    # refresh starts (and is held here).
    qtbot.waitUntil(lambda: window.transcript is not None)
    assert window.transcript is not None
    assert window.transcript.meta.title == "Beta: housing first"  # newest first
    qtbot.waitUntil(held.started.is_set)
    assert window.loader.is_loading() and window.loader.from_cache
    held.release()
    wait_loaded(qtbot, window)
    assert not window.loader.from_cache
    # The folder was read off the GUI thread.
    assert held.threads and threading.main_thread() not in held.threads


def test_refresh_keeps_the_open_episode_and_selection_and_lists_a_new_file(
    qtbot, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldRefresh(monkeypatch)
    window = shown_window(qtbot)
    window.open_path(library / "gamma.md")
    qtbot.waitUntil(lambda: window.transcript is not None)
    qtbot.waitUntil(lambda: not window.episode_loader.is_busy())
    opened = window.transcript
    assert opened is not None
    assert opened.path == (library / "gamma.md").resolve()
    assert window.episodes.current_path() == str(opened.path)
    requests: list[str] = []
    monkeypatch.setattr(window.episode_loader, "request", requests.append)

    # Meanwhile, on disk: a new file, and another's title changed.
    (library / "delta.md").write_text(NEW_EPISODE, encoding="utf-8")
    alpha = library / "alpha.md"
    alpha.write_text(alpha.read_text("utf-8").replace("Alpha: caring", "Alpha: Caring"), "utf-8")
    assert "Delta: a new one" not in listed(window)
    held.release()
    qtbot.waitUntil(lambda: "Delta: a new one" in listed(window))
    wait_loaded(qtbot, window)

    assert listed(window) == [
        "Delta: a new one",
        "Beta: housing first",
        "Alpha: Caring for carers",
        "Gamma: supervision",
    ]
    assert window.transcript is opened  # not reopened
    assert requests == []
    assert window.episodes.current_path() == str(opened.path)
    assert window.episodes.view.selectionModel().isSelected(window.episodes.view.currentIndex())


def test_reopening_the_library_lists_a_new_file_and_keeps_the_episode(qtbot, library: Path) -> None:
    """What the folder watcher does when a transcript is added: open the library again."""
    window = shown_window(qtbot)
    window.open_path(library)
    wait_loaded(qtbot, window)
    opened = window.transcript
    assert opened is not None
    (library / "delta.md").write_text(NEW_EPISODE, encoding="utf-8")
    window.open_library(library, episode=opened.path)
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: "Delta: a new one" in listed(window))
    assert window.transcript is opened
    assert window.episodes.current_path() == str(opened.path)


def test_status_bar_says_how_many_transcripts_once_loaded(qtbot, library: Path) -> None:
    """Not "Reading 3 of 3 transcripts…" once nothing is read any more (warm and cold cache)."""
    window = shown_window(qtbot)
    window.open_path(library)  # warm: the cached list, then a refresh that changes nothing
    wait_loaded(qtbot, window)
    assert window.status_label.text() == "3 transcripts in library"
    assert window.progress.isHidden()
    metacache.clear_cache(library)
    (library / "delta.md").write_text(NEW_EPISODE, encoding="utf-8")
    window.open_library(library)  # cold: every file read
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: window.status_label.text() == "4 transcripts in library")
    assert library_summary(1, library) == "1 transcript in library"
    assert library_summary(0, library) == "No transcripts in library"


def test_the_load_status_never_hides_news_from_other_parts(
    qtbot, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldRefresh(monkeypatch)
    window = shown_window(qtbot)
    window.open_path(library)
    qtbot.waitUntil(held.started.is_set)
    qtbot.waitUntil(lambda: window.transcript is not None)
    window.show_message("Merged 1 note from another computer")
    held.release()
    wait_loaded(qtbot, window)
    assert window.status_label.text() == "Merged 1 note from another computer"


def many_metas(n: int) -> list[EpisodeMeta]:
    return [
        EpisodeMeta(
            Path(f"/lib/{i:05d}.md"), f"Episode {i}", date=dt.date(2000, 1, 1) + dt.timedelta(i)
        )
        for i in range(n)
    ]


def test_a_large_list_reaches_the_model_in_bounded_batches(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EpisodeListModel, "BATCH_ROWS", 10)
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    sizes: list[int] = []
    panel.model.modelReset.connect(lambda: sizes.append(panel.model.rowCount()))
    panel.model.rowsInserted.connect(lambda _p, first, last: sizes.append(last - first + 1))

    panel.model.set_episodes(many_metas(45))
    assert panel.model.rowCount() == 10 and panel.model.is_populating()
    assert panel.first_path() == "/lib/00044.md"  # the newest row is there from the start
    assert panel.select_path("/lib/00002.md", emit=False)  # becomes current once added
    with qtbot.waitSignal(panel.model.populated, timeout=5000):
        pass
    assert sizes == [10, 10, 10, 10, 5]  # one reset, then one batch per event-loop turn
    assert panel.model.rowCount() == panel.proxy.rowCount() == 45
    assert panel.current_path() == "/lib/00002.md"

    # Sorting is done once, in the model: the proxy never compares rows in Python.
    assert EpisodeFilterProxy.lessThan is QSortFilterProxyModel.lessThan
    assert panel.proxy.sortColumn() == -1
    resets: list[bool] = []
    panel.model.modelReset.connect(lambda: resets.append(True))
    panel.set_sort_key("title")
    assert resets == [] and panel.current_path() == "/lib/00002.md"  # a layout change
    assert panel.proxy.index(0, 0).data() == "Episode 0"

    # A refresh that changes one row and adds one is merged: no reset, selection kept.
    refreshed = many_metas(46)
    refreshed[3] = EpisodeMeta(Path("/lib/00003.md"), "Episode three", date=dt.date(2000, 1, 4))
    panel.model.set_episodes(refreshed)
    assert resets == [] and panel.model.rowCount() == 46
    assert panel.current_path() == "/lib/00002.md"
    row = panel.model.row_of("/lib/00003.md")
    assert row is not None
    assert panel.model.index(row).data() == "Episode three"


def test_the_first_episode_opens_on_the_next_event_loop_turn(qtbot, library: Path) -> None:
    window = shown_window(qtbot)
    requested: list[str] = []
    window.episode_loader.request = lambda path: requested.append(path)  # type: ignore[method-assign]
    window.open_library(library)
    window.loader.wait_until_idle()
    window._first_delivery = True  # as at the start of a load
    window._initial_open = True
    requested.clear()
    window._on_episodes_loaded(window.episodes.model.episodes())
    assert requested == []  # not while the list is being handled
    qtbot.waitUntil(lambda: len(requested) == 1)


# ---------------------------------------------------------------------------------------------
# A large cold open: the files are read in worker processes, the loader thread only waits


def _many_files(root: Path, n: int) -> Path:
    for i in range(n):
        path = root / f"s{i % 3}" / f"ep{i:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'---\ntitle: "Episode {i}"\ndate: "2023-01-{i % 28 + 1:02d}"\n---\n'
            f"AB - Ann Bell\n\nAB Hello {i}.\n",
            "utf-8",
        )
    return root


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(metacache, "CHUNK", 8)
    monkeypatch.setattr(metacache, "CHUNK_MIN", 2)
    monkeypatch.setattr(metacache, "_workers", lambda: 2)


def test_a_cold_open_read_by_worker_processes_lists_every_file(
    qtbot, tmp_path: Path, workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.library import load_library
    from reader.ui.library_loader import LibraryLoader

    root = _many_files(tmp_path / "many", 60)
    read_here: list[Path] = []
    real = metacache.read_metadata

    def spy(path: Path, **kwargs: bool) -> EpisodeMeta:
        read_here.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(metacache, "read_metadata", spy)
    loader = LibraryLoader()
    lists: list[object] = []
    steps: list[tuple[int, int]] = []
    loader.episodesLoaded.connect(lists.append)
    loader.progress.connect(lambda d, t: steps.append((d, t)))
    loader.load(root)
    assert loader.wait_until_idle(30_000)
    assert lists == [load_library(root)]
    assert read_here == []  # the worker processes read every file
    assert steps and steps[-1] == (60, 60)
    assert not multiprocessing.active_children()


def test_a_new_load_cancels_a_cold_open_in_worker_processes(
    qtbot, tmp_path: Path, workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.library import load_library
    from reader.ui.library_loader import LibraryLoader

    big = _many_files(tmp_path / "big", 120)
    small = write_library(tmp_path / "small")
    started = threading.Event()
    real = metacache._result

    def result(future, cancel):  # noqa: ANN001, ANN202 - notes that workers are reading
        started.set()
        return real(future, cancel)

    monkeypatch.setattr(metacache, "_result", result)
    loader = LibraryLoader()
    lists: list[object] = []
    loader.episodesLoaded.connect(lists.append)
    loader.load(big)
    qtbot.waitUntil(started.is_set, timeout=20_000)
    loader.load(small)  # the first load stops: nothing more submitted, the workers stopped
    assert loader.wait_until_idle(30_000)
    assert lists[-1] == load_library(small)
    assert not multiprocessing.active_children()
    loader.shutdown()


def test_the_episodes_the_window_opens_are_not_counted_again_in_the_background(
    qtbot, tmp_path: Path
) -> None:
    """The window counts the annotations of the episode it shows from its own store; the
    loader's background count leaves that one out (parsing it twice took the GUI thread's
    interpreter lock), and counts the others."""
    from reader.core.store import AnnotationStore, new_annotation
    from reader.core.transcript import load_transcript
    from reader.ui.library_loader import LibraryLoader, _JobSignals, _LoadJob

    lib = write_library(tmp_path / "lib")
    for name in ("alpha.md", "beta.md"):
        store = AnnotationStore.open(load_transcript(lib / name))
        text = store.transcript.text
        store.add(new_annotation(text, 0, 5))
    loader = LibraryLoader()
    loader.set_open_episodes([str(lib / "alpha.md")])
    job = _LoadJob(1, lib, _JobSignals(), loader.is_open)
    counts = job._count_annotations(load_library_cached(lib))
    assert set(counts) == {str(lib / "beta.md")} and counts[str(lib / "beta.md")].live == 1

    window = MainWindow(test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.open_path(lib)
    wait_loaded(qtbot, window)
    window.open_episode(str(lib / "beta.md"))
    assert window.loader.is_open(str(lib / "beta.md"))
    qtbot.waitUntil(lambda: window.transcript is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.loader.is_open(str(window.transcript.path)), timeout=5000)
    qtbot.waitUntil(
        lambda: window.episodes.model._counts.get(str(lib / "alpha.md")) is not None, timeout=5000
    )
    for name in ("alpha.md", "beta.md"):  # one counted by the loader, one by the window
        assert window.episodes.model._counts[str(lib / name)].live == 1
    window.loader.shutdown()
    window.episode_loader.shutdown()


def write_talks(root: Path, n: int = 6) -> Path:
    """``n`` talks whose people only their turns name (no front-matter people, no key)."""
    root.mkdir()
    for i in range(n):
        (root / f"talk{i}.md").write_text(
            f"---\ntitle: Talk {i}\n---\nJane Doe: Hello.\n\nOmar Khan: Hi.\n\nJane Doe: Bye {i}.\n"
            "\nOmar Khan: Bye.\n",
            "utf-8",
        )
        os.utime(root / f"talk{i}.md", (1_600_000_000, 1_600_000_000))  # not "racily clean"
    return root


def test_a_large_first_open_lists_quickly_then_completes_the_speakers(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files to read: the list comes first without the speakers of the turns (partial),
    then again complete; the people only the turns name reach the list, and its filter."""
    root = write_talks(tmp_path / "talks")
    monkeypatch.setattr(metacache, "QUICK_FROM", 3)  # "many" is 3 here
    window = shown_window(qtbot)
    deliveries: list[tuple[bool, bool, list[list[str]], str]] = []

    def delivered(metas: list[EpisodeMeta]) -> None:
        loader = window.loader
        people = [m.speakers for m in metas]
        deliveries.append((loader.partial, loader.from_cache, people, window.status_label.text()))

    window.loader.episodesLoaded.connect(delivered)
    window.open_path(root)
    wait_loaded(qtbot, window)
    assert [(p, c) for p, c, _, _ in deliveries] == [(True, True), (False, False)]
    assert deliveries[0][2] == [[]] * 6
    assert "finding who speaks" in deliveries[0][3]
    assert "finding who speaks" not in deliveries[1][3]
    assert deliveries[1][2] == [["Jane Doe", "Omar Khan"]] * 6
    assert window.loader.partial is False
    model = window.episodes.model
    assert all(model.meta(r).speakers == ["Jane Doe", "Omar Khan"] for r in range(6))
    window.episodes.filter_edit.setText("omar")
    assert window.episodes.proxy.rowCount() == 6
    # the cache is complete: the next open lists it once, as cached, and reads nothing
    deliveries.clear()
    window.open_path(root)
    wait_loaded(qtbot, window)
    assert [(p, c) for p, c, _, _ in deliveries] == [(False, True)]


def test_a_filter_typed_before_the_speakers_are_complete_finds_them_after(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The completion is held: the filter finds no "Omar" in the partial list, then, once the
    completed list arrives, every talk, without typing again."""
    root = write_talks(tmp_path / "talks")
    monkeypatch.setattr(metacache, "QUICK_FROM", 3)
    real = metacache.load_library_cached
    gate = threading.Event()

    def held_completion(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if not kwargs.get("partial_from"):
            gate.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(metacache, "load_library_cached", held_completion)
    window = shown_window(qtbot)
    window.open_path(root)
    qtbot.waitUntil(lambda: window.episodes.model.rowCount() == 6)
    qtbot.waitUntil(lambda: window.transcript is not None)  # the first episode is open
    assert window.loader.partial
    window.episodes.filter_edit.setText("omar")
    assert window.episodes.proxy.rowCount() == 0
    gate.set()
    wait_loaded(qtbot, window)
    assert not window.loader.partial
    assert window.episodes.proxy.rowCount() == 6


def test_a_completion_cut_short_is_finished_by_the_next_open(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another library opened while the speakers are completed: the partial rows stay cached
    as such, and the next open of the first library completes them (reading only those)."""
    root = write_talks(tmp_path / "talks")
    other = write_library(tmp_path / "other")
    monkeypatch.setattr(metacache, "QUICK_FROM", 3)
    real = metacache.load_library_cached
    gate = threading.Event()
    calls: list[int] = []

    def held_completion(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(kwargs.get("partial_from", 0))
        if not kwargs.get("partial_from") and args[0] == root and not gate.is_set():
            gate.wait(20)
            raise metacache.LoadCancelled  # as a cancel during the read would
        return real(*args, **kwargs)

    monkeypatch.setattr(metacache, "load_library_cached", held_completion)
    window = shown_window(qtbot)
    window.open_path(root)
    qtbot.waitUntil(lambda: window.episodes.model.rowCount() == 6)
    assert window.loader.partial
    window.open_path(other)  # cancels the held completion
    gate.set()
    wait_loaded(qtbot, window)
    assert window.episodes.model.rowCount() == 3 and not window.loader.partial
    assert all(m.partial for m in metacache.cached_snapshot(root))
    window.open_path(root)
    wait_loaded(qtbot, window)
    assert not window.loader.partial
    assert all(
        window.episodes.model.meta(r).speakers == ["Jane Doe", "Omar Khan"] for r in range(6)
    )
    assert not any(m.partial for m in metacache.cached_snapshot(root))


def test_the_speakers_reach_the_list_as_they_are_completed(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interim lists (here after every file): the rows fill in one by one, the list stays whole
    and partial until the last delivery."""
    root = write_talks(tmp_path / "talks")
    monkeypatch.setattr(metacache, "QUICK_FROM", 3)
    monkeypatch.setattr(metacache, "INTERIM_SECONDS", 0.0)
    monkeypatch.setattr(metacache, "INTERIM_FIRST_SECONDS", 0.0)
    window = shown_window(qtbot)
    seen: list[tuple[bool, int, int]] = []

    def delivered(metas: list[EpisodeMeta]) -> None:
        named = sum(1 for m in metas if m.speakers)
        seen.append((window.loader.partial, len(metas), named))

    window.loader.episodesLoaded.connect(delivered)
    window.open_path(root)
    wait_loaded(qtbot, window)
    assert seen[0] == (True, 6, 0) and seen[-1] == (False, 6, 6)
    interims = seen[1:-1]
    assert [named for _, _, named in interims] == [1, 2, 3, 4, 5]
    assert all(partial and n == 6 for partial, n, _ in interims)
    model = window.episodes.model
    assert all(model.meta(r).speakers == ["Jane Doe", "Omar Khan"] for r in range(6))


def test_a_presorted_list_is_not_sorted_again_on_the_gui_thread(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large list comes sorted and indexed from the loading thread: the model takes that
    order for that very list in its current order, and sorts anything else itself."""
    from reader.ui import episode_model

    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    metas = many_metas(30)
    presorted = episode_model.presort(metas, "date")
    assert presorted is not None and episode_model.presort(metas, "read") is None
    sorted_here: list[str] = []
    real = episode_model._sorted

    def counting(items, key, last_read):  # type: ignore[no-untyped-def]
        sorted_here.append(key)
        return real(items, key, last_read)

    monkeypatch.setattr(episode_model, "_sorted", counting)
    panel.model.set_episodes(metas, None, presorted)
    assert sorted_here == []
    assert [m.path for m in panel.model._metas] == [m.path for m in presorted.ordered]
    assert panel.first_path() == "/lib/00029.md" and panel.model.row_of("/lib/00000.md") == 29
    # not for another list, nor in another order
    other = many_metas(31)
    panel.model.set_episodes(other, None, presorted)
    assert sorted_here == ["date"] and panel.model.episode_count() == 31
    panel.set_sort_key("title")
    fresh = many_metas(32)
    by_date = episode_model.presort(fresh, "date")
    sorted_here.clear()
    panel.model.set_episodes(fresh, None, by_date)
    assert sorted_here == ["title"]
    assert panel.proxy.index(0, 0).data() == "Episode 0"


def test_the_window_gets_a_large_first_list_presorted(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's loader sorts a first list in the window's order off the GUI thread."""
    from reader.ui import episode_model, library_loader

    monkeypatch.setattr(library_loader, "PRESORT_FROM", 2)
    library = write_library(tmp_path / "library")
    on_gui_thread: list[str] = []
    real = episode_model._sorted

    def noting(items, key, last_read):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(key)
        return real(items, key, last_read)

    monkeypatch.setattr(episode_model, "_sorted", noting)
    window = MainWindow(test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.episodes.set_sort_key("title")
    window.open_path(library)
    wait_loaded(qtbot, window)
    assert on_gui_thread == []
    titles = [window.episodes.proxy.index(r, 0).data() for r in range(3)]
    assert titles == sorted(titles, key=str.casefold)
