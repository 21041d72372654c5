"""The annotation browser driven as a user would: filter, group, open, rename and merge tags."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt
from window_helpers import open_window, saved, test_settings, write_library

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript
from reader.ui.annotation_browser import AnnotationBrowser, BrowserDock
from reader.ui.browser_model import CountRole, EntryRole, GroupRole
from reader.ui.main_window import MainWindow
from reader.ui.tag_dialog import TagNameDialog

CTRL = Qt.KeyboardModifier.ControlModifier
NOTES = [  # file, quote, tags, colour, author, created
    ("alpha.md", "unpaid carers", ["care", "policy"], "yellow", "Ann", "2021-01-05T10:00:00.000Z"),
    ("alpha.md", "Respite", ["care"], "green", "Bob", "2022-06-01T10:00:00.000Z"),
    (
        "beta.md",
        "a home without conditions",
        ["housing"],
        "blue",
        "Ann",
        "2023-03-03T10:00:00.000Z",
    ),
    ("beta.md", "New York", [], "pink", "Cat", "2024-02-02T10:00:00.000Z"),
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = write_library(tmp_path / "library")
    for name, quote, tags, color, author, created in NOTES:
        transcript = load_transcript(root / name)
        store = AnnotationStore.open(transcript)
        start = transcript.text.index(quote)
        ann = new_annotation(
            transcript.text, start, start + len(quote), tags=tags, color=color, creator=author
        )
        store.add(replace(ann, created=created, modified=created, note=f"on {quote}"))
    return root


def open_browser(qtbot, window: MainWindow) -> AnnotationBrowser:
    window.activateWindow()
    qtbot.keyClick(window.view.text_edit(), Qt.Key.Key_B, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dock = window.findChild(BrowserDock)
    assert dock is not None and dock.isVisible()
    browser = dock.browser
    qtbot.waitUntil(
        lambda: not browser.loader.is_loading() and bool(browser.entries()), timeout=10_000
    )
    return browser


def groups(browser: AnnotationBrowser) -> dict[str, int]:
    model = browser.model
    return {
        model.index(r, 0).data(GroupRole): model.index(r, 0).data(CountRole)
        for r in range(model.rowCount())
    }


def shown_quotes(browser: AnnotationBrowser) -> set[str]:
    model = browser.model
    out = set()
    for r in range(model.rowCount()):
        parent = model.index(r, 0)
        for c in range(model.rowCount(parent)):
            out.add(model.index(c, 0, parent).data(EntryRole).annotation.exact)
    return out


def choose(combo, data) -> None:  # noqa: ANN001
    combo.setCurrentIndex(combo.findData(data))


def tags_on_disk(library: Path) -> list[list[str]]:
    return sorted(a.tags for name in ("alpha.md", "beta.md") for a in saved(library / name))


def select_tag_rows(qtbot, browser: AnnotationBrowser, *tags: str) -> None:
    tree, model = browser.tree, browser.model
    tree.clearSelection()
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        if index.data(GroupRole) in tags:
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            tree.selectionModel().select(index, flags)
    assert sorted(browser.selected_tags()) == sorted(tags)


def answer_dialog(qtbot, window: MainWindow, name: str, text: str) -> None:
    dialog = window.findChild(TagNameDialog, name)
    assert dialog is not None and dialog.isVisible()
    dialog.combo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.combo.lineEdit(), text)
    qtbot.keyClick(dialog.combo.lineEdit(), Qt.Key.Key_Return)
    assert not dialog.isVisible()


def test_lists_every_annotation_grouped_by_tag_with_counts(qtbot, window: MainWindow) -> None:
    browser = open_browser(qtbot, window)
    assert len(browser.entries()) == 4
    assert groups(browser) == {"care": 2, "policy": 1, "housing": 1, "(untagged)": 1}
    assert list(groups(browser))[0] == "care"  # the most used tag first
    assert "4 of 4 annotations · 2 episodes" in browser.summary.text()
    choose(browser.group_combo, "episode")
    assert set(groups(browser).values()) == {2}
    assert {browser.model.index(r, 0).data(GroupRole) for r in range(2)} == {
        str(window.library / "alpha.md"),
        str(window.library / "beta.md"),
    }


def test_filters(qtbot, window: MainWindow) -> None:
    browser = open_browser(qtbot, window)
    choose(browser.tag_combo, "care")
    assert shown_quotes(browser) == {"unpaid carers", "Respite"}
    choose(browser.color_combo, "green")
    assert shown_quotes(browser) == {"Respite"}
    browser.clear_filters()
    choose(browser.author_combo, "Ann")
    assert shown_quotes(browser) == {"unpaid carers", "a home without conditions"}
    browser.clear_filters()
    qtbot.keyClicks(browser.text_edit, "york")
    assert shown_quotes(browser) == {"New York"}
    browser.clear_filters()
    browser.from_date.setDate(QDate(2022, 1, 1))
    browser.to_date.setDate(QDate(2023, 12, 31))
    assert shown_quotes(browser) == {"Respite", "a home without conditions"}
    browser.clear_filters()
    choose(browser.episode_combo, str(window.library / "beta.md"))
    assert shown_quotes(browser) == {"a home without conditions", "New York"}
    choose(browser.tag_combo, "(untagged)")
    assert shown_quotes(browser) == {"New York"}
    qtbot.keyClicks(browser.text_edit, "nothing like this")
    assert browser.empty.isVisible() and not browser.tree.isVisible()


def test_enter_opens_the_annotation_in_its_transcript(qtbot, window: MainWindow) -> None:
    browser = open_browser(qtbot, window)
    choose(browser.tag_combo, "housing")
    index = browser.model.index(0, 0, browser.model.index(0, 0))
    entry = index.data(EntryRole)
    assert window.transcript.path.name != "beta.md" or window.controller.current_id is None
    browser.tree.setFocus()
    browser.tree.setCurrentIndex(index)
    qtbot.keyClick(browser.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.current_id == entry.annotation.id)
    assert window.transcript.path.name == "beta.md"
    assert window.sidebar.current_id() == entry.annotation.id


def test_rename_tag_everywhere_then_undo_and_redo(qtbot, window: MainWindow, library: Path) -> None:
    browser = open_browser(qtbot, window)
    window.open_episode(str(library / "alpha.md"))
    qtbot.waitUntil(lambda: window.transcript.path.name == "alpha.md")
    select_tag_rows(qtbot, browser, "care")
    assert browser.rename_action.isEnabled()
    browser.rename_action.trigger()
    answer_dialog(qtbot, window, "renameTagDialog", "caring")
    assert tags_on_disk(library) == [[], ["caring"], ["caring", "policy"], ["housing"]]
    assert "caring" in window.model.tags() and "care" not in window.model.tags()
    qtbot.waitUntil(lambda: "caring" in groups(browser) and "care" not in groups(browser))
    assert groups(browser)["caring"] == 2
    assert browser.undo_action.isEnabled()
    assert "Rename tag" in browser.undo_action.toolTip()

    browser.tree.setFocus()
    qtbot.keyClick(browser.tree, Qt.Key.Key_Z, CTRL)  # the browser's undo, not the episode's
    assert tags_on_disk(library) == [[], ["care"], ["care", "policy"], ["housing"]]
    assert "care" in window.model.tags()
    qtbot.waitUntil(lambda: "care" in groups(browser))
    browser.redo_action.trigger()
    assert tags_on_disk(library) == [[], ["caring"], ["caring", "policy"], ["housing"]]


def test_merge_two_tags_into_one_and_undo(qtbot, window: MainWindow, library: Path) -> None:
    browser = open_browser(qtbot, window)
    select_tag_rows(qtbot, browser, "policy", "housing")
    browser.merge_action.trigger()
    answer_dialog(qtbot, window, "mergeTagsDialog", "society")
    assert tags_on_disk(library) == [[], ["care"], ["care", "society"], ["society"]]
    qtbot.waitUntil(lambda: groups(browser).get("society") == 2)
    assert "policy" not in groups(browser) and "housing" not in groups(browser)
    counts = window.episodes.model
    beta_row = counts.row_of(str(library / "beta.md"))
    assert beta_row is not None
    browser.undo_action.trigger()
    assert tags_on_disk(library) == [[], ["care"], ["care", "policy"], ["housing"]]
    qtbot.waitUntil(lambda: groups(browser).get("policy") == 1)


def test_episode_edits_reach_the_browser(qtbot, window: MainWindow, library: Path) -> None:
    browser = open_browser(qtbot, window)
    window.open_episode(str(library / "alpha.md"))
    qtbot.waitUntil(lambda: window.transcript.path.name == "alpha.md")
    ann = next(a for a in window.model.annotations() if a.exact == "Respite")
    window.controller.set_tags(ann.id, ["care", "respite"])
    qtbot.waitUntil(lambda: groups(browser).get("respite") == 1, timeout=5000)


def test_empty_library_says_what_to_do(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, write_library(tmp_path / "plain"))
    window.findChild(BrowserDock).show()
    browser = window.findChild(BrowserDock).browser
    qtbot.waitUntil(lambda: not browser.loader.is_loading() and browser.empty.isVisible())
    assert "press 1" in browser.empty.text()
    assert not QModelIndex().isValid()


def test_the_browser_is_made_when_first_shown_and_restored_with_the_layout(
    qtbot, library: Path
) -> None:
    settings = test_settings()
    window = open_window(qtbot, library, settings)
    dock = window.findChild(BrowserDock)
    assert dock.existing_browser() is None and dock.widget() is None
    browser = open_browser(qtbot, window)
    assert dock.existing_browser() is browser and dock.widget() is browser
    window.close()
    again = open_window(qtbot, library, settings)
    restored = again.findChild(BrowserDock)
    assert restored.isVisible() and restored.widget() is restored.existing_browser() is not None
    qtbot.waitUntil(lambda: bool(restored.browser.entries()), timeout=10_000)
