"""Themes: one palette definition, contrast of text on highlights, application palette."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtGui import QFont, QPalette

from reader.core.annotations import COLORS
from reader.ui.theme import (
    DARK,
    LIGHT,
    SPACING,
    THEMES,
    Theme,
    apply_theme,
    composite,
    contrast_ratio,
    make_palette,
    parse_hex,
    qcolor,
    reading_font,
    reading_font_family,
    speaker_order,
    theme_for,
    ui_font,
)

ALL = [LIGHT, DARK]


@pytest.mark.parametrize("theme", ALL, ids=lambda t: t.name)
@pytest.mark.parametrize("color", COLORS)
def test_text_on_every_highlight_meets_wcag_aa(theme: Theme, color: str) -> None:
    assert contrast_ratio(theme.text, theme.highlight(color), theme.base) >= 4.5


@pytest.mark.parametrize("theme", ALL, ids=lambda t: t.name)
def test_other_text_pairs_meet_wcag_aa(theme: Theme) -> None:
    assert contrast_ratio(theme.text, theme.base) >= 7
    assert contrast_ratio(theme.window_text, theme.window) >= 7
    assert contrast_ratio(theme.muted, theme.base) >= 4.5
    assert contrast_ratio(theme.muted, theme.window) >= 4.5
    assert contrast_ratio(theme.link, theme.base) >= 4.5
    assert contrast_ratio(theme.text, theme.find, theme.base) >= 4.5
    assert contrast_ratio(theme.selection_text, theme.selection, theme.base) >= 4.5
    assert contrast_ratio(theme.tooltip_text, theme.tooltip_base) >= 4.5
    assert contrast_ratio(theme.accent_text, theme.accent) >= 4.5


@pytest.mark.parametrize("theme", ALL, ids=lambda t: t.name)
def test_speaker_palette_is_eight_readable_distinct_hues(theme: Theme) -> None:
    assert len(theme.speakers) == 8 and len(set(theme.speakers)) == 8
    for color in theme.speakers:
        assert contrast_ratio(color, theme.base) >= 4.5, color
    assert theme.speaker_color(8) == theme.speaker_color(0)


def test_themes_define_the_same_colours() -> None:
    for theme in ALL:
        assert set(theme.highlights) == set(COLORS)
        for f in dataclasses.fields(theme):
            value = getattr(theme, f.name)
            if isinstance(value, str) and value.startswith("#"):
                parse_hex(value)
    assert LIGHT.highlights.keys() == DARK.highlights.keys()


def test_dark_highlights_are_translucent_tints() -> None:
    for color in COLORS:
        assert parse_hex(DARK.highlight(color))[3] < 128
        # the tint stays dark on the dark page: no neon block
        r, g, b = composite(DARK.highlight(color), DARK.base)
        assert max(r, g, b) < 140


def test_colour_helpers() -> None:
    assert parse_hex("#abc") == (0xAA, 0xBB, 0xCC, 255)
    assert parse_hex("#11223344") == (0x11, 0x22, 0x33, 0x44)
    c = qcolor("#11223344")
    assert (c.red(), c.green(), c.blue(), c.alpha()) == (0x11, 0x22, 0x33, 0x44)
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        parse_hex("#12345")
    assert speaker_order(["b", None, "a", "b", "c"]) == {"b": 0, "a": 1, "c": 2}
    assert SPACING == (4, 8, 12, 16, 24)


def test_theme_for(qapp) -> None:
    assert theme_for("light") is LIGHT
    assert theme_for("dark") is DARK
    assert theme_for("system") in (LIGHT, DARK)
    assert theme_for(None) in (LIGHT, DARK)
    assert set(THEMES) == {"light", "dark"}


def test_apply_theme_sets_the_application_palette(qapp) -> None:
    old = qapp.palette()
    try:
        for theme in ALL:
            apply_theme(qapp, theme)
            pal = qapp.palette()
            assert pal.color(QPalette.ColorRole.Base) == qcolor(theme.base)
            assert pal.color(QPalette.ColorRole.Text) == qcolor(theme.text)
            assert pal.color(QPalette.ColorRole.Highlight) == qcolor(theme.selection)
            assert pal.color(QPalette.ColorRole.Window) == qcolor(theme.window)
        assert make_palette(DARK).color(QPalette.ColorRole.Base) != make_palette(LIGHT).color(
            QPalette.ColorRole.Base
        )
    finally:
        qapp.setPalette(old)


def test_fonts(qapp) -> None:
    family = reading_font_family()
    assert family
    font = reading_font(16)
    assert font.pointSizeF() == 16
    assert font.styleHint() == QFont.StyleHint.Serif
    assert ui_font().family()
