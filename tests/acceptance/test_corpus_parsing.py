"""Every real transcript in ../shared/corpus parses cleanly, with spot checks of exact values.

Skips when ../shared is absent (the `corpus_dir` fixture). Expected values were read from the
corpus files themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path

import pytest

from reader.core.library import iter_transcript_paths, load_library
from reader.core.transcript import Transcript, load_transcript, read_metadata

pytestmark = pytest.mark.acceptance


def transcripts(corpus: Path) -> list[Path]:
    """The corpus transcripts (the files in its source folders, not SOURCES.md)."""
    return [p for p in iter_transcript_paths(corpus) if p.parent != corpus]


def check_invariants(t: Transcript) -> None:
    text = t.text
    assert "\r" not in text
    pos = 0
    for i, b in enumerate(t.blocks):
        if i:
            assert text[pos] == "\n"
            pos += 1
        assert b.start == pos < b.end
        chunk = text[b.start : b.end]
        assert chunk == chunk.strip() and "\n" not in chunk
        assert all(b.start <= s.start < s.end <= b.end for s in b.spans)
        pos = b.end
    assert pos == len(text)


def test_every_file_parses_without_errors(corpus_dir: Path) -> None:
    paths = transcripts(corpus_dir)
    assert len(paths) >= 200
    start = time.perf_counter()
    for path in paths:
        t = load_transcript(path)
        assert t.meta.errors == [], path
        assert t.meta.warnings == [], path
        check_invariants(t)
        meta = read_metadata(path)
        assert meta.errors == [] and meta.title == t.meta.title, path
        assert meta.date == t.meta.date, path
        # read_metadata reads the turns of the body's first 16 Ki characters only: its speakers
        # are the beginning of the full list, all of it when the body is that short
        assert meta.speakers == t.meta.speakers[: len(meta.speakers)], path
        if path.stat().st_size < 16_000:
            assert meta.speakers == t.meta.speakers, path
        # the quick read (no turns) differs only in the speakers, which it has fewer of
        quick = read_metadata(path, turns=False)
        assert quick.partial and not meta.partial, path
        assert dataclasses.replace(quick, speakers=meta.speakers, partial=False) == meta, path
        assert {s.casefold() for s in quick.speakers} <= {s.casefold() for s in meta.speakers}
        if path.stat().st_size > 200:
            assert t.text, path
    assert time.perf_counter() - start < 15


def test_library_scan(corpus_dir: Path) -> None:
    metas = load_library(corpus_dir)
    assert len(metas) == len(list(iter_transcript_paths(corpus_dir)))
    assert all(m.errors == [] for m in metas)


def test_iriss_effective_user_involvement(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "iriss-fm" / "effective-user-involvement.md")
    m = t.meta
    assert m.title == "Effective user involvement"
    assert m.date == dt.date(2010, 1, 20)
    assert m.duration_seconds == 2650
    assert m.speakers == ["Peter Beresford"]
    assert m.tags == ["Co-production"]
    assert m.source_urls == [
        "https://podcast.iriss.org.uk/effective-user-involvement-0",
        "https://soundcloud.com/iriss/wwprip-effective-user-involvement-peter-beresford",
    ]
    assert t.speaker_key == {"PB": "Peter Beresford"}
    assert t.blocks[0].kind == "speaker_key"
    first_turn = next(b for b in t.blocks if b.kind == "turn")
    assert (first_turn.speaker, first_turn.label) == ("Peter Beresford", "PB")
    assert t.text[first_turn.start : first_turn.end].startswith("Hello it's good to be here")
    headings = [t.text[b.start : b.end] for b in t.headings()]
    assert "Models of involvement" in headings
    assert "Principles for effective involvement" in headings
    assert "PB Hello" not in t.text


def test_dundee_part_headings(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "iriss-fm" / "the-dundee-early-intervention-team.md")
    headings = [t.text[b.start : b.end] for b in t.headings()]
    assert headings[:4] == [
        "Part 1 - Social Pedagogy",
        "Part 2 - Challenges",
        "Part 3 - Flexibility",
        "Part 4 - Early Intervention",
    ]
    assert t.speaker_key["ED"] == "Ellen Daly"


@pytest.mark.parametrize(
    "name",
    [
        "a-bed-for-the-night-austerity-social-work-and-resistance.md",
        "jo-mcfarlanes-journey-to-recovery.md",
    ],
)
def test_poems_have_no_headings(corpus_dir: Path, name: str) -> None:
    t = load_transcript(corpus_dir / "iriss-fm" / name)
    assert t.headings() == []
    assert "I hear that in New York" not in [t.text[b.start : b.end] for b in t.headings()]


def test_iriss_not_headings(corpus_dir: Path) -> None:
    for name in (
        "child-protection-and-disabled-children-lessons-from-a-scoping-study.md",
        "emotions-in-social-work-practice.md",
    ):
        t = load_transcript(corpus_dir / "iriss-fm" / name)
        headings = [t.text[b.start : b.end] for b in t.headings()]
        assert "Recorded in February 2012" not in headings
        assert "Telephone interview with Ian Watson 11 June 2012" not in headings


def test_iriss_bold_labels(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "iriss-fm" / "adapting-social-work-for-a-changing-planet.md")
    turns = {(b.label, b.speaker) for b in t.blocks if b.kind == "turn"}
    assert ("Heather", "Heather Lynch") in turns  # `**Heather:**`, host "Heather Lynch"
    assert ("TzeYeng Ng", "TzeYeng Ng") in turns


def test_iriss_bold_labels_without_colon(corpus_dir: Path) -> None:
    """``**Michael** So, Jason…``: bold first names with no colon are turns, with full names."""
    t = load_transcript(
        corpus_dir / "iriss-fm" / "enable-respect-group-raising-awareness-of-hate-crime.md"
    )
    turns = [b for b in t.blocks if b.kind == "turn"]
    assert len(turns) == 44
    assert {(b.label, b.speaker) for b in turns} == {
        ("Michael", "Michael McEwan"),
        ("Jason", "Jason Methven"),
        ("Sally", "Sally Elfverson"),
    }
    first = turns[0]
    assert (
        t.text[first.start : first.end] == "So, Jason, can you tell us what is The Respect Group?"
    )
    assert "**" not in t.text and "Michael So," not in t.text
    # hosts: ["Iriss"] is the site (its fields are iriss_*), not a speaker
    assert t.meta.speakers == ["Michael McEwan", "Jason Methven", "Sally Elfverson"]
    assert t.meta.fields["hosts"] == ["Iriss"]
    assert read_metadata(t.path).speakers == t.meta.speakers


def test_iriss_one_bold_label_without_colon_among_colon_labels(corpus_dir: Path) -> None:
    """lifelong-links.md has one ``**Anne** No. …`` among ``**Anne**:`` labels."""
    t = load_transcript(corpus_dir / "iriss-fm" / "lifelong-links.md")
    turns = [b for b in t.blocks if b.kind == "turn"]
    assert {(b.label, b.speaker) for b in turns} == {
        ("INT", "Interviewer"),
        ("Michelle", "Michelle Drumm"),
        ("Anne", "Anne Begbie"),
        ("Megan", "Megan Tait"),
    }
    no = next(b for b in turns if t.text[b.start :].startswith("No. That changed"))
    assert no.speaker == "Anne Begbie" and no.label == "Anne"


def test_iriss_organisation_host_is_not_a_speaker(corpus_dir: Path) -> None:
    for path in sorted((corpus_dir / "iriss-fm").glob("*.md")):
        meta = read_metadata(path)
        assert "Iriss" not in meta.speakers, path
    t = load_transcript(corpus_dir / "iriss-fm" / "heart-community-teams.md")
    # the host is the organisation; "Michelle" (no full name anywhere) stays as written
    assert t.meta.speakers == ["Andrew Bryers", "Michelle"]


def test_bitcoin_stephan_livera(corpus_dir: Path) -> None:
    path = (
        corpus_dir
        / "bitcointranscripts/stephan-livera-podcast/2019-02-11-jack-dorsey-elizabeth-stark.md"
    )
    t = load_transcript(path)
    m = t.meta
    assert m.title == "Bitcoin- Native Currency of the Internet"
    assert m.date == dt.date(2019, 2, 11)
    assert m.speakers == ["Jack Dorsey", "Elizabeth Stark", "Stephan Livera"]
    assert m.source_urls[0] == "https://stephanlivera.com/episode/52/"
    turns = [b for b in t.blocks if b.kind == "turn"]
    assert turns[0].speaker == "Stephan Livera"
    assert {b.speaker for b in turns} == {"Stephan Livera", "Jack Dorsey", "Elizabeth Stark"}
    assert "Stephan Livera:" not in t.text[turns[0].start : turns[0].end]


def test_bitcoin_triple_dash_value_and_speaker_numbers(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "bitcointranscripts/chaincode-podcast/miniscript.md")
    assert t.meta.title == "Miniscript"
    assert t.meta.date == dt.date(2021, 11, 11)
    assert t.meta.source_urls[0] == (
        "https://podcasters.spotify.com/pod/show/chaincode/episodes/"
        "Sanket-Kanjalkar-and-Miniscript---Episode-17-e1a4pmc"
    )
    first = t.blocks[0]
    assert (first.kind, first.speaker, t.text[first.start : first.end]) == (
        "turn",
        "Speaker 0",
        "00:00:15",
    )
    assert t.text.startswith("00:00:15\nWelcome back to the Chaincode Podcast.")


def test_bitcoin_empty_body(corpus_dir: Path) -> None:
    t = load_transcript(
        corpus_dir / "bitcointranscripts/dallas-bitcoin-symposium/history-and-extrapolation.md"
    )
    assert t.meta.errors == [] and t.text == "" and t.blocks == []
    assert t.meta.title == "History And Extrapolation"


def test_crlf_twin_has_identical_text(corpus_dir: Path) -> None:
    rel = "bitcoin-explained/breaking-down-taproot-activation-options.md"
    crlf = load_transcript(corpus_dir / "bitcointranscripts-crlf-2024-02" / rel)
    lf = load_transcript(corpus_dir / "bitcointranscripts" / rel)
    assert crlf.text == lf.text
    assert crlf.blocks == lf.blocks
    assert crlf.meta.title == lf.meta.title == "Breaking Down Taproot Activation Options"
    turns = {b.speaker for b in lf.blocks if b.kind == "turn"}
    assert turns == {"Aaron van Wirdum", "Sjors Provoost"}


def test_changelog_bold_names(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "changelog-transcripts/gotime/go-time-93.md")
    m = t.meta
    assert m.front_matter == "none"
    assert m.title == "Go Time 93"
    assert m.speakers == ["Jon Calhoun", "Mark Bates", "Johnny Boursiquot", "Jamal Yusuf"]
    assert [t.text[b.start : b.end] for b in t.headings()] == ["Break: [14:22]", "Break: [37:03]"]
    first = t.blocks[0]
    assert (first.kind, first.speaker) == ("turn", "Jon Calhoun")
    assert "**" not in t.text and "\\[" not in t.text


def test_changelog_news_label_alone(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "changelog-transcripts/news/changelog-news-170.md")
    first = t.blocks[0]
    assert (first.kind, first.speaker) == ("turn", "Jerod Santo")
    assert t.text.startswith("What up, nerds?")
    assert "Break" not in t.meta.speakers


def test_ubuntu_toml(corpus_dir: Path) -> None:
    t = load_transcript(corpus_dir / "ubuntu-security-podcast/episode-152.md")
    m = t.meta
    assert m.front_matter == "toml"
    assert m.title == "Episode 152"
    assert m.date == dt.date(2022, 3, 11)
    assert m.duration_seconds == 1685
    assert m.source_urls == ["https://ubuntusecuritypodcast.org/episode-152/"]
    assert m.subtitle is not None and m.subtitle.startswith("It's a big week for kernel")
    headings = [t.text[b.start : b.end] for b in t.headings()]
    assert headings[0] == "Overview" and "Transcript" in headings
    assert "{#" not in t.text and "<!--" not in t.text


def test_a11y_html_speakers(corpus_dir: Path) -> None:
    path = (
        corpus_dir
        / "a11yrules-podcast/2018-05-23-global-accessibility-awareness-day-2018-special.md"
    )
    t = load_transcript(path)
    assert t.meta.duration_seconds == 2210
    turns = {(b.label, b.speaker) for b in t.blocks if b.kind == "turn"}
    # first-name labels get the full name from the front matter (`author`, `guests` slugs); an
    # all-caps label keeps its capitals ("cb-averitt" would prettify to "Cb Averitt")
    assert turns == {
        ("CB", "CB Averitt"),
        ("Nic", "Nic Steenhout"),
        ("Rian", "Rian Rietveld"),
        ("Jillian", "Jillian Fortin"),
        ("Nat", "Nat Tarnoff"),
    }
    assert t.meta.speakers[0] == "CB Averitt" and "Nic Steenhout" in t.meta.speakers
    assert "<p>" not in t.text and "<strong>" not in t.text and "{{" not in t.text


def test_changelog_list_shows_speakers(corpus_dir: Path) -> None:
    """No front matter: the episode list gets the speakers from the turns at the top."""
    paths = sorted((corpus_dir / "changelog-transcripts").rglob("*.md"))
    assert len(paths) == 23
    for path in paths:
        meta = read_metadata(path)
        full = load_transcript(path).meta.speakers
        assert meta.speakers == full[: len(meta.speakers)] and bool(meta.speakers) is bool(full)
        assert "Break" not in meta.speakers, path
        # changelog-news-2.md is a monologue with one `**Jerod Santo:**` label: a bold label
        # used once in a file without a dialogue is not trusted, by either reader
        assert bool(meta.speakers) is (path.name != "changelog-news-2.md"), path
    meta = read_metadata(corpus_dir / "changelog-transcripts/gotime/go-time-93.md")
    assert meta.speakers == ["Jon Calhoun", "Mark Bates", "Johnny Boursiquot", "Jamal Yusuf"]


def test_london_bitdevs_initials_get_full_names(corpus_dir: Path) -> None:
    """``Michael Folkson (MF): …`` introduces the ``MF:`` of later turns."""
    path = (
        corpus_dir / "bitcointranscripts/london-bitcoin-devs/2020-05-19-socratic-seminar-vaults.md"
    )
    t = load_transcript(path)
    introduced = [
        "Michael Folkson",
        "Bryan Bishop",
        "Spencer Hommel",
        "Kevin Loaec",
        "Max Hillebrand",
        "Jeremy Rubin",
        "Sam Abbassi",
        "Jacob Swambo",
        "Adam Gibson",
        "Bob McElrath",
    ]
    assert t.meta.speakers == introduced
    turns = [b for b in t.blocks if b.kind == "turn"]
    assert (turns[0].label, turns[0].speaker) == ("Michael Folkson (MF)", "Michael Folkson")
    assert ("JR", "Jeremy Rubin") in {(b.label, b.speaker) for b in turns}
    assert read_metadata(path).speakers == introduced[: len(read_metadata(path).speakers)]
    es = load_transcript(
        corpus_dir / "bitcointranscripts/bitcoin-magazine/"
        "2020-08-03-eric-lombrozo-luke-dashjr-taproot-activation.es.md"
    )
    assert es.meta.speakers == ["Eric Lombrozo", "Luke Dashjr", "Aaron van Wirdum"]


def test_a11y_jekyll_date_and_nicolas(corpus_dir: Path) -> None:
    """The date is in the Jekyll file name; "Nicolas" in the turns is the author Nic Steenhout."""
    folder = corpus_dir / "a11yrules-podcast"
    for path in sorted(folder.glob("*.md")):
        meta = read_metadata(path)
        assert meta.date == dt.date.fromisoformat(path.name[:10]), path
        assert meta.warnings == [], path
        assert "Nicolas" not in load_transcript(path).meta.speakers, path
    t = load_transcript(folder / "2017-07-17-e01-interview-with-robert-jolly-part-1.md")
    assert t.meta.speakers == ["Robert Jolly", "Nic Steenhout"]
    assert {(b.label, b.speaker) for b in t.blocks if b.kind == "turn"} == {
        ("Nicolas", "Nic Steenhout"),
        ("Robert", "Robert Jolly"),
    }
