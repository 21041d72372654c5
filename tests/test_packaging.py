"""Packaging: one version, valid desktop files, reachable resources, the desktop install script.

The PyInstaller build itself is not run here (minutes long): packaging/build.sh builds and
smoke-tests it by hand or in release CI.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

import reader
from reader.core.paths import sample_library

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
APP_ID = reader.APP_ID
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
INSTALL = ROOT / "packaging" / "install-desktop.sh"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def _desktop_entry(path: Path) -> dict[str, str]:
    entry: dict[str, str] = {}
    group = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            group = line.strip("[]")
        elif "=" in line and group == "Desktop Entry":
            key, value = line.split("=", 1)
            entry[key] = value
    return entry


# --- one version, valid metadata ---------------------------------------------------------------


def test_metainfo_newest_release_is_the_package_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("./releases/release")
    assert releases, "the metainfo has no <release>"
    newest = max(releases, key=lambda r: _version_key(r.get("version", "")))
    assert newest.get("version") == reader.__version__
    assert releases[0] is newest, "AppStream lists releases newest first"


def test_metainfo_names_the_app_and_its_launcher() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.findtext("provides/binary") == "transcript-reader"
    assert root.findtext("developer/name") or root.findtext("developer_name")
    assert root.findtext("url[@type='homepage']", "").startswith("https://")
    images = [i.text for i in root.findall("screenshots/screenshot/image")]
    assert [Path(u).name for u in images] == ["main-light.png", "main-dark.png"]
    assert root.find("content_rating") is not None


def test_desktop_file_names_the_program_and_icon() -> None:
    entry = _desktop_entry(DESKTOP)
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "transcript-reader"
    assert entry["Type"] == "Application"


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-validate")
def test_desktop_file_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstreamcli is not installed")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- resources through importlib.resources -----------------------------------------------------


def test_sample_library_is_reachable_as_a_package_resource() -> None:
    sample = resources.files("reader.resources") / "sample"
    episodes = sorted(e.name for e in sample.iterdir() if e.name.endswith(".md"))
    assert len(episodes) >= 4
    assert "00-welcome.md" in episodes
    assert Path(str(sample)) == sample_library()
    for name in episodes:
        assert (sample / name).read_text(encoding="utf-8").strip()


def test_icons_are_reachable_as_package_resources() -> None:
    icons = resources.files("reader.resources") / "icons"
    svg = (icons / "transcript-reader.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    for size in PNG_SIZES:
        data = (icons / f"transcript-reader-{size}.png").read_bytes()
        assert _png_size(data) == (size, size)
    assert (icons / "transcript-reader.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (icons / "transcript-reader.icns").read_bytes()[:4] == b"icns"


def test_every_resource_file_is_package_data() -> None:
    """What is in resources/ is reachable through importlib.resources (so it ships in the wheel
    and the bundle): every file, in every subfolder."""
    base = resources.files("reader.resources")
    for path in (ROOT / "resources").rglob("*"):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(ROOT / "resources")
        assert base.joinpath(*rel.parts).is_file(), rel


def test_welcome_episode_parses_cleanly() -> None:
    from reader.core.transcript import load_transcript

    t = load_transcript(sample_library() / "00-welcome.md")
    assert t.meta.errors == [] and t.meta.warnings == []
    assert t.meta.title == "Welcome to Transcript Reader"
    assert set(t.meta.speakers) == {"Welcome Guide", "New Reader"}
    assert sum(1 for b in t.blocks if b.kind == "heading") >= 4
    for shortcut in ("press the 1 key", "press N, or Ctrl+Shift+N", "Ctrl+F"):
        assert shortcut in t.text


def test_welcome_episode_names_shortcuts_the_window_really_has() -> None:
    """The shortcuts the welcome episode teaches are those of the window's actions table."""
    actions = pytest.importorskip("reader.ui.actions")
    shortcuts = {s for spec in actions.SPECS for s in spec.shortcuts if isinstance(s, str)}
    names = {spec.name: spec for spec in actions.SPECS}
    assert {"N", "Ctrl+Shift+N"} <= set(names["add_note"].shortcuts)
    for key in ("Ctrl+K", "Ctrl+T", "Ctrl+Shift+P", "Ctrl+Shift+E", "Ctrl+Shift+A", "F6", "F3"):
        assert key in shortcuts, key


# --- install-desktop.sh ------------------------------------------------------------------------


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _run_install(data_home: Path, *args: str, path: str | None = None) -> str:
    env = {
        "PATH": path if path is not None else os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data_home.parent / "home"),
        "XDG_DATA_HOME": str(data_home),
    }
    result = subprocess.run(
        ["bash", str(INSTALL), *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture()
def fake_program(tmp_path: Path) -> Path:
    """An installed `transcript-reader` command, in a folder whose name needs quoting."""
    folder = tmp_path / "my apps"
    folder.mkdir()
    program = folder / "transcript-reader"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_install_desktop_then_uninstall_leaves_nothing(tmp_path: Path, fake_program: Path) -> None:
    data_home = tmp_path / "data"
    data_home.mkdir()
    _run_install(data_home, path=f"{fake_program.parent}:/usr/bin:/bin")

    desktop = data_home / "applications" / f"{APP_ID}.desktop"
    entry = _desktop_entry(desktop)
    assert entry["Exec"] == f'"{fake_program}" %F'
    assert entry["Icon"] == APP_ID
    assert (data_home / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == (
        METAINFO.read_bytes()
    )
    hicolor = data_home / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in PNG_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert _png_size(png.read_bytes()) == (size, size)
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout

    _run_install(data_home, "--uninstall")
    assert _files_under(data_home) == []


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_uninstall_keeps_other_programs_files(tmp_path: Path, fake_program: Path) -> None:
    data_home = tmp_path / "data"
    other_desktop = data_home / "applications" / "org.example.Other.desktop"
    other_icon = data_home / "icons" / "hicolor" / "48x48" / "apps" / "org.example.Other.png"
    other_meta = data_home / "metainfo" / "org.example.Other.metainfo.xml"
    for path in (other_desktop, other_icon, other_meta):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("other\n")
    before = set(_files_under(data_home))

    _run_install(data_home, "--exec", str(fake_program))
    _run_install(data_home, "--uninstall")

    after = set(_files_under(data_home))
    caches = {"applications/mimeinfo.cache", "icons/hicolor/icon-theme.cache"}
    assert before <= after and after - before <= caches
    assert other_desktop.read_text() == "other\n" and other_icon.read_text() == "other\n"


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_install_desktop_defaults_to_home_local_share(tmp_path: Path, fake_program: Path) -> None:
    home = tmp_path / "home"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    cmd = ["bash", str(INSTALL), "--exec", str(fake_program)]
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    assert (home / ".local/share/applications" / f"{APP_ID}.desktop").is_file()
    subprocess.run([*cmd[:2], "--uninstall"], check=True, env=env, capture_output=True)
    # ~/.local/share itself is the user's and stays; nothing of ours is left in it.
    assert _files_under(home) == [".local", ".local/share"]


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_install_desktop_without_a_program_fails_clearly(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    result = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode != 0
    assert "transcript-reader" in result.stderr
    assert not (tmp_path / "d").exists()
