"""Front matter, decoding, metadata and the never-raise contract of `reader.core.transcript`."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from reader.core.frontmatter_meta import parse_duration, prettify_stem
from reader.core.transcript import Transcript, load_transcript, parse_transcript, read_metadata

P = Path("episode-one.md")


def parse(text: str | bytes, path: Path = P) -> Transcript:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_transcript(data, path)


IRISS = """---
title: "Effective user involvement"
subtitle: "Peter Beresford discusses user involvement."
date: "2010-01-20T00:00:00+00:00"
categories: ["Co-production"]
hosts: []
speakers: ["Peter Beresford"]
iriss_episode_libsyn_url: "https://podcast.example.org/effective-user-involvement-0"
iriss_archive_libsyn_duration: "44:10"
iriss_archive_website_url: "/resources/irissfm/effective-user-involvement"
---
PB - Peter Beresford\x20\x20
MM = Michael McEwan

PB Hello it's good to be here today.

MM Thanks.
"""


def test_iriss_front_matter_and_key() -> None:
    t = parse(IRISS)
    m = t.meta
    assert m.errors == [] and m.warnings == []
    assert m.front_matter == "yaml"
    assert m.title == "Effective user involvement"
    assert m.subtitle == "Peter Beresford discusses user involvement."
    assert m.date == dt.date(2010, 1, 20)
    assert m.duration_seconds == 2650
    assert m.speakers == ["Peter Beresford", "Michael McEwan"]
    assert m.tags == ["Co-production"]
    assert m.source_urls == ["https://podcast.example.org/effective-user-involvement-0"]
    assert m.fields["date"] == "2010-01-20T00:00:00+00:00"
    json.dumps(m.fields)
    assert t.speaker_key == {"PB": "Peter Beresford", "MM": "Michael McEwan"}
    assert t.text == (
        "PB - Peter Beresford\nMM = Michael McEwan\nHello it's good to be here today.\nThanks."
    )


def test_read_metadata_matches_full_parse(tmp_path: Path) -> None:
    f = tmp_path / "x.md"
    f.write_text(IRISS, encoding="utf-8")
    meta = read_metadata(f)
    full = load_transcript(f).meta
    assert meta.title == full.title
    assert meta.speakers == full.speakers
    assert meta.date == full.date and meta.duration_seconds == full.duration_seconds
    assert meta.size == f.stat().st_size and meta.mtime == f.stat().st_mtime


def test_toml_front_matter() -> None:
    t = parse(
        '+++\ntitle = "Episode 152"\ndescription = """\n  A big week.\n  """\n'
        "date = 2022-03-11T14:19:00+10:30\npodcast_duration = 1685\n"
        'permalink = "https://example.org/episode-152/"\n+++\n\n## Overview {#overview}\n\nHi.\n'
    )
    m = t.meta
    assert m.errors == []
    assert m.front_matter == "toml"
    assert (m.title, m.date, m.duration_seconds) == ("Episode 152", dt.date(2022, 3, 11), 1685)
    assert m.subtitle == "A big week."
    assert m.source_urls == ["https://example.org/episode-152/"]
    assert m.fields["date"] == "2022-03-11T14:19:00+10:30"
    assert t.text == "Overview\nHi."
    assert t.blocks[0].kind == "heading" and t.blocks[0].level == 2


def test_no_front_matter_title_from_heading_or_stem() -> None:
    assert parse("# My Title\n\nBody.").meta.title == "My Title"
    assert parse("Just text.", Path("the-changelog-327.md")).meta.title == "The Changelog 327"
    assert parse("Just text.").meta.front_matter == "none"
    assert prettify_stem(Path("care- opinion.md")) == "Care Opinion"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("44:10", 2650),
        ("1:02:03", 3723),
        ("PT23M02S", 1382),
        ("PT1H", 3600),
        (1685, 1685),
        ("24:19", 1459),
        ("90", 90),
        ("soon", None),
        (None, None),
    ],
)
def test_durations(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


def test_duration_fields_in_order() -> None:
    fm = '---\nduration: "PT23M02S"\nduration_formatted: "23:02"\n---\nx'
    assert parse(fm).meta.duration_seconds == 1382
    assert parse('---\npodcast_duration: "24:19"\n---\nx').meta.duration_seconds == 1459


def test_date_fallbacks_and_odd_values() -> None:
    assert parse("---\ndate: 2019-02-11\n---\nx").meta.date == dt.date(2019, 2, 11)
    m = parse('---\niriss_archive_libsyn_publicationdate: "2012-03-06T00:00:00+00:00"\n---\nx')
    assert m.meta.date == dt.date(2012, 3, 6)
    bad = parse('---\ntitle: 42\ndate: "2019-02-30"\n---\nx').meta
    assert bad.errors == []
    assert bad.title == "42"
    assert bad.date is None
    assert any("impossible date" in w for w in bad.warnings)
    listy = parse("---\ntitle: [a, b]\n---\nx").meta
    assert listy.errors == [] and listy.title == "Episode One" and listy.warnings


def test_speakers_merged_from_front_matter_key_and_turns() -> None:
    text = (
        "---\nspeakers:\n  - Jack Dorsey\nhosts: ['Stephan Livera']\nguests: [robert-jolly]\n---\n"
        "Stephan Livera: Welcome.\n\nJack Dorsey: Thanks.\n\nElizabeth Stark: Hi.\n\n"
        "Elizabeth Stark: Bye.\n"
    )
    m = parse(text).meta
    assert m.speakers == ["Jack Dorsey", "Stephan Livera", "Robert Jolly", "Elizabeth Stark"]


def test_tags_and_categories_and_urls() -> None:
    m = parse(
        "---\ntags: [a, b]\ncategories: original\nmedia: https://example.org/m\n"
        "additional_resources:\n  - url: http://example.org/r\n"
        "website: /resources/page\n---\nx"
    ).meta
    assert m.tags == ["a", "b", "original"]
    assert m.source_urls == ["https://example.org/m", "http://example.org/r"]


def test_front_matter_value_with_triple_dash() -> None:
    t = parse(
        "---\ntitle: Miniscript\nmedia: https://example.org/Sanket-and-Miniscript---Episode-17\n"
        "---\nSpeaker 0: 00:00:15\n\nWelcome back.\n"
    )
    assert t.meta.errors == []
    assert t.meta.source_urls == ["https://example.org/Sanket-and-Miniscript---Episode-17"]
    assert t.text == "00:00:15\nWelcome back."


def test_unterminated_front_matter_is_a_warning() -> None:
    t = parse("---\ntitle: x\n\nBody text here.\n")
    assert t.meta.errors == []
    assert any("unterminated" in w for w in t.meta.warnings)
    assert t.meta.front_matter == "none"
    assert "Body text here." in t.text


def test_invalid_yaml_is_an_error_but_body_parses() -> None:
    t = parse("---\ntitle: [unclosed\n---\nStill here.\n")
    assert t.meta.errors and "YAML" in t.meta.errors[0]
    assert t.text == "Still here."


def test_python_tags_never_execute() -> None:
    t = parse("---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\nx\n")
    assert t.meta.errors and "refused" in t.meta.errors[0]
    assert t.text == "x"


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    doc = "---\n" + "\n".join(lines) + "\n---\nbody\n"
    start = time.perf_counter()
    t = parse(doc)
    assert time.perf_counter() - start < 1.0
    assert t.meta.errors and "refused" in t.meta.errors[0]
    many = "---\nx: &x 1\ny: [" + ",".join(["*x"] * 150) + "]\n---\nb"
    assert "aliases" in parse(many).meta.errors[0]
    recursive = parse("---\na: &a [*a]\n---\nb").meta
    assert recursive.errors


def test_a_few_aliases_are_fine() -> None:
    m = parse("---\nbase: &b {x: 1}\nother: *b\ntitle: ok\n---\nb").meta
    assert m.errors == [] and m.fields["other"] == {"x": 1}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("\ufeff---\ntitle: Café\n---\nHé.\n".encode(), "utf-8-sig"),
        ("---\ntitle: Café\n---\nHé.\n".encode("utf-16"), "utf-16"),
        ("---\ntitle: Café\n---\nHé.\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    t = parse(data)
    assert t.meta.errors == []
    assert t.meta.encoding == encoding
    assert t.meta.title == "Café" and t.text == "Hé."
    assert bool(t.meta.warnings) == (encoding == "cp1252")


def test_crlf_and_cr_line_endings() -> None:
    lf = "---\ntitle: T\n---\nPB - Peter B\n\nPB One\ntwo\n\nThree\n"
    for newline in ("\r\n", "\r"):
        t = parse(lf.replace("\n", newline))
        assert t.text == parse(lf).text
        assert "\r" not in t.text


def test_binary_file_is_an_error() -> None:
    t = parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert t.text == "" and t.blocks == []
    assert t.meta.errors == ["not a text file (it contains NUL bytes)"]


def test_unreadable_file_still_gives_an_entry(tmp_path: Path) -> None:
    missing = tmp_path / "gone.md"
    t = load_transcript(missing)
    assert t.text == "" and t.blocks == [] and t.meta.errors
    meta = read_metadata(missing)
    assert meta.errors and meta.title == "Gone"
    folder = tmp_path / "dir.md"
    folder.mkdir()
    assert load_transcript(folder).meta.errors


def test_nfc_normalisation() -> None:
    t = parse("---\ntitle: Cafe\u0301\n---\nCafe\u0301 au lait.\n")
    assert t.meta.title == "Café"
    assert t.text == "Café au lait."


def test_large_file_is_fast() -> None:
    turn = "AB Some words here, and *emphasis*, and a [link](http://x.org) [00:12:34].\n\n"
    body = "AB - Alice Brown\n\n" + turn * 3500  # ~250 KB
    data = ("---\ntitle: Big\n---\n" + body).encode()
    assert len(data) > 240_000
    parse_transcript(data, P)
    start = time.perf_counter()
    t = parse_transcript(data, P)
    elapsed = time.perf_counter() - start
    assert len(t.blocks) == 3501
    assert elapsed < 0.5  # well under 100 ms on a quiet machine; generous for shared CI


@pytest.mark.parametrize(
    ("name", "body", "title"),
    [
        ("js-party-200.md", "**Jo:** Welcome to JS Party! JS Party is weekly.\n", "JS Party 200"),
        ("js-party-200.md", "No mention of the show here.\n", "Js Party 200"),
        ("practical-ai-44.md", "Practical AI, the AI podcast.\n", "Practical AI 44"),
        ("ship-it-110.md", "IT people. It is. It was.\n", "Ship It 110"),
        ("request-for-commits-16.md", "x\n", "Request for Commits 16"),
        ("big-tent-s2e9.md", "x\n", "Big Tent S2E9"),
        ("the_changelog--594.md", "x\n", "The Changelog 594"),
        ("iOS-news.md", "x\n", "iOS News"),
    ],
)
def test_title_from_file_name(tmp_path: Path, name: str, body: str, title: str) -> None:
    path = tmp_path / name
    path.write_text(body, "utf-8")
    assert load_transcript(path).meta.title == title
    assert read_metadata(path).title == title


def test_title_from_a_real_heading_only() -> None:
    assert parse("# Break: [14:22]\n\nText.", Path("go-time-93.md")).meta.title == "Go Time 93"
    assert parse("## Transcript\n\nText.", Path("ep-1.md")).meta.title == "Ep 1"
    assert parse("# The Real Title\n\nText.", Path("ep-1.md")).meta.title == "The Real Title"


@pytest.mark.parametrize(
    ("data", "encoding", "warning"),
    [
        ("Hé, café.\n".encode("utf-16-le"), "utf-16-le", "UTF-16"),
        ("Hé, café.\n".encode("utf-16-be"), "utf-16-be", "UTF-16"),
        (
            "Café “quoted” and a bad byte \xff\n".encode().replace(b"\xc3\xbf", b"\xff"),
            "utf-8",
            "replaced",
        ),
        (b"Caf\xe9 \x93quoted\x94 and \x81\n", "cp1252", "cp1252"),
        (b"", "utf-8", "empty"),
        (b"\n  \n", "utf-8", "empty"),
    ],
)
def test_decoding_fallbacks(data: bytes, encoding: str, warning: str) -> None:
    t = parse(data)
    assert t.meta.encoding == encoding and t.meta.errors == []
    assert warning in " ".join(t.meta.warnings)
    assert "\x81" not in t.text


def test_large_front_matter_is_refused() -> None:
    t = parse("---\n" + "a: b\n" * 20_000 + "---\nBody.\n")
    assert t.meta.errors == ["front matter is too large"] and t.text == "Body."


@pytest.mark.parametrize("host", ["Iriss", "iriss", "IRISS"])
def test_site_host_is_not_a_speaker(host: str) -> None:
    """``hosts: ["Iriss"]`` next to ``iriss_*`` fields names the site, not a person."""
    m = parse(
        f'---\nhosts: ["{host}", "Michelle Drumm"]\nspeakers: ["Anne Begbie"]\n'
        'iriss_episode_libsyn_url: "https://podcast.example.org/x"\n---\nHello.\n'
    ).meta
    assert m.speakers == ["Anne Begbie", "Michelle Drumm"]
    assert m.fields["hosts"] == [host, "Michelle Drumm"]  # kept for citations


def test_hosts_that_look_like_people_stay_speakers() -> None:
    # no field named after it: a one-word host is a person ("Calle", "Iriss" elsewhere)
    m = parse('---\nhosts: ["Calle", "Iriss"]\ntitle: x\n---\nHello.\n').meta
    assert m.speakers == ["Calle", "Iriss"]
    # a two-word host is a person even if a field shares its first word
    m = parse('---\nhosts: ["Iriss Team"]\niriss_x: 1\n---\nHello.\n').meta
    assert m.speakers == ["Iriss Team"]
    # only hosts are filtered: a speaker is listed as written
    m = parse('---\nspeakers: ["Iriss"]\niriss_x: 1\n---\nHello.\n').meta
    assert m.speakers == ["Iriss"]


# --- the fast paths of read_metadata ----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "Caf\u00e9 \x01one\x0btwo\x7fthree \u0085four \u009ffive\u00a0six\r\nseven\x0c",
        "\ufeffBOM \x1f and C1 \u0080 after it\n",
        "plain ASCII, no control at all\n",
        "non-breaking\u00a0spaces\u00a0only, \u00e9t\u00e9\n",
    ],
)
def test_control_characters_become_spaces(raw: str) -> None:
    import re

    from reader.core.frontmatter_meta import decode_bytes

    text, encoding, warnings, errors = decode_bytes(raw.encode("utf-8"))
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", " ", raw.replace("\r\n", "\n"))
    assert text == expected.removeprefix("\ufeff")
    assert warnings == [] and errors == []


@pytest.mark.parametrize(
    ("text", "kind", "body"),
    [
        ("---\ntitle: a\n---\nBody\n", "yaml", "Body\n"),
        ("---\ntitle: a\n...\nBody\n", "yaml", "Body\n"),
        ("---\ntitle: a\n--- \t\nBody", "yaml", "Body"),
        ("---\ntitle: a\n---", "yaml", ""),
        ("---\ntitle: a ---\n---x\n...\n", "yaml", ""),
        ("---\n---\nBody\n", "yaml", "Body\n"),
        ("+++\ntitle = 'a'\n+++\nBody\n", "toml", "Body\n"),
        ("+++\ntitle = 'a'\n---\nBody\n", "none", "+++\ntitle = 'a'\n---\nBody\n"),
        ("---\ntitle: a\n", "none", "---\ntitle: a\n"),
    ],
)
def test_front_matter_closing_lines(text: str, kind: str, body: str) -> None:
    from reader.core.frontmatter_meta import split_front_matter

    fm = split_front_matter(text)
    assert (fm.kind, fm.body) == (kind, body)
    assert split_front_matter(text, 3).body == body[:3]


def test_read_metadata_finds_key_and_heading_far_down(tmp_path: Path) -> None:
    """A key and a title below long blocks: read_metadata lexes on until it has the blocks."""
    long_line = "Intro words " * 500  # one 6 KB paragraph before the key
    text = (
        "---\ndate: 2021-01-01\n---\n"
        + "# A Title Below\n\n"
        + long_line
        + "\n\nAB - Ann Bell\nCD - Cy Dee\n\nAB Hello.\n\nCD Hi.\n"
    )
    f = tmp_path / "far.md"
    f.write_text(text, encoding="utf-8")
    meta, full = read_metadata(f), load_transcript(f).meta
    assert meta.title == full.title == "A Title Below"
    assert meta.speakers == full.speakers == ["Ann Bell", "Cy Dee"]
    html = tmp_path / "html.md"
    html.write_text(
        "<!-- a comment\n\nspanning blank lines -->\n<h2>From HTML</h2>\n\n" + long_line + "\n",
        encoding="utf-8",
    )
    assert read_metadata(html).title == load_transcript(html).meta.title == "From HTML"


def test_word_pattern_matches_like_the_case_insensitive_one() -> None:
    """`_word_pattern` spells the case-insensitive search out; it must find the same words."""
    import random
    import re

    from reader.core.stem_meta import (
        _ASCII_CASE_EXTRAS,
        _casing_in,
        _folded,
        _word_pattern,
    )

    letters = re.compile("[a-z]", re.I)
    extras = {chr(c) for c in range(128, 0x110000) if letters.fullmatch(chr(c))}
    assert extras == set("".join(_ASCII_CASE_EXTRAS.values()))
    rng = random.Random(7)
    alphabet = list("jsSJitIKk.-_ 2x\n") + sorted(extras) + ["é", "JS", "js", "Js"]
    for word in ["js", "it", "ai", "k8s", "x2", "S", "v1.2", "café", "JS"]:
        old = re.compile(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", re.I)
        for _ in range(300):
            sample = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            found = [m.group() for m in _word_pattern(word).finditer(sample)]
            assert found == [m.group() for m in old.finditer(sample)], (word, sample)
            sample = sample * 3
            assert _casing_in(word, sample, _folded(sample)) == _casing_in(word, sample)
    assert prettify_stem(Path("js-party-200.md"), "JS Party and JS again, js") == "JS Party 200"


def test_date_from_jekyll_file_name(tmp_path: Path) -> None:
    path = tmp_path / "2017-07-17-e01-interview.md"
    path.write_text('---\ntitle: "E01"\n---\nHello.\n', encoding="utf-8")
    for meta in (load_transcript(path).meta, read_metadata(path)):
        assert meta.date == dt.date(2017, 7, 17)
        assert meta.warnings == []  # no date in the front matter is no problem
    # an invalid front-matter date warns, and the file name still gives the date
    path.write_text('---\ntitle: "E01"\ndate: "2017-02-30"\n---\nHello.\n', encoding="utf-8")
    for meta in (load_transcript(path).meta, read_metadata(path)):
        assert meta.date == dt.date(2017, 7, 17)
        assert len(meta.warnings) == 1 and "impossible date" in meta.warnings[0]
    # the front-matter date wins; no date-like prefix, or an impossible one, gives no date
    path.write_text('---\ndate: "2018-01-02"\n---\nHello.\n', encoding="utf-8")
    assert read_metadata(path).date == dt.date(2018, 1, 2)
    for name in ("2017-13-40-x.md", "2017-07-17.md", "e01-2017-07-17-x.md"):
        other = tmp_path / name
        other.write_text("Hello.\n", encoding="utf-8")
        assert read_metadata(other).date is None and load_transcript(other).meta.date is None


def test_read_metadata_speakers_from_turns_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "go-time-1.md"
    path.write_text(
        "**Jon Calhoun:** Hello.\n\n**Mark Bates:** Hi.\n\n**Break:** \\[14:22\\]\n\n"
        "**Jon Calhoun:** Back.\n\n**Mark Bates:** Yes.\n\n**Jamal Yusuf:**\n\nAlone label.\n",
        encoding="utf-8",
    )
    meta = read_metadata(path)
    assert meta.speakers == ["Jon Calhoun", "Mark Bates", "Jamal Yusuf"]
    assert meta.speakers == load_transcript(path).meta.speakers


def test_read_metadata_turn_speakers_are_a_prefix_for_long_files(tmp_path: Path) -> None:
    """Only the body's first 16 Ki characters are scanned: a late first speaker is missing."""
    turn = "**Ann Bell:** " + "word " * 100 + "\n\n**Bo Chen:** " + "more " * 100 + "\n\n"
    path = tmp_path / "long.md"
    path.write_text(
        "---\nspeakers: [Zoe Host]\n---\n" + turn * 40 + "**Cy Late:** At last.\n\n" + turn,
        encoding="utf-8",
    )
    meta = read_metadata(path)
    full = load_transcript(path).meta.speakers
    assert full == ["Zoe Host", "Ann Bell", "Bo Chen", "Cy Late"]
    assert meta.speakers == full[:3]
