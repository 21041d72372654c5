"""APA 7 and Harvard references for podcast episodes, names, and quotes with their citation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.core.citation import apa_name, cite, episode_url, find_series, quote_with_citation
from reader.core.transcript import EpisodeMeta, load_transcript

ACCESSED = dt.date(2025, 3, 2)


def meta(**kw: object) -> EpisodeMeta:
    base: dict[str, object] = {"path": Path("/lib/ep.md"), "title": "Amusement park"}
    base.update(kw)
    return EpisodeMeta(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Peter Beresford", "Beresford, P."),
        ("Mark Paul Howard", "Howard, M. P."),
        ("Jean-Paul Sartre", "Sartre, J.-P."),
        ("Aaron van Wirdum", "van Wirdum, A."),
        ("Ludwig van der Berg", "van der Berg, L."),
        ("Dr. Jane Smith", "Smith, J."),
        ("Martin Luther King Jr.", "King, M. L., Jr."),
        ("Beresford, Peter", "Beresford, P."),
        ("J. Patel", "Patel, J."),
        ("Iriss", "Iriss"),
        ("  Kiana   Kalantar-Hormozi ", "Kalantar-Hormozi, K."),
    ],
)
def test_apa_name(name: str, expected: str) -> None:
    assert apa_name(name) == expected


def test_apa_full_reference() -> None:
    m = meta(
        date=dt.date(2011, 8, 12),
        fields={
            "hosts": ["Ira Glass"],
            "series": "This American Life",
            "publisher": "WBEZ",
            "episode_number": 443,
        },  # fmt: skip
        source_urls=["https://example.org/443.mp3", "https://example.org/443/"],
    )
    c = cite(m, "apa")
    assert c.text == (
        "Glass, I. (Host). (2011, August 12). Amusement park (No. 443) [Audio podcast episode]. "
        "In This American Life. WBEZ. https://example.org/443/"
    )
    assert c.html == (
        "Glass, I. (Host). (2011, August 12). Amusement park (No. 443) [Audio podcast episode]. "
        'In <i>This American Life</i>. WBEZ. <a href="https://example.org/443/">'
        "https://example.org/443/</a>"
    )
    assert c.in_text == "(Glass, 2011)"


def test_harvard_full_reference() -> None:
    m = meta(
        date=dt.date(2011, 8, 12),
        fields={"hosts": ["Ira Glass"], "series": "This American Life"},
        source_urls=["https://example.org/443/"],
    )
    c = cite(m, "harvard", accessed=ACCESSED)
    assert c.text == (
        "Glass, I. (2011) 'Amusement park', This American Life [Podcast]. 12 August. "
        "Available at: https://example.org/443/ (Accessed: 2 March 2025)."
    )
    assert "<i>This American Life</i>" in c.html
    assert c.in_text == "(Glass, 2011)"


def test_harvard_accessed_defaults_to_today() -> None:
    today = dt.date.today()
    c = cite(meta(source_urls=["https://e.org/x"]), "harvard")
    assert f"(Accessed: {today.day} {today.strftime('%B')} {today.year})." in c.text


def test_no_date_no_author_no_series_no_url() -> None:
    assert cite(meta(), "apa").text == "Amusement park [Audio podcast episode]. (n.d.)."
    assert cite(meta(), "apa").in_text == "(“Amusement park”, n.d.)"
    assert cite(meta(), "harvard").text == "'Amusement park' (no date) [Podcast]."


def test_speakers_stand_in_for_missing_hosts() -> None:
    m = meta(speakers=["Ann Able", "Bob Baker"], date=dt.date(2020, 1, 2))
    assert cite(m, "apa").text.startswith(
        "Able, A. (Speaker), & Baker, B. (Speaker). (2020, January 2). Amusement park"
    )
    assert cite(m, "apa").in_text == "(Able & Baker, 2020)"
    assert cite(m, "harvard").text.startswith("Able, A. and Baker, B. (2020) 'Amusement park'")
    assert cite(m, "harvard").in_text == "(Able and Baker, 2020)"
    # the person quoted, when given, is credited alone
    assert cite(m, "apa", speaker="Bob Baker").text.startswith("Baker, B. (Speaker). (2020")
    # hosts win over speakers, and author stands in for hosts
    m.fields = {"author": "Nic Host"}
    assert cite(m, "apa", speaker="Bob Baker").text.startswith("Host, N. (Host). (2020")


def test_many_authors() -> None:
    names = [f"Person{i} Name{i}" for i in range(1, 23)]
    apa = cite(meta(speakers=names), "apa").text
    assert "Name19, P. (Speaker), …, Name22, P. (Speaker). (n.d.)." in apa
    assert "Name20" not in apa
    three = cite(meta(speakers=names[:3]), "apa").text
    assert three.startswith("Name1, P. (Speaker), Name2, P. (Speaker), & Name3, P. (Speaker).")
    assert cite(meta(speakers=names[:3]), "harvard").text.startswith(
        "Name1, P., Name2, P. and Name3, P. (no date)"
    )
    assert cite(meta(speakers=names[:4]), "harvard").text.startswith("Name1, P. et al. (no date)")
    assert cite(meta(speakers=names[:4]), "apa").in_text == "(Name1 et al., n.d.)"


def test_series_sources() -> None:
    assert find_series(meta(fields={"podcast": "Pod"})) == "Pod"
    assert find_series(meta(fields={"show": "Show"}), "Fallback") == "Show"
    assert find_series(meta(fields={"iriss_episode_libsyn_url": "x"})) == "Iriss.fm"
    assert find_series(meta(), "From settings") == "From settings"
    assert find_series(meta(), "  ") is None
    assert "In From settings." in cite(meta(), "apa", series="From settings").text


def test_publisher_left_out_when_it_repeats_author_or_series() -> None:
    m = meta(fields={"hosts": ["Iriss"], "iriss_x": 1})
    assert cite(m, "apa").text == (
        "Iriss (Host). (n.d.). Amusement park [Audio podcast episode]. In Iriss.fm."
    )
    m = meta(fields={"series": "WBEZ", "publisher": "WBEZ"})
    assert cite(m, "apa").text.endswith("In WBEZ.")


def test_episode_url_prefers_pages_and_permalinks() -> None:
    assert episode_url(meta(source_urls=["https://a.org/x.mp3"])) == "https://a.org/x.mp3"
    assert episode_url(meta(source_urls=["https://a.org/x.mp3", "https://a.org/x"])) == (
        "https://a.org/x"
    )
    m = meta(fields={"permalink": "https://p.org/e/"}, source_urls=["https://a.org/x"])
    assert episode_url(m) == "https://p.org/e/"
    assert episode_url(meta(fields={"permalink": "/relative/"})) is None


def test_title_ending_in_question_mark() -> None:
    c = cite(meta(title="Why now?", fields={"hosts": ["A B"]}), "apa")
    assert "(n.d.). Why now? [Audio podcast episode]. " in c.text + " "


def test_html_is_escaped() -> None:
    m = meta(title="<b>Bold</b> & co", fields={"series": "<script>x</script>"})
    c = cite(m, "apa")
    assert "<b>" not in c.html and "<script>" not in c.html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in c.html
    assert "<i>&lt;script&gt;x&lt;/script&gt;</i>" in c.html


def test_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown citation style"):
        cite(meta(), "mla")


TRANSCRIPT = """\
---
title: "Care & Control"
date: 2021-03-04
hosts: ["Jane Host"]
speakers: ["Peter Beresford"]
series: "Social Work Talk"
url: "https://example.org/ep/"
---
JH - Jane Host
PB - Peter Beresford

JH Welcome to the show.

PB Thank you. User involvement
matters <b>a lot</b>.
"""


def test_quote_with_citation(tmp_path: Path) -> None:
    path = tmp_path / "ep.md"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    t = load_transcript(path)
    start = t.text.index("User involvement")
    end = t.text.index(" a lot") + len(" a lot")
    c = quote_with_citation(t, start, end, "apa")
    reference = (
        "Host, J. (Host). (2021, March 4). Care & Control [Audio podcast episode]. In Social Work "
        "Talk. https://example.org/ep/"
    )
    assert (
        c.text == f"“User involvement matters a lot” — Peter Beresford (Host, 2021)\n\n{reference}"
    )
    assert c.html.startswith(
        "<blockquote><p>“User involvement matters a lot” — Peter Beresford (Host, 2021)</p>"
        "</blockquote>\n<p>Host, J. (Host). (2021, March 4). Care &amp; Control"
    )
    assert c.in_text == "(Host, 2021)"
    # across two turns: both speakers
    both = quote_with_citation(t, t.text.index("the show"), start + 4, "harvard", accessed=ACCESSED)
    assert "— Jane Host and Peter Beresford (Host, 2021)" in both.text
    assert both.text.endswith("(Accessed: 2 March 2025).")
    assert "\n" not in both.text.split("\n\n")[0]  # the quote is on one line
    with pytest.raises(ValueError):
        quote_with_citation(t, 5, 5, "apa")
    with pytest.raises(ValueError):
        quote_with_citation(t, 0, len(t.text) + 1, "apa")


def test_quote_escapes_html(tmp_path: Path) -> None:
    path = tmp_path / "ep.md"
    path.write_text("Plain &lt;script&gt; text & more.\n", encoding="utf-8")
    t = load_transcript(path)
    c = quote_with_citation(t, 0, len(t.text), "apa")
    assert "<script>" in c.text and "<script>" not in c.html
    assert "&lt;script&gt; text &amp; more." in c.html
