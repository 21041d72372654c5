"""The toolbar's own line icons: present, drawn from the SVG files, tinted from the theme."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QToolButton

from reader.ui.icons import ACTION_ICONS, svg_data, tinted_pixmap
from reader.ui.main_window import MainWindow
from reader.ui.theme import DARK, LIGHT, qcolor
from reader.ui.window_parts import TOOLBAR_ICON

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def opaque_pixels(image: QImage) -> list[QColor]:
    return [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 200
    ]


def drawn_in(icon: QIcon, color: str, mode: QIcon.Mode = QIcon.Mode.Normal) -> bool:
    """Whether every (nearly) opaque pixel of the icon is ``color`` (give or take rounding)."""
    pixels = opaque_pixels(icon.pixmap(TOOLBAR_ICON, TOOLBAR_ICON, mode).toImage())
    return len(pixels) > 8 and all(near(c, color) for c in pixels)


def near(c: QColor, color: str) -> bool:
    want = qcolor(color)
    return (
        max(abs(c.red() - want.red()), abs(c.green() - want.green()), abs(c.blue() - want.blue()))
        <= 3
    )


@pytest.mark.parametrize("name", sorted(ACTION_ICONS.values()))
def test_icon_files_are_our_line_style(name: str) -> None:
    svg = svg_data(name).decode()
    assert 'viewBox="0 0 24 24"' in svg
    assert 'stroke-width="1.75"' in svg and 'stroke-linecap="round"' in svg
    assert 'fill="none"' in svg


def test_tinting_colours_every_stroke(qtbot) -> None:
    pixmap = tinted_pixmap("find", qcolor(DARK.text), 24, 2.0)
    assert pixmap.devicePixelRatio() == 2.0 and pixmap.width() == 48
    opaque = opaque_pixels(pixmap.toImage())
    assert len(opaque) > 40
    assert all(near(c, DARK.text) for c in opaque)


def test_every_toolbar_action_has_an_icon(window: MainWindow) -> None:
    actions = [a for a in window.toolbar.actions() if not a.isSeparator()]
    names = {a.objectName() for a in actions}
    assert {f"action_{n}" for n in ACTION_ICONS} <= names  # search library joins from its part
    for action in actions:
        assert not action.icon().isNull(), action.objectName()
        button = window.toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton)
        name = str(action.property("accessibleName"))
        assert name and name in button.toolTip(), action.objectName()  # icon only: named in tip


def test_icons_retint_when_the_theme_changes(qtbot, window: MainWindow) -> None:
    find = window.actions.find
    window.settings.set_value("appearance/theme", "light")
    qtbot.waitUntil(lambda: drawn_in(find.icon(), LIGHT.window_text))
    window.settings.set_value("appearance/theme", "dark")
    qtbot.waitUntil(lambda: drawn_in(find.icon(), DARK.window_text))
    search = window.findChild(type(find), "action_search_library")
    assert search is not None and drawn_in(search.icon(), DARK.window_text)
    # A disabled action's icon is drawn in the muted tone, not Qt's generated grey.
    assert drawn_in(window.actions.undo.icon(), DARK.muted, QIcon.Mode.Disabled)
    window.settings.set_value("appearance/theme", "light")
    qtbot.waitUntil(lambda: drawn_in(find.icon(), LIGHT.window_text))
