"""Go to a place in an episode: open it if needed, then act once it is shown.

The window opens episodes off the GUI thread (`MainWindow.open_episode` returns before the
episode is shown; `window.episode_loader.opened` is emitted when it is ready and after the window
has shown it, restoring the reading position). `EpisodeJump.go` runs its action right away when
the episode is already shown, or after the window has shown it; a newer jump replaces an older
one that is still waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


class EpisodeJump(QObject):
    """Opens episodes for a panel and runs what the panel wants done there."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self._pending: tuple[Path, Callable[[], None]] | None = None
        loader = getattr(window, "episode_loader", None)
        if loader is not None:
            loader.opened.connect(self._on_opened)  # after the window's own slot: it is shown

    def _shown(self, path: Path) -> bool:
        transcript = self.window_.transcript
        loader = getattr(self.window_, "episode_loader", None)
        pending = getattr(loader, "pending_path", None)
        return transcript is not None and Path(transcript.path) == path and pending is None

    def go(self, path: Path | str, action: Callable[[], None]) -> None:
        """Show the episode at ``path`` and then run ``action`` (now, or once it is shown)."""
        path = Path(path)
        if self._shown(path):
            self._pending = None
            action()
            return
        self._pending = (path, action)
        self.window_.open_episode(str(path))
        if self._pending is not None and self._shown(path):  # opened synchronously
            self._pending = None
            action()

    def is_waiting(self) -> bool:
        return self._pending is not None

    def _on_opened(self, opened: object) -> None:
        if self._pending is None:
            return
        path, action = self._pending
        if Path(str(getattr(opened, "path", ""))) == path and self._shown(path):
            self._pending = None
            action()
