"""Citations from real corpus metadata (../shared/corpus): exact APA 7 and Harvard strings.

The expected strings are the documented decisions of reader/core/citation.py applied to IRISS,
A11y Rules and bitcointranscripts front matter: IRISS files have ``iriss_*`` fields, so the series
is "Iriss.fm" and the publisher "Iriss"; with ``hosts: []`` the speakers are credited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.core.citation import cite, quote_with_citation
from reader.core.library import iter_transcript_paths
from reader.core.transcript import load_transcript, read_metadata

pytestmark = pytest.mark.acceptance

ACCESSED = dt.date(2025, 3, 2)
BITCOIN = (
    "bitcointranscripts-crlf-2024-02/bitcoin-explained/breaking-down-taproot-activation-options.md"
)
CONSULTATION = (
    "iriss-fm/a-collaborative-consultation-on-the-draft-statutory-guidance-for-self-directed-"
    "support-in-scotland.md"
)

EXPECTED = {
    "iriss-fm/effective-user-involvement.md": (
        "Beresford, P. (Speaker). (2010, January 20). Effective user involvement [Audio podcast "
        "episode]. In Iriss.fm. Iriss. https://podcast.iriss.org.uk/effective-user-involvement-0",
        "Beresford, P. (2010) 'Effective user involvement', Iriss.fm [Podcast]. 20 January. "
        "Available at: https://podcast.iriss.org.uk/effective-user-involvement-0 "
        "(Accessed: 2 March 2025).",
    ),
    "iriss-fm/a-new-model-of-support-for-independent-living.md": (
        "Iriss (Host). (2022, February 20). A new model of support for independent living [Audio "
        "podcast episode]. In Iriss.fm. "
        "https://podcast.iriss.org.uk/a-new-model-of-support-for-independent-living",
        "Iriss (2022) 'A new model of support for independent living', Iriss.fm [Podcast]. "
        "20 February. Available at: "
        "https://podcast.iriss.org.uk/a-new-model-of-support-for-independent-living "
        "(Accessed: 2 March 2025).",
    ),
    "a11yrules-podcast/2017-07-17-e01-interview-with-robert-jolly-part-1.md": (
        "Steenhout, N. (Host). (2017, July 17). E01 – Interview with Robert Jolly – Part 1 (No. 1) "
        "[Audio "
        "podcast episode]. In A11y Rules Podcast. https://a11yrules.ams3.cdn.digitaloceanspaces"
        ".com/podcast/episodes/E001-a11y-rules-robert-jolly-part-1.mp3",
        "Steenhout, N. (2017) 'E01 – Interview with Robert Jolly – Part 1', A11y Rules Podcast "
        "[Podcast]. 17 July. Available at: https://a11yrules.ams3.cdn.digitaloceanspaces.com/podcast/"
        "episodes/E001-a11y-rules-robert-jolly-part-1.mp3 (Accessed: 2 March 2025).",
    ),
    BITCOIN: (
        "Provoost, S. (Speaker), & van Wirdum, A. (Speaker). (2020, July 25). Breaking Down "
        "Taproot Activation Options (No. 3) [Audio podcast episode]. "
        "https://www.youtube.com/watch?v=mT0t8Jm0m5E",
        "Provoost, S. and van Wirdum, A. (2020) 'Breaking Down Taproot Activation Options' "
        "[Podcast]. 25 July. Available at: https://www.youtube.com/watch?v=mT0t8Jm0m5E "
        "(Accessed: 2 March 2025).",
    ),
}


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_corpus_citations(corpus_dir: Path, rel: str) -> None:
    path = corpus_dir / rel
    if not path.is_file():
        pytest.skip(f"{rel} is not in this corpus copy")
    meta = read_metadata(path)
    apa, harvard = EXPECTED[rel]
    assert cite(meta, "apa").text == apa
    assert cite(meta, "harvard", accessed=ACCESSED).text == harvard


def test_iriss_host_is_credited(corpus_dir: Path) -> None:
    rel = CONSULTATION
    path = corpus_dir / rel
    if not path.is_file():
        pytest.skip(f"{rel} is not in this corpus copy")
    c = cite(read_metadata(path), "apa")
    assert c.text.startswith("Drumm, M. (Host). (2013, June 5). A collaborative consultation")
    assert c.in_text == "(Drumm, 2013)"


def test_quote_from_iriss_transcript(corpus_dir: Path) -> None:
    path = corpus_dir / "iriss-fm" / "effective-user-involvement.md"
    if not path.is_file():
        pytest.skip("effective-user-involvement.md is not in this corpus copy")
    t = load_transcript(path)
    quote = "My focus today is on effective user involvement"
    start = t.text.index(quote)
    c = quote_with_citation(t, start, start + len(quote), "apa")
    assert c.text.split("\n\n") == [f"“{quote}” — Peter Beresford (Beresford, 2010)", EXPECTED[
        "iriss-fm/effective-user-involvement.md"][0]]  # fmt: skip


def test_every_corpus_file_can_be_cited(corpus_dir: Path) -> None:
    count = 0
    for path in iter_transcript_paths(corpus_dir):
        meta = read_metadata(path)
        for style in ("apa", "harvard"):
            c = cite(meta, style, accessed=ACCESSED)
            assert c.text and c.html and c.in_text.startswith("(")
            assert "\n" not in c.text
        count += 1
    assert count > 100
