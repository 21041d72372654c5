"""`run_gui`: library resolution, application identity, and the --screenshot mode."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from window_helpers import write_library

from reader import APP_ID
from reader.app import application, resolve_library
from reader.core.paths import sample_library, user_data_dir, user_sample_library

ROOT = Path(__file__).resolve().parents[2]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_resolve_library(tmp_path: Path) -> None:
    assert resolve_library(str(tmp_path), "") == tmp_path
    assert resolve_library(None, str(tmp_path)) == tmp_path
    # No PATH and no last library: the writable copy of the sample, in the user data directory.
    assert resolve_library(None, str(tmp_path / "gone")) == user_sample_library()
    assert resolve_library(None, "") == user_sample_library()
    copy = resolve_library(None, "")
    assert copy != sample_library() and user_data_dir() in copy.parents
    bundled = sorted(p.name for p in sample_library().glob("*.md"))
    assert sorted(p.name for p in copy.glob("*.md")) == bundled


def test_application_identity(qapp) -> None:
    app = application()
    assert app is qapp
    assert app.desktopFileName() == APP_ID
    assert app.applicationName() == "Transcript Reader"


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_writes_png_of_the_size(tmp_path: Path, theme: str) -> None:
    library = write_library(tmp_path / "lib")
    out = tmp_path / f"shot-{theme}.png"
    code = (
        "import sys; from reader.app import run_gui; "
        f"sys.exit(run_gui({str(library)!r}, screenshot={str(out)!r}, size=(1100, 700), "
        f"theme={theme!r}))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    assert out.stat().st_size > 10_000
    assert png_size(out) == (1100, 700)


@pytest.mark.slow
def test_screenshot_opens_a_file_argument_in_its_folder(tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = (
        "import sys; from reader.app import run_gui; "
        f"sys.exit(run_gui({str(library / 'gamma.md')!r}, screenshot={str(out)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    assert png_size(out) == (1280, 800)


def test_screenshot_of_a_missing_path_fails(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = (
        "import sys; from reader.app import run_gui; "
        f"sys.exit(run_gui({str(tmp_path / 'nope')!r}, screenshot={str(tmp_path / 'x.png')!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert result.returncode == 2
    assert not (tmp_path / "x.png").exists()


def test_freeze_support_only_in_the_frozen_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    from reader.app import freeze_support

    calls: list[bool] = []
    monkeypatch.setattr(multiprocessing, "freeze_support", lambda: calls.append(True))
    monkeypatch.delattr(sys, "frozen", raising=False)
    freeze_support()
    assert calls == []
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    freeze_support()
    assert calls == [True]
