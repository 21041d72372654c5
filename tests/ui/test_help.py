"""Help ▸ Keyboard Shortcuts (generated from the actions) and Help ▸ About."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_helpers import press

from reader import APP_ID, __version__
from reader.core.paths import user_cache_dir, user_config_dir, user_data_dir
from reader.ui.help import AboutDialog, ShortcutsDialog, shortcut_rows
from reader.ui.main_window import MainWindow


def open_dialog_of(qtbot, kind: type):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: any(isinstance(w, kind) for w in QApplication.topLevelWidgets()))
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind))


def test_f1_lists_every_action_with_its_keys_and_filters(qtbot, window: MainWindow) -> None:
    press(qtbot, window.view.text_edit(), Qt.Key.Key_F1)
    dialog = open_dialog_of(qtbot, ShortcutsDialog)
    assert dialog.focusWidget() is dialog.filter_edit  # type to filter at once
    names = dialog.visible_actions()
    for action in window.actions.all.values():  # generated: nothing is missing
        assert action.property("accessibleName") in names
    assert dialog.count_label.text() == f"{len(names)} shortcuts"
    qtbot.keyClicks(dialog.filter_edit, "note")
    assert "Add Note" in dialog.visible_actions()
    assert "Quit" not in dialog.visible_actions()
    dialog.filter_edit.clear()
    qtbot.keyClicks(dialog.filter_edit, "ctrl+shift+o")
    assert dialog.visible_actions() == ["Outline"]
    dialog.reject()


def test_rows_carry_menu_keys_and_description(window: MainWindow) -> None:
    rows = {r.action: r for r in shortcut_rows(window)}
    assert rows["Reading Font"].keys == "Ctrl+Shift+T" and rows["Reading Font"].menu == "View"
    assert rows["Find"].menu == "Edit" and rows["Find"].description == "Find text in the transcript"
    assert rows["Keyboard Shortcuts"].keys == "F1, Ctrl+/"


def test_about_says_version_licence_id_and_where_things_are(qtbot, window: MainWindow) -> None:
    window.actions.about.trigger()
    dialog = open_dialog_of(qtbot, AboutDialog)
    values = dialog.values
    assert values["Version"] == __version__
    assert values["Licence"] == "GPL-3.0-or-later"
    assert values["Application id"] == APP_ID
    assert values["Settings"] == str(user_config_dir())
    assert values["Caches and search index"] == str(user_cache_dir())
    assert values["Private notes"] == str(user_data_dir() / "private")
    dialog.reject()
