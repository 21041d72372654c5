"""Edit ▸ Copy with Citation (Ctrl+Shift+C) and Edit ▸ Citation Style.

Copies the passage selected in the transcript, or the quote of the annotation selected in the
sidebar, in quotation marks with who said it, the in-text citation and the episode's reference
(`reader.core.citation.quote_with_citation`), as plain text and as HTML, so a word processor
pastes the podcast's name in italics and a plain-text editor gets clean text. The style (APA 7 or
Harvard) and the podcast's name used when a transcript does not give one are the export choices
(`ExportPrefs`), so a copied quote and an export always cite alike.

Which passage: with the focus in the annotation sidebar, the selected annotation; otherwise the
selection in the transcript, else the selected annotation. An orphan (its passage is no longer in
the transcript) has no span to cite and is not copied.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from reader.ui.export_install import find_menu, insert_after, make_action
from reader.ui.export_prefs import STYLE_NAMES, ExportPrefs

if TYPE_CHECKING:
    from reader.core.citation import Citation
    from reader.ui.main_window import MainWindow

__all__ = ["COPY_SHORTCUT", "CitationCopier", "install"]

log = logging.getLogger(__name__)

COPY_SHORTCUT = "Ctrl+Shift+C"


class CitationCopier(QObject):
    """Owns the Copy with Citation action of ``window`` and keeps it enabled when it can act."""

    def __init__(self, window: MainWindow, prefs: ExportPrefs) -> None:
        super().__init__(window)
        self.window = window
        self.prefs = prefs
        self.action = make_action(
            window,
            "copy_with_citation",
            "Copy &with Citation",
            COPY_SHORTCUT,
            "Copy the passage in quotation marks with its reference (APA or Harvard)",
        )
        self.action.triggered.connect(self.copy)
        self.style_group = QActionGroup(self)
        self.style_group.setExclusive(True)
        self.style_menu = QMenu("Citation St&yle", window)
        self.style_menu.setObjectName("menu_citation_style")
        for style, name in STYLE_NAMES.items():
            action = QAction(name, self.style_menu)
            action.setObjectName(f"action_citation_style_{style}")
            action.setCheckable(True)
            action.setData(style)
            action.setStatusTip(f"Copy with Citation and exports cite in {name}")
            self.style_group.addAction(action)
            self.style_menu.addAction(action)
        self.style_group.triggered.connect(lambda a: setattr(self.prefs, "style", a.data()))
        prefs.styleChanged.connect(self._show_style)
        self._show_style(prefs.style)

        window.view.selectionOffsetsChanged.connect(lambda _s, _e: self.update_enabled())
        window.controller.currentChanged.connect(lambda _id: self.update_enabled())
        for signal in (
            window.model.modelReset,
            window.model.annotationChanged,
            window.model.annotationRemoved,
        ):
            signal.connect(self.update_enabled)
        self.update_enabled()

    def _show_style(self, style: str) -> None:
        for action in self.style_group.actions():
            action.setChecked(action.data() == style)
        name = STYLE_NAMES.get(style, style)
        self.action.setStatusTip(f"Copy the passage in quotation marks with its {name} reference")

    def _sidebar_has_focus(self) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and self.window.sidebar.isAncestorOf(focus)

    def target(self) -> tuple[int, int] | None:
        """The span to copy: see the module docstring for which one wins."""
        window = self.window
        if window.transcript is None:
            return None
        current = window.controller.current()
        annotation = None
        if current is not None and current.status != "orphaned" and current.end > current.start:
            annotation = (current.start, current.end)
        selection = window.controller.selection
        if annotation is not None and (selection is None or self._sidebar_has_focus()):
            return annotation
        return selection

    def update_enabled(self, *_args: object) -> None:
        self.action.setEnabled(self.target() is not None)

    def citation(self) -> Citation | None:
        """The quote with its citation for the current target (None when there is none)."""
        span = self.target()
        transcript = self.window.transcript
        if span is None or transcript is None:
            return None
        from reader.core.citation import quote_with_citation  # loaded when first used

        start, end = span
        return quote_with_citation(
            transcript, start, end, self.prefs.style, series=self.prefs.series or None
        )

    def copy(self) -> Citation | None:
        """Put the quote with its citation on the clipboard, as text and as HTML."""
        try:
            cited = self.citation()
        except ValueError as exc:  # a span outside the text: the transcript changed under us
            log.warning("cannot cite: %s", exc)
            self.window.show_message(f"Cannot copy with citation: {exc}")
            return None
        if cited is None:
            self.window.show_message(
                "Select a passage in the transcript, or an annotation, to copy with its citation."
            )
            return None
        mime = QMimeData()
        mime.setText(cited.text)
        mime.setHtml(cited.html)
        QGuiApplication.clipboard().setMimeData(mime)
        name = STYLE_NAMES.get(self.prefs.style, self.prefs.style)
        self.window.show_message(f"Copied the quote with its citation ({name}) {cited.in_text}")
        return cited


def install(window: MainWindow, prefs: ExportPrefs) -> CitationCopier:
    """Add Edit ▸ Copy with Citation and Edit ▸ Citation Style after Edit ▸ Copy."""
    copier = CitationCopier(window, prefs)
    edit = find_menu(window, "menu_edit")
    if edit is not None:
        anchor = window.actions.all.get("copy")
        insert_after(edit, anchor, [copier.action, copier.style_menu.menuAction()])
    return copier
