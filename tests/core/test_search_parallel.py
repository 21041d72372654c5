"""Large index updates parse in worker processes: same index as the serial path, cancellable,
and a failing pool falls back to parsing in the calling thread."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from concurrent.futures import Future
from pathlib import Path

import pytest

from reader.core import search_parallel as search_module
from reader.core.search import Index
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript

OLD = 1_600_000_000
WORDS = "welfare involvement café pedagogy tokenism giraffes policy practice families".split()


def _episode(i: int) -> str:
    w = [WORDS[(i + k) % len(WORDS)] for k in range(6)]
    return (
        f'---\ntitle: "Episode {i}"\n---\nAL - Alice Lee\nBO - Bob Owen\n\n'
        f"# Part {i}\n\n"
        f"AL We talked about {w[0]} and {w[1]} on day {i}.\n\n"
        f"BO The {w[2]} of {w[3]} matters; *emphasis* and [a link](http://x.org/{i}).\n\n"
        f"- a list item on {w[4]}\n- another on {w[5]}\n\n"
        f"AL Control \x02characters\x03 stay harmless in episode {i}.\n"
    )


@pytest.fixture
def big_library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    for i in range(40):
        path = root / f"d{i % 3}" / f"ep{i:02d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_episode(i), encoding="utf-8")
        os.utime(path, (OLD, OLD))
    (root / "bad.md").write_bytes(b"\xff\xfe\x00garbage\x00" * 50)
    # one file with notes, private and shared
    t = load_transcript(root / "d0" / "ep00.md")
    store = AnnotationStore.open(t)
    for quote, note, private in (("welfare", "a shared note on giraffes", False),
                                 ("involvement", "a private thought", True)):  # fmt: skip
        start = t.text.index(quote)
        store.add(new_annotation(t.text, start, start + len(quote), note=note, tags=["tag"],
                                 private=private))  # fmt: skip
    for p in [*root.rglob("*"), store.private_path]:
        if p.is_file():
            os.utime(p, (OLD, OLD))
    return root


def _dump(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        return {
            "files": con.execute(
                "SELECT id, path, size, mtime_ns, sha256, notes_key, notes_sha, private_path, "
                "title FROM files ORDER BY id"
            ).fetchall(),
            "entries": con.execute("SELECT * FROM entries ORDER BY id").fetchall(),
            "fts": con.execute("SELECT rowid, body, tags FROM fts ORDER BY rowid").fetchall(),
        }
    finally:
        con.close()


def _build(root: Path, db: Path, workers: int, **kw):  # type: ignore[no-untyped-def]
    idx = Index(root, index_file=db)
    idx.WORKERS = workers
    idx.PARALLEL_MIN = 1
    return idx, idx.update(**kw)


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_processes_build_the_same_index_as_the_serial_path(
    big_library: Path, tmp_path: Path, workers: int
) -> None:
    serial, s_stats = _build(big_library, tmp_path / "serial.sqlite3", 0)
    parallel, p_stats = _build(big_library, tmp_path / "parallel.sqlite3", workers)
    assert _dump(tmp_path / "serial.sqlite3") == _dump(tmp_path / "parallel.sqlite3")
    assert (p_stats.parsed, p_stats.texts, p_stats.notes) == (
        s_stats.parsed, s_stats.texts, s_stats.notes,
    )  # fmt: skip
    assert p_stats.parsed == 41 and p_stats.notes == 2 and not p_stats.errors
    for q in ("giraffes", "café", "private thought", "tag", "characters", "involve*"):
        assert serial.search(q) == parallel.search(q)
    serial.close()
    parallel.close()
    assert not multiprocessing.active_children()


def test_a_parallel_build_can_be_cancelled_and_resumed(big_library: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    idx, stats = _build(
        big_library,
        tmp_path / "x.sqlite3",
        2,
        progress=lambda done, total: seen.append(done),
        cancel=lambda: len(seen) >= 10,
    )
    assert stats.cancelled and seen == list(range(1, 11))
    assert not multiprocessing.active_children()  # the workers were stopped
    con = sqlite3.connect(tmp_path / "x.sqlite3")
    (indexed,) = con.execute("SELECT count(*) FROM files").fetchone()
    con.close()
    assert indexed == 10 == stats.parsed  # what was written is kept
    stats = idx.update()
    assert not stats.cancelled and stats.unchanged == 10 and stats.parsed == 31
    _build(big_library, tmp_path / "serial.sqlite3", 0)
    resumed, serial = _dump(tmp_path / "x.sqlite3"), _dump(tmp_path / "serial.sqlite3")
    assert sorted(r[1:] for r in resumed["files"]) == sorted(r[1:] for r in serial["files"])
    assert sorted(r[1] for r in resumed["fts"]) == sorted(r[1] for r in serial["fts"])
    idx.close()


class _BrokenPool:
    """Stands in for ProcessPoolExecutor: every chunk fails as if its worker died."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.submitted = 0

    def submit(self, fn, *args):  # type: ignore[no-untyped-def]
        future: Future = Future()
        future.set_exception(RuntimeError("worker died"))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class _NoPool:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise OSError("no processes allowed here")


@pytest.mark.parametrize("pool", [_BrokenPool, _NoPool])
def test_a_failing_pool_falls_back_to_parsing_here(
    big_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: type
) -> None:
    _build(big_library, tmp_path / "serial.sqlite3", 0)
    monkeypatch.setattr(search_module, "ProcessPoolExecutor", pool)
    _idx, stats = _build(big_library, tmp_path / "fallback.sqlite3", 2)
    assert stats.parsed == 41 and not stats.errors
    assert _dump(tmp_path / "serial.sqlite3") == _dump(tmp_path / "fallback.sqlite3")


def test_small_updates_never_start_workers(big_library: Path, tmp_path: Path) -> None:
    started: list[int] = []

    class Spy(_BrokenPool):
        def __init__(self, *args: object, **kwargs: object) -> None:
            started.append(1)

    search_module_pool = search_module.ProcessPoolExecutor
    try:
        search_module.ProcessPoolExecutor = Spy  # type: ignore[misc, assignment]
        idx = Index(big_library, index_file=tmp_path / "x.sqlite3")
        idx.WORKERS = 2
        idx.PARALLEL_MIN = 1000
        assert idx.update().parsed == 41
    finally:
        search_module.ProcessPoolExecutor = search_module_pool  # type: ignore[misc]
    assert not started


def test_scores_are_the_episodes_bm25_best_first(big_library: Path, tmp_path: Path) -> None:
    idx, _ = _build(big_library, tmp_path / "x.sqlite3", 0)
    results = idx.search("welfare OR giraffes", limit=100)
    con = sqlite3.connect(tmp_path / "x.sqlite3")
    ranks = [
        r for (r,) in con.execute(
            "SELECT rank FROM fts WHERE fts MATCH '\"welfare\" OR \"giraffes\"' ORDER BY rank"
        )
    ]  # fmt: skip
    con.close()
    scores = [r.score for r in results]
    assert scores == sorted(scores) and set(scores) <= set(ranks)
    # an episode's text hits share its text row's score
    texts: dict[Path, set[float]] = {}
    for r in results:
        if r.kind != "note":
            texts.setdefault(r.path, set()).add(r.score)
    assert len(texts) > 10 and all(len(s) == 1 for s in texts.values())
    page = idx.search("welfare OR giraffes", limit=5, offset=3)
    assert page == results[3:8]
    idx.close()


def test_pages_continue_where_the_last_one_stopped(
    big_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.search_passages import PassageMatcher

    idx, _ = _build(big_library, tmp_path / "x.sqlite3", 0)
    every = idx.search("welfare OR giraffes", limit=200)
    matched: list[int] = []
    real = PassageMatcher.match

    def counting(self, passages, title, query):  # type: ignore[no-untyped-def]
        matched.append(1)
        return real(self, passages, title, query)

    monkeypatch.setattr(PassageMatcher, "match", counting)
    pages = [idx.search("welfare OR giraffes", limit=4, offset=k) for k in range(0, 60, 4)]
    assert [r for page in pages for r in page] == every[:60]
    # every episode matched once over the pages, not once per page
    assert len(matched) <= len({r.path for r in every[:64]})
    # the first page is made anew (a file may have changed since)
    matched.clear()
    assert idx.search("welfare OR giraffes", limit=4) == every[:4]
    assert matched
    # after an update by another connection, a next page is made anew too
    noted = {r.path for r in every if r.kind == "note"}
    target = next(r.path for r in every[40:] if r.path not in noted)
    text = target.read_text("utf-8")
    for word in ("welfare", "Welfare", "giraffes", "Giraffes"):
        text = text.replace(word, "other")
    target.write_text(text, "utf-8")
    with Index(big_library, index_file=tmp_path / "x.sqlite3") as other:
        assert other.update().parsed == 1
    assert target not in {r.path for r in idx.search("welfare OR giraffes", limit=40, offset=36)}
    idx.close()


def test_a_worker_with_another_parser_refuses(big_library: Path) -> None:
    chunk = [(big_library / "d0" / "ep00.md", (big_library / "d0" / "ep00.md").read_bytes())]
    (ok,) = search_module.prepare_chunk(chunk, None, search_module._code_fingerprint())
    assert ok.error is None and ok.title == "Episode 0"
    with pytest.raises(RuntimeError, match="parser differs"):
        search_module.prepare_chunk(chunk, None, "another parser")


def test_the_default_page_is_the_first_screenful(big_library: Path, tmp_path: Path) -> None:
    from reader.core.search_rank import PAGE_SIZE, READ_CACHE_KIB

    idx, _ = _build(big_library, tmp_path / "x.sqlite3", 0)
    everything = idx.search("welfare OR giraffes", limit=100)
    assert len(everything) > PAGE_SIZE  # the library has more hits than one page
    assert idx.search("welfare OR giraffes") == everything[:PAGE_SIZE]
    # every page of the full list carries its snippets and match offsets
    assert all(r.snippet and r.snippet_matches for r in idx.search("welfare", offset=3))
    # a searching connection keeps a larger page cache than SQLite's default
    (cache,) = idx._search_db().execute("PRAGMA cache_size").fetchone()
    assert cache == -READ_CACHE_KIB
    idx.close()


@pytest.mark.parametrize("workers", [0, 1])
def test_new_files_gone_or_unreadable_when_read(
    big_library: Path, tmp_path: Path, workers: int
) -> None:
    """A new file gone before it is read is skipped quietly; one that cannot be read (here a
    folder named like a transcript) is reported; neither counts as added. The workers read new
    files themselves: same outcome."""
    (big_library / "folder.md").mkdir()
    idx = Index(big_library, index_file=tmp_path / "x.sqlite3")
    idx.WORKERS = workers
    idx.PARALLEL_MIN = 1
    listed = idx._library_files()
    extra = [big_library / "gone.md", big_library / "folder.md"]
    idx._library_files = lambda: listed + extra  # type: ignore[method-assign]
    stats = idx.update()
    assert stats.total == 43 and stats.added == 41 and stats.parsed == 41
    assert [e for e in stats.errors if "gone.md" in e] == []
    assert [e.split(":")[0] for e in stats.errors if "folder.md" in e] == [
        str(big_library / "folder.md")
    ]
    assert len(idx.search("welfare", limit=100)) > 10
    idx.close()
