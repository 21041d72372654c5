"""Shared helpers for the window tests: a small library on disk and a window opened on it."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from reader.core.annotations import Annotation, from_w3c
from reader.core.store import AnnotationStore, sidecar_path
from reader.core.transcript import load_transcript
from reader.ui.annotation_model import AnnotationModel
from reader.ui.main_window import MainWindow
from reader.ui.settings import Settings

EPISODES = {
    "alpha.md": (
        "Alpha: caring for carers",
        "2021-03-04",
        "12:30",
        ["Ann Lee", "Bob Roy"],
        ["care", "policy"],
        "AL - Ann Lee\nBR - Bob Roy\n\n"
        "AL Welcome to the programme. Today we talk about unpaid carers and what helps them.\n\n"
        "BR Thank you. The first thing that helps is being asked what you need.\n\n"
        "AL And the second thing?\n\n"
        "BR Respite that is planned with the carer, not for them.\n",
    ),
    "beta.md": (
        "Beta: housing first",
        "2023-06-01",
        "45:00",
        ["Cat Moss"],
        ["housing"],
        "CM - Cat Moss\n\nCM Housing first means a home without conditions.\n\n"
        "CM It started in New York and spread across Europe.\n",
    ),
    "gamma.md": (
        "Gamma: supervision",
        "2019-11-20",
        "30:10",
        ["Dee Park"],
        ["practice"],
        "DP - Dee Park\n\nDP Good supervision is a conversation, not an audit.\n",
    ),
}


def write_library(root: Path) -> Path:
    """Three small transcripts with front matter and speaker turns."""
    root.mkdir(parents=True, exist_ok=True)
    for name, (title, date, duration, speakers, tags, body) in EPISODES.items():
        front = (
            f'---\ntitle: "{title}"\ndate: "{date}"\nduration: "{duration}"\n'
            f"speakers: {json.dumps(speakers)}\ntags: {json.dumps(tags)}\n---\n"
        )
        (root / name).write_text(front + body, encoding="utf-8")
    return root


def test_settings(author: str = "Tester") -> Settings:
    """Settings in the isolated config dir, with the author already set (no prompt)."""
    settings = Settings()
    settings.set_value("author/name", author)
    return settings


test_settings.__test__ = False  # type: ignore[attr-defined]


def open_window(qtbot, library: Path, settings: Settings | None = None) -> MainWindow:  # noqa: ANN001
    """A shown window on ``library``, after loading and opening its first episode."""
    window = MainWindow(settings or test_settings(), interactive=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(library)
    wait_loaded(qtbot, window)
    return window


def wait_loaded(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    """Wait for the library and then the episode it opens (both load in the background)."""
    qtbot.waitUntil(lambda: not window.loader.is_loading(), timeout=10_000)
    qtbot.waitUntil(lambda: window.transcript is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.episode_loader.is_busy(), timeout=10_000)


def annotation_model(folder: Path, text: str) -> AnnotationModel:
    """A model on the store of ``folder/t.md``, written with ``text`` (needs a QApplication)."""
    path = folder / "t.md"
    path.write_text(text, encoding="utf-8")
    model = AnnotationModel()
    model.set_store(AnnotationStore.open(load_transcript(path)))
    return model


def saved(transcript_path: Path) -> list[Annotation]:
    """The live annotations in the sidecar on disk."""
    path = sidecar_path(transcript_path)
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [from_w3c(raw) for raw in data["items"]]
    return [a for a in items if not a.deleted]


def select_text(window: MainWindow, needle: str) -> tuple[int, int]:
    """Select the first occurrence of ``needle`` in the open transcript (code points)."""
    assert window.transcript is not None
    start = window.transcript.text.index(needle)
    end = start + len(needle)
    window.view.set_selection(start, end)
    return start, end


def press(qtbot, widget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    widget.setFocus()
    qtbot.keyClick(widget, key, modifier)
