"""The one palette of the program: light and dark themes, spacing scale and fonts.

Every colour a widget paints comes from a `Theme`; nothing else in ``reader/ui`` hard-codes one.
Colours are CSS hex strings (``#rrggbb``, or ``#rrggbbaa`` for translucent tints) so a theme is
plain data that tests can check without Qt; `qcolor` turns one into a `QColor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory

from reader.core.annotations import COLORS

ThemeName = Literal["light", "dark", "system"]

# --- spacing scale (px): use these, never ad-hoc numbers --------------------------------------
SPACE_XS = 4
SPACE_S = 8
SPACE_M = 12
SPACE_L = 16
SPACE_XL = 24
SPACING: tuple[int, ...] = (SPACE_XS, SPACE_S, SPACE_M, SPACE_L, SPACE_XL)

# --- fonts ------------------------------------------------------------------------------------
#: Reading faces in order of preference; the first one installed wins.
READING_FAMILIES: tuple[str, ...] = (
    "Noto Serif",
    "Source Serif 4",
    "Source Serif Pro",
    "Georgia",
    "Charter",
    "DejaVu Serif",
    "Liberation Serif",
)
READING_POINT_SIZE = 15
MIN_POINT_SIZE = 8
MAX_POINT_SIZE = 40


@dataclass(frozen=True)
class Theme:
    """Named colours of one theme. ``highlights`` maps each annotation colour to its tint."""

    name: Literal["light", "dark"]
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    muted: str
    accent: str
    accent_text: str
    link: str
    selection: str
    selection_text: str
    separator: str
    button: str
    tooltip_base: str
    tooltip_text: str
    find: str
    flash: str
    note_marker: str
    speakers: tuple[str, ...]
    highlights: Mapping[str, str]

    @property
    def is_dark(self) -> bool:
        return self.name == "dark"

    def speaker_color(self, index: int) -> str:
        """Colour of the speaker first seen at position ``index`` (the palette repeats)."""
        return self.speakers[index % len(self.speakers)]

    def highlight(self, color: str) -> str:
        """Tint for annotation colour ``color`` (unknown names get the first colour's tint)."""
        return self.highlights.get(color, self.highlights[COLORS[0]])


LIGHT = Theme(
    name="light",
    window="#f3f1ec",
    window_text="#24231f",
    base="#fbfaf7",
    alternate_base="#f1efe9",
    text="#24231f",
    muted="#66635c",
    accent="#2f64a8",
    accent_text="#ffffff",
    link="#22589b",
    selection="#bcd4f0",
    selection_text="#1b1a17",
    separator="#dcd8cf",
    button="#ece9e2",
    tooltip_base="#2b2a27",
    tooltip_text="#f4f2ee",
    find="#ff9a3c80",
    flash="#2f64a84d",
    note_marker="#5b574f",
    speakers=(
        "#2b5c9e",  # blue
        "#a63d2a",  # brick
        "#2e6f33",  # green
        "#7042a0",  # violet
        "#1b6b72",  # teal
        "#935000",  # amber brown
        "#a02d6b",  # magenta
        "#59601d",  # olive
    ),
    highlights=MappingProxyType(
        {
            "yellow": "#ffd40073",
            "green": "#5fb23659",
            "blue": "#2ea8e54d",
            "pink": "#ff666652",
            "purple": "#a28ae559",
        }
    ),
)

DARK = Theme(
    name="dark",
    window="#1b1c1f",
    window_text="#dddad3",
    base="#212226",
    alternate_base="#272830",
    text="#dddad3",
    muted="#a09c94",
    accent="#79a8e6",
    accent_text="#10151c",
    link="#8db8f0",
    selection="#35507a",
    selection_text="#f2f0ea",
    separator="#3a3b40",
    button="#2c2d32",
    tooltip_base="#eae7e0",
    tooltip_text="#1d1c1a",
    find="#ff9a3c59",
    flash="#79a8e64d",
    note_marker="#c7c2b8",
    speakers=(
        "#7fb0f0",  # blue
        "#f08a74",  # coral
        "#86c98b",  # green
        "#c09cf0",  # violet
        "#6cc8cd",  # teal
        "#e6aa5c",  # amber
        "#ee8cc0",  # magenta
        "#c3c877",  # olive
    ),
    highlights=MappingProxyType(
        {
            "yellow": "#ffd4004d",
            "green": "#5fb23647",
            "blue": "#2ea8e547",
            "pink": "#ff666647",
            "purple": "#a28ae552",
        }
    ),
)

THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}


def system_prefers_dark() -> bool:
    """Whether the platform asks for a dark colour scheme (Qt's style hints)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def theme_for(name: str | None) -> Theme:
    """The theme called ``name``: "light", "dark" or "system" (the default; follows Qt)."""
    if name in THEMES:
        return THEMES[name]
    return DARK if system_prefers_dark() else LIGHT


# --- colour arithmetic (plain data, for contrast checks) --------------------------------------
def parse_hex(value: str) -> tuple[int, int, int, int]:
    """``#rgb``/``#rrggbb``/``#rrggbbaa`` → (r, g, b, a) with components 0-255."""
    h = value.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) == 6:
        h += "ff"
    if len(h) != 8:
        raise ValueError(f"not a colour: {value!r}")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), int(h[6:8], 16))


def composite(over: str, under: str) -> tuple[float, float, float]:
    """The opaque colour seen when ``over`` (maybe translucent) is painted on ``under``."""
    r1, g1, b1, a1 = parse_hex(over)
    r2, g2, b2, _ = parse_hex(under)
    a = a1 / 255
    return (r1 * a + r2 * (1 - a), g1 * a + g2 * (1 - a), b1 * a + b2 * (1 - a))


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with 0-255 components."""

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str, bg: str, backdrop: str | None = None) -> float:
    """WCAG contrast of text ``fg`` on ``bg`` (``bg`` composited on ``backdrop`` if translucent)."""
    under = backdrop or "#ffffff"
    bg_rgb = composite(bg, under)
    bg_hex = "#{:02x}{:02x}{:02x}".format(*(round(c) for c in bg_rgb))
    fg_rgb = composite(fg, bg_hex)
    la, lb = relative_luminance(fg_rgb), relative_luminance(bg_rgb)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def qcolor(value: str) -> QColor:
    """A `QColor` for a theme colour string (``#rrggbbaa`` is CSS order, unlike Qt's)."""
    r, g, b, a = parse_hex(value)
    return QColor(r, g, b, a)


def with_alpha(value: str, alpha: int) -> QColor:
    """Theme colour ``value`` with its alpha replaced (0-255)."""
    c = qcolor(value)
    c.setAlpha(alpha)
    return c


def speaker_order(speakers: Iterable[str | None]) -> dict[str, int]:
    """Palette index of each speaker, in order of first appearance (None is skipped)."""
    order: dict[str, int] = {}
    for s in speakers:
        if s and s not in order:
            order[s] = len(order)
    return order


# --- fonts ------------------------------------------------------------------------------------
def reading_font_family() -> str:
    """The first installed family of `READING_FAMILIES`, else the platform's serif family."""
    installed = {f.casefold(): f for f in QFontDatabase.families()}
    for family in READING_FAMILIES:
        if family.casefold() in installed:
            return installed[family.casefold()]
    probe = QFont()
    probe.setStyleHint(QFont.StyleHint.Serif)
    return probe.defaultFamily()


def reading_font(point_size: float = READING_POINT_SIZE, family: str | None = None) -> QFont:
    """The reading face at ``point_size``."""
    font = QFont(family or reading_font_family())
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(point_size)
    return font


def ui_font() -> QFont:
    """The system's interface font (sans)."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)


# --- application palette ----------------------------------------------------------------------
def make_palette(theme: Theme) -> QPalette:
    """A `QPalette` carrying the theme, with disabled text in the muted tone."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.window_text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.alternate_base,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Button: theme.button,
        QPalette.ColorRole.ButtonText: theme.window_text,
        QPalette.ColorRole.BrightText: theme.accent_text,
        QPalette.ColorRole.Highlight: theme.selection,
        QPalette.ColorRole.HighlightedText: theme.selection_text,
        QPalette.ColorRole.Link: theme.link,
        QPalette.ColorRole.LinkVisited: theme.link,
        QPalette.ColorRole.ToolTipBase: theme.tooltip_base,
        QPalette.ColorRole.ToolTipText: theme.tooltip_text,
        QPalette.ColorRole.Accent: theme.accent,
        QPalette.ColorRole.Light: theme.base,
        QPalette.ColorRole.Midlight: theme.alternate_base,
        QPalette.ColorRole.Mid: theme.separator,
        QPalette.ColorRole.Dark: theme.separator,
        QPalette.ColorRole.Shadow: theme.window_text,
    }
    for role, value in roles.items():
        pal.setColor(role, qcolor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(disabled, role, qcolor(theme.muted))
    return pal


class ReaderStyle(QProxyStyle):
    """Fusion, with check box and radio button outlines drawn in a visible tone.

    Fusion outlines indicators with the window colour darkened, which all but vanishes on a dark
    window; the outline here comes from the palette's placeholder (muted) colour instead.
    """

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        if element not in _INDICATORS:
            return
        pen = QPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        pen.setWidthF(1.2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = QRectF(option.rect).adjusted(0.6, 0.6, -0.6, -0.6)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 2.0, 2.0)
        painter.restore()


_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Give the whole application the theme's palette (Fusion honours every palette role)."""
    if not isinstance(app.style(), ReaderStyle):
        app.setStyle(ReaderStyle(QStyleFactory.create("Fusion")))
    app.setPalette(make_palette(theme))
    app.setProperty("readerTheme", theme.name)
