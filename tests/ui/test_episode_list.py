"""The episode list: model rows, sorting, filtering, counts and the panel's signals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from window_helpers import open_window, press, saved, select_text, write_library

from reader.core.transcript import EpisodeMeta
from reader.ui.episode_list import (
    CountRole,
    DetailsRole,
    EpisodeListPanel,
    ProblemRole,
    format_duration,
)
from reader.ui.library_loader import AnnotationCounts


def metas() -> list[EpisodeMeta]:
    return [
        EpisodeMeta(
            Path("/lib/a.md"),
            "Apples and care",
            date=dt.date(2020, 1, 1),
            duration_seconds=600,
            speakers=["Ann"],
            tags=["orchard"],
        ),
        EpisodeMeta(
            Path("/lib/b.md"),
            "Bananas",
            subtitle="A talk about housing",
            date=dt.date(2022, 5, 2),
            duration_seconds=3725,
            speakers=["Bob", "Cy", "Di", "Ed"],
        ),
        EpisodeMeta(Path("/lib/c.md"), "Cherries", errors=["could not decode the file"]),
    ]


def titles(panel: EpisodeListPanel) -> list[str]:
    proxy = panel.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_format_duration() -> None:
    assert format_duration(None) == ""
    assert format_duration(1500) == "25 min"
    assert format_duration(3725) == "1 h 02 min"


def test_rows_details_and_problems(qtbot) -> None:
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    panel.model.set_episodes(metas())
    row = panel.model.row_of  # the model's rows are in the order of the sort key
    index = panel.model.index(row("/lib/b.md"))
    assert index.data(DetailsRole) == "2 May 2022 · 1 h 02 min · Bob, Cy, Di +1"
    assert panel.model.index(row("/lib/c.md")).data(ProblemRole) == "could not decode the file"
    panel.model.set_counts({"/lib/a.md": AnnotationCounts(live=3, orphans=1)})
    first = panel.model.index(row("/lib/a.md"))
    assert first.data(CountRole) == 4
    assert "lost their passage" in first.data(ProblemRole)


def test_sort_keys_and_filter(qtbot) -> None:
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    panel.model.set_episodes(metas())
    assert titles(panel) == ["Bananas", "Apples and care", "Cherries"]  # newest first
    panel.set_sort_key("title")
    assert titles(panel) == ["Apples and care", "Bananas", "Cherries"]
    panel.set_sort_key("duration")
    assert titles(panel) == ["Cherries", "Apples and care", "Bananas"]
    panel.model.set_last_read({"/lib/c.md": "2024-01-02T00:00:00.000Z"})
    panel.sort_combo.setCurrentIndex(panel.sort_combo.findData("read"))
    assert titles(panel)[0] == "Cherries"

    qtbot.keyClicks(panel.filter_edit, "housing")  # subtitle
    assert titles(panel) == ["Bananas"]
    panel.filter_edit.setText("ann orchard")  # speaker and tag, every word must match
    assert titles(panel) == ["Apples and care"]
    panel.filter_edit.setText("nothing like this")
    assert titles(panel) == [] and panel.empty_label.isVisibleTo(panel)
    assert panel.count_label.text() == "0 of 3"


def test_choosing_a_row_emits_its_path(qtbot) -> None:
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    panel.model.set_episodes(metas())
    with qtbot.waitSignal(panel.episodeActivated) as blocker:
        panel.view.setCurrentIndex(panel.proxy.index(1, 0))
    assert blocker.args == ["/lib/a.md"]
    assert panel.select_path("/lib/c.md", emit=False)
    assert panel.current_path() == "/lib/c.md"


def test_window_list_counts_follow_annotations(qtbot, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    window = open_window(qtbot, library)
    path = str(window.transcript.path)
    row = window.episodes.model.row_of(path)
    select_text(window, window.transcript.text.split()[2])
    press(qtbot, window.view.text_edit(), Qt.Key.Key_1)
    assert window.episodes.model.index(row).data(CountRole) == 1
    assert len(saved(Path(path))) == 1

    # The filter box of the window's list narrows the rows.
    qtbot.keyClicks(window.episodes.filter_edit, "housing")
    assert titles(window.episodes) == ["Beta: housing first"]
