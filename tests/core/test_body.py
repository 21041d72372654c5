"""Body conventions: speaker keys and labels, headings, lists, quotes, HTML, inline markup."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.core.body import parse_body
from reader.core.transcript import Block, Transcript, parse_transcript


def parse(body: str, front: str = "") -> Transcript:
    t = parse_transcript((front + body).encode("utf-8"), Path("t.md"))
    check_blocks(t)
    return t


def check_blocks(t: Transcript) -> None:
    """Offsets are sorted, in range, non-empty, trimmed and separated by exactly one newline."""
    pos = 0
    for i, b in enumerate(t.blocks):
        if i:
            assert t.text[pos] == "\n"
            pos += 1
        assert b.start == pos < b.end <= len(t.text)
        chunk = t.text[b.start : b.end]
        assert chunk == chunk.strip() and "\n" not in chunk
        for span in b.spans:
            assert b.start <= span.start < span.end <= b.end
        pos = b.end
    assert pos == len(t.text)


def rows(t: Transcript) -> list[tuple[str, str | None, str]]:
    return [(b.kind, b.speaker, text(t, b)) for b in t.blocks]


def text(t: Transcript, b: Block) -> str:
    return t.text[b.start : b.end]


def test_iriss_key_and_initial_turns() -> None:
    t = parse(
        "PB - Peter Beresford  \nInt. - Interviewer  \nAMi - Andy Miller\nViv - Viv Cree\n\n"
        "PB Hello it's good to be here.\n\nI bring three affiliations.\n\n"
        "Int. What next?\n\nAMi Well.\n\nViv So, hello everybody.\n\nI think that is all.\n"
    )
    assert t.speaker_key == {
        "PB": "Peter Beresford",
        "Int.": "Interviewer",
        "AMi": "Andy Miller",
        "Viv": "Viv Cree",
    }
    assert rows(t)[4:] == [
        ("turn", "Peter Beresford", "Hello it's good to be here."),
        ("paragraph", "Peter Beresford", "I bring three affiliations."),
        ("turn", "Interviewer", "What next?"),
        ("turn", "Andy Miller", "Well."),
        ("turn", "Viv Cree", "So, hello everybody."),
        ("paragraph", "Viv Cree", "I think that is all."),
    ]
    assert [b.kind for b in t.blocks[:4]] == ["speaker_key"] * 4
    assert t.blocks[4].label == "PB"


def test_key_with_equals_bare_names_and_tabs() -> None:
    t = parse(
        "MM = Michael McEwan  \nNancy  \nSM Samuel Magg\n\nMM\tSo, Sam.\n\nNancy So can I start.\n"
        "\nSM: Yes.\n"
    )
    assert t.speaker_key == {"MM": "Michael McEwan", "Nancy": "Nancy", "SM": "Samuel Magg"}
    assert rows(t)[3:] == [
        ("turn", "Michael McEwan", "So, Sam."),
        ("turn", "Nancy", "So can I start."),
        ("turn", "Samuel Magg", "Yes."),
    ]


def test_unknown_initials_are_not_speakers() -> None:
    t = parse("PB - Peter Beresford\n\nI think so.\n\nOK then.\n")
    assert [b.kind for b in t.blocks[1:]] == ["paragraph", "paragraph"]
    assert t.text.endswith("I think so.\nOK then.")


@pytest.mark.parametrize(
    ("line", "speaker", "label", "rest"),
    [
        ("**Janet**: Hello there.", "Janet", "Janet", "Hello there."),
        ("**Heather:** Hello there.", "Heather", "Heather", "Hello there."),
        ("**Adam Stacoviak:** Hello there.", "Adam Stacoviak", "Adam Stacoviak", "Hello there."),
        ("Q: Hello there.", "Q", "Q", "Hello there."),
        ("Audience: Hello there.", "Audience", "Audience", "Hello there."),
    ],
)
def test_label_styles(line: str, speaker: str, label: str, rest: str) -> None:
    t = parse(f"{line}\n\n{line}\n")
    b = t.blocks[0]
    assert (b.kind, b.speaker, b.label, text(t, b)) == ("turn", speaker, label, rest)


def test_plain_name_labels_need_repetition_or_knowledge() -> None:
    body = "Stephan Livera: Welcome.\n\nJack Dorsey: Thanks.\n\nStephan Livera: Right.\n"
    t = parse(body, "---\nspeakers: [Jack Dorsey]\n---\n")
    assert rows(t) == [
        ("turn", "Stephan Livera", "Welcome."),
        ("turn", "Jack Dorsey", "Thanks."),
        ("turn", "Stephan Livera", "Right."),
    ]
    once = parse("Note: this is not a speaker.\n\nExample Text: nor this.\n")
    assert [b.kind for b in once.blocks] == ["paragraph", "paragraph"]
    assert once.text.startswith("Note: this")


def test_label_alone_on_its_line() -> None:
    t = parse(
        "Aaron van Wirdum:\n\nLive from Utrecht.\n\nMore.\n\nSjors Provoost:\n\nHi.\n\n"
        "**Jerod Santo:**\n\nWhat up, nerds?\n\nSECOND SPEAKER\n\nIt is a pleasure.\n",
        "---\nspeakers: [Aaron van Wirdum, Sjors Provoost]\n---\n",
    )
    assert rows(t) == [
        ("turn", "Aaron van Wirdum", "Live from Utrecht."),
        ("paragraph", "Aaron van Wirdum", "More."),
        ("turn", "Sjors Provoost", "Hi."),
        ("turn", "Jerod Santo", "What up, nerds?"),
        ("turn", "Second Speaker", "It is a pleasure."),
    ]
    assert t.blocks[0].label == "Aaron van Wirdum"
    assert t.blocks[-1].label == "SECOND SPEAKER"


def test_speaker_with_timestamp_line() -> None:
    t = parse("Speaker 0: 00:00:16\n\nWelcome back.\n\nSpeaker 1: 00:00:17\n\nHey.\n")
    assert rows(t) == [
        ("turn", "Speaker 0", "00:00:16"),
        ("paragraph", "Speaker 0", "Welcome back."),
        ("turn", "Speaker 1", "00:00:17"),
        ("paragraph", "Speaker 1", "Hey."),
    ]
    assert t.blocks[0].spans[0].style == "timestamp"
    named = parse(
        "James 00:02:46:\nHey, Stephan.\n\nStephan 00:02:50:\nDamn.\n\n"
        "James 00:03:12:\nYes.\n\nStephan 00:05:19:\nGot you.\n"
    )
    assert rows(named)[:2] == [
        ("turn", "James", "00:02:46 Hey, Stephan."),
        ("turn", "Stephan", "00:02:50 Damn."),
    ]


def test_name_with_parenthesis_label() -> None:
    t = parse(
        "Waxwing (Adam Gibson):\nHello.\n\nWaxwing (Adam Gibson):\nAgain.\n",
        "---\nspeakers: [Adam Gibson]\n---\n",
    )
    assert rows(t) == [("turn", "Adam Gibson", "Hello."), ("turn", "Adam Gibson", "Again.")]
    assert t.blocks[0].label == "Waxwing (Adam Gibson)"


def test_labels_inside_one_paragraph_split_turns() -> None:
    t = parse("Q: First?\nA: Second.\nmore of it\n")
    assert rows(t) == [("turn", "Q", "First?"), ("turn", "A", "Second. more of it")]


def test_pseudo_labels_are_not_speakers() -> None:
    t = parse(
        "**Build Targets:**\n\n- CMake will also generate build targets\n\n"
        "**Note:** read this.\n\n**Break:**\n\n**Jerod Santo:** Back.\n\n**Jerod Santo:** On.\n"
    )
    assert rows(t) == [
        ("paragraph", None, "Build Targets:"),
        ("list_item", None, "CMake will also generate build targets"),
        ("paragraph", None, "Note: read this."),
        ("paragraph", None, "Break:"),
        ("turn", "Jerod Santo", "Back."),
        ("turn", "Jerod Santo", "On."),
    ]


def test_changelog_break_heading_and_escaped_timestamps() -> None:
    t = parse(
        "**Mat Ryer:** \\[04:08\\] Hello.\n\n# **Break:** \\[14:22\\]\n\n**Mat Ryer:** Back.\n"
    )
    assert rows(t) == [
        ("turn", "Mat Ryer", "[04:08] Hello."),
        ("heading", None, "Break: [14:22]"),
        ("turn", "Mat Ryer", "Back."),
    ]
    spans = t.blocks[0].spans
    assert [(s.style, t.text[s.start : s.end]) for s in spans] == [("timestamp", "[04:08]")]
    assert [s.style for s in t.blocks[1].spans] == ["strong", "timestamp"]


def test_timestamp_forms() -> None:
    t = parse("(00:00)\n\nAt [00:12:34] and [1:02:03.5] we spoke.\n")
    found = [t.text[s.start : s.end] for b in t.blocks for s in b.spans]
    assert found == ["(00:00)", "[00:12:34]", "[1:02:03.5]"]


def test_plain_line_headings() -> None:
    long = "This paragraph is long enough to be prose, with a full stop at the end of it."
    t = parse(
        f"PB - Peter B\n\nPB {long}\n\nModels of involvement\n\n{long}\n\n"
        f"Part 1 - Social Pedagogy\n\n{long}\n\nRecorded in February 2012\n\n{long}\n\n"
        f"Thank you\n\n{long}\n"
    )
    kinds = [(b.kind, text(t, b)) for b in t.blocks if b.kind == "heading"]
    assert kinds == [("heading", "Models of involvement"), ("heading", "Part 1 - Social Pedagogy")]
    after = t.blocks[3]
    assert after.kind == "paragraph" and after.speaker == "Peter B"  # the turn goes on


def test_poem_lines_are_not_headings() -> None:
    long = "Despite the risk then, I have decided to use the poem as a starting point."
    t = parse(
        f"{long}\n\nI hear that in New York\n\nAt the corner of 26th street and Broadway\n\n"
        f"A man stands every evening\n\n{long}\n\nWhat she wanted was to be a star\n"
        "And hands to warm like weeping angels\n\n" + long + "\n"
    )
    assert t.headings() == []


def test_markdown_headings() -> None:
    t = parse("## Overview {#overview}\n\ntext\n\n### Resources suggested by presenters:\n\nx\n")
    assert [(b.kind, b.level, text(t, b)) for b in t.headings()] == [
        ("heading", 2, "Overview"),
        ("heading", 3, "Resources suggested by presenters:"),
    ]
    closed = parse("# Title #\n\nTitle\n===\n\n---\n\nx\n")
    assert [text(closed, b) for b in closed.headings()] == ["Title", "Title"]


def test_lists_quotes_footnotes() -> None:
    t = parse(
        "- one\n- two\n  wrapped\n    - nested\n1. first\n2. second\n\n"
        "> quoted line\n> more\n>\n> second quote\n\n[^1]: A footnote.\n\nSee [^1].\n"
    )
    assert [(b.kind, b.level, text(t, b)) for b in t.blocks] == [
        ("list_item", 1, "one"),
        ("list_item", 1, "two wrapped"),
        ("list_item", 2, "nested"),
        ("list_item", 1, "first"),
        ("list_item", 1, "second"),
        ("quote", 1, "quoted line more"),
        ("quote", 1, "second quote"),
        ("paragraph", 0, "[1] A footnote."),
        ("paragraph", 0, "See [1]."),
    ]


def test_indented_lines_are_prose() -> None:
    t = parse("practitioners - whose work;\n\tand\n\n\tservice users - that is.\n\n    code?\n")
    assert rows(t) == [
        ("paragraph", None, "practitioners - whose work; and"),
        ("paragraph", None, "service users - that is."),
        ("paragraph", None, "code?"),
    ]


def test_fenced_code_kept_as_plain_paragraph() -> None:
    t = parse("```\nx = *not emphasis*\n```\n\nafter\n")
    assert rows(t) == [("paragraph", None, "x = *not emphasis*"), ("paragraph", None, "after")]


def test_inline_markup_and_spans() -> None:
    t = parse(
        "Some *em*, **strong**, `code`, ~~gone~~, [a link](https://example.org) and "
        "![alt](img.png), snake_case, 2 * 3, &amp; \\*literal\\*.\n"
    )
    assert t.text == (
        "Some em, strong, code, gone, a link and alt, snake_case, 2 * 3, & *literal*."
    )
    got = [(s.style, t.text[s.start : s.end], s.href) for s in t.blocks[0].spans]
    assert got == [
        ("em", "em", None),
        ("strong", "strong", None),
        ("code", "code", None),
        ("strike", "gone", None),
        ("link", "a link", "https://example.org"),
    ]


def test_paragraph_lines_joined_with_one_space() -> None:
    t = parse("one  \ntwo\\\n   three\n\n\n\nfour\n")
    assert t.text == "one two three\nfour"


def test_html_a11y_speaker_turns() -> None:
    t = parse(
        "<details>\n    <summary><h2>Transcript</h2></summary>\n"
        "    <p>Support comes from people like you.</p>\n"
        "<p><strong>Nicolas</strong>: Welcome!</p>\n"
        "<p><strong>Nic</strong><br>\nHi, I&#8217;m Nic.</p>\n"
        "<p><strong>Kelsey</strong></p><p>Doing well &amp; you?</p>\n"
        "<p><strong>Nicolas</strong>: Good.</p>\n"
        "<!-- a comment -->\n<script>alert(1)</script>\n</details>\n"
        '<audio><source src="{{ page.audio_url }}"/></audio>\n'
    )
    assert rows(t) == [
        ("heading", None, "Transcript"),
        ("paragraph", None, "Support comes from people like you."),
        ("turn", "Nicolas", "Welcome!"),
        ("turn", "Nic", "Hi, I\u2019m Nic."),
        ("turn", "Kelsey", "Doing well & you?"),
        ("turn", "Nicolas", "Good."),
    ]
    assert "alert" not in t.text and "comment" not in t.text and "{{" not in t.text


def test_hugo_shortcodes_and_liquid_dropped() -> None:
    t = parse('See [the list]({{< relref "episode-1.md" >}}) and {{ page.title }} now.\n')
    assert t.text == "See the list and now."


def test_tables_rows_are_paragraphs() -> None:
    t = parse("| a | b |\n|---|---|\n| 1 | **2** |\n")
    assert t.text == "a | b\n1 | 2"


def test_no_empty_blocks_and_no_cr() -> None:
    t = parse("\n\n**\n\n  \t \n<p></p>\n\n[]()\n\r\n")
    assert all(b.end > b.start for b in t.blocks)
    assert "\r" not in t.text


def test_parse_body_direct() -> None:
    text, blocks, key = parse_body("AB - Ann Bell\n\nAB Hi.\n")
    assert text == "AB - Ann Bell\nHi." and key == {"AB": "Ann Bell"}
    assert blocks[1].speaker == "Ann Bell"


def test_words_called_out_in_speech_are_not_headings() -> None:
    """reforming-narratives: "... Laertes ..." then "Laertes"; "Bowden" then "... Bowden, from"."""
    long = "This paragraph is long enough to be prose, with a full stop at the end of it."
    t = parse(
        f"FM - Fergus McNeill\n\nFM {long}\n\n"
        "His son, whose name I have forgotten ... Laertes ...\n\n"
        f"Laertes\n\nThank you, and his wife who was called, Penelope? Maybe.\n\n{long}\n\n"
        f"Bowden\n\n... Bowden, from Positive Prison? Positive Future. {long}\n\n"
        f"{long} You work on the relationship first and then...\n\nPart 2 - Challenges\n\n{long}\n"
    )
    assert [text(t, b) for b in t.headings()] == ["Part 2 - Challenges"]


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ("**INT**: Welcome to the podcast.\n\n**Ann:** Thanks.\n\n**Ann:** Bye.\n", "INT"),
        ("Int: Welcome to the podcast.\n", "Int"),
        ("NJ - Nico Juetten\n\nNJ Hello.\n\nInt. Thank you.\n", "Int."),
        ("NJ - Nico Juetten\n\nNJ Hello.\n\nINT Thank you.\n", "INT"),
    ],
)
def test_int_label_means_interviewer(body: str, label: str) -> None:
    t = parse(body)
    turns = [(b.label, b.speaker) for b in t.blocks if b.kind == "turn"]
    assert (label, "Interviewer") in turns
    assert "Interviewer" in t.meta.speakers and label not in t.meta.speakers


def test_int_defined_by_the_key_wins() -> None:
    t = parse("INT - Isla Norrie\nAB - Ann Bell\n\nINT Hello.\n\nAB Hi.\n")
    assert [b.speaker for b in t.blocks if b.kind == "turn"] == ["Isla Norrie", "Ann Bell"]


def test_link_destination_with_spaces() -> None:
    """changelog-news-91: a show-notes slug with a space ("open source") is still a link."""
    t = parse(
        "[The threat to open source comes from within]"
        "(https://newsletter.goodtechthings.com/p/the-threat-to-open source-comes-from)\n\n"
        '[not a link](plain words here) and [a](http://x "title")\n'
    )
    assert t.text.startswith("The threat to open source comes from within\n")
    span = t.blocks[0].spans[0]
    assert (
        span.href
        == "https://newsletter.goodtechthings.com/p/the-threat-to-open%20source-comes-from"
    )
    assert "[not a link](plain words here) and a" in t.text


def test_unsafe_link_targets_are_dropped() -> None:
    t = parse(
        '[click](javascript:alert(1)) <a href="data:text/html,x">here</a> [ok](https://a.b)\n'
    )
    assert t.text == "click here ok"
    assert [s.href for s in t.blocks[0].spans] == [None, None, "https://a.b"]


def test_heading_tails_and_tables_without_regex_backtracking() -> None:
    t = parse(
        "## Title ## {#id}\n\n# Learning C#\n\n### Spaced   ###   \n\n|a|b|\n|--|:--:|\n|c|d|\n"
    )
    assert t.text == "Title\nLearning C#\nSpaced\na | b\nc | d"
    spaces = " " * 50_000
    start = time.perf_counter()
    parse(f"# a{spaces}b\n\n{spaces}|x|\n\n[a]({spaces}x\n\nAB{spaces}x\n")
    assert time.perf_counter() - start < 5  # each was quadratic: minutes


def test_control_characters_become_spaces() -> None:
    t = parse("Hello\x07 there\x1b[31m red\x7f.\n")
    assert t.text == "Hello there [31m red ."


IRISS_FRONT = '---\nhosts: ["Iriss"]\nspeakers: ["Michael McEwan", "Jason Methven"]\n---\n'


def test_bold_name_without_colon_is_a_turn_for_known_speakers() -> None:
    """iriss.fm writes ``**Michael** So, Jason…``: the bold first name of a known speaker."""
    t = parse(
        "Intro.\n\n**Michael** So, Jason, what is it?\n\n**Jason** Can I say a wee bit …\n\n"
        "**Jason**  … first? So.\n\nMore from Jason.\n",
        IRISS_FRONT,
    )
    assert rows(t) == [
        ("paragraph", None, "Intro."),
        ("turn", "Michael McEwan", "So, Jason, what is it?"),
        ("turn", "Jason Methven", "Can I say a wee bit …"),
        ("turn", "Jason Methven", "… first? So."),
        ("paragraph", "Jason Methven", "More from Jason."),
    ]
    assert [b.label for b in t.blocks[1:4]] == ["Michael", "Jason", "Jason"]
    # a known full name, and one use only, is enough
    once = parse("**Michael McEwan** Hello.\n", IRISS_FRONT)
    assert rows(once) == [("turn", "Michael McEwan", "Hello.")]


def test_bold_name_without_colon_repeated_in_a_conversation() -> None:
    t = parse(
        "**Sally** The group goes to schools.\n\n**Jason** So, raising awareness.\n\n"
        "**Sally** Uh huh.\n\n**Jason** And the younger…\n\n**Anne Marie Mac Donald** Hi.\n"
    )
    assert [(b.kind, b.speaker) for b in t.blocks] == [
        ("turn", "Sally"),
        ("turn", "Jason"),
        ("turn", "Sally"),
        ("turn", "Jason"),
        ("paragraph", "Jason"),  # four words, once, unknown: bold emphasis kept as text
    ]
    assert text(t, t.blocks[-1]) == "Anne Marie Mac Donald Hi."


@pytest.mark.parametrize(
    "body",
    [
        # one bold name used twice is no conversation
        "**Bitcoin** Something.\n\n**Bitcoin** Again.\n",
        # a sentence that goes on in lower case is emphasis, however often
        "**Bitcoin Core** is a node.\n\n**Lightning** is fast.\n\n"
        "**Bitcoin Core** is slow.\n\n**Lightning** is cheap.\n",
        # common words, punctuation inside, lower case, more than four words
        "**Note** This.\n\n**Note** That.\n\n**Summary** A.\n\n**Summary** B.\n",
        "**But what about libsecp?** What if someone wants it?\n\n"
        "**Convenience vs. security.** No.\n",
        "**bold** start.\n\n**bold** again.\n\n**more** here.\n\n**more** there.\n",
        "**One Two Three Four Five** A.\n\n**One Two Three Four Five** B.\n\n"
        "**Six** C.\n\n**Six** D.\n",
        "**Anne Begbie.** Said so.\n\n**Anne Begbie.** Again.\n",
    ],
)
def test_bold_emphasis_at_sentence_start_is_not_a_speaker(body: str) -> None:
    t = parse(body, '---\nspeakers: ["Anne Begbie"]\n---\n')
    assert {b.kind for b in t.blocks} == {"paragraph"}
    assert all(b.speaker is None for b in t.blocks)


def test_bold_name_without_colon_for_a_key_label_and_roles() -> None:
    t = parse("PB - Peter Beresford\n\n**PB** Hello.\n\n**Q** Why?\n\n**A** Because.\n")
    assert [(b.kind, b.speaker) for b in t.blocks[1:]] == [
        ("turn", "Peter Beresford"),
        ("turn", "Q"),
        ("turn", "A"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Anne: Hello.\n\nMegan: Hi.\n\nAnne: Bye.\n",
        "**Anne**: Hello.\n\n**Megan**: Hi.\n\n**Anne**: Bye.\n",
        "**Anne:** Hello.\n\n**Megan:** Hi.\n\n**Anne:** Bye.\n",
        "**Anne** Hello.\n\n**Megan** Hi.\n\n**Anne** Bye.\n",
        "Anne:\n\nHello.\n\nMegan:\n\nHi.\n\nAnne:\n\nBye.\n",
    ],
)
def test_first_name_labels_get_the_front_matter_full_name(body: str) -> None:
    front = '---\nhosts: ["Michelle Drumm"]\nspeakers: ["Anne Begbie", "Dr Megan Tait"]\n---\n'
    t = parse(body, front)
    assert [(b.kind, b.speaker, b.label) for b in t.blocks] == [
        ("turn", "Anne Begbie", "Anne"),
        ("turn", "Dr Megan Tait", "Megan"),
        ("turn", "Anne Begbie", "Anne"),
    ]
    assert t.meta.speakers == ["Anne Begbie", "Dr Megan Tait", "Michelle Drumm"]


def test_first_names_shared_by_two_people_stay_as_written() -> None:
    # two Annes in the front matter: "Anne" could be either
    front = '---\nspeakers: ["Anne Begbie", "Anne Fitzpatrick", "Kathy Henwood"]\n---\n'
    t = parse("Anne: Hello.\n\nKathy: Hi.\n\nAnne: Bye.\n", front)
    assert [b.speaker for b in t.blocks] == ["Anne", "Kathy Henwood", "Anne"]
    # a second Anne among the file's own full-name labels makes it ambiguous too
    t = parse(
        "Anne Smith: Hello.\n\nAnne: Hi.\n\nAnne Smith: Bye.\n\nAnne: Yes.\n",
        '---\nspeakers: ["Anne Begbie"]\n---\n',
    )
    assert [b.speaker for b in t.blocks] == ["Anne Smith", "Anne", "Anne Smith", "Anne"]
    # no full name to go by: the label is the speaker; roles and key labels are untouched
    t = parse("Sam: Hello.\n\nSam: Bye.\n\nQ: Why?\n", '---\nspeakers: ["Q Branch"]\n---\n')
    assert [b.speaker for b in t.blocks] == ["Sam", "Sam", "Q"]


def test_all_caps_first_name_label_keeps_its_capitals() -> None:
    t = parse("CB: Hello.\n\nNic: Hi.\n", "---\nguests: [cb-averitt]\nauthor: Nic Steenhout\n---\n")
    assert [b.speaker for b in t.blocks] == ["CB Averitt", "Nic Steenhout"]
    assert t.meta.speakers == ["CB Averitt", "Nic Steenhout"]


def test_initials_introduced_with_full_names() -> None:
    """London BitDevs: ``Michael Folkson (MF): …`` once, then ``MF: …`` turns."""
    t = parse(
        "Michael Folkson (MF): Welcome.\n\nBryan Bishop (BB): I am Bryan.\n\n"
        "Sam Abbassi (SA): I am Sam.\n\nAaron van Wirdum (AvW): Hi.\n\n"
        "MF: First question.\n\nBB: An answer.\n\nAvW: Thanks.\n\nMF: Next.\n\n"
        "JF: Not introduced, said once.\n"
    )
    turns = [(b.label, b.speaker) for b in t.blocks if b.kind == "turn"]
    assert turns == [
        ("Michael Folkson (MF)", "Michael Folkson"),
        ("Bryan Bishop (BB)", "Bryan Bishop"),
        ("Sam Abbassi (SA)", "Sam Abbassi"),
        ("Aaron van Wirdum (AvW)", "Aaron van Wirdum"),
        ("MF", "Michael Folkson"),
        ("BB", "Bryan Bishop"),
        ("AvW", "Aaron van Wirdum"),
        ("MF", "Michael Folkson"),
    ]
    assert t.meta.speakers == ["Michael Folkson", "Bryan Bishop", "Sam Abbassi", "Aaron van Wirdum"]
    assert "JF: Not introduced" in t.text


def test_parenthesis_that_is_not_initials_is_no_introduction() -> None:
    t = parse(
        "Post-quantum cryptography (PQ):\n\n- lattices\n\nMichael Folkson (MX): no match.\n\n"
        "MX: who?\n"
    )
    assert [b for b in t.blocks if b.kind == "turn"] == []
    # the same initials for two names map to nobody
    t = parse("Jane Roe (JR): Hi.\n\nJohn Rubin (JR): Hello.\n\nJR: Which one?\n")
    speakers = [b.speaker for b in t.blocks if b.kind == "turn"]
    assert "Jane Roe" not in speakers and "John Rubin" not in speakers


A11Y_FRONT = '---\nauthor: "Nic Steenhout"\nguests:\n  - robert-jolly\n---\n'


def test_long_form_of_a_known_first_name() -> None:
    """a11yrules: the author is "Nic Steenhout", the turns say ``**Nicolas:**``."""
    t = parse("**Nicolas:** Welcome.\n\n**Robert:** Thanks.\n\n**Nicolas:** So.\n", A11Y_FRONT)
    turns = {(b.label, b.speaker) for b in t.blocks if b.kind == "turn"}
    assert turns == {("Nicolas", "Nic Steenhout"), ("Robert", "Robert Jolly")}
    assert t.meta.speakers == ["Robert Jolly", "Nic Steenhout"]
    # the short form of a known long first name too
    t = parse("**Nic:** Hi.\n\n**Nic:** Bye.\n", '---\nauthor: "Nicolas Steenhout"\n---\n')
    assert {b.speaker for b in t.blocks if b.kind == "turn"} == {"Nicolas Steenhout"}


def test_nickname_rule_does_not_over_merge() -> None:
    # "Nic" speaks as himself: "Nicolas" is someone else
    body = "**Nic:** Hi.\n\n**Nicolas:** Hello.\n\n**Nic:** Bye.\n\n**Nicolas:** Bye.\n"
    t = parse(body, A11Y_FRONT)
    assert {(b.label, b.speaker) for b in t.blocks if b.kind == "turn"} == {
        ("Nic", "Nic Steenhout"),
        ("Nicolas", "Nicolas"),
    }
    # two known people it could be: nobody
    front = '---\nspeakers: ["Dan Smith", "Daniela Jones"]\n---\n'
    t = parse("**Dani:** Hi.\n\n**Dani:** Bye.\n", front)
    assert {b.speaker for b in t.blocks if b.kind == "turn"} == {"Dani"}
    # too short to tell
    t = parse("**Al:** Hi.\n\n**Al:** Bye.\n", '---\nspeakers: ["Alice Smith"]\n---\n')
    assert {b.speaker for b in t.blocks if b.kind == "turn"} == {"Al"}
