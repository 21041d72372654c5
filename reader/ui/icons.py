"""Toolbar icons: our own SVG line drawings, tinted from the palette at runtime.

The drawings live in ``reader.resources/icons/toolbar/*.svg`` (24×24 view box, 1.75 stroke, round
caps and joins, drawn in black). Each is rendered with `QSvgRenderer` and coloured with
``CompositionMode_SourceIn``, so one file serves both themes; `IconTinter` redoes this whenever
the palette of the widget it watches changes (a theme switch), so no colour is baked in.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

#: Action name (``ActionSpec.name``, or an object name without ``action_``) → icon file stem.
ACTION_ICONS: dict[str, str] = {
    "open_folder": "open-folder",
    "undo": "undo",
    "redo": "redo",
    "add_note": "add-note",
    "tags": "tags",
    "find": "find",
    "keep_applying": "keep-applying",
    "outline": "outline",
    "search_library": "search-library",
}
#: Device pixel ratios each icon is drawn for (crisp on ordinary and high-density screens).
_RATIOS = (1.0, 2.0)
_ARGB = QColor.NameFormat.HexArgb


@cache
def svg_data(name: str) -> bytes:
    """The SVG source of toolbar icon ``name`` (a file stem of ``icons/toolbar``)."""
    files = resources.files("reader.resources") / "icons" / "toolbar" / f"{name}.svg"
    return files.read_bytes()


def tinted_pixmap(name: str, color: QColor, size: int, ratio: float = 1.0) -> QPixmap:
    """Icon ``name`` drawn at ``size`` logical pixels, every stroke in ``color``."""
    side = max(1, round(size * ratio))
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(svg_data(name)))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), color)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def tinted_icon(name: str, color: QColor, disabled: QColor, size: int) -> QIcon:
    """An icon for ``name`` in ``color``, and in ``disabled`` when its action is disabled."""
    icon = QIcon()
    for ratio in _RATIOS:
        icon.addPixmap(tinted_pixmap(name, color, size, ratio), QIcon.Mode.Normal)
        icon.addPixmap(tinted_pixmap(name, disabled, size, ratio), QIcon.Mode.Disabled)
    return icon


class IconTinter(QObject):
    """Keeps the icons of some actions in ``widget``'s text colour, re-tinting on palette change.

    The colours come from the widget's palette (``ButtonText``, and its disabled tone), which the
    theme sets (`reader.ui.theme.make_palette`).
    """

    def __init__(self, widget: QWidget, size: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._size = size
        self._actions: list[tuple[QAction, str]] = []
        self._colors: tuple[str, str] | None = None
        widget.installEventFilter(self)

    def add(self, action: QAction, name: str) -> None:
        """Give ``action`` icon ``name`` (a key of `ACTION_ICONS` or a file stem), kept tinted."""
        stem = ACTION_ICONS.get(name, name)
        self._actions.append((action, stem))
        normal, disabled = self._palette_colors()
        self._colors = (normal.name(_ARGB), disabled.name(_ARGB))
        action.setIcon(tinted_icon(stem, normal, disabled, self._size))

    def color(self) -> QColor:
        """The colour the icons are drawn in now."""
        return self._palette_colors()[0]

    def retint(self, force: bool = False) -> None:
        """Redraw every icon if the palette's colours changed (or ``force``)."""
        normal, disabled = self._palette_colors()
        key = (normal.name(_ARGB), disabled.name(_ARGB))
        if key == self._colors and not force:
            return
        self._colors = key
        for action, stem in self._actions:
            action.setIcon(tinted_icon(stem, normal, disabled, self._size))

    def _palette_colors(self) -> tuple[QColor, QColor]:
        palette = self._widget.palette()
        role = QPalette.ColorRole.ButtonText
        return palette.color(role), palette.color(QPalette.ColorGroup.Disabled, role)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._widget and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.StyleChange,
        ):
            self.retint()
        return False
