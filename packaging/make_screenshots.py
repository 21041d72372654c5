"""Render the README screenshots (resources/screenshots/main-light.png and main-dark.png).

A copy of the bundled sample library is made in a temporary folder, a few annotations are added
to its welcome episode through the real store (so the sidecar is exactly what the program would
write), and ``transcript-reader --screenshot`` renders the window on the copy, offscreen.

    .venv/bin/python packaging/make_screenshots.py                 # the two README images
    .venv/bin/python packaging/make_screenshots.py --tour /tmp/t   # plus the floating bar,
                                                                   # outline and shortcuts list

Needs no display (QT_QPA_PLATFORM=offscreen is set).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: (quote, colour, note, tags) on the welcome episode.
ANNOTATIONS = (
    (
        "every change can be undone with Ctrl+Z",
        "purple",
        "Use in the seminar handout.",
        ["seminar"],
    ),
    (
        "The best way to learn the program is to try each step as you read it.",
        "yellow",
        "Worth remembering for every new tool.",
        ["learning"],
    ),
    ("Where do my own transcripts go?", "blue", "", []),
    ("pick a folder of Markdown or plain-text transcripts", "green", "", ["setup", "files"]),
)
WELCOME = "00-welcome.md"
AUTHOR = "Sam Student"


def annotated_sample(folder: Path) -> Path:
    """Copy the sample library into ``folder`` and annotate its welcome episode."""
    from reader.core.paths import sample_library
    from reader.core.store import AnnotationStore, new_annotation
    from reader.core.transcript import load_transcript

    library = folder / "sample"
    shutil.copytree(sample_library(), library, ignore=shutil.ignore_patterns("*.annotations.json"))
    transcript = load_transcript(library / WELCOME)
    store = AnnotationStore.open(transcript)
    for quote, color, note, tags in ANNOTATIONS:
        start = transcript.text.index(quote)
        ann = new_annotation(
            transcript.text,
            start,
            start + len(quote),
            color=color,
            note=note,
            tags=tags,
            creator=AUTHOR,
        )
        store.add(ann)
    return library


def screenshot(library: Path, out: Path, theme: str, size: str = "1280x800") -> None:
    """``transcript-reader --screenshot`` in a fresh process (its own settings, offscreen)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "reader", "--screenshot", str(out), "--size", size]
    command += ["--theme", theme, str(library)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def tour(library: Path, folder: Path) -> None:
    """Grabs with the floating bar, the outline and the shortcuts list open (light theme)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from reader.app import application
    from reader.ui.help import show_shortcuts
    from reader.ui.main_window import MainWindow
    from reader.ui.settings import Settings

    app = application(offscreen=True)

    def settle(ms: int = 200) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    settings = Settings(folder / "settings.ini")
    settings.set_value("appearance/theme", "light")
    settings.set_value("author/name", AUTHOR)
    window = MainWindow(settings, interactive=False)
    window.resize(1280, 800)
    window.reset_pane_sizes()
    window.show()
    window.open_path(library / WELCOME)
    window.loader.wait_until_idle()
    window.episode_loader.wait_until_idle()
    settle()
    text = window.transcript.text
    start = text.index("written for you to practise on")
    window.view.text_edit().setFocus(Qt.FocusReason.OtherFocusReason)
    window.view.set_selection(start, start + len("written for you to practise on"))
    window.view.set_reading_offset(0)
    window._bar_pending = True  # as after a mouse selection
    window._on_selection_settled()
    settle()
    window.grab().save(str(folder / "floating-bar.png"))
    window._hide_selection_bar()
    window.open_outline()
    settle()
    window.grab().save(str(folder / "outline.png"))
    window.outline.close_panel()
    dialog = show_shortcuts(window)
    settle()
    dialog.grab().save(str(folder / "shortcuts.png"))
    dialog.close()
    window.close()
    app.processEvents()
    for name in ("floating-bar", "outline", "shortcuts"):
        print(folder / f"{name}.png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--tour", type=Path, help="also write grabs of the bar, outline, help")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="transcript-reader-shots-") as tmp:
        os.environ["TRANSCRIPT_READER_HOME"] = str(Path(tmp) / "home")  # never the user's own
        library = annotated_sample(Path(tmp))
        args.out.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            screenshot(library, args.out / f"main-{theme}.png", theme)
        if args.tour:
            args.tour.mkdir(parents=True, exist_ok=True)
            tour(library, args.tour)
    return 0


if __name__ == "__main__":
    sys.exit(main())
