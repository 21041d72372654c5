"""The quick first read of a large library (`load_library_cached` with ``partial_from``): the
list without the speakers of the turns, cached as partial, completed by the next load."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import metacache, metacache_pool
from reader.core.library import load_library
from reader.core.metacache import cache_path_for, cached_snapshot, load_library_cached
from reader.core.transcript import EpisodeMeta, read_metadata

OLD = 1_600_000_000  # a modification time well before any scan (not "racily clean")

#: A body whose people are known only from its turns (no front-matter people, no key).
DIALOGUE = "Jane Doe: Hello {i}.\n\nJohn Roe: Hi.\n\nJane Doe: Again.\n\nJohn Roe: Yes.\n"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    os.utime(path, (OLD, OLD))
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    for i in range(24):
        name = f"d{i % 3}/ep{i:02d}.md"
        if i % 8 == 7:
            write(root, name, "---\ntitle: [unclosed\n---\nbody\n")  # an error: never cached
        elif i % 3 == 1:
            write(root, name, f"---\ntitle: Keyed {i}\n---\nAB - Ann Bell\n\nAB Hello.\n")
        else:
            front = (
                f"---\ntitle: Talk {i}\nguests: [Guest {i}]\ndate: 2020-01-{i:02d}\n---\n"
                if i % 2
                else ""
            )
            write(root, name, front + DIALOGUE.format(i=i))
    return root


def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Records each `read_metadata` call of this process: (file name, turns read)."""
    seen: list[tuple[str, bool]] = []
    real = metacache.read_metadata

    def spy(path: Path, *, turns: bool = True) -> EpisodeMeta:
        seen.append((path.name, turns))
        return real(path, turns=turns)

    monkeypatch.setattr(metacache, "read_metadata", spy)
    return seen


def without_turns(meta: EpisodeMeta, speakers: list[str]) -> EpisodeMeta:
    return dataclasses.replace(meta, speakers=speakers, partial=False)


def partial_rows(root: Path) -> dict[str, int]:
    con = sqlite3.connect(cache_path_for(root))
    try:
        return dict(con.execute("SELECT rel, partial FROM files"))
    finally:
        con.close()


def test_a_quick_load_lists_everything_but_the_turns_speakers(library: Path) -> None:
    full = load_library(library)
    quick = load_library_cached(library, partial_from=1)
    assert [m.path for m in quick] == [m.path for m in full]
    for q, f in zip(quick, full, strict=True):
        assert q.partial and not f.partial
        assert without_turns(q, f.speakers) == f
        assert {s.casefold() for s in q.speakers} <= {s.casefold() for s in f.speakers}
    dialogue = [m for m in quick if m.title.startswith("Ep")]  # no front matter, no key
    assert dialogue and all(m.speakers == [] for m in dialogue)
    talks = [(m.title, m.speakers) for m in quick if m.title.startswith("Talk")]
    assert talks and all(speakers == [f"Guest {t[5:]}"] for t, speakers in talks)
    keyed = [m for m in quick if m.title.startswith("Keyed")]
    assert keyed and all(m.speakers == ["Ann Bell"] for m in keyed)  # the key is read
    # cached as partial, and listed so by the snapshot
    assert set(partial_rows(library).values()) == {1}
    assert cached_snapshot(library) == [m for m in quick if not m.errors]


def test_the_next_load_completes_the_partial_rows(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = load_library(library)
    quick = load_library_cached(library, partial_from=1)
    seen = reads(monkeypatch)
    complete = load_library_cached(library, reuse=quick)
    assert complete == full
    assert not any(m.partial for m in complete)
    # the completed list shares the values the partial one had (but the speakers)
    for c, q in zip(complete, quick, strict=True):
        assert c is not q
        if not q.errors:
            assert c.path is q.path and c.title is q.title and c.fields is q.fields
    assert sorted(seen) == sorted((m.path.name, True) for m in full)  # each once, in full
    assert set(partial_rows(library).values()) == {0}
    seen.clear()
    assert load_library_cached(library) == full
    assert seen == [(m.path.name, True) for m in full if m.errors]  # nothing else again


def test_few_files_to_read_are_read_in_full(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = reads(monkeypatch)
    metas = load_library_cached(library, partial_from=len(seen) + 25)  # 24 files: not enough
    assert metas == load_library(library)
    assert seen and all(turns for _, turns in seen)
    assert set(partial_rows(library).values()) == {0}


def test_a_quick_load_keeps_partial_rows_and_reads_only_changed_files(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_library_cached(library, partial_from=1)
    changed = write(library, "d0/ep00.md", DIALOGUE.format(i="changed"))
    os.utime(changed, (OLD + 10, OLD + 10))
    added = write(library, "d9/new.md", DIALOGUE.format(i="new"))
    seen = reads(monkeypatch)
    again = load_library_cached(library, reuse=first, partial_from=2)
    # only the two files read (quickly), and the errors; the partial rows of the rest are kept,
    # as the very objects shown
    assert sorted(seen) == sorted(
        [("ep00.md", False), ("new.md", False)] + [(m.path.name, False) for m in first if m.errors]
    )
    by_path = {m.path: m for m in first}
    for meta in again:
        if meta.path in (changed, added) or meta.errors:
            assert meta is not by_path.get(meta.path)
        else:
            assert meta is by_path[meta.path] and meta.partial
    assert load_library_cached(library, reuse=again) == load_library(library)


def test_a_complete_object_shown_is_not_kept_for_a_partial_row(library: Path) -> None:
    """The list shown has the complete metadata of a file whose row is partial (another
    program wrote it): a quick load decodes the row rather than keep the object, so the list
    and the cache agree; the full load then reads the file again."""
    full = load_library_cached(library)
    metacache.clear_cache(library)
    quick = load_library_cached(library, partial_from=1)
    errors = sum(1 for m in full if m.errors)  # never cached: read by every load
    assert errors == 3
    again = load_library_cached(library, reuse=full, partial_from=errors)  # a quick load
    assert again == quick
    assert all(a is not f for a, f in zip(again, full, strict=True))
    assert load_library_cached(library, reuse=full, partial_from=errors + 1) == full


def test_worker_processes_read_quickly_too(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = load_library_cached(library, partial_from=1)
    serial_rows = partial_rows(library)
    metacache.clear_cache(library)
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(metacache, "CHUNK", 4)
    monkeypatch.setattr(metacache, "CHUNK_MIN", 2)
    monkeypatch.setattr(metacache, "_workers", lambda: 2)
    seen = reads(monkeypatch)  # in this process: only the files with errors (never cached)
    metas = load_library_cached(library, partial_from=1)
    assert metas == serial
    assert all(name.startswith("ep") and name[2:4] in ("07", "15", "23") for name, _ in seen)
    assert partial_rows(library) == serial_rows
    assert not multiprocessing.active_children()
    assert load_library_cached(library) == load_library(library)


_LINES = st.sampled_from(
    [
        "",
        "AB - Ann Bell",
        "CD - Cy Dee",
        "AB Hello there.",
        "CD Fine.",
        "Jane Doe: Hi.",
        "John: Yes.",
        "**Max Moe:** Bold.",
        "# A heading",
        "Plain prose line.",
        "- a list item",
        "> a quote",
        "```",
        "Q: A question?",
        "<b>Jane Doe:</b> In HTML.",
        "<p>A paragraph",
        "</p>",
        "{{< youtube abc >}}",
        "Café: naïve ｆｕｌｌ",
    ]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(_LINES, max_size=30),
    front=st.sampled_from(["", "---\ntitle: T\n---\n", "---\nguests: [Jane Doe, Al]\n---\n"]),
)
def test_quick_metadata_differs_only_in_the_turns_speakers(
    tmp_path: Path, lines: list[str], front: str
) -> None:
    path = tmp_path / "episode.md"
    path.write_text(front + "\n".join(lines) + "\n", "utf-8")
    full = read_metadata(path)
    quick = read_metadata(path, turns=False)
    assert quick.partial and not full.partial
    assert without_turns(quick, full.speakers) == full
    assert {s.casefold() for s in quick.speakers} <= {s.casefold() for s in full.speakers}


def _read_chunk_checking_priority(*args: object) -> list[str | EpisodeMeta]:
    """Stands in for `metacache._read_chunk` in a worker: refuses unless the worker runs
    `BACKGROUND_NICE` steps below its parent (the fork server, as nice as the tests)."""
    lower = os.getpriority(os.PRIO_PROCESS, 0) - os.getpriority(os.PRIO_PROCESS, os.getppid())
    if lower != metacache.BACKGROUND_NICE:
        raise RuntimeError(f"niceness {lower}")
    return metacache_pool._read_chunk(*args)  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="needs POSIX priorities")
@pytest.mark.parametrize("background", [True, False])
def test_a_background_load_reads_in_lower_priority_workers(
    library: Path, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(metacache, "_workers", lambda: 2)
    monkeypatch.setattr(metacache, "_read_chunk", _read_chunk_checking_priority)
    seen = reads(monkeypatch)
    metas = load_library_cached(library, background=background)
    assert metas == load_library(library)
    here = {name for name, _ in seen}
    if background:  # the workers read every file
        assert here == set()
    else:  # the workers refused (normal priority): everything was read here
        assert here == {m.path.name for m in metas}


def test_a_load_walks_the_frozen_objects_once(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gc.get_freeze_count` walks every frozen object (millions once a large list is frozen,
    as the window keeps it): a load asks once, not after every `YOUNG_EVERY` files."""
    import gc

    calls: list[int] = []
    real = gc.get_freeze_count

    def counting() -> int:
        calls.append(1)
        return real()

    monkeypatch.setattr(gc, "get_freeze_count", counting)
    monkeypatch.setattr(metacache, "YOUNG_EVERY", 1)
    monkeypatch.setattr(metacache, "PARALLEL_MIN", 10**9)
    assert len(load_library_cached(library)) == 24
    assert len(calls) == 1
    calls.clear()
    assert len(cached_snapshot(library)) == 21
    assert len(calls) == 1


def test_the_search_index_and_the_cache_share_one_fork_server_setup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whichever starts the fork server, it preloads what both kinds of workers need (a server
    started by the index for its own module alone made every metadata worker import the
    cache's modules itself)."""
    from reader.core import search_parallel

    sentinel = object()
    monkeypatch.setattr(metacache_pool, "_pool_context", lambda: sentinel)
    assert search_parallel._pool_context() is sentinel
    assert "reader.core.search_parallel" in metacache_pool._PRELOAD


def test_the_cached_order_survives_quick_loads_changes_and_new_files(library: Path) -> None:
    def order() -> list[Path]:
        return [m.path for m in cached_snapshot(library)]

    expected = [m.path for m in load_library(library) if not m.errors]
    quick = load_library_cached(library, partial_from=1)
    assert order() == expected
    load_library_cached(library, reuse=quick)  # completed: every row written again
    assert order() == expected
    changed = write(library, "d1/ep04.md", DIALOGUE.format(i="again"))
    os.utime(changed, (OLD + 10, OLD + 10))
    load_library_cached(library)
    assert order() == expected
    write(library, "d0/aa-first.md", DIALOGUE.format(i="first"))
    write(library, "d2/zz-last.md", DIALOGUE.format(i="last"))
    load_library_cached(library, partial_from=1)
    assert order() == [m.path for m in load_library(library) if not m.errors]


def test_a_completion_hands_over_the_list_so_far_its_top_first(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The partial rows are read again newest first (the list's default order), after the
    files that must be read anyway, and each interim list is the whole list: completed files
    and the partial objects of the rest."""
    monkeypatch.setattr(metacache, "INTERIM_SECONDS", 0.0)
    monkeypatch.setattr(metacache, "INTERIM_FIRST_SECONDS", 0.0)
    quick = load_library_cached(library, partial_from=1)
    errors = {m.path.name for m in quick if m.errors}  # never cached: read as new files
    seen = reads(monkeypatch)
    lists: list[list[EpisodeMeta]] = []
    complete = load_library_cached(library, reuse=quick, interim=lists.append)
    assert complete == load_library(library)
    names = [name for name, _ in seen]
    assert set(names[: len(errors)]) == errors
    by_name = {m.path.name: m for m in quick}
    dates = [by_name[n].date for n in names[len(errors) :]]
    dated = [d for d in dates if d is not None]
    assert dated and dated == sorted(dated, reverse=True)  # newest first
    assert dates[: len(dated)] == dated  # then the undated ones
    # after each file read once the new ones are (with INTERIM_SECONDS 0), but the last
    assert len(lists) == len(names) - len(errors)
    shown = {m.path: m for m in quick}
    for k, interim in enumerate(lists):
        assert [m.path for m in interim] == [m.path for m in quick]
        done = [m for m in interim if not m.partial]
        assert len(done) == k + len(errors)
        assert all(m is shown[m.path] for m in interim if m.partial)
