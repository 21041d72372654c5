"""Search over the real corpus in ../shared/corpus: whole-library index, known phrases with exact
offsets, accents, stemming, incremental update of a changed copy. Skips without ../shared."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from reader.core import paths
from reader.core.library import iter_transcript_paths
from reader.core.search import Index
from reader.core.transcript import load_transcript

pytestmark = pytest.mark.acceptance

#: (file under the corpus, phrase as it reads in the canonical text, speaker or None to skip)
KNOWN = [
    ("iriss-fm/effective-user-involvement.md", "box ticking and tokenism", "Peter Beresford"),
    ("iriss-fm/effective-user-involvement.md", "ladder of participation", "Peter Beresford"),
    ("iriss-fm/effective-user-involvement.md", "reinventing the wheel", "Peter Beresford"),
    ("ubuntu-security-podcast/episode-152.md", "Dirty Pipe", None),
    (
        "bitcointranscripts-crlf-2024-02/bitcoin-explained/breaking-down-taproot-activation-options.md",
        "I read the whole IRC channel",
        "Sjors Provoost",
    ),
]


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_whole_corpus_is_indexed_and_known_phrases_found(corpus_dir: Path) -> None:
    before = _listing(corpus_dir)
    files = list(iter_transcript_paths(corpus_dir))
    with Index(corpus_dir) as index:
        t0 = time.perf_counter()
        stats = index.update()
        build = time.perf_counter() - t0
        assert (stats.total, stats.added, stats.parsed) == (len(files), len(files), len(files))
        assert stats.texts == len(files) and not stats.cancelled
        assert index.path.is_relative_to(paths.user_cache_dir())
        assert build < 40, f"indexing the corpus took {build:.1f} s"

        again = index.update()
        assert (again.parsed, again.changed, again.removed) == (0, 0, 0)
        assert again.unchanged + again.rehashed == len(files)

        for rel, phrase, speaker in KNOWN:
            path = (corpus_dir / rel).resolve()
            text = load_transcript(path).text
            expected = text.find(phrase)
            assert expected >= 0, f"{phrase!r} is not in the canonical text of {rel}"
            results = index.search(f'"{phrase}"', limit=100)
            hits = [r for r in results if r.path.resolve() == path]
            assert hits, f"{phrase!r} not found in {rel}"
            starts = [s for r in hits for s, _ in r.matches]
            assert expected in starts
            for r in hits:
                assert r.title == load_transcript(path).meta.title
                if r.kind == "title":  # the phrase is in the title: the top of the episode
                    assert (r.start, r.end) == (0, 0)
                    assert phrase.casefold() in r.snippet.casefold()
                    continue
                assert text[r.start : r.end].casefold() == phrase.casefold()
                if speaker is not None and r.start == expected:
                    assert r.speaker == speaker

        # accents and stemming, on real text
        cafes = index.search("cafes", limit=200)
        in_cafes = [r for r in cafes if r.path.name == "recovery-conversation-cafes.md"]
        assert in_cafes[0].kind == "title"  # the title ranks first, then the passages
        text = load_transcript(in_cafes[0].path).text
        found = {text[r.start : r.end] for r in in_cafes if r.kind == "text"}
        assert {"Cafés", "Café"} <= found  # the plural and, stemmed, the singular
        creche = index.search("creche", limit=50)
        assert any(load_transcript(r.path).text[r.start : r.end] == "crèche" for r in creche)
        involve = index.search("involve", limit=500)
        assert any(r.path.name == "effective-user-involvement.md" for r in involve)

        t0 = time.perf_counter()
        common = index.search("the", limit=50)
        assert len(common) == 50 and time.perf_counter() - t0 < 5
    assert _listing(corpus_dir) == before  # nothing written beside the transcripts


def test_a_changed_copy_is_reindexed(corpus_dir: Path, tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    source = corpus_dir / "iriss-fm" / "effective-user-involvement.md"
    copy = library / source.name
    shutil.copyfile(source, copy)
    shutil.copyfile(corpus_dir / "ubuntu-security-podcast" / "episode-152.md", library / "u.md")
    old = time.time() - 3600
    for p in library.iterdir():
        os.utime(p, (old, old))
    with Index(library) as index:
        assert index.update().parsed == 2
        assert index.search('"box ticking and tokenism"')

        data = copy.read_text(encoding="utf-8")
        copy.write_text(data.replace("box ticking", "form filling"), encoding="utf-8")
        os.utime(copy, (old + 60, old + 60))
        stats = index.update()
        assert (stats.changed, stats.parsed, stats.unchanged) == (1, 1, 1)
        assert index.search('"box ticking and tokenism"') == []
        (r,) = index.search('"form filling and tokenism"')
        text = load_transcript(copy).text
        assert text[r.start : r.end] == "form filling and tokenism"
        assert r.speaker == "Peter Beresford"

        copy.unlink()
        assert index.update().removed == 1
        assert index.search("tokenism") == []
        assert index.search('"Dirty Pipe"')
