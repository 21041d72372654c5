"""The program's own folders and the writable copy of the sample library."""

from __future__ import annotations

from pathlib import Path

from reader.core import paths


def test_dirs_follow_the_override(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TRANSCRIPT_READER_HOME", str(tmp_path))
    assert paths.user_data_dir() == tmp_path / "data"
    assert paths.user_cache_dir() == tmp_path / "cache"
    assert paths.user_config_dir() == tmp_path / "config"


def test_user_sample_is_a_copy_that_keeps_user_files() -> None:
    bundled = sorted(p.name for p in paths.sample_library().glob("*.md"))
    copy = paths.user_sample_library()
    assert copy != paths.sample_library()
    assert sorted(p.name for p in copy.glob("*.md")) == bundled
    first = copy / bundled[0]
    first.write_text("edited by the user", encoding="utf-8")
    (copy / (bundled[0] + ".annotations.json")).write_text("{}", encoding="utf-8")
    again = paths.user_sample_library()
    assert again == copy
    assert first.read_text(encoding="utf-8") == "edited by the user"
    assert (copy / (bundled[0] + ".annotations.json")).read_text(encoding="utf-8") == "{}"
