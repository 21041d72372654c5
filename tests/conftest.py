"""Shared test setup: offscreen Qt, isolated user directories, the optional ../shared folder."""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point config, data and cache directories at a fresh temporary folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRANSCRIPT_READER_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    yield home


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


def _load_module(path: Path, name: str) -> ModuleType:
    """The Python file at ``path``, run as a fresh module called ``name`` (not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def export_library() -> ModuleType:
    """``tests/core/test_export_library.py`` (``build_library``, ``fresh_copy``, …), loaded by
    path for test files outside ``tests/core``."""
    return _load_module(ROOT / "tests" / "core" / "test_export_library.py", "export_library")


@pytest.fixture
def w3c_validate(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """Run the W3C Web Annotation test suite's offline runner (``../shared``) on files.

    ``w3c_validate(*args)`` checks every MUST (``--optional none``), asserts that all passed and
    returns the runner's output. Skips when ``jsonschema``, ``referencing`` or the runner
    (``w3c-annotation-tests/validate.py``) is absent.
    """
    pytest.importorskip("jsonschema", reason="the W3C validator needs jsonschema")
    pytest.importorskip("referencing", reason="the W3C validator needs referencing")
    script = shared_dir / "w3c-annotation-tests" / "validate.py"
    if not script.is_file():
        pytest.skip("w3c-annotation-tests/validate.py is not present")
    validator = _load_module(script, "w3c_validate")

    def run(*args: str) -> str:
        status = validator.main([*args, "--optional", "none"])
        out = capsys.readouterr().out
        assert status == 0, out
        assert "FAIL" not in out and "ERROR" not in out
        return out

    return run


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded(real):
    def connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"network connection attempted during tests: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    """The program never makes a network connection: any attempt fails the test run."""
    socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _clear_clipboard():
    """Leave no clipboard data behind: Qt's offscreen platform crashes at exit if any is left."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.clipboard().clear()
