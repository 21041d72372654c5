"""Large index updates write without syncing, marked: the mark is removed once the writes are
durable; one left by a stopped process is settled (same boot) or the index rebuilt (a restart);
a running update's mark is left alone."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import filelock
import pytest

from reader.core import search_sync
from reader.core.search import Index

OLD = 1_600_000_000


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    for i in range(12):
        path = root / f"ep{i:02d}.md"
        path.write_text(f"---\ntitle: Episode {i}\n---\nAL Words about welfare, day {i}.\n")
        os.utime(path, (OLD, OLD))
    return root


def _index(library: Path, tmp_path: Path) -> Index:
    idx = Index(library, index_file=tmp_path / "idx" / "x.sqlite3")
    idx.PARALLEL_MIN = 4  # a "large" update from 4 files
    idx.WORKERS = 0
    return idx


def test_a_large_update_is_marked_while_it_writes(library: Path, tmp_path: Path) -> None:
    idx = _index(library, tmp_path)
    mark = search_sync.mark_path(idx.path)
    seen: list[bool] = []
    synced: list[int] = []
    real = search_sync.settle

    def spy(con: sqlite3.Connection, index: Path) -> None:
        synced.append(int(con.execute("PRAGMA synchronous").fetchone()[0]))
        real(con, index)

    search_sync.settle = spy  # type: ignore[assignment]
    try:
        stats = idx.update(progress=lambda done, total: seen.append(mark.exists()))
    finally:
        search_sync.settle = real  # type: ignore[assignment]
    assert stats.parsed == 12 and not stats.errors
    assert len(seen) == 12 and all(seen)  # 12 new files: marked from the first on
    assert not mark.exists()  # removed once durable
    assert synced == [0]  # the writes went unsynced (OFF) until the end
    assert len(idx.search("welfare", limit=50)) == 12
    # a small update writes as usual: no mark
    (library / "ep00.md").write_text("---\ntitle: Episode 0\n---\nAL Other words.\n")
    seen.clear()
    assert idx.update(progress=lambda d, t: seen.append(mark.exists())).parsed == 1
    assert not any(seen) and not mark.exists()


def test_a_cancelled_large_update_is_settled(library: Path, tmp_path: Path) -> None:
    idx = _index(library, tmp_path)
    calls: list[int] = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 8

    stats = idx.update(cancel=cancel)
    assert stats.cancelled and 0 < stats.parsed < 12
    assert not search_sync.mark_path(idx.path).exists()
    assert len(idx.search("welfare", limit=50)) == stats.parsed


def _stopped_mid_update(idx: Index, boot: str) -> None:
    """What a process that stopped in the middle of a large update leaves: the mark."""
    search_sync.mark_path(idx.path).write_text(boot + "\n", encoding="ascii")


def test_a_mark_left_in_the_same_boot_is_settled(library: Path, tmp_path: Path) -> None:
    if not search_sync.boot_id():
        pytest.skip("this system does not give a boot id")
    idx = _index(library, tmp_path)
    idx.update()
    _stopped_mid_update(idx, search_sync.boot_id())
    assert len(idx.search("welfare", limit=50)) == 12  # kept: the system had every write
    assert not search_sync.mark_path(idx.path).exists()
    assert idx.update().parsed == 0


def test_a_mark_left_before_a_restart_rebuilds_the_index(library: Path, tmp_path: Path) -> None:
    idx = _index(library, tmp_path)
    idx.update()
    _stopped_mid_update(idx, "another-boot")
    # the file may be corrupt: it is deleted and the next update indexes everything again
    assert idx.search("welfare") == []
    assert not search_sync.mark_path(idx.path).exists()
    assert idx.update().parsed == 12
    assert len(idx.search("welfare", limit=50)) == 12


def test_a_running_updates_mark_is_left_alone(library: Path, tmp_path: Path) -> None:
    idx = _index(library, tmp_path)
    idx.update()
    _stopped_mid_update(idx, "another-boot")
    lock = filelock.FileLock(search_sync.lock_path(idx.path))
    with lock:  # another process is updating
        assert len(idx.search("welfare", limit=50)) == 12
        assert search_sync.mark_path(idx.path).exists()
        # and this process's large update writes as usual meanwhile
        (library / "ep00.md").write_text("---\ntitle: Episode 0\n---\nAL Other words.\n")
        idx.PARALLEL_MIN = 1
        assert idx.update().parsed == 1
        assert search_sync.mark_path(idx.path).read_text(encoding="ascii") == "another-boot\n"
    idx.close()


def test_an_update_that_grows_large_midway_writes_unsynced_from_then_on(
    library: Path, tmp_path: Path
) -> None:
    """Changed files are written one by one until there are many: the update then commits what
    it wrote and goes on without syncing (a safety level cannot change inside a transaction)."""
    idx = _index(library, tmp_path)
    assert idx.update().parsed == 12
    for i in range(8):
        path = library / f"ep{i:02d}.md"
        path.write_text(f"---\ntitle: Episode {i}\n---\nAL Other words about care, day {i}.\n")
        os.utime(path, (OLD + 60, OLD + 60))
    mark = search_sync.mark_path(idx.path)
    seen: list[bool] = []
    stats = idx.update(progress=lambda done, total: seen.append(mark.exists()))
    assert stats.changed == 8 and stats.parsed == 8 and not stats.errors
    assert any(seen) and not all(seen)  # marked once the update grew large
    assert not mark.exists()
    assert len(idx.search("care", limit=50)) == 8
