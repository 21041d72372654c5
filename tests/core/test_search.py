"""The full-text search index: query features, offsets, notes, incremental updates, safety."""

from __future__ import annotations

import os
import sqlite3
import threading
import unicodedata
from pathlib import Path

import pytest

from reader.core import paths, search_store
from reader.core.search import (
    Index,
    QueryError,
    SearchIndexError,
    SearchResult,
    check_fts5,
    group_by_episode,
    index_path_for,
    make_snippet,
    search,
)
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import load_transcript

OLD = 1_600_000_000  # a modification time well in the past (not "racy")

CAFE = """---
title: "Café culture"
---
AL - Alice Lee
BO - Bob Owen

AL We met at the café on Monday to discuss user involvement.

BO The involvement of users matters. Tokenism is a risk.

AL Box ticking is not participation. Zoë said so at the co-production meeting.
"""

POLICY = """---
title: "Policy talk"
---
CH - Chris Hill

CH Government policy shapes practice. Participants were involved early.

CH Nobody mentioned giraffes or coffee here, only policy.
"""

DEEP = """---
title: "Deep file"
---
A paragraph without speakers about social pedagogy and the involvement of families.
"""


def _write(path: Path, text: str, mtime: int = OLD) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    _write(root / "cafe.md", CAFE)
    _write(root / "policy.md", POLICY)
    _write(root / "sub" / "deep.md", DEEP)
    return root


@pytest.fixture
def index(library: Path):
    with Index(library) as idx:
        idx.update()
        yield idx


def _fold(s: str) -> str:
    """Case and accent folded, for comparing a hit with what was searched."""
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _names(results: list[SearchResult]) -> set[str]:
    return {r.path.name for r in results}


def _hit_texts(results: list[SearchResult]) -> list[str]:
    """The canonical text at each text result's [start:end], read back from the transcript
    (title hits, which point at the top of their episode, are left out)."""
    out = []
    for r in results:
        assert r.kind in ("text", "title")
        if r.kind == "text":
            out.append(load_transcript(r.path).text[r.start : r.end])
    return out


def _annotate(path: Path, quote: str, *, note: str = "", tags=(), private: bool = False) -> str:
    t = load_transcript(path)
    start = t.text.index(quote)
    store = AnnotationStore.open(t)
    ann = store.add(
        new_annotation(t.text, start, start + len(quote), note=note, tags=tags, private=private)
    )
    return ann.id


def _age(root: Path) -> None:
    """Give every file under ``root`` an old modification time (as if written long ago)."""
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))


# --- query features ----------------------------------------------------------------------------


def test_words_must_all_occur(index: Index) -> None:
    assert _names(index.search("involvement users")) == {"cafe.md"}
    assert index.search("involvement giraffe") == []


def test_exact_phrase(index: Index) -> None:
    results = index.search('"user involvement"')
    assert _names(results) == {"cafe.md"}
    assert [_fold(t) for t in _hit_texts(results)] == ["user involvement"]
    assert index.search('"involvement user"') == []
    # typographic quotes work like straight ones
    assert _names(index.search("“user involvement”")) == {"cafe.md"}


def test_prefix(index: Index) -> None:
    results = index.search("partici*")
    texts = {_fold(t) for t in _hit_texts(results)}
    assert texts == {"participation", "participants"}
    assert _names(index.search("pedag*")) == {"deep.md"}


def test_or(index: Index) -> None:
    assert _names(index.search("tokenism OR pedagogy")) == {"cafe.md", "deep.md"}
    assert _names(index.search("tokenism | pedagogy")) == {"cafe.md", "deep.md"}
    assert index.search("zebra OR unicorn") == []
    # OR binds tighter than AND: (policy OR tokenism) AND risk
    assert [_fold(t) for t in _hit_texts(index.search("policy OR tokenism risk"))] == ["tokenism"]


def test_exclude(index: Index) -> None:
    assert len(index.search("involvement")) == 4  # stemmed: "involved" too
    results = index.search("involvement -tokenism")
    assert len(results) == 3
    assert all("Tokenism" not in r.snippet for r in results)
    assert _names(index.search('involvement -"social pedagogy"')) == {"cafe.md", "policy.md"}
    assert len(index.search("involvement NOT tokenism")) == 3


def test_accent_and_case_insensitive(index: Index) -> None:
    results = index.search("cafe")
    assert [r.kind for r in results] == ["title", "text"]  # "Café culture", then the block
    assert _hit_texts(results) == ["café"]
    assert _hit_texts(index.search("CAFÉ")) == ["café"]
    assert _hit_texts(index.search("zoe")) == ["Zoë"]
    assert _hit_texts(index.search("cafe\u0301")) == ["café"]  # decomposed input


def test_stemming(index: Index) -> None:
    results = index.search("involve")
    assert _names(results) == {"cafe.md", "deep.md", "policy.md"}
    assert {_fold(t) for t in _hit_texts(results)} == {"involvement", "involved"}


def test_hyphenated_word(index: Index) -> None:
    assert _fold(_hit_texts(index.search("co-production"))[0]) == "co-production"


# --- offsets, speakers, snippets ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["café", "involvement", '"box ticking"', "partici*", "tokenism OR policy", "zoe", "involve"],
)
def test_offsets_point_into_the_canonical_text(index: Index, query: str) -> None:
    results = index.search(query)
    assert results
    for r in results:
        if r.kind == "title":
            assert (r.start, r.end, r.matches, r.speaker) == (0, 0, (), None)
            continue
        t = load_transcript(r.path)
        block = t.block_at(r.start)
        assert block is not None and block.start <= r.start < r.end <= block.end
        assert r.speaker == block.speaker
        assert (r.start, r.end) == r.matches[0]
        for s, e in r.matches:
            hit = t.text[s:e]
            assert hit.strip() == hit and hit
            # a hit is whole words: the characters around it are not letters
            assert s == 0 or not t.text[s - 1].isalnum()
            assert e == len(t.text) or not t.text[e].isalnum()
        # the snippet shows the same text, matches marked at the same words
        for (ss, se), (s, e) in zip(r.snippet_matches, r.matches, strict=False):
            assert r.snippet[ss:se] == t.text[s:e]


def test_phrase_offsets_cover_the_phrase(index: Index) -> None:
    (r,) = index.search('"box ticking is not"')
    t = load_transcript(r.path)
    assert t.text[r.start : r.end] == "Box ticking is not"
    assert r.speaker == "Alice Lee"
    assert (
        r.marked_snippet()
        == "[Box ticking is not] participation. Zoë said so at the co-production meeting."
    )


def test_speaker_and_title(index: Index) -> None:
    (r,) = index.search("tokenism")
    assert r.speaker == "Bob Owen"
    assert r.title == "Café culture"
    assert r.kind == "text" and r.annotation_id is None
    assert r.path == index.root / "cafe.md"


def test_ranked_best_first(index: Index) -> None:
    results = index.search("involvement OR policy")
    scores = [r.score for r in results]
    assert scores == sorted(scores)
    # a title hit first ("Policy talk"), then the blocks: "policy" is in 2 blocks, "involvement"
    # (stemmed) in 4: the rarer word weighs more in bm25
    assert results[0].kind == "title" and results[0].path.name == "policy.md"
    first_text = next(r for r in results if r.kind == "text")
    assert _fold(load_transcript(first_text.path).text[first_text.start :]).startswith("policy")


def test_limit_and_offset(index: Index) -> None:
    every = index.search("involve OR policy", limit=50)
    assert len(every) >= 4
    assert index.search("involve OR policy", limit=2) == every[:2]
    assert index.search("involve OR policy", limit=2, offset=2) == every[2:4]
    assert index.search("involve", limit=0) == []


def test_group_by_episode(index: Index) -> None:
    results = index.search("involve OR policy")
    groups = group_by_episode(results)
    assert [g.path for g in groups] == list(dict.fromkeys(r.path for r in results))
    assert sum(len(g.results) for g in groups) == len(results)
    for g in groups:
        assert all(r.path == g.path for r in g.results)
        assert g.title == g.results[0].title


def test_snippet_of_a_long_block() -> None:
    text = " ".join(f"word{i}" for i in range(200)) + " needle " + "tail " * 100
    start = text.index("needle")
    snippet, spans = make_snippet(text, [(start, start + 6)])
    assert len(snippet) <= 202
    assert snippet.startswith("…") and snippet.endswith("…")
    ((s, e),) = spans
    assert snippet[s:e] == "needle"
    assert 40 <= s <= 70  # some context before the match


# --- titles and subtitles ----------------------------------------------------------------------

CULTURE = """---
title: "Work and culture"
subtitle: "Organisational culture in social work teams"
---
# Culture

DI Culture is what people do when nobody is watching. Culture eats strategy; culture, culture.
"""


def test_a_word_only_in_a_title_is_found(index: Index) -> None:
    (r,) = index.search("talk")  # "Policy talk": in no block
    assert r.kind == "title" and r.path == index.root / "policy.md" and r.title == "Policy talk"
    assert (r.start, r.end, r.matches, r.speaker, r.annotation_id) == (0, 0, (), None, None)
    assert r.marked_snippet() == "Policy [talk]"
    assert r.to_json()["kind"] == "title"


def test_a_word_only_in_a_subtitle_is_found(library: Path) -> None:
    _write(library / "culture.md", CULTURE)
    with Index(library) as idx:
        idx.update()
        (r,) = idx.search("organisational")
        assert r.kind == "title" and r.title == "Work and culture"
        assert r.marked_snippet() == (
            "Work and culture\n[Organisational] culture in social work teams"
        )
        assert [r.kind for r in idx.search('"work teams"')] == ["title"]


def test_the_bundled_samples_titles_are_searchable() -> None:
    with Index(paths.sample_library()) as idx:
        idx.update()
        results = idx.search("carers")  # only in a title (and the front matter's URLs)
        assert [(r.kind, r.path.name) for r in results] == [
            ("title", "kinship-carers-peer-group.md")
        ]
        assert results[0].title == "A kinship carers' peer group"


def test_a_title_match_ranks_first(library: Path) -> None:
    """A word in two episodes' titles or subtitles and, many times, in another's text only (a
    heading that is only the word, a turn that repeats it): the episodes with the title hits
    come first, each opening with its title hit, and the other one after them."""
    _write(library / "culture.md", CULTURE.replace('title: "Work and culture"', "title: Work"))
    # no front matter and no heading: titled from its file name, no title hit
    _write(library / "plain.md", CULTURE.split("# Culture\n", 1)[1])
    with Index(library) as idx:
        idx.update()
        results = idx.search("culture")
        groups = group_by_episode(results)
        assert [g.path.name for g in groups[:2]] in (
            ["cafe.md", "culture.md"],
            ["culture.md", "cafe.md"],
        )
        assert groups[2].path.name == "plain.md" and len(groups) == 3
        assert [r.kind for r in groups[0].results + groups[1].results].count("title") == 2
        assert all(g.results[0].kind == "title" and g.results[0].start == 0 for g in groups[:2])
        assert {r.kind for r in groups[2].results} == {"text"}
        scores = [r.score for r in results]
        assert scores == sorted(scores)


def test_a_changed_title_is_reindexed_and_never_doubled(library: Path) -> None:
    cafe = library / "cafe.md"
    with Index(library) as idx:
        idx.update()
        _annotate(cafe, "café", note="a thought")  # a note: the text is not re-indexed
        idx.update()
        idx.refresh_file(cafe)
        assert [r.kind for r in idx.search("culture")] == ["title"]
        _write(cafe, CAFE.replace("Café culture", "Tea time"), mtime=OLD + 5)
        assert idx.update().changed == 1
        assert idx.search("culture") == []
        assert [r.title for r in idx.search("tea")] == ["Tea time"]


# --- notes and tags ----------------------------------------------------------------------------


def test_notes_and_tags_are_searchable(library: Path) -> None:
    cafe = library / "cafe.md"
    ann_id = _annotate(
        cafe, "Tokenism is a risk", note="Ask about espresso budgets", tags=["ethics"]
    )
    with Index(library) as idx:
        idx.update()
        (r,) = idx.search("espresso")
        t = load_transcript(cafe)
        assert r.kind == "note" and r.annotation_id == ann_id
        assert t.text[r.start : r.end] == "Tokenism is a risk"
        assert r.speaker == "Bob Owen"
        assert r.marked_snippet() == "Ask about [espresso] budgets"
        assert r.tags == ("ethics",)
        (by_tag,) = idx.search("ethics")
        assert by_tag.annotation_id == ann_id and by_tag.marked_snippet() == "[ethics]"
        # a note and the text both match: both kinds come back
        kinds = {r.kind for r in idx.search("tokenism OR espresso")}
        assert kinds == {"text", "note"}


def test_note_changes_are_picked_up(library: Path) -> None:
    cafe = library / "cafe.md"
    ann_id = _annotate(cafe, "café", note="first thought")
    _age(library)
    with Index(library) as idx:
        idx.update()
        assert idx.search("thought")
        store = AnnotationStore.open(load_transcript(cafe))
        store.update(store.get(ann_id).touched(note="second idea"))  # type: ignore[union-attr]
        stats = idx.update()
        assert stats.changed == 1 and stats.texts == 0  # the text was not re-indexed
        assert idx.search("thought") == [] and len(idx.search("idea")) == 1
        AnnotationStore.open(load_transcript(cafe)).delete(ann_id)
        idx.update()
        assert idx.search("idea") == []
        assert [r.kind for r in idx.search("café")] == ["title", "text"]  # the text is still there


def test_private_notes_are_searchable_and_followed(library: Path) -> None:
    cafe = library / "cafe.md"
    _annotate(cafe, "café", note="secret macchiato", private=True)
    with Index(library) as idx:
        idx.update()
        assert [r.kind for r in idx.search("macchiato")] == ["note"]
        _annotate(cafe, "Monday", note="another ristretto", private=True)
        idx.update()
        assert [r.kind for r in idx.search("ristretto")] == ["note"]


def test_orphaned_notes_stay_searchable(library: Path) -> None:
    cafe = library / "cafe.md"
    _annotate(cafe, "Tokenism is a risk", note="lungo question")
    _write(cafe, CAFE.replace("Tokenism is a risk.", "Nothing else."), mtime=OLD + 7)
    with Index(library) as idx:
        idx.update()
        (r,) = idx.search("lungo")
        assert r.kind == "note" and r.orphaned and r.speaker is None


def test_control_characters_in_the_text_keep_offsets(library: Path) -> None:
    _write(library / "ctl.md", "---\ntitle: Ctl\n---\nBefore\x02 \x03marker\x03 after.\n")
    with Index(library) as idx:
        idx.update()
        (r,) = idx.search("marker")
        assert load_transcript(r.path).text[r.start : r.end] == "marker"


def test_highlights_without_notes_are_not_indexed(library: Path) -> None:
    _annotate(library / "cafe.md", "café")
    with Index(library) as idx:
        stats = idx.update()
        assert stats.notes == 0
        assert [r.kind for r in idx.search("café")] == ["title", "text"]


def test_refresh_file(library: Path) -> None:
    cafe = library / "cafe.md"
    with Index(library) as idx:
        idx.update()
        cafe.write_text(CAFE.replace("Tokenism", "Nepotism"), encoding="utf-8")
        os.utime(cafe, (OLD, OLD))  # same size and time: an update alone would not look
        assert idx.update().parsed == 0
        idx.refresh_file(cafe)
        assert idx.search("tokenism") == [] and idx.search("nepotism")


# --- incremental updates -----------------------------------------------------------------------


def test_first_update_indexes_everything(library: Path) -> None:
    with Index(library) as idx:
        stats = idx.update()
    assert (stats.total, stats.added, stats.parsed, stats.removed) == (3, 3, 3, 0)
    assert stats.texts == 3 and not stats.errors and not stats.cancelled


def test_unchanged_files_are_not_reparsed(index: Index) -> None:
    stats = index.update()
    assert (stats.unchanged, stats.parsed, stats.changed, stats.added) == (3, 0, 0, 0)


def test_touched_file_is_rehashed_not_reparsed(index: Index, library: Path) -> None:
    os.utime(library / "policy.md", (OLD + 100, OLD + 100))
    stats = index.update()
    assert (stats.rehashed, stats.parsed, stats.unchanged) == (1, 0, 2)
    assert index.update().unchanged == 3  # the new time was recorded


def test_modified_file_is_reindexed(index: Index, library: Path) -> None:
    _write(library / "policy.md", POLICY.replace("giraffes", "elephants"), mtime=OLD + 5)
    stats = index.update()
    assert (stats.changed, stats.parsed, stats.unchanged) == (1, 1, 2)
    assert index.search("giraffes") == []
    (r,) = index.search("elephants")
    assert load_transcript(r.path).text[r.start : r.end] == "elephants"


def test_recent_writes_are_checked_again(index: Index, library: Path) -> None:
    """A file written just now may change again within its time stamp's granularity."""
    policy = library / "policy.md"
    policy.write_text(POLICY.replace("giraffes", "elephants"), encoding="utf-8")
    assert index.update().parsed == 1
    st = policy.stat()
    policy.write_text(POLICY.replace("giraffes", "penguins!"), encoding="utf-8")
    os.utime(policy, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same time
    assert index.update().parsed == 1
    assert index.search("penguins") and not index.search("elephants")


def test_deleted_and_added_files(index: Index, library: Path) -> None:
    (library / "sub" / "deep.md").unlink()
    _write(library / "new.md", "---\ntitle: New\n---\nAbout giraffes.\n")
    stats = index.update()
    assert (stats.removed, stats.added, stats.parsed) == (1, 1, 1)
    assert index.search("pedagogy") == []
    assert _names(index.search("giraffes")) == {"new.md", "policy.md"}


def test_progress_and_cancel(library: Path) -> None:
    seen: list[tuple[int, int]] = []
    with Index(library) as idx:
        stats = idx.update(progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) >= 1)
        assert stats.cancelled and stats.parsed == 1 and seen == [(1, 3)]
        stats = idx.update(progress=lambda d, t: seen.append((d, t)))
        assert not stats.cancelled and stats.parsed == 2 and stats.unchanged == 1
        assert seen[-3:] == [(1, 3), (2, 3), (3, 3)]
        assert len(idx.search("involve")) == 4


def test_update_in_a_worker_thread_while_searching(library: Path) -> None:
    with Index(library) as idx:
        idx.update()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                _write(library / "policy.md", POLICY + "\nCH Elephants too.\n", mtime=OLD + 9)
                idx.update()
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        worker = threading.Thread(target=work)
        worker.start()
        for _ in range(20):
            idx.search("involve")
        worker.join()
        assert not errors
        assert idx.search("elephants")


def test_a_single_file_can_be_indexed(library: Path) -> None:
    results = search(library / "cafe.md", "involvement")
    assert _names(results) == {"cafe.md"} and len(results) == 2


def test_search_function_updates_first(library: Path) -> None:
    assert _names(search(library, "pedagogy")) == {"deep.md"}
    _write(library / "policy.md", POLICY + "\nCH Pedagogy too.\n", mtime=OLD + 1)
    assert _names(search(library, "pedagogy")) == {"deep.md", "policy.md"}


def test_unreadable_content_does_not_stop_the_index(library: Path) -> None:
    (library / "binary.md").write_bytes(b"\xff\xfe\x00garbage\x00" * 50)
    _write(library / "empty.md", "")
    with Index(library) as idx:
        stats = idx.update()
        assert stats.total == 5 and not stats.cancelled
        assert len(idx.search("involve")) == 4


def test_a_parser_failure_skips_one_file(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.core import search_parallel as search_module

    real = search_module.index_fields

    def flaky(data: bytes, path: Path):  # type: ignore[no-untyped-def]
        if path.name == "policy.md":
            raise RuntimeError("parser bug")
        return real(data, path)

    monkeypatch.setattr(search_module, "index_fields", flaky)
    with Index(library) as idx:
        stats = idx.update()
        assert stats.parsed == 2 and len(stats.errors) == 1 and "parser bug" in stats.errors[0]
        assert _names(idx.search("involve")) == {"cafe.md", "deep.md"}
        monkeypatch.setattr(search_module, "index_fields", real)
        assert idx.update().parsed == 1  # tried again
        assert _names(idx.search("involve")) == {"cafe.md", "deep.md", "policy.md"}


def test_a_parser_failure_while_searching_leaves_out_one_episode(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.core.transcript as transcript_module

    real = transcript_module.parse_transcript

    def flaky(data: bytes, path: Path):  # type: ignore[no-untyped-def]
        if path.name == "policy.md":
            raise RuntimeError("parser bug")
        return real(data, path)

    with Index(library) as idx:
        idx.update()
        monkeypatch.setattr(transcript_module, "parse_transcript", flaky)
        assert _names(idx.search("involve")) == {"cafe.md", "deep.md"}


def test_a_file_vanishing_during_an_update(library: Path) -> None:
    with Index(library) as idx:
        idx.update()

        def vanish() -> bool:
            (library / "policy.md").unlink(missing_ok=True)
            return False

        stats = idx.update(cancel=vanish)
        assert stats.removed == 1 and not stats.errors
        assert _names(idx.search("involve")) == {"cafe.md", "deep.md"}


# --- where the index lives ---------------------------------------------------------------------


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    }


def test_index_lives_in_the_user_cache_and_nothing_is_written_to_the_library(
    library: Path,
) -> None:
    _annotate(library / "cafe.md", "café", note="a note")
    before = _tree(library)
    with Index(library) as idx:
        idx.update()
        idx.search("café OR note")
        assert idx.path == index_path_for(library)
        assert idx.path.is_file()
        assert idx.path.is_relative_to(paths.user_cache_dir() / "search")
    search(library, "involvement")
    assert _tree(library) == before


def test_index_path_depends_on_the_resolved_root(library: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(library)
    assert index_path_for(link) == index_path_for(library)
    assert index_path_for(library) != index_path_for(library / "sub")


def test_corrupt_index_is_rebuilt(library: Path) -> None:
    path = index_path_for(library)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    with Index(library) as idx:
        assert idx.update().parsed == 3
        assert idx.search("café")


def test_code_change_rebuilds_the_index(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Index(library) as idx:
        idx.update()
    monkeypatch.setattr(search_store, "_code_fingerprint", lambda: "another parser")
    with Index(library) as idx:
        assert idx.update().parsed == 3
        assert idx.search("café")


def test_an_index_of_an_older_schema_is_rebuilt(library: Path) -> None:
    with Index(library) as idx:
        idx.update()
    con = sqlite3.connect(index_path_for(library))
    with con:  # as a version-1 index (no title rows) would read
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        con.execute("DELETE FROM fts WHERE rowid IN (SELECT id FROM entries WHERE kind = 2)")
        con.execute("DELETE FROM entries WHERE kind = 2")
    con.close()
    with Index(library) as idx:
        assert idx.update().parsed == 3
        assert [r.kind for r in idx.search("talk")] == ["title"]


def test_missing_library_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="no such file or folder"):
        Index(tmp_path / "nowhere").update()


def test_fts5_is_available_or_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    check_fts5()
    monkeypatch.setattr(search_store, "TOKENIZER", "no_such_tokenizer")
    with pytest.raises(SearchIndexError, match="FTS5"):
        check_fts5()


# --- malformed queries -------------------------------------------------------------------------

NASTY = [
    '"',
    '""',
    '"""',
    ":",
    "(",
    ")",
    "((a",
    "NEAR",
    "NEAR(a b)",
    "a NEAR b",
    "*",
    "**",
    "a*b*",
    "-",
    "- -",
    "--",
    "-a",
    "a -",
    "OR",
    "a OR",
    "OR a",
    "a OR OR b",
    "AND",
    "NOT",
    "a NOT",
    "body:café",
    "tags:x",
    "^a",
    "a + b",
    "'",
    "a'b",
    "\\",
    "\x00",
    "a\x00b",
    "\x02café\x03",
    "{a b}",
    "[a]",
    "🙂",
    "a" * 5000,
    " ".join(["word"] * 65),
    "SELECT * FROM files; --",
    "café\u0301*",
]


@pytest.mark.parametrize("query", NASTY)
def test_malformed_queries_never_raise_sqlite_errors(index: Index, query: str) -> None:
    try:
        results = index.search(query)
    except QueryError as exc:
        assert str(exc) and "sqlite" not in str(exc).lower()
    except sqlite3.Error as exc:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"{query!r} raised {exc!r}")
    else:
        assert isinstance(results, list)


def test_query_errors_are_sentences(index: Index) -> None:
    with pytest.raises(QueryError, match="Type a word"):
        index.search("  ")
    with pytest.raises(QueryError, match="only leave words out"):
        index.search("-tokenism")
    with pytest.raises(QueryError, match="Too many words"):
        index.search(" ".join(f"w{i}" for i in range(100)))
    with pytest.raises(QueryError):
        search(Path("/nonexistent-library"), "")  # the query is checked before the library
