"""Saving and restoring the window layout: geometry, toolbars, pane sizes and hidden panes.

The layout is stored with `LAYOUT_VERSION`; a layout saved by another version is ignored (the
window then starts with the default pane proportions) rather than restored half-wrong.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from reader.ui.settings import LAYOUT_VERSION, Settings

#: Pane proportions of a fresh window (episode list, transcript, sidebar), in per cent.
PANE_RATIOS = (24, 50, 26)
DEFAULT_SIZE = (1280, 800)


def default_sizes(window: QMainWindow, splitter: QSplitter) -> None:
    """Split the window's width in `PANE_RATIOS`."""
    total = max(window.width(), 600)
    splitter.setSizes([total * r // 100 for r in PANE_RATIOS])


def restore_layout(window: QMainWindow, splitter: QSplitter, settings: Settings) -> list[str]:
    """Restore what `save_layout` stored; returns the names of the panes the user had hidden."""
    current = settings.value("window/layout_version") == LAYOUT_VERSION
    geometry = settings.value("window/geometry") if current else b""
    if not geometry or not window.restoreGeometry(QByteArray(geometry)):
        window.resize(*DEFAULT_SIZE)
    state = settings.value("window/state") if current else b""
    if state:
        window.restoreState(QByteArray(state), LAYOUT_VERSION)
    sizes = settings.value("window/splitter") if current else []
    if len(sizes) == splitter.count() and all(isinstance(x, int) and x >= 0 for x in sizes):
        splitter.setSizes(sizes)
    else:
        default_sizes(window, splitter)
    return list(settings.value("window/hidden_panes")) if current else []


def save_layout(
    window: QMainWindow, splitter: QSplitter, hidden: list[str], settings: Settings
) -> None:
    """Store geometry, toolbar state, pane widths and hidden panes with the layout version."""
    settings.set_value("window/layout_version", LAYOUT_VERSION)
    settings.set_value("window/geometry", bytes(window.saveGeometry().data()))
    settings.set_value("window/state", bytes(window.saveState(LAYOUT_VERSION).data()))
    settings.set_value("window/splitter", [int(x) for x in splitter.sizes()])
    settings.set_value("window/hidden_panes", hidden)
