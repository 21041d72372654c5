"""File ▸ Export… and File ▸ Import Annotations…, driven as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMenu
from window_helpers import saved, test_settings, wait_loaded, write_library

from reader.core.annotations import Annotation
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript
from reader.ui.episode_list import CountRole
from reader.ui.export_dialog import ExportDialog, ReportDialog
from reader.ui.exporting import Exporter, exporter_for
from reader.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ALPHA_QUOTE = "The first thing that helps is being asked what you need."
ALPHA_PRIVATE = "Respite that is planned with the carer"
BETA_QUOTE = "Housing first means a home without conditions."


def annotate(path: Path, quote: str, **kw: object) -> Annotation:
    """Add an annotation on ``quote`` through the store API (as another session would)."""
    transcript = load_transcript(path)
    start = transcript.text.index(quote)
    store = AnnotationStore.open(transcript)
    return store.add(new_annotation(transcript.text, start, start + len(quote), **kw))


def test_the_dialog_offers_the_export_formats_and_citation_styles_in_order() -> None:
    """The dialog's lists are its own (the export machinery loads only when an export runs)."""
    from reader.core import citation, export
    from reader.ui import export_dialog

    assert export_dialog.FORMATS == tuple(export_dialog.FORMAT_INFO) == export.FORMATS
    assert export_dialog.STYLES == tuple(export_dialog.STYLE_NAMES) == citation.STYLES


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = write_library(tmp_path / "library")
    annotate(root / "alpha.md", ALPHA_QUOTE, note="Ask first", tags=["care"], creator="Ann")
    annotate(root / "alpha.md", ALPHA_PRIVATE, note="My secret aside", private=True)
    annotate(root / "beta.md", BETA_QUOTE, color="green", note="=1+1", creator="Cat")
    return root


def open_on(qtbot, episode: Path) -> MainWindow:  # noqa: ANN001
    """A shown window on ``episode``'s folder with ``episode`` open."""
    window = MainWindow(test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(episode)
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: window.transcript.path.name == episode.name)
    return window


@pytest.fixture
def window(qtbot, library: Path) -> MainWindow:
    return open_on(qtbot, library / "alpha.md")


def exporter_of(window: MainWindow) -> Exporter:
    """The window's exporter (made on first use: the window is built without it)."""
    exporter = exporter_for(window)
    assert window.findChild(Exporter) is exporter
    return exporter


def save_as(monkeypatch: pytest.MonkeyPatch, out: Path) -> list[tuple]:
    """The save dialog answers ``out``; returns the calls it got."""
    calls: list[tuple] = []

    def answer(*args: object, **kwargs: object) -> tuple[str, str]:
        calls.append(args)
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return calls


def open_export_dialog(qtbot, window: MainWindow) -> ExportDialog:  # noqa: ANN001
    """Press Ctrl+E in the transcript, as a user would."""
    window.activateWindow()  # back from an earlier dialog
    qtbot.waitUntil(window.isActiveWindow)
    window.view.text_edit().setFocus()
    qtbot.keyClick(window.view.text_edit(), Qt.Key.Key_E, CTRL)
    exporter = exporter_of(window)
    qtbot.waitUntil(lambda: exporter.dialog is not None and exporter.dialog.isVisible())
    return exporter.dialog


def click_box(qtbot, button: QAbstractButton) -> None:  # noqa: ANN001
    """Click a check box or radio button on its indicator."""
    pos = QPoint(8, button.height() // 2)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)


def run_export(
    qtbot,  # noqa: ANN001
    window: MainWindow,
    fmt: str,
    *,
    library_scope: bool = False,
    private: bool = False,
    bom: bool | None = None,
) -> None:
    """Choose in the dialog, press Export…, and wait for the status message."""
    dialog = open_export_dialog(qtbot, window)
    dialog.set_format(fmt)
    radio = dialog.library_radio if library_scope else dialog.episode_radio
    click_box(qtbot, radio)
    assert radio.isChecked()
    if private != dialog.private_box.isChecked():
        click_box(qtbot, dialog.private_box)
    if bom is not None and bom != dialog.bom_box.isChecked():
        click_box(qtbot, dialog.bom_box)
    exporter = exporter_of(window)
    with qtbot.waitSignal(exporter.exportFinished, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)


def test_export_and_import_actions_in_file_menu_with_free_shortcut(window: MainWindow) -> None:
    file_menu = window.menuBar().findChild(QMenu, "menu_file")
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("action_export") == names.index("action_import_annotations") - 1
    export = window.findChild(QAction, "action_export")
    assert export.shortcut() == QKeySequence("Ctrl+E")
    assert export.toolTip() and export.property("accessibleName") == "Export"
    bound: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in bound, f"{text}: {bound.get(text)} and {action.objectName()}"
            bound[text] = action.objectName()
    assert bound["Ctrl+E"] == "action_export"
    assert bound["Ctrl+Shift+C"] == "action_copy_with_citation"


def test_markdown_of_current_episode_has_quote_and_citation(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "alpha.md"
    out.parent.mkdir()
    calls = save_as(monkeypatch, out)
    run_export(qtbot, window, "md")
    assert calls and calls[0][2].endswith("alpha-annotations.md")  # offered name
    text = out.read_text(encoding="utf-8")
    assert f"> {ALPHA_QUOTE}" in text
    assert "> — Bob Roy" in text and "**Note:** Ask first" in text
    assert "*Reference:* Lee, A. (Speaker), & Roy, B. (Speaker). (2021, March 4)." in text
    assert "**Cite:** (Lee & Roy, 2021)" in text
    assert BETA_QUOTE not in text  # the current episode only
    assert "My secret aside" not in text  # private notes are left out by default
    assert window.status_label.text() == f"Exported 1 annotation to {out}"


def test_private_notes_only_when_ticked(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "notes.md"
    save_as(monkeypatch, out)
    run_export(qtbot, window, "md", private=True)
    assert "My secret aside" in out.read_text(encoding="utf-8")
    assert window.status_label.text() == f"Exported 2 annotations to {out}"
    dialog = open_export_dialog(qtbot, window)
    assert not dialog.private_box.isChecked()  # never remembered: off every time
    dialog.reject()
    run_export(qtbot, window, "md")
    assert "My secret aside" not in out.read_text(encoding="utf-8")


def test_csv_of_library_with_bom_and_remembered_choices(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "all.csv"
    save_as(monkeypatch, out)
    run_export(qtbot, window, "csv", library_scope=True, bom=True)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfepisode,file,")
    text = data.decode("utf-8-sig")
    assert ALPHA_QUOTE in text and BETA_QUOTE in text
    assert "'=1+1" in text  # a formula-looking note is defused
    assert window.status_label.text() == f"Exported 2 annotations to {out}"

    dialog = open_export_dialog(qtbot, window)
    assert dialog.fmt() == "csv" and dialog.bom_box.isChecked()
    assert dialog.library_radio.isChecked()
    dialog.set_format("md")
    assert not dialog.bom_box.isEnabled() and dialog.style_combo.isEnabled()
    dialog.reject()


def test_controls_follow_the_format_and_dialog_keeps_its_size(qtbot, window: MainWindow) -> None:
    dialog = open_export_dialog(qtbot, window)
    size = dialog.size()
    for fmt in ("txt", "csv", "jsonld", "html", "pdf", "md"):
        dialog.set_format(fmt)
        qtbot.wait(1)
        assert dialog.bom_box.isEnabled() == (fmt == "csv")
        assert dialog.style_combo.isEnabled() == (fmt in ("md", "html", "pdf"))
        assert dialog.private_box.isEnabled() == (fmt != "txt")
        assert dialog.format_hint.text()
        assert dialog.size() == size
    dialog.reject()


def test_pdf_and_html_exports(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tmp_path / "alpha.pdf"
    save_as(monkeypatch, pdf)
    run_export(qtbot, window, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    html = tmp_path / "alpha"  # no suffix given: the format's is added
    save_as(monkeypatch, html)
    run_export(qtbot, window, "html")
    page = (tmp_path / "alpha.html").read_text(encoding="utf-8")
    assert "<mark" in page and "carer" in page


def test_harvard_style_and_podcast_name(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "h.md"
    save_as(monkeypatch, out)
    dialog = open_export_dialog(qtbot, window)
    dialog.set_format("md")
    dialog.style_combo.setCurrentIndex(dialog.style_combo.findData("harvard"))
    qtbot.keyClicks(dialog.series_edit, "Care Talk")
    with qtbot.waitSignal(exporter_of(window).exportFinished, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    text = out.read_text(encoding="utf-8")
    assert "Lee, A. and Roy, B. (2021) 'Alpha: caring for carers', Care Talk [Podcast]." in text


def test_export_failure_is_reported_not_raised(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "missing-folder" / "x.md"
    save_as(monkeypatch, out)
    dialog = open_export_dialog(qtbot, window)
    exporter = exporter_of(window)
    with qtbot.waitSignal(exporter.failed, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert window.status_label.text().startswith(f"Could not export to {out}")
    report = exporter.report_dialog
    assert isinstance(report, ReportDialog) and report.isVisible()
    assert not out.exists() and not exporter.is_busy()
    report.reject()


def test_cancelled_save_dialog_writes_nothing(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    dialog = open_export_dialog(qtbot, window)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert not exporter_of(window).is_busy() and list(tmp_path.glob("*.md")) == []


def test_jsonld_round_trip_into_a_fresh_library(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "all.jsonld"
    save_as(monkeypatch, export)
    run_export(qtbot, window, "jsonld", library_scope=True)
    ids = {item["id"] for item in json.loads(export.read_text())["first"]["items"]}
    assert len(ids) == 2
    window.close()

    fresh = write_library(tmp_path / "fresh")  # same transcripts, no annotations
    other = open_on(qtbot, fresh / "alpha.md")
    assert other.model.annotations() == []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(export), ""))
    exporter = exporter_of(other)
    with qtbot.waitSignal(exporter.importFinished, timeout=10_000) as blocker:
        other.findChild(QAction, "action_import_annotations").trigger()
    report = blocker.args[0]
    assert (report.imported, report.duplicates, report.unmatched) == (2, 0, 0)
    assert {a.id for a in saved(fresh / "alpha.md") + saved(fresh / "beta.md")} == ids
    # The open episode shows its new annotation in the transcript and the sidebar.
    qtbot.waitUntil(lambda: len(other.model.annotations()) == 1)
    assert other.model.annotations()[0].exact == ALPHA_QUOTE
    assert other.sidebar.proxy.rowCount() == 1
    assert other.view.annotations_at(other.transcript.text.index(ALPHA_QUOTE) + 2)
    assert other.status_label.text().startswith("Imported from all.jsonld: 2 imported")
    episodes = other.episodes.model  # the episode list counts the other episode's new note
    beta_row = episodes.row_of(str(fresh.resolve() / "beta.md"))
    assert episodes.index(beta_row).data(CountRole) == 1

    with qtbot.waitSignal(exporter.importFinished, timeout=10_000) as again:
        exporter.import_file(export)
    assert (again.args[0].imported, again.args[0].duplicates) == (0, 2)
    assert len(other.model.annotations()) == 1


def test_import_of_a_bad_file_says_why(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    exporter = exporter_of(window)
    with qtbot.waitSignal(exporter.failed, timeout=10_000):
        window.findChild(QAction, "action_import_annotations").trigger()
    assert window.status_label.text().startswith("Could not import bad.jsonld: not valid JSON")
    assert exporter.report_dialog is not None
    exporter.report_dialog.reject()
