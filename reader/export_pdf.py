"""PDF export: the HTML export (its Qt variant) laid out by QTextDocument and printed to a PDF.

Kept outside :mod:`reader.core` because it needs Qt (QtGui only: QTextDocument and QPdfWriter,
both in PySide6-Essentials; no widgets). A QGuiApplication is needed for fonts and layout: the
running one is used, otherwise one is created, on the ``offscreen`` platform when there is no
display (``QT_QPA_PLATFORM`` unset and neither ``DISPLAY`` nor ``WAYLAND_DISPLAY`` set).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reader.core.export import Episode, ExportOptions, write_export_file

__all__ = ["write_pdf"]

_app = None  # a QGuiApplication created here is kept for the life of the process


def _ensure_gui_app() -> None:
    global _app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return
    if (
        not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and sys.platform.startswith("linux")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication([sys.argv[0] if sys.argv else "transcript-reader"])


def render_pdf(html_text: str, title: str) -> bytes:
    """The PDF bytes of ``html_text`` (Qt rich-text HTML), A4 with 16 mm margins."""
    _ensure_gui_app()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Transcript Reader")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(16, 16, 16, 16), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setHtml(html_text)
    doc.print_(writer)
    del writer
    buffer.close()
    return bytes(data.data())


def write_pdf(out: Path, episodes: list[Episode], options: ExportOptions) -> None:
    """Write the episodes' HTML export as a PDF to ``out`` (atomically: temp file, rename).

    Raises OSError when the file cannot be written.
    """
    from reader.core.export_html import document_title, to_html

    pdf = render_pdf(to_html(episodes, options, qt=True), document_title(episodes, options))
    write_export_file(Path(out), pdf)
