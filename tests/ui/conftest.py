"""Fixtures for the window tests: the sample library on disk and a window opened on it.

A test module that needs other files overrides ``library``; ``window`` then opens that one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from window_helpers import open_window, write_library

from reader.ui.main_window import MainWindow


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The three small transcripts of `window_helpers.write_library`, in ``tmp_path/library``."""
    return write_library(tmp_path / "library")


@pytest.fixture
def window(qtbot, library: Path) -> MainWindow:  # noqa: ANN001
    """A shown window on ``library``, after loading and opening its first episode."""
    return open_window(qtbot, library)
