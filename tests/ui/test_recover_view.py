"""File › Recover…: orphans, re-link offers, backups with Restore, Show in Folder."""

from __future__ import annotations

import datetime as _dt
import os

from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu
from window_helpers import open_window, write_library

from reader.core import backups
from reader.core.store import AnnotationStore, new_annotation, sidecar_path
from reader.core.transcript import load_transcript
from reader.ui.recover_view import RecoverDialog, open_recover


def _note(path, quote: str) -> str:  # noqa: ANN001
    store = AnnotationStore.open(load_transcript(path))
    start = store.transcript.text.index(quote)
    return store.add(new_annotation(store.transcript.text, start, start + len(quote))).id


def _open_recover(qtbot, window) -> RecoverDialog:  # noqa: ANN001
    dialog = open_recover(window)
    qtbot.waitUntil(lambda: not dialog.is_scanning())
    return dialog


def test_recover_action_is_in_the_file_menu(qtbot, tmp_path):
    window = open_window(qtbot, write_library(tmp_path / "lib"))
    action = window.findChild(QAction, "action_recover")
    assert action is not None and action in window.findChild(QMenu, "menu_file").actions()
    action.trigger()
    dialog = window.findChild(RecoverDialog)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: not dialog.is_scanning())
    assert "Nothing needs your attention" in dialog.intro.text()
    dialog.reject()


def test_orphans_relinks_and_show_in_folder(qtbot, tmp_path, monkeypatch):
    lib = write_library(tmp_path / "lib")
    _note(lib / "gamma.md", "not an audit")
    text = (lib / "beta.md").read_text("utf-8")
    orphan = _note(lib / "beta.md", "spread across Europe")
    (lib / "beta.md").write_text(text.replace("spread across Europe", "went nowhere"), "utf-8")
    os.rename(lib / "gamma.md", lib / "gamma-renamed.md")
    window = open_window(qtbot, lib)
    dialog = _open_recover(qtbot, window)
    kinds = [f.kind for f in dialog.findings()]
    assert kinds.count("orphan") == 1 and kinds.count("relink") == 1

    found = dialog.select("orphan")
    assert found.annotation_id == orphan and dialog.open_button.isEnabled()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog.folder_button.click()
    assert opened == [str(lib)]

    dialog.select("relink")
    assert dialog.relink_button.isEnabled()
    dialog.relink_button.click()
    assert sidecar_path(lib / "gamma-renamed.md").exists()
    assert "relink" not in [f.kind for f in dialog.findings()]
    qtbot.waitUntil(lambda: not dialog.is_scanning())  # the list is scanned again
    assert dialog.select("relink") is None and dialog.select("orphan") is not None
    dialog.reject()


def test_restore_from_the_recover_view_updates_the_window(qtbot, tmp_path, monkeypatch):
    lib = write_library(tmp_path / "lib")
    window = open_window(qtbot, lib)
    window.open_episode(str(lib / "alpha.md"))
    qtbot.waitUntil(lambda: str(window.transcript.path) == str(lib / "alpha.md"), timeout=5000)
    store = window.model.store
    start = store.transcript.text.index("unpaid carers")
    ann = new_annotation(store.transcript.text, start, start + 13)
    window.model.add(ann)
    monkeypatch.setattr(backups, "COALESCE", _dt.timedelta(0))
    window.model.delete(ann.id)  # the version with the note is backed up
    assert window.model.get(ann.id) is None

    dialog = _open_recover(qtbot, window)
    found = dialog.select("backup")
    assert found is not None and dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    assert window.model.get(ann.id) is not None
    assert "Restored 1 note" in window.status_label.text()
    dialog.reject()


def test_the_scan_runs_off_the_gui_thread_and_stops_when_the_dialog_closes(
    qtbot, tmp_path, monkeypatch
):
    """Parsing a large library takes seconds: the dialog stays responsive, says how far it got,
    and closing it cancels the scan (nothing arrives afterwards)."""
    import threading

    from reader.core import recovery

    lib = write_library(tmp_path / "lib")
    window = open_window(qtbot, lib)
    threads: list[bool] = []
    release = threading.Event()
    real = recovery.load_transcript

    def slow(path):  # noqa: ANN001, ANN202
        threads.append(threading.current_thread() is threading.main_thread())
        release.wait(5)
        return real(path)

    monkeypatch.setattr(recovery, "load_transcript", slow)
    monkeypatch.setattr("reader.ui.recover_view.PROGRESS_PER_SECOND", 10_000)
    dialog = open_recover(window)
    qtbot.waitUntil(lambda: bool(threads))
    assert dialog.is_scanning() and not dialog.tree.isEnabled()
    assert "Looking for notes" in dialog.intro.text()
    assert threads == [False]
    release.set()
    qtbot.waitUntil(lambda: not dialog.is_scanning())
    assert dialog.tree.isEnabled() and "Nothing needs your attention" in dialog.intro.text()

    release.clear()
    threads.clear()
    dialog.refresh()
    qtbot.waitUntil(lambda: bool(threads))
    results: list[int] = []
    dialog.scanned.connect(lambda: results.append(1))
    release.set()
    dialog.reject()  # cancels and waits for the scan's thread
    assert not dialog.is_scanning() and dialog._pool.activeThreadCount() == 0
    qtbot.wait(50)
    assert results == [] and len(threads) < 3  # stopped before the library's last transcript


def test_closing_the_window_stops_a_scan(qtbot, tmp_path, monkeypatch):
    import threading

    from reader.core import recovery

    lib = write_library(tmp_path / "lib")
    window = open_window(qtbot, lib)
    started, release = threading.Event(), threading.Event()
    real = recovery.load_transcript

    def slow(path):  # noqa: ANN001, ANN202
        started.set()
        release.wait(5)
        return real(path)

    monkeypatch.setattr(recovery, "load_transcript", slow)
    dialog = open_recover(window)
    qtbot.waitUntil(started.is_set)
    threading.Timer(0.05, release.set).start()  # the scan's file read returns a moment later
    window.close()  # waits for the scan's thread, which stops before its next file
    assert not dialog.is_scanning() and dialog._pool.activeThreadCount() == 0
    assert not dialog.isVisible()  # it went with its window
