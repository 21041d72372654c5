"""The metadata cache: warm loads equal cold ones, changes are seen, the library is untouched."""

from __future__ import annotations

import ast
import concurrent.futures
import multiprocessing
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core import metacache
from reader.core.library import iter_transcript_paths, load_library
from reader.core.metacache import (
    LoadCancelled,
    cache_path_for,
    cached_snapshot,
    load_library_cached,
)
from reader.core.metacache_codec import PathMaker, decode, encode
from reader.core.paths import sample_library

OLD = 1_600_000_000  # a modification time well before any scan (not "racily clean")


def write(root: Path, name: str, title: str, body: str = "AB - Ann Bell\n\nAB Hello.\n") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: 2021-03-04\ntags: [a, b]\n---\n{body}", "utf-8")
    os.utime(path, (OLD, OLD))
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "b.md", "Bee")
    write(root, "A.txt", "Ay")
    write(root, "sub/z.md", "Zed")
    write(root, "sub/deeper/y.markdown", "Why")
    write(root, "bad.md", "x: [unclosed", "")
    (root / "b.md.annotations.json").write_text("{}", "utf-8")
    (root / ".hidden").mkdir()
    write(root / ".hidden", "h.md", "Hidden")
    return root


def snapshot_of(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
    }


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []
    real = metacache.read_metadata

    def spy(path: Path, **kwargs: bool):
        seen.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(metacache, "read_metadata", spy)
    return seen


def test_cold_and_warm_equal_load_library(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_library(library)
    assert load_library_cached(library) == expected
    reads = count_reads(monkeypatch)
    assert load_library_cached(library) == expected
    assert [p.name for p in reads] == ["bad.md"]  # only a file with errors is read again
    assert cached_snapshot(library) == [m for m in expected if not m.errors]


def test_sample_library_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample_library()
    expected = load_library(root)
    assert load_library_cached(root) == expected
    assert load_library_cached(root) == expected
    assert cached_snapshot(root) == [m for m in expected if not m.errors]


def test_changed_file_is_read_again(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_library_cached(library)
    path = write(library, "sub/z.md", "Zed, again")
    os.utime(path, (OLD + 10, OLD + 10))
    reads = count_reads(monkeypatch)
    metas = load_library_cached(library)
    assert {p.name for p in reads} == {"z.md", "bad.md"}
    assert [m.title for m in metas if m.path == path] == ["Zed, again"]
    assert metas == load_library(library)


def test_same_size_and_mtime_change_soon_after_a_scan_is_seen(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = library / "b.md"
    path.write_text(path.read_text("utf-8").replace("Bee", "Cee"), "utf-8")  # mtime: now
    load_library_cached(library)
    stat = path.stat()
    path.write_text(path.read_text("utf-8").replace("Cee", "Dee"), "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert [m.title for m in load_library_cached(library) if m.path == path] == ["Dee"]


def test_removed_file_disappears(library: Path) -> None:
    load_library_cached(library)
    (library / "A.txt").unlink()
    metas = load_library_cached(library)
    assert "A.txt" not in [m.path.name for m in metas]
    assert metas == load_library(library)
    assert "A.txt" not in [m.path.name for m in cached_snapshot(library)]


def test_new_file_appears_in_order(library: Path) -> None:
    load_library_cached(library)
    write(library, "c.md", "Sea")
    write(library, "sub/a.md", "Ah")
    metas = load_library_cached(library)
    assert metas == load_library(library)
    assert [m.path for m in cached_snapshot(library)] == [m.path for m in metas if not m.errors]


def test_nothing_is_written_into_the_library(library: Path) -> None:
    before = snapshot_of(library)
    load_library_cached(library)
    load_library_cached(library)
    cached_snapshot(library)
    assert snapshot_of(library) == before
    assert cache_path_for(library).is_file()
    assert library not in cache_path_for(library).parents


@pytest.mark.parametrize("junk", [b"", b"not a database at all" * 100, b"SQLite format 3\0junk"])
def test_corrupt_cache_is_rebuilt(library: Path, junk: bytes) -> None:
    expected = load_library(library)
    load_library_cached(library)
    cache = cache_path_for(library)
    cache.write_bytes(junk)
    assert cached_snapshot(library) == []
    assert load_library_cached(library) == expected
    assert load_library_cached(library) == expected
    assert len(cached_snapshot(library)) == len(expected) - 1  # bad.md is never cached


def test_bad_row_is_read_again(library: Path) -> None:
    expected = load_library(library)
    load_library_cached(library)
    with sqlite3.connect(cache_path_for(library)) as db:
        db.execute("UPDATE files SET data = '[1, 2' WHERE rel = 'b.md'")
    assert load_library_cached(library) == expected


def test_parser_version_change_invalidates(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_library_cached(library)
    monkeypatch.setattr(metacache, "PARSER_VERSION", "another parser")
    assert cached_snapshot(library) == []
    reads = count_reads(monkeypatch)
    assert load_library_cached(library) == load_library(library)
    assert len(reads) == 5


def test_walk_matches_iter_transcript_paths(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for name in ["b.md", "A.txt", "c.MARKDOWN", "sub/z.md", "Sub2/y.md", ".git/x.md", "n.md.json"]:
        write(root, name, "t")
    (root / "folder.md").mkdir()
    write(root / "folder.md", "inside.md", "t")
    (root / "x.md.annotations.json").write_text("{}", "utf-8")
    try:
        (root / "sub" / "loop").symlink_to(root / "sub", target_is_directory=True)
        (root / "link.md").symlink_to(root / "b.md")
        (root / "dangling.md").symlink_to(root / "missing.md")
    except OSError:
        pass
    expected = [str(p) for p in iter_transcript_paths(root)]
    assert [p for p, _ in metacache._walk_files(root)] == expected
    assert [m.path for m in load_library_cached(root)] == [Path(p) for p in expected]


def test_single_file_root(library: Path) -> None:
    file = library / "sub" / "z.md"
    assert load_library_cached(file) == load_library(file)
    assert load_library_cached(file) == load_library(file)


def test_missing_root_gives_nothing(tmp_path: Path) -> None:
    assert load_library_cached(tmp_path / "nope") == []
    assert cached_snapshot(tmp_path / "nope") == []


def test_progress_and_cancel(library: Path) -> None:
    calls: list[tuple[int, int]] = []
    load_library_cached(library, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)
    write(library, "new.md", "New")
    with pytest.raises(LoadCancelled):
        load_library_cached(library, cancel=lambda: True)
    assert load_library_cached(library) == load_library(library)


def test_interrupted_load_keeps_its_work(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done:
            raise Stop

    monkeypatch.setattr(metacache, "PROGRESS_INTERVAL", 0.0)
    with pytest.raises(Stop):
        load_library_cached(library, progress=progress)
    assert len(cached_snapshot(library)) == 1  # the first file read was stored
    assert load_library_cached(library) == load_library(library)
    assert [m.path for m in cached_snapshot(library)] == [
        m.path for m in load_library(library) if not m.errors
    ]


def test_unwritable_cache_still_loads(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = library.parent / "not-a-folder"
    blocker.write_text("x", "utf-8")
    monkeypatch.setattr(metacache, "cache_path_for", lambda root: blocker / "m.sqlite3")
    assert load_library_cached(library) == load_library(library)
    assert cached_snapshot(library) == []


def test_refresh_reuses_the_snapshot_objects_of_unchanged_files(library: Path) -> None:
    load_library_cached(library)
    snapshot = cached_snapshot(library)
    path = write(library, "sub/z.md", "Zed, again")
    os.utime(path, (OLD + 10, OLD + 10))
    metas = load_library_cached(library, reuse=snapshot)
    assert metas == load_library(library)
    by_path = {m.path: m for m in snapshot}
    for meta in metas:
        if meta.path == path or meta.errors:
            assert meta is not by_path.get(meta.path)  # changed (or never cached): read again
        else:
            assert meta is by_path[meta.path]  # unchanged: the same object, not a copy


def _core_imports(name: str) -> set[str]:
    """The `reader.core` modules that module ``name`` imports (anywhere in it, even lazily)."""
    source = (Path(metacache.__file__).parent / f"{name}.py").read_text("utf-8")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        package = "." * node.level + (node.module or "")
        if package in (".", "reader.core"):  # from . import body, markup
            found.update(alias.name for alias in node.names)
        elif package.startswith("."):  # from .lexer import Raw
            found.add(package.lstrip(".").split(".")[0])
        elif package.startswith("reader.core."):
            found.add(package.split(".")[2])
    return found


def test_parser_version_covers_every_module_read_metadata_uses() -> None:
    """A change in any module of the parser (or of the rows' layout) drops the caches."""
    seen: set[str] = set()
    todo = ["transcript"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_core_imports(name))
    assert seen <= set(metacache.PARSER_MODULES)
    assert "metacache_codec" in metacache.PARSER_MODULES
    assert "metacache_db" in metacache.PARSER_MODULES  # the table's columns


def test_rows_round_trip_through_the_codec(library: Path) -> None:
    base = str(library)
    make = PathMaker(base)
    for meta in load_library(library):
        rel = meta.path.relative_to(library).as_posix()
        assert decode(base, rel, encode(meta), make) == meta
        assert decode(base, rel, encode(meta)) == meta
    assert decode(base, "x.md", "[1, 2") is None  # an odd row: read the file again


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | st.dates() | st.tuples(st.integers()),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


@given(
    fields=st.dictionaries(st.text(max_size=4), _JSONISH, max_size=4),
    date=st.none() | st.dates() | st.datetimes(),
    duration=st.none() | st.integers(0, 10**6) | st.floats(),
    speakers=st.lists(st.text(max_size=4), max_size=3),
)
def test_round_trips_tells_which_rows_decode_to_an_equal_value(
    fields: dict[str, object], date: object, duration: object, speakers: list[str]
) -> None:
    """The worker sends a row when `round_trips` says so: that row must decode to the very
    value (types too), and every value it refuses really would not come back equal."""
    from dataclasses import astuple

    from reader.core.metacache_codec import round_trips
    from reader.core.transcript import EpisodeMeta

    meta = EpisodeMeta(Path("/lib/a.md"), "T", None, date, duration, speakers, fields=fields)  # type: ignore[arg-type]
    decoded = decode("/lib", "a.md", encode(meta))
    same = decoded == meta and repr(astuple(decoded)) == repr(astuple(meta))
    assert round_trips(meta) == same


# ---------------------------------------------------------------------------------------------
# Many files: read in worker processes


def _crash_worker(*_args: object) -> list[object]:
    """Stands in for `metacache._read_chunk` in a worker: the process dies."""
    os._exit(3)


@pytest.fixture
def big_library(tmp_path: Path) -> Path:
    """A generated library of 150 files of every kind: nested, bad, other encodings, TOML."""
    root = tmp_path / "big"
    for i in range(150):
        name = f"d{i % 4}/{'e' * (i % 3)}ep{i:03d}.{('md', 'txt', 'markdown')[i % 3]}"
        if i % 17 == 5:
            write(root, name, "x: [unclosed", "")  # an error: read, never cached
        elif i % 13 == 3:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            text = f'+++\ntitle = "Café {i}"\ntags = ["t{i % 5}"]\n+++\nAL - Al Lee\n\nAL Hé {i}.\n'
            path.write_bytes(text.encode("latin-1" if i % 2 else "utf-8"))
            os.utime(path, (OLD, OLD))
        else:
            speakers = f"AB - Ann Bell\nCD - Cy Dee {i}\n\n"
            write(root, name, f"Episode {i}", f"{speakers}AB Hello {i}.\n\nCD Bye.\n" * (i % 5 + 1))
    return root


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes for any number of files, in small chunks, two workers."""
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(metacache, "CHUNK", 16)
    monkeypatch.setattr(metacache, "CHUNK_MIN", 4)
    monkeypatch.setattr(metacache, "_workers", lambda: 2)


def _rows(root: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(cache_path_for(root))
    try:
        return con.execute(
            "SELECT rel, ord, size, mtime_ns, data FROM files ORDER BY rel"
        ).fetchall()
    finally:
        con.close()


def test_worker_processes_give_what_the_serial_path_gives(
    big_library: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = load_library(big_library)
    assert sum(1 for m in serial if m.errors) > 0
    reads = count_reads(monkeypatch)  # in this process: none, the workers read
    calls: list[tuple[int, int]] = []
    metas = load_library_cached(big_library, progress=lambda d, t: calls.append((d, t)))
    assert metas == serial
    assert [str(m.path) for m in metas] == [str(m.path) for m in serial]
    assert reads == []
    assert calls[0] == (0, 150) and calls[-1] == (150, 150)
    assert not multiprocessing.active_children()  # the workers were stopped
    parallel_rows = _rows(big_library)
    assert cached_snapshot(big_library) == [m for m in serial if not m.errors]
    # the cache the serial path writes is the same, row for row
    metacache.clear_cache(big_library)
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 10**9)
    assert load_library_cached(big_library) == serial
    assert len(reads) == 150
    assert _rows(big_library) == parallel_rows


def test_a_cancel_while_workers_read_keeps_what_was_written(
    big_library: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metacache, "COMMIT_EVERY", 10)
    monkeypatch.setattr(metacache, "PROGRESS_INTERVAL", 0.0)
    seen: list[int] = []

    def cancel() -> bool:
        return bool(seen) and seen[-1] >= 60

    with pytest.raises(LoadCancelled):
        load_library_cached(big_library, lambda d, t: seen.append(d), cancel=cancel)
    assert not multiprocessing.active_children()
    assert 60 <= seen[-1] < 150
    kept = cached_snapshot(big_library)
    serial = load_library(big_library)
    assert 50 <= len(kept) < 150
    assert set(map(str, (m.path for m in kept))) <= {str(m.path) for m in serial}
    by_path = {m.path: m for m in serial}
    assert all(by_path[m.path] == m for m in kept)
    reads = count_reads(monkeypatch)
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 10**9)
    assert load_library_cached(big_library) == serial
    assert len(reads) == 150 - len(kept)  # what was kept is not read again
    assert cached_snapshot(big_library) == [m for m in serial if not m.errors]


def test_a_cancel_before_the_first_chunk_stops_the_workers(
    big_library: Path, parallel: None
) -> None:
    with pytest.raises(LoadCancelled):
        load_library_cached(big_library, cancel=lambda: True)
    with pytest.raises(LoadCancelled):  # cancelled after the walk, while waiting for workers
        calls: list[int] = []
        load_library_cached(big_library, lambda d, t: calls.append(d), lambda: bool(calls))
    assert not multiprocessing.active_children()
    assert load_library_cached(big_library) == load_library(big_library)


def test_an_exception_in_the_loop_stops_the_workers(big_library: Path, parallel: None) -> None:
    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done:
            raise Stop

    with pytest.raises(Stop):
        load_library_cached(big_library, progress)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("failure", ["no pool", "other parser", "worker dies"])
def test_failing_workers_fall_back_to_reading_here(
    big_library: Path, parallel: None, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    if failure == "no pool":

        def no_pool(*_args: object, **_kw: object) -> None:
            raise OSError("no processes allowed here")

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    elif failure == "other parser":  # the workers' parser differs: they refuse
        monkeypatch.setattr(metacache, "PARSER_VERSION", "another parser")
    else:
        monkeypatch.setattr(metacache, "_read_chunk", _crash_worker)
    reads = count_reads(monkeypatch)
    assert load_library_cached(big_library) == load_library(big_library)
    assert len(reads) == 150
    assert not multiprocessing.active_children()
    assert cached_snapshot(big_library) == [m for m in load_library(big_library) if not m.errors]


def test_few_files_or_a_frozen_app_read_in_this_thread(
    big_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(monkeypatch)
    assert len(load_library_cached(big_library)) == 150  # fewer than PARALLEL_MIN
    assert len(reads) == 150
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert metacache._workers() == 0
    monkeypatch.delattr(sys, "frozen")
    assert 1 <= metacache._workers() <= metacache.MAX_WORKERS


def test_extra_workers_only_for_many_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.core import metacache_pool

    monkeypatch.setattr(metacache_pool, "_cores", lambda: 2)
    assert metacache._workers() == min(2 + metacache.EXTRA_WORKERS, metacache.MAX_WORKERS) == 4
    assert metacache_pool.workers_for(metacache.PARALLEL_MIN - 1) == 0
    assert metacache_pool.workers_for(metacache.PARALLEL_MIN) == 2
    assert metacache_pool.workers_for(metacache.EXTRA_WORKERS_MIN) == 4
    monkeypatch.setattr(metacache_pool, "_cores", lambda: 16)
    assert metacache_pool.workers_for(10**6) == metacache.MAX_WORKERS


def test_chunks_cover_the_files_in_order_and_shrink_towards_the_end() -> None:
    todo = [(i, f"/l/{i}.md", f"{i}.md", 1, 1) for i in range(1000)]
    chunks = metacache._chunks(todo, 2)
    assert [job for chunk in chunks for job in chunk] == todo
    sizes = [len(c) for c in chunks]
    assert max(sizes) == metacache.CHUNK
    assert all(a >= b for a, b in zip(sizes, sizes[1:], strict=False))
    assert min(sizes[:-1]) >= metacache.CHUNK_MIN
    assert metacache._chunks([], 2) == []
