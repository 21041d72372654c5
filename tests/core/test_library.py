"""Scanning a library folder: which files are listed, in which order, and what is skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.core.library import TRANSCRIPT_SUFFIXES, iter_transcript_paths, load_library
from reader.core.paths import sample_library


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {path.stem}\n---\nAB - Ann Bell\n\nAB Hi.\n", "utf-8")


def rel(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_suffixes() -> None:
    assert set(TRANSCRIPT_SUFFIXES) == {".md", ".markdown", ".txt"}


def test_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    make(
        tmp_path,
        "b.md",
        "A.txt",
        "c.markdown",
        "sub/z.md",
        "sub/deeper/y.MD",
        ".git/HEAD.md",
        ".hidden.md",
        "notes.pdf.json",
        "b.md.annotations.json",
        "image.png",
    )
    got = rel(tmp_path, list(iter_transcript_paths(tmp_path)))
    assert got == ["A.txt", "b.md", "c.markdown", "sub/z.md", "sub/deeper/y.MD"]


def test_folder_named_like_a_transcript_is_scanned(tmp_path: Path) -> None:
    """A folder is never a transcript, but a folder called ``x.md`` can hold some."""
    make(tmp_path, "a.md", "folder.md/inside.md", "folder.md/deeper.txt/more.md", "z.md")
    (tmp_path / "empty.md").mkdir()
    got = rel(tmp_path, list(iter_transcript_paths(tmp_path)))
    assert got == ["a.md", "z.md", "folder.md/inside.md", "folder.md/deeper.txt/more.md"]
    assert [m.title for m in load_library(tmp_path)] == ["a", "z", "inside", "more"]
    # given as the root itself, it is a folder to scan too
    assert rel(tmp_path, list(iter_transcript_paths(tmp_path / "folder.md")))[0] == (
        "folder.md/inside.md"
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loops_are_visited_once(tmp_path: Path) -> None:
    make(tmp_path, "a/one.md")
    try:
        (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
        (tmp_path / "again").symlink_to(tmp_path / "a", target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symlinks here")
    got = rel(tmp_path, list(iter_transcript_paths(tmp_path)))
    assert got == ["a/one.md"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions")
def test_unreadable_folder_is_skipped(tmp_path: Path) -> None:
    make(tmp_path, "ok.md", "locked/secret.md")
    locked = tmp_path / "locked"
    locked.chmod(0)
    try:
        assert rel(tmp_path, list(iter_transcript_paths(tmp_path))) == ["ok.md"]
    finally:
        locked.chmod(0o755)


def test_single_file_and_missing_root(tmp_path: Path) -> None:
    make(tmp_path, "one.md")
    assert list(iter_transcript_paths(tmp_path / "one.md")) == [tmp_path / "one.md"]
    assert list(iter_transcript_paths(tmp_path / "nope")) == []


def test_load_library_with_progress_and_bad_files(tmp_path: Path) -> None:
    make(tmp_path, "a.md", "b.md")
    (tmp_path / "c.md").write_bytes(b"\x00\x01binary")
    calls: list[tuple[int, int]] = []
    metas = load_library(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert [m.title for m in metas] == ["a", "b", "C"]
    assert metas[0].speakers == ["Ann Bell"]
    assert metas[2].errors == ["not a text file (it contains NUL bytes)"]
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_bundled_sample_library() -> None:
    metas = load_library(sample_library())
    assert len(metas) >= 3
    for meta in metas:
        assert meta.errors == [] and meta.warnings == []
        assert meta.date is not None and meta.duration_seconds
        assert len(meta.speakers) >= 2
        assert all(u.startswith("https://") and ".example.org/" in u for u in meta.source_urls)
    assert {m.front_matter for m in metas} == {"yaml", "toml"}


def test_folders_are_told_apart_without_inode_numbers(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file system without inode numbers (st_ino 0): folders are told apart by their resolved
    path, so every folder is still listed once."""
    from reader.core import library

    for sub in ("a", "b", "b/c"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        (tmp_path / sub / "x.md").write_text("text\n", "utf-8")
    real_stat = os.stat

    def no_inodes(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        st = real_stat(path, *args, **kwargs)
        return os.stat_result((st.st_mode, 0, *tuple(st)[2:]))

    monkeypatch.setattr(library.os, "stat", no_inodes)
    assert library.folder_identity(tmp_path / "a") == os.path.realpath(tmp_path / "a")
    found = [p.relative_to(tmp_path).as_posix() for p in library.iter_transcript_paths(tmp_path)]
    assert found == ["a/x.md", "b/x.md", "b/c/x.md"]
