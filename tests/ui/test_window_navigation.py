"""Getting around the window as a user would: outline, floating bar, links, keys, reloading."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextCursor
from window_helpers import (
    open_window,
    press,
    saved,
    select_text,
    test_settings,
    wait_loaded,
    write_library,
)

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript
from reader.ui.actions import RESERVED_SHORTCUTS
from reader.ui.dialogs import LinkDialog
from reader.ui.episode_list import ProblemRole
from reader.ui.main_window import MainWindow
from reader.ui.settings import Settings

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

HEADED = (
    '---\ntitle: "Headed talk"\ndate: "2024-02-02"\n---\n'
    "## Opening\n\nAL Hello and welcome to a talk with headings.\n\n"
    + "\n\n".join(f"AL Filler paragraph {i} about nothing much at all." for i in range(40))
    + "\n\n## Money matters\n\nAL Budgets were cut in the second year.\n\n"
    + "\n\n".join(f"AL More filler {i} about budgets and plans." for i in range(40))
    + "\n\n## Closing thoughts\n\nAL See [the report](https://example.org/report) for more.\n"
    "AL And [this](javascript:alert(1)) is not a web address.\n"
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = write_library(tmp_path / "library")
    (root / "headed.md").write_text(HEADED, encoding="utf-8")
    return root


def show(qtbot, window: MainWindow, path: Path) -> None:
    window.open_episode(str(path))
    qtbot.waitUntil(lambda: window.transcript is not None and window.transcript.path == path)


def point_of(window: MainWindow, offset: int):  # noqa: ANN201
    """Viewport point of the character at canonical ``offset``."""
    editor = window.view.text_edit()
    cursor = QTextCursor(editor.document())
    cursor.setPosition(window.view.offsets().to_utf16(offset))
    return editor.cursorRect(cursor).center()


def drag_select(qtbot, window: MainWindow, needle: str) -> None:
    """Select ``needle`` with a real mouse drag."""
    text = window.transcript.text
    start = text.index(needle)
    window.view.scroll_to_offset(start)
    a, b = point_of(window, start), point_of(window, start + len(needle))
    viewport = window.view.text_edit().viewport()
    window.view.text_edit().setFocus()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


# Actions and keys -------------------------------------------------------------------------------


def test_every_action_has_keys_tooltip_and_name_and_no_key_is_shared(window: MainWindow) -> None:
    for name, action in window.actions.all.items():
        assert not action.shortcut().isEmpty(), name
        assert action.toolTip() and action.statusTip(), name
        assert action.property("accessibleName"), name
    owners: dict[str, str] = {}
    for action in window.findChildren(type(window.actions.find)):  # every QAction, features too
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in owners, f"{text}: {owners.get(text)} and {action.objectName()}"
            owners[text] = action.objectName()
    mine = {
        k.toString(QKeySequence.SequenceFormat.PortableText)
        for a in window.actions.all.values()
        for k in a.shortcuts()
    }
    assert not mine & set(RESERVED_SHORTCUTS)
    assert window.actions.font.shortcut().toString() == "Ctrl+Shift+T"


# Outline ----------------------------------------------------------------------------------------


def test_outline_lists_headings_and_jumps_by_keyboard(qtbot, window: MainWindow, library) -> None:
    show(qtbot, window, library / "headed.md")
    editor = window.view.text_edit()
    press(qtbot, editor, Qt.Key.Key_O, CTRL | SHIFT)
    outline = window.outline
    assert outline.isVisible() and outline.filter_edit.hasFocus()
    assert outline.visible_texts() == ["Opening", "Money matters", "Closing thoughts"]
    qtbot.keyClicks(outline.filter_edit, "money")
    assert outline.visible_texts() == ["Money matters"]
    qtbot.keyClick(outline.filter_edit, Qt.Key.Key_Return)
    assert not outline.isVisible() and editor.hasFocus()
    heading = window.transcript.text.index("Money matters")
    assert abs(window.view.reading_offset() - heading) <= 20
    assert window.view.is_flashing()

    # Again, arrows in the list, Escape closes without moving.
    press(qtbot, editor, Qt.Key.Key_O, CTRL | SHIFT)
    assert outline.list.currentIndex().data() == "Money matters"  # starts where you read
    qtbot.keyClick(outline.filter_edit, Qt.Key.Key_Down)
    assert outline.list.hasFocus()
    assert outline.list.currentIndex().data() == "Closing thoughts"
    qtbot.keyClick(outline.list, Qt.Key.Key_Escape)
    assert not outline.isVisible()
    assert abs(window.view.reading_offset() - heading) <= 20


def test_outline_without_headings_lists_speaker_turns(qtbot, window: MainWindow, library) -> None:
    show(qtbot, window, library / "alpha.md")
    window.actions.outline.trigger()
    outline = window.outline
    assert outline.kind == "turns" and outline.title.text() == "Speaker turns"
    assert len(outline.visible_texts()) == 4
    qtbot.keyClicks(outline.filter_edit, "bob")
    texts = outline.visible_texts()
    assert len(texts) == 2 and all(t.startswith("Bob Roy: ") for t in texts)
    qtbot.keyClick(outline.filter_edit, Qt.Key.Key_Down)
    qtbot.keyClick(outline.list, Qt.Key.Key_Down)
    qtbot.keyClick(outline.list, Qt.Key.Key_Return)
    assert not outline.isVisible()
    assert window.view.is_flashing()


# Floating bar -----------------------------------------------------------------------------------


def test_floating_bar_after_mouse_selection_highlights(qtbot, window: MainWindow, library) -> None:
    path = library / "alpha.md"
    show(qtbot, window, path)
    bar = window.selection_bar
    drag_select(qtbot, window, "unpaid carers")
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    tips = [bar.button(f"color_{c}").toolTip() for c in ("yellow", "green", "purple")]
    assert "Key point" in tips[0] and "Evidence" in tips[1] and "Quote to use" in tips[2]
    selection = window.view.selection_rect()
    assert bar.geometry().bottom() < selection.top() or bar.geometry().top() > selection.bottom()
    assert window.view.text_edit().hasFocus()  # the bar never takes the focus
    qtbot.mouseClick(bar.button("color_green"), Qt.MouseButton.LeftButton)
    assert [(a.exact, a.color) for a in saved(path)] == [("unpaid carers", "green")]
    assert not bar.isVisible()

    # Escape hides it; a keyboard selection does not show it.
    drag_select(qtbot, window, "Respite")
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    qtbot.keyClick(window.view.text_edit(), Qt.Key.Key_Escape)
    assert not bar.isVisible()
    select_text(window, "second thing")
    qtbot.wait(500)
    assert not bar.isVisible()


def test_floating_bar_note_and_click_elsewhere(qtbot, window: MainWindow, library) -> None:
    show(qtbot, window, library / "alpha.md")
    bar = window.selection_bar
    drag_select(qtbot, window, "planned with")
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    window.episodes.view.setFocus()  # a click in another pane
    assert not bar.isVisible()
    drag_select(qtbot, window, "the carer")
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    qtbot.mouseClick(bar.button("add_note"), Qt.MouseButton.LeftButton)
    dialog = window.controller.dialog
    assert dialog is not None and dialog.objectName() == "noteDialog"
    dialog.reject()
    assert window.model.annotations()[0].exact == "the carer"


# Reading position, background opening -----------------------------------------------------------


def test_reading_position_is_saved_after_scrolling_stops(qtbot, window: MainWindow, library):
    path = library / "headed.md"
    show(qtbot, window, path)
    window.view.set_reading_offset(window.transcript.text.index("More filler 10"))
    offset = window.view.reading_offset()
    qtbot.waitUntil(
        lambda: (Settings().reading_position(str(path)) or (0, ""))[0] == offset, timeout=4000
    )  # read back from the file on disk, while the window is still open


def test_episodes_open_off_the_gui_thread_and_stale_results_are_dropped(
    qtbot, window: MainWindow, library: Path
) -> None:
    shown: list[str] = []
    window.episode_loader.opened.connect(lambda opened: shown.append(opened.path))
    window.open_episode(str(library / "beta.md"))
    window.open_episode(str(library / "gamma.md"))  # picked before beta was shown
    qtbot.waitUntil(lambda: not window.episode_loader.is_busy())
    assert window.transcript.path == library / "gamma.md"
    assert shown == [str(library / "gamma.md")]


# Links ------------------------------------------------------------------------------------------


def test_links_open_only_after_confirmation(qtbot, window: MainWindow, library, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    show(qtbot, window, library / "headed.md")
    start = window.transcript.text.index("the report")
    window.view.scroll_to_offset(start)
    viewport = window.view.text_edit().viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_of(window, start + 2))
    dialog = window.controller.dialog
    assert isinstance(dialog, LinkDialog) and dialog.url == "https://example.org/report"
    assert opened == []  # nothing opens on the click itself
    dialog.reject()
    assert opened == []
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_of(window, start + 2))
    dialog = window.controller.dialog
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == ["https://example.org/report"]

    assert window.confirm_link("javascript:alert(1)") is None
    assert "not opened" in window.status_label.text() and len(opened) == 1


# Keyboard ---------------------------------------------------------------------------------------


def test_enter_on_a_sidebar_entry_scrolls_to_it(qtbot, window: MainWindow, library) -> None:
    path = library / "headed.md"
    show(qtbot, window, path)
    editor = window.view.text_edit()
    for needle, key in (("Hello and welcome", Qt.Key.Key_1), ("Budgets were cut", Qt.Key.Key_2)):
        select_text(window, needle)
        press(qtbot, editor, key)
    window.view.set_reading_offset(0)
    press(qtbot, editor, Qt.Key.Key_F6)  # transcript → sidebar list
    sidebar_list = window.sidebar.view
    assert sidebar_list.hasFocus()
    sidebar_list.setCurrentIndex(window.sidebar.proxy.index(0, 0))
    window.view.set_reading_offset(0)
    qtbot.keyClick(sidebar_list, Qt.Key.Key_Down)  # arrows move and scroll
    qtbot.keyClick(sidebar_list, Qt.Key.Key_Return)
    budgets = window.transcript.text.index("Budgets were cut")
    assert window.controller.current_id == window.model.annotations()[1].id
    assert window.view.is_flashing()
    window.view.set_reading_offset(0)
    qtbot.keyClick(sidebar_list, Qt.Key.Key_Return)  # Enter again: back to it
    top = window.view.reading_offset()
    assert top <= budgets <= top + 600


# Reloading --------------------------------------------------------------------------------------


def test_reload_episode_reanchors_and_says_what_moved(qtbot, window: MainWindow, library) -> None:
    path = library / "alpha.md"
    show(qtbot, window, path)
    editor = window.view.text_edit()
    for needle, key in (("what helps them", Qt.Key.Key_1), ("being asked", Qt.Key.Key_3)):
        select_text(window, needle)
        press(qtbot, editor, key)
    source = path.read_text(encoding="utf-8")
    source = source.replace("AL Welcome", "AL Hello again. Welcome")
    source = source.replace("The first thing that helps is being asked what you need.", "Yes.")
    path.write_text(source, encoding="utf-8")
    press(qtbot, editor, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "Reloaded" in window.status_label.text())
    assert window.status_label.text() == (
        "Reloaded: 1 annotation moved, 1 lost its passage (see Lost passages)"
    )
    assert "Hello again. Welcome" in window.transcript.text
    live = window.model.annotations()
    assert [a.exact for a in live] == ["what helps them"]
    assert window.transcript.text[live[0].start : live[0].end] == "what helps them"
    assert window.sidebar.orphan_proxy.rowCount() == 1
    row = window.episodes.model.row_of(path)
    assert "lost their passage" in window.episodes.model.index(row).data(ProblemRole)
    assert not window.actions.undo.isEnabled()  # old steps would misplace on the new text


def test_model_reload_merges_changes_made_on_disk(qtbot, window: MainWindow, library) -> None:
    path = library / "beta.md"
    show(qtbot, window, path)
    other = AnnotationStore.open(load_transcript(path))  # another program writing the sidecar
    text = other.transcript.text
    start = text.index("New York")
    other.add(new_annotation(text, start, start + 8, color="blue", creator="Other"))
    added: list[str] = []
    window.model.annotationAdded.connect(added.append)
    changed = window.model.reload()
    assert changed == set(added) and len(added) == 1
    assert window.sidebar.proxy.rowCount() == 1
    assert window.view.painted_annotation_ids() == added
    other.delete(added[0])
    removed: list[str] = []
    window.model.annotationRemoved.connect(removed.append)
    assert window.model.reload() == set(removed) == set(added)
    assert window.sidebar.proxy.rowCount() == 0


def test_closing_saves_and_reopening_needs_no_wait_for_stale_jobs(qtbot, library) -> None:
    settings = test_settings()
    first = open_window(qtbot, library, settings)
    first.open_episode(str(library / "beta.md"))
    first.close()  # with a job maybe still running: it is awaited, nothing crashes
    second = MainWindow(settings, interactive=False)
    qtbot.addWidget(second)
    second.open_path(library)
    wait_loaded(qtbot, second)
    assert second.transcript is not None
