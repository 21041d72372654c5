"""The header above a transcript: title, subtitle, one line of metadata and the source links.

It is not part of the document (whose text must stay the canonical text): the view places it as
a child of its viewport, in the reading column, inside the document's top margin, so it scrolls
with the text.
"""

from __future__ import annotations

import datetime as _dt
import html
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from reader.core.metadata_values import people
from reader.core.transcript import Transcript
from reader.ui.theme import SPACE_S, SPACE_XS, Theme, qcolor, ui_font

SEPARATOR = " · "


def format_duration(seconds: int | None) -> str | None:
    """``2650`` → ``"44 min"``, ``4320`` → ``"1 h 12 min"``; None for unknown."""
    if seconds is None or seconds <= 0:
        return None
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def format_date(date: _dt.date | None) -> str | None:
    """A date as ``20 January 2010`` (locale-independent, unambiguous)."""
    if date is None:
        return None
    return f"{date.day} {date.strftime('%B')} {date.year}"


def meta_line(transcript: Transcript, speakers: list[str]) -> str:
    """``date · duration · speakers`` with the parts that are known (people, not role labels
    such as "Q" or "Speaker 1": `people`)."""
    meta = transcript.meta
    names = people(meta.speakers or speakers)
    parts = [format_date(meta.date), format_duration(meta.duration_seconds)]
    if names:
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        parts.append(shown)
    return SEPARATOR.join(p for p in parts if p)


def _link_label(url: str) -> str:
    parts = urlsplit(url)
    if parts.netloc:
        path = parts.path.rstrip("/")
        tail = path.rsplit("/", 1)[-1] if path else ""
        return parts.netloc + (f"/…/{tail}" if tail and path.count("/") > 1 else path)
    return url


class TranscriptHeader(QWidget):
    """Title (large), subtitle (quieter), a muted meta line and the source links."""

    linkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_XS)
        self.title = self._label("readerTitle", selectable=True)
        self.subtitle = self._label("readerSubtitle", selectable=True)
        self.meta = self._label("readerMeta")
        self.links = self._label("readerLinks")
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.links.setOpenExternalLinks(False)
        self.links.linkActivated.connect(self.linkActivated)
        layout.addWidget(self.title)
        layout.addSpacing(SPACE_XS)
        layout.addWidget(self.subtitle)
        layout.addSpacing(SPACE_S)
        layout.addWidget(self.meta)
        layout.addWidget(self.links)
        self._theme: Theme | None = None
        self._urls: list[str] = []

    def _label(self, name: str, *, selectable: bool = False) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if selectable:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def set_transcript(self, transcript: Transcript | None, speakers: list[str]) -> None:
        """Show the header of ``transcript`` (None empties it)."""
        if transcript is None:
            for label in (self.title, self.subtitle, self.meta, self.links):
                label.clear()
                label.hide()
            self._urls = []
            return
        meta = transcript.meta
        title = meta.title or (meta.path.stem if meta.path else "")
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.subtitle.setText(meta.subtitle or "")
        self.subtitle.setVisible(bool(meta.subtitle))
        line = meta_line(transcript, speakers)
        self.meta.setText(line)
        self.meta.setVisible(bool(line))
        self._urls = [u for u in meta.source_urls if u]
        self._render_links()

    def _render_links(self) -> None:
        if not self._urls:
            self.links.clear()
            self.links.hide()
            return
        color = self._theme.link if self._theme else None
        style = f' style="color:{color}; text-decoration:none"' if color else ""
        parts = [
            f'<a href="{html.escape(u, quote=True)}"{style}>{html.escape(_link_label(u))}</a>'
            for u in self._urls
        ]
        self.links.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts))
        self.links.setToolTip("\n".join(self._urls))
        self.links.show()

    def set_style(self, theme: Theme, reading: QFont) -> None:
        """Fonts from the reading face (title, subtitle) and the UI face (meta, links)."""
        self._theme = theme
        title_font = QFont(reading)
        title_font.setPointSizeF(reading.pointSizeF() * 1.6)
        title_font.setWeight(QFont.Weight.Bold)
        self.title.setFont(title_font)
        sub_font = QFont(reading)
        sub_font.setPointSizeF(reading.pointSizeF() * 1.05)
        sub_font.setItalic(True)
        self.subtitle.setFont(sub_font)
        small = ui_font()
        small.setPointSizeF(max(8.0, reading.pointSizeF() * 0.68))
        self.meta.setFont(small)
        self.links.setFont(small)
        for label, color in (
            (self.title, theme.text),
            (self.subtitle, theme.muted),
            (self.meta, theme.muted),
            (self.links, theme.link),
        ):
            pal = label.palette()
            pal.setColor(QPalette.ColorRole.WindowText, qcolor(color))
            pal.setColor(QPalette.ColorRole.Link, qcolor(theme.link))
            pal.setColor(QPalette.ColorRole.Highlight, qcolor(theme.selection))
            pal.setColor(QPalette.ColorRole.HighlightedText, qcolor(theme.selection_text))
            label.setPalette(pal)
        self._render_links()

    def height_for(self, width: int) -> int:
        """Height needed at ``width`` (labels wrap)."""
        layout = self.layout()
        if self.title.isHidden() and self.meta.isHidden() and self.links.isHidden():
            return 0
        assert layout is not None  # set in __init__
        return layout.totalHeightForWidth(width)
