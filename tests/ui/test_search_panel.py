"""The library search panel driven as a user would: shortcut, type, choose a hit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu
from window_helpers import open_window, select_text, test_settings

from reader.core.search import SearchResult
from reader.ui.main_window import MainWindow
from reader.ui.search_panel import SearchDock, SearchPanel
from reader.ui.search_results import CountRole, ResultRole, hit_heading

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_panel(qtbot, window: MainWindow) -> SearchPanel:
    """Press Ctrl+Shift+F and wait until the index is built."""
    window.activateWindow()
    qtbot.keyClick(window.view.text_edit(), Qt.Key.Key_F, CTRL_SHIFT)
    dock = window.findChild(SearchDock)
    assert dock is not None and dock.isVisible()
    panel = dock.panel
    assert panel.query_edit.hasFocus()
    qtbot.waitUntil(lambda: not panel.worker.is_busy(), timeout=10_000)
    return panel


def search(qtbot, panel: SearchPanel, query: str) -> None:
    panel.query_edit.clear()
    qtbot.keyClicks(panel.query_edit, query)
    qtbot.waitUntil(lambda: panel._last_query == query and not panel.worker.is_busy(), timeout=5000)


def hits(panel: SearchPanel) -> list[tuple[QModelIndex, SearchResult]]:
    model = panel.model
    out = []
    for row in range(model.rowCount()):
        episode = model.index(row, 0)
        for child in range(model.rowCount(episode)):
            index = model.index(child, 0, episode)
            out.append((index, index.data(ResultRole)))
    return out


def click(qtbot, panel: SearchPanel, index: QModelIndex) -> None:
    view = panel.view
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def test_results_grouped_by_episode_and_click_opens_the_match(qtbot, window: MainWindow) -> None:
    panel = open_panel(qtbot, window)
    search(qtbot, panel, "carers")
    model = panel.model
    assert model.rowCount() == 1  # only Alpha speaks of carers
    episode = model.index(0, 0)
    assert episode.data() == "Alpha: caring for carers"
    # the title ("… for carers") and, by stemming, "carer" and "carers" in two turns
    assert episode.data(CountRole) == model.rowCount(episode) == 3
    assert "3 hits in 1 episode" in panel.status.text()
    found = hits(panel)
    assert found[0][1].kind == "title"  # a title match ranks first
    assert hit_heading(found[0][1]) == "Title"
    speakers = {r.speaker for _, r in found if r.kind == "text"}
    assert speakers == {"Ann Lee", "Bob Roy"}
    index, result = next((i, r) for i, r in found if r.speaker == "Bob Roy")
    assert window.transcript is not None and window.transcript.path.name != "alpha.md"
    click(qtbot, panel, index)
    qtbot.waitUntil(lambda: window.view.selection_offsets() == (result.start, result.end))
    assert window.transcript.path.name == "alpha.md"
    start, end = window.view.selection_offsets()
    assert (start, end) == (result.start, result.end)
    assert window.transcript.text[start:end].lower() == "carer"
    assert window.view.is_flashing()


def test_phrase_query_and_enter_moves_to_the_view(qtbot, window: MainWindow) -> None:
    panel = open_panel(qtbot, window)
    search(qtbot, panel, '"planned with the carer"')
    found = hits(panel)
    assert len(found) == 1
    index, result = found[0]
    panel.view.setFocus()
    panel.view.setCurrentIndex(index)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.selection_offsets() == (result.start, result.end))
    assert window.transcript.path.name == "alpha.md"
    start, end = window.view.selection_offsets()
    assert window.transcript.text[start:end] == "planned with the carer"
    assert window.view.text_edit().hasFocus()


def test_malformed_query_shows_a_message(qtbot, window: MainWindow) -> None:
    panel = open_panel(qtbot, window)
    search(qtbot, panel, "-carers")
    assert panel.model.rowCount() == 0
    assert "cannot only leave words out" in panel.status.text()
    search(qtbot, panel, "housing")  # in Beta's title and in one of its turns
    assert panel.model.rowCount() == 1 and "2 hits" in panel.status.text()
    search(qtbot, panel, "zebra")
    assert panel.model.rowCount() == 0 and "Nothing found" in panel.status.text()


def test_new_note_is_searchable_and_opens_its_annotation(qtbot, window: MainWindow) -> None:
    panel = open_panel(qtbot, window)
    select_text(window, "Housing first")
    window.controller.highlight("green")
    ann_id = window.controller.current_id or window.model.annotations()[0].id
    window.controller.set_note(ann_id, "ask about zanzibar")
    assert panel._refresh_timer.isActive()  # the edited episode is re-indexed shortly
    qtbot.waitUntil(
        lambda: not panel._refresh_timer.isActive() and not panel.worker.is_busy(), timeout=10_000
    )
    window.controller.set_current(None)
    search(qtbot, panel, "zanzibar")
    found = hits(panel)
    assert len(found) == 1 and found[0][1].kind == "note"
    window.open_episode(str(window.transcript.path.with_name("gamma.md")))
    qtbot.waitUntil(lambda: window.transcript.path.name == "gamma.md")
    click(qtbot, panel, found[0][0])
    qtbot.waitUntil(lambda: window.controller.current_id == ann_id)
    assert window.transcript.path.name == "beta.md"
    assert window.sidebar.current_id() == ann_id


def test_progress_while_indexing_and_no_thread_left_on_close(qtbot, library: Path) -> None:
    for i in range(40):  # enough files for the update to report progress
        (library / f"extra-{i:02d}.md").write_text(
            f"# Extra {i}\n\nSomeone talks about topic number {i} at length.\n", encoding="utf-8"
        )
    window = open_window(qtbot, library)
    panel = open_panel(qtbot, window)
    assert panel.progress.isHidden()
    search(qtbot, panel, "topic")
    assert panel.model.rowCount() == 40
    window.findChild(QAction, "action_search_library").trigger()  # again: nothing re-indexed
    panel.worker.update_index()
    assert panel.worker.is_indexing()
    window.close()
    assert panel.worker._index_pool.activeThreadCount() == 0
    assert panel.worker._query_pool.activeThreadCount() == 0


def test_dock_visibility_is_remembered(qtbot, library: Path) -> None:
    settings = test_settings()
    window = open_window(qtbot, library, settings)
    open_panel(qtbot, window)
    window.close()
    again = open_window(qtbot, library, settings)
    assert again.findChild(SearchDock).isVisible()
    restored = again.findChild(SearchDock).existing_panel()  # made when the layout showed it
    assert restored is not None and again.findChild(SearchDock).widget() is restored
    qtbot.waitUntil(lambda: not again.findChild(SearchDock).panel.worker.is_busy())


def test_the_panel_is_made_when_first_shown(qtbot, window: MainWindow) -> None:
    dock = window.findChild(SearchDock)
    assert dock.existing_panel() is None and dock.widget() is None
    window.settings.set_value("appearance/theme", "dark")  # nothing to restyle yet
    panel = open_panel(qtbot, window)
    assert dock.existing_panel() is panel and dock.widget() is panel
    assert panel.delegate.theme == window.appearance.theme


def test_shortcuts_are_not_ambiguous(window: MainWindow) -> None:
    for keys, name in (("Ctrl+Shift+F", "search_library"), ("Ctrl+Shift+B", "annotation_browser")):
        owners = [
            a.objectName()
            for a in window.findChildren(QAction)
            if QKeySequence(keys) in a.shortcuts()
        ]
        assert owners == [f"action_{name}"], owners
    menus = {m.objectName(): m for m in window.menuBar().findChildren(QMenu)}
    assert window.findChild(QAction, "action_search_library") in menus["menu_edit"].actions()
    browser = window.findChild(QAction, "action_annotation_browser")
    assert browser in menus["menu_annotate"].actions()


def test_the_first_results_come_first_then_the_rest(qtbot, library: Path) -> None:
    """More hits than a first page: the panel shows the first ones as soon as they are found,
    then adds the rest, in the same groups as one list of them all would make."""
    from reader.core.search import Index, group_by_episode
    from reader.ui.search_worker import FIRST_RESULTS

    for i in range(12):
        (library / f"welfare-{i:02d}.md").write_text(
            f"---\ntitle: Welfare talk {i}\n---\nAL - Al Lee\n\n"
            + "".join(f"AL Welfare matters, part {k}.\n\n" for k in range(3)),
            encoding="utf-8",
        )
    window = open_window(qtbot, library)
    panel = open_panel(qtbot, window)
    first: list[int] = []
    more: list[int] = []
    panel.worker.resultsReady.connect(lambda _q, results: first.append(len(results)))
    panel.worker.moreResults.connect(lambda _q, results: more.append(len(results)))
    search(qtbot, panel, "welfare")
    assert first == [FIRST_RESULTS] and more == [12 * 4 - FIRST_RESULTS]
    with Index(library) as index:
        expected = group_by_episode(index.search("welfare", limit=200))
    assert panel.model.groups == expected
    model = panel.model
    assert model.rowCount() == 12
    for row, group in enumerate(expected):
        episode = model.index(row, 0)
        assert episode.data(CountRole) == model.rowCount(episode) == len(group.results) == 4
        shown = [model.index(k, 0, episode).data(ResultRole) for k in range(4)]
        assert shown == list(group.results)
    assert "48 hits in 12 episodes" in panel.status.text()
