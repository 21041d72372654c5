"""The episode list: model rows, sorting, filtering, counts and the panel's signals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from window_helpers import open_window, press, saved, select_text, write_library

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import EpisodeMeta, load_transcript
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


def undated(name: str, title: str) -> EpisodeMeta:
    return EpisodeMeta(Path(f"/lib/{name}.md"), title)


def test_newest_first_puts_undated_episodes_last_in_title_order(qtbot) -> None:
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    panel.model.set_episodes(
        [
            undated("z", "Zebra crossings"),
            EpisodeMeta(Path("/lib/y.md"), "Yarn", date=dt.date(2020, 1, 1)),
            undated("m", "mangoes"),
            EpisodeMeta(Path("/lib/x.md"), "Xylophones", date=dt.date(2023, 3, 3)),
            EpisodeMeta(Path("/lib/b.md"), "Bees", date=dt.date(2020, 1, 1)),
            undated("a", "Apples"),
        ]
    )
    assert panel.model.sort_key == "date"
    # Dated episodes newest first (a tie in title order), then the undated ones, A to Z.
    assert titles(panel) == ["Xylophones", "Bees", "Yarn", "Apples", "mangoes", "Zebra crossings"]
    panel.set_sort_key("read")
    panel.model.set_last_read({"/lib/m.md": "2024-01-02T00:00:00.000Z"})
    assert titles(panel) == ["mangoes", "Apples", "Bees", "Xylophones", "Yarn", "Zebra crossings"]


def test_date_sort_of_a_library_without_dates_is_by_title(qtbot) -> None:
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    names = ["Go Time 300", "afk 12", "Go Time 301", "JS Party 200", "Changelog News 2"]
    panel.model.set_episodes([undated(f"f{i}", t) for i, t in enumerate(names)])
    assert panel.sort_combo.currentData() == "date"
    # By title, A to Z, whatever the case.
    expected = ["afk 12", "Changelog News 2", "Go Time 300", "Go Time 301", "JS Party 200"]
    assert titles(panel) == expected
    panel.set_sort_key("title")
    assert titles(panel) == expected


class RecordingPainter(QPainter):
    """Notes the text the delegate draws."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args) -> None:  # noqa: ANN002, N802
        self.texts.append(str(args[-1]))
        super().drawText(*args)


def painted(panel: EpisodeListPanel, index: QModelIndex) -> list[str]:
    """The texts a row paints (title, details, count, warning mark)."""
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 320, 56)
    option.font = panel.view.font()
    option.state = QStyle.StateFlag.State_Enabled
    image = QImage(320, 56, QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    panel.delegate.paint(painter, option, index)
    painter.end()
    return painter.texts


def test_rows_paint_the_warning_mark_and_speakers(qtbot) -> None:
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    panel.model.set_episodes(metas())
    panel.model.set_counts({"/lib/a.md": AnnotationCounts(live=3, orphans=1)})
    row = panel.model.row_of
    apples = painted(panel, panel.model.index(row("/lib/a.md")))
    assert "Apples and care" in apples and "4" in apples and "⚠" in apples  # an orphan
    assert "1 Jan 2020 · 10 min · Ann" in apples
    assert "⚠" in painted(panel, panel.model.index(row("/lib/c.md")))  # a file with errors
    assert "⚠" not in painted(panel, panel.model.index(row("/lib/b.md")))


def test_window_rows_mark_problems_and_show_front_matter_speakers(qtbot, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    store = AnnotationStore.open(load_transcript(library / "beta.md"))
    text = store.transcript.text
    start = text.index("spread across Europe")
    store.add(new_annotation(text, start, start + len("spread across Europe")))
    beta = library / "beta.md"
    beta.write_text(beta.read_text("utf-8").replace("spread across Europe", "went on"), "utf-8")
    (library / "broken.md").write_text("---\ntitle: x: [unclosed\n---\nHello.\n", "utf-8")
    window = open_window(qtbot, library)
    panel, model = window.episodes, window.episodes.model

    def row_of(name: str) -> QModelIndex:
        return model.index(model.row_of(str((library / name).resolve())))

    qtbot.waitUntil(lambda: bool(row_of("beta.md").data(ProblemRole)))
    assert "lost their passage" in row_of("beta.md").data(ProblemRole)
    assert "⚠" in painted(panel, row_of("beta.md"))
    assert row_of("broken.md").data(ProblemRole)
    assert "⚠" in painted(panel, row_of("broken.md"))
    assert "⚠" not in painted(panel, row_of("gamma.md"))
    # The second line names the speakers of the front matter.
    assert any("Ann Lee, Bob Roy" in t for t in painted(panel, row_of("alpha.md")))


def test_the_row_names_people_not_role_labels() -> None:
    """ "Question", "Q", "Audience member", "Speaker 2" are turn labels, not people: the row's
    line of who is in the episode leaves them out; the filter still finds them."""
    from reader.core.metadata_values import people
    from reader.ui.episode_model import episode_details

    assert people(["Question"]) == [] and people(["Q", "A", "Audience member"]) == []
    names = ["Sjors Provoost", "Speaker 0", "Aaron van Wirdum", "Speaker 1", "Ruben Somsen"]
    names += ["Adam Jonas", "speaker b"]
    assert people(names) == ["Sjors Provoost", "Aaron van Wirdum", "Ruben Somsen", "Adam Jonas"]
    assert people(["Quentin", "Ann Speaker", "Audience Research Team"]) == [
        "Quentin", "Ann Speaker", "Audience Research Team",
    ]  # fmt: skip
    meta = EpisodeMeta(Path("/l/a.md"), "T", date=dt.date(2024, 7, 7), speakers=names)
    assert episode_details(meta) == "7 Jul 2024 · Sjors Provoost, Aaron van Wirdum, Ruben Somsen +1"
    assert episode_details(EpisodeMeta(Path("/l/c.md"), "CMake", speakers=["Question"])) == ""


@pytest.mark.parametrize("same_paths", [True, False])
def test_a_refresh_changing_many_rows_announces_them_at_once(qtbot, same_paths: bool) -> None:
    """Speakers completed for a whole list: one ``dataChanged`` over every row, and the filter
    sees the new values; a few changed rows are announced one by one. With the very path
    objects of the list shown (a completed list) rows are updated in place, else merged."""
    panel = EpisodeListPanel()
    qtbot.addWidget(panel)
    model = panel.model
    n = model.CHANGED_ROWS_ONE_BY_ONE + 50
    first = [undated(f"e{i:03d}", f"Episode {i:03d}") for i in range(n)]
    model.set_episodes(first)
    qtbot.waitUntil(lambda: not model.is_populating())
    panel.filter_edit.setText("jane")
    assert panel.proxy.rowCount() == 0
    signals: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): signals.append((a.row(), b.row())))
    merges: list[int] = []
    real_merge = model._merge
    model._merge = lambda ordered: merges.append(1) or real_merge(ordered)  # type: ignore[method-assign]

    def path(meta: EpisodeMeta) -> Path:
        return meta.path if same_paths else Path(str(meta.path))

    completed = [EpisodeMeta(path(m), m.title, speakers=["Jane Doe"]) for m in first]
    model.set_episodes(completed)
    assert signals == [(0, n - 1)]
    assert panel.proxy.rowCount() == n
    assert [model.meta(r).speakers for r in range(n)] == [["Jane Doe"]] * n
    signals.clear()
    again = list(completed)
    again[3] = EpisodeMeta(path(completed[3]), first[3].title)
    again[7] = EpisodeMeta(path(completed[7]), first[7].title)
    again[9] = EpisodeMeta(path(completed[9]), first[9].title, speakers=["Jane Doe"])  # equal
    model.set_episodes(again)
    assert sorted(signals) == [(3, 3), (7, 7)]
    assert panel.proxy.rowCount() == n - 2
    assert merges == ([] if same_paths else [1, 1])
    # a new title moves its row: the list is merged and sorted, whatever the paths
    moved = list(again)
    moved[0] = EpisodeMeta(again[0].path, "Zz last", speakers=["Jane Doe"])
    model.set_episodes(moved)
    assert model.meta(n - 1).title == "Zz last"
    assert merges[-1:] == [1]
