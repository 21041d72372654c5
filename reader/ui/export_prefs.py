"""The export formats offered, the citation styles, and `ExportPrefs`: the remembered export
choices. Light (no dialog), so the window can make the preferences Copy with Citation reads at
start while `reader.ui.export_dialog` loads with the first export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

__all__ = ["FORMATS", "FORMAT_INFO", "STYLES", "STYLE_NAMES", "ExportPrefs", "FormatInfo"]


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """How a format is offered: its name, file suffix, file-dialog filter and a description."""

    name: str
    suffix: str
    description: str
    cites: bool  # uses the citation style and the podcast's name
    annotations: bool  # exports annotations (plain text is the transcript only)


FORMAT_INFO: dict[str, FormatInfo] = {
    "md": FormatInfo(
        "Markdown", ".md", "Quotes with speaker, note, tags and citation, per episode.", True, True
    ),
    "csv": FormatInfo(
        "CSV", ".csv", "One row per annotation, for spreadsheets and data tools.", False, True
    ),
    "jsonld": FormatInfo(
        "W3C Web Annotation (JSON-LD)",
        ".jsonld",
        "The open W3C standard, read by other tools and by File ▸ Import Annotations…",
        False,
        True,
    ),
    "html": FormatInfo(
        "HTML",
        ".html",
        "The transcripts with highlights and notes; opens in any browser.",
        True,
        True,
    ),
    "pdf": FormatInfo("PDF", ".pdf", "The HTML export as a printable A4 document.", True, True),
    "txt": FormatInfo(
        "Plain text", ".txt", "The transcripts' text only, without annotations.", False, False
    ),
}
#: The export formats, in `reader.core.export.FORMATS`'s order (a test keeps them the same; the
#: export machinery itself is imported only when an export runs).
FORMATS: tuple[str, ...] = tuple(FORMAT_INFO)

STYLE_NAMES: dict[str, str] = {"apa": "APA 7th edition", "harvard": "Harvard (Cite Them Right)"}
#: `reader.core.citation.STYLES` (a test keeps them the same).
STYLES: tuple[str, ...] = tuple(STYLE_NAMES)


class ExportPrefs(QObject):
    """The remembered export choices, kept in the window's settings file under ``export/``.

    `Settings` only stores the preferences it declares, so these are read and written with a
    `QSettings` on the same INI file. `styleChanged` is emitted when the citation style changes.
    """

    styleChanged = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def _get(self, key: str, default: str, allowed: tuple[str, ...] | None = None) -> str:
        value = self._qs.value(f"export/{key}")
        text = str(value) if value is not None else default
        return text if allowed is None or text in allowed else default

    def _set(self, key: str, value: str) -> None:
        self._qs.setValue(f"export/{key}", value)
        self._qs.sync()

    @property
    def format(self) -> str:
        return self._get("format", "md", FORMATS)

    @format.setter
    def format(self, value: str) -> None:
        self._set("format", value)

    @property
    def scope(self) -> str:
        """``"episode"`` (the open one) or ``"library"``."""
        return self._get("scope", "episode", ("episode", "library"))

    @scope.setter
    def scope(self, value: str) -> None:
        self._set("scope", value)

    @property
    def style(self) -> str:
        return self._get("style", "apa", STYLES)

    @style.setter
    def style(self, value: str) -> None:
        if value not in STYLES:
            raise ValueError(f"unknown citation style {value!r}")
        changed = value != self.style
        self._set("style", value)
        if changed:
            self.styleChanged.emit(value)

    @property
    def bom(self) -> bool:
        return self._get("bom", "false") == "true"

    @bom.setter
    def bom(self, value: bool) -> None:
        self._set("bom", "true" if value else "false")

    @property
    def series(self) -> str:
        """The podcast's name, used when a transcript's front matter does not give one."""
        return self._get("series", "").strip()

    @series.setter
    def series(self, value: str) -> None:
        self._set("series", value.strip())

    @property
    def folder(self) -> str:
        """The folder the last export was saved in ("" before the first)."""
        return self._get("folder", "")

    @folder.setter
    def folder(self, value: str) -> None:
        self._set("folder", value)
