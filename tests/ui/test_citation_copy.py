"""Edit ▸ Copy with Citation (Ctrl+Shift+C): the quote with its reference, as text and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu
from window_helpers import open_window, select_text, test_settings, wait_loaded, write_library

from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript
from reader.ui.citation_actions import CitationCopier
from reader.ui.export_dialog import ExportPrefs
from reader.ui.main_window import MainWindow

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
WELCOME = "Welcome to the programme."
RESPITE = "Respite that is planned with the carer"
APA_LEE = "Lee, A. (Speaker). (2021, March 4). Alpha: caring for carers [Audio podcast episode]."


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = write_library(tmp_path / "library")
    transcript = load_transcript(root / "alpha.md")
    start = transcript.text.index(RESPITE)
    AnnotationStore.open(transcript).add(
        new_annotation(transcript.text, start, start + len(RESPITE), note="Plan with them")
    )
    return root


@pytest.fixture
def window(qtbot, library: Path) -> MainWindow:
    window = MainWindow(test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(library / "alpha.md")
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: window.transcript.path.name == "alpha.md")
    return window


def copy_action(window: MainWindow) -> QAction:
    return window.findChild(QAction, "action_copy_with_citation")


def clipboard() -> tuple[str, str]:
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasText() and mime.hasHtml()
    return mime.text(), mime.html()


def test_copy_with_citation_is_in_the_edit_menu_after_copy(window: MainWindow) -> None:
    edit = window.menuBar().findChild(QMenu, "menu_edit")
    names = [a.objectName() for a in edit.actions()]
    assert names.index("action_copy_with_citation") == names.index("action_copy") + 1
    styles = window.findChild(QMenu, "menu_citation_style")
    assert [a.isChecked() for a in styles.actions()] == [True, False]  # APA by default
    action = copy_action(window)
    assert action.shortcut().toString() == "Ctrl+Shift+C"
    assert action.toolTip() and action.property("accessibleName") == "Copy with Citation"


def test_selection_copied_with_quote_marks_reference_and_html(qtbot, window: MainWindow) -> None:
    window.view.clear_selection()
    window.controller.set_current(None)
    assert not copy_action(window).isEnabled()
    select_text(window, WELCOME)
    assert copy_action(window).isEnabled()
    editor = window.view.text_edit()
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_C, CTRL_SHIFT)
    text, html = clipboard()
    assert text == f"“{WELCOME}” — Ann Lee (Lee, 2021)\n\n{APA_LEE}"
    assert html.startswith(f"<blockquote><p>“{WELCOME}” — Ann Lee (Lee, 2021)</p></blockquote>")
    assert "Alpha: caring for carers [Audio podcast episode]." in html
    assert window.status_label.text() == (
        "Copied the quote with its citation (APA 7th edition) (Lee, 2021)"
    )


def test_annotation_selected_in_sidebar_is_copied(qtbot, window: MainWindow) -> None:
    select_text(window, WELCOME)  # a transcript selection too: the sidebar's focus wins
    view = window.sidebar.view
    index = window.sidebar.proxy.index(0, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL_SHIFT)
    text, html = clipboard()
    assert text.startswith(f"“{RESPITE}” — Bob Roy (Roy, 2021)\n\nRoy, B. (Speaker). (2021")
    assert RESPITE in html and "<blockquote>" in html


def test_current_annotation_without_a_selection(window: MainWindow) -> None:
    window.view.clear_selection()
    ann = window.model.annotations()[0]
    window.controller.set_current(ann.id)
    assert copy_action(window).isEnabled()
    copy_action(window).trigger()
    assert clipboard()[0].startswith(f"“{RESPITE}”")


def test_harvard_style_from_the_menu_and_podcast_name(window: MainWindow) -> None:
    copier = window.findChild(CitationCopier)
    copier.prefs.series = "Care Talk"
    window.findChild(QAction, "action_citation_style_harvard").trigger()
    assert ExportPrefs(window.settings.path).style == "harvard"  # the export dialog's too
    select_text(window, WELCOME)
    copy_action(window).trigger()
    text, html = clipboard()
    assert text.startswith(f"“{WELCOME}” — Ann Lee (Lee, 2021)\n\n")
    assert "Lee, A. (2021) 'Alpha: caring for carers', Care Talk [Podcast]. 4 March." in text
    assert "<i>Care Talk</i>" in html


def test_disabled_without_an_episode(qtbot, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    window = MainWindow(test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not copy_action(window).isEnabled()
    assert window.findChild(CitationCopier).copy() is None
    assert "Select a passage" in window.status_label.text()


def test_enabled_follows_the_selection(qtbot, library: Path) -> None:
    window = open_window(qtbot, library)  # the first episode by date (beta): nothing selected
    assert not copy_action(window).isEnabled()
    select_text(window, "Housing first")
    assert copy_action(window).isEnabled()


def test_copy_with_citation_is_in_the_transcript_context_menu(window: MainWindow) -> None:
    from reader.ui.window_parts import context_menu

    menu = context_menu(window.view, window.actions)
    names = [a.objectName() for a in menu.actions()]
    assert "action_copy_with_citation" in names
    assert names.index("action_copy_with_citation") > names.index(window.actions.copy.objectName())
    menu.deleteLater()
