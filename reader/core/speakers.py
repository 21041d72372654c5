"""Pass 2 of body parsing: the speaker key at the top and speaker labels at line starts.

See `reader.core.body` for the conventions and the decisions taken where they are ambiguous.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .lexer import Raw
from .metadata_values import strip_honorific
from .speaker_labels import _BOLD_MARKS as _BOLD_MARKS
from .speaker_labels import _key_pattern as _key_pattern
from .speaker_labels import _KeyLabels

_KEY_DASH = re.compile(
    r"^(?P<label>[A-Z][A-Za-z]{0,5}\.?|[A-Z]{1,6}\d?)[ \t]*(?:[-–—=]|\t)[ \t]*"
    r"(?P<name>\S.{0,80}?)[ \t]*$"
)
_KEY_SPACE = re.compile(r"^(?P<label>[A-Z][A-Za-z]{0,4}\.?)[ \t]*[ \t:][ \t]*(?P<name>\S.{0,60}?)$")
_KEY_LINE_MAX = 160
_BARE_NAME = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|van|von|de|der|den|da|di|du|le|la|del|bin|al|St\.?)$")


def _namelike(name: str, max_words: int = 6) -> bool:
    words = name.split()
    if not words or len(words) > max_words or name[-1] in ".,;:!?":
        return False
    return all(_NAME_WORD.match(w) for w in words) and words[0][0].isupper()


def _initials_match(label: str, name: str) -> bool:
    initials = "".join(w[0] for w in name.split() if w[0].isupper())
    return label.rstrip(".").upper() in (initials.upper(), initials[:1].upper())


def _key_line(line: str) -> tuple[str, str] | None:
    """(label, name) when ``line`` is a key line, else None."""
    line = line.strip().strip("*_").strip()
    if len(line) > _KEY_LINE_MAX:
        return None  # a key line is short; also keeps the patterns below linear
    m = _KEY_DASH.match(line)
    if m:
        name = re.split(r"\s+[-–—]\s+", m["name"])[0].strip().strip("*_")
        tab_only = "\t" in line and not re.search(r"[-–—=]", line)
        if (
            name
            and name[0].isupper()
            and len(name.split()) <= 8
            and name[-1] not in ".?!"
            and (not tab_only or _namelike(name, 5))
        ):
            return m["label"], name
    m = _KEY_SPACE.match(line)
    if (
        m
        and _namelike(m["name"], 5)
        and (len(m["name"].split()) >= 2 or _initials_match(m["label"], m["name"]))
    ):
        if _initials_match(m["label"], m["name"]) or m["label"] == m["name"].split()[0]:
            return m["label"], m["name"]
    return None


#: how many raw blocks at the top of the body `find_speaker_key` reads
KEY_MAX_BLOCKS = 5


def find_speaker_key(
    raws: list[Raw], max_blocks: int = KEY_MAX_BLOCKS
) -> tuple[dict[str, str], set[int]]:
    """The key (label → name) from the first blocks, and the indices of the key blocks."""
    key: dict[str, str] = {}
    key_blocks: set[int] = set()
    for idx, raw in enumerate(raws[:max_blocks]):
        if raw.kind != "para":
            if key:
                break
            continue
        # every line a key line or a bare name ("Nancy"), and at least one key line: bare names
        # are key entries only next to real key lines (prose fails at its first line)
        parsed: list[tuple[str, str] | None] = []
        for line in raw.lines:
            p = _key_line(line)
            if p is None and not _BARE_NAME.match(line.strip()):
                break
            parsed.append(p)
        if len(parsed) != len(raw.lines) or not any(parsed):
            if key:
                break
            continue
        for p, line in zip(parsed, raw.lines, strict=True):
            label, name = p if p else (line.strip(), line.strip())
            key.setdefault(label, name)
        key_blocks.add(idx)
    return key, key_blocks


_BOLD_LABEL = re.compile(
    r"^(?:\*\*|__)(?P<name>[^*_\n]{1,60}?)[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:)[ \t]*"
    r"(?P<rest>.*)$"
)
# ``**Michael** So, Jason…``: a bold name without a colon, then the text (iriss.fm). The name is
# 1-4 capitalised words with no sentence punctuation inside; whether it is a speaker is decided by
# `Speakers._bold_bare_ok` (a known name, or a conversation of such labels).
_BOLD_BARE = re.compile(
    r"^(?:\*\*|__)(?P<name>[^\W\d_][\w'’-]{0,30}(?: [^\W\d_][\w'’-]{0,30}){0,3})(?:\*\*|__)"
    r"[ \t]+(?P<rest>[^ \t:*_].*)$"
)
_PLAIN_LABEL = re.compile(
    r"^(?P<name>[^\W\d_][\w.'’&-]*(?: [\w.'’&-]+){0,4}?)"
    r"(?:[ \t]+\((?P<paren>[^()\n]{1,40})\))?"
    r"(?:[ \t]+(?P<ts>\[?\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?\]?))?"
    r"[ \t]*:(?:[ \t]+(?P<rest>.*)|[ \t]*)$"
)
_CAPS_ALONE = re.compile(
    r"^(?:[A-Z]+ )?(?:SPEAKER|INTERVIEWER|INTERVIEWEE|CHAIR|PRESENTER|HOST|AUDIENCE|FACILITATOR)"
    r"(?: [A-Z0-9]+)?$"
)
_GENERIC = re.compile(
    r"^(?:Q|A|Speaker ?\d{1,2}|Speaker [A-Z]|Interviewer|Interviewee|Int\.?|Audience(?: member)?|"
    r"Moderator|Host|Guest|Chair|Presenter|Facilitator|Participant ?\d*|Respondent ?\d*|"
    r"Question|Answer|Unknown|Unknown speaker|Male|Female|Man|Woman|Panel|Panelist ?\d*)$",
    re.I,
)
_NOT_SPEAKERS = frozenset(
    "note notes nb edit update updates source sources summary example examples link links "
    "transcript topic topics agenda date time location slides video audio abstract bio title "
    "warning todo disclaimer reference references tldr tl;dr see also pros cons result results "
    "status action actions decision decisions outcome outcomes goal goals problem solution "
    "background context conclusion conclusions motivation overview definition definitions "
    "important tip tips caveat caveats aside question questions bonus fun fact quote answer "
    "rationale idea ideas proposal proposals issue issues resources further reading "
    "http https mailto ps p.s. re fyi eg e.g i.e ie etc".split()
)
# "INT", "Int." and "Int" abbreviate "Interviewer" in transcripts (iriss.fm uses ``**INT**:`` and
# ``Int. Thank you.``); a key line that defines the label wins.
_INTERVIEWER_ABBR = re.compile(r"^(?:INT|Int)\.?$")
_INTERVIEWER_LINE = re.compile(
    r"^(?:\*\*|__)?(?P<label>INT\.?|Int\.?)(?:\*\*|__)?(?:[ \t]*:[ \t]*|[ \t]+)(?P<rest>\S.*)$"
)
_PSEUDO = frozenset(
    "break intro outro jingle music interlude ad ads sponsor sponsors transition theme "
    "ad break cold open".split()
)


def _full_names(known: list[str], used: list[str]) -> dict[str, str]:
    """First name (casefolded) → the one full name it stands for.

    Only front-matter and key names (``known``) are targets: ``Anne`` → ``Anne Begbie``. A first
    name shared by two people, among them or among the full-name labels used in the file
    (``used``), maps to nobody. Honorifics are skipped (``Dr Mark Robinson`` is a Mark).
    """
    by_first: dict[str, set[str]] = {}
    target: dict[str, str] = {}
    for i, name in enumerate([*known, *used]):
        words = strip_honorific(name).split()
        if len(words) < 2 or not words[0][:1].isupper():
            continue
        first = words[0].casefold()
        by_first.setdefault(first, set()).add(" ".join(words).casefold())
        if i < len(known):
            target.setdefault(first, name)
    return {f: target[f] for f, names in by_first.items() if len(names) == 1 and f in target}


# the initials in "Michael Folkson (MF):" or "Aaron van Wirdum (AvW):"
_INITIALS = re.compile(r"^[A-Z][A-Za-z]{0,2}[A-Z]$")


def _intro_map(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Initials → full name, from introductions such as ``Michael Folkson (MF): …``.

    London BitDevs-style transcripts introduce each person once as ``Full Name (XX):`` and then
    label their turns ``XX:``. The initials must be those of the name's words (``AvW`` for
    "Aaron van Wirdum"; ``MF`` or ``mf`` case aside) and the name must look like a name (so
    ``Post-quantum cryptography (PQ):`` is no introduction). Initials introduced for two
    different names map to nobody.
    """
    found: dict[str, str | None] = {}
    for name, paren in pairs:
        words = name.split()
        if len(words) < 2 or not _INITIALS.match(paren) or not _namelike(name, 5):
            continue
        every = "".join(w[0] for w in words)
        capitals = "".join(w[0] for w in words if w[0].isupper())
        if paren.upper() not in (every.upper(), capitals.upper()):
            continue
        if found.setdefault(paren, name) != name:
            found[paren] = None
    return {k: v for k, v in found.items() if v is not None}


@dataclass(slots=True)
class Label:
    """A speaker label found at the start of a line: written form, speaker name and rest."""

    label: str
    speaker: str
    rest: str


#: how many lines' label matches a `Speakers` keeps from its first reading of the document
#: (for `Speakers.match`, which reads the same lines again); bounds the memory on huge files
_REMEMBER_LINES = 20_000


class Speakers:
    """Decides which labels at line starts are speakers, for one document."""

    def __init__(self, key: dict[str, str], known: list[str], raws: list[Raw]) -> None:
        self.key = key
        self.known = {n.casefold() for n in known} | {n.casefold() for n in key.values()}
        firsts = [strip_honorific(n).split() or n.split() for n in self.known]
        self.known |= {w[0] for w in firsts if w} | {n.split()[0] for n in self.known if n.split()}
        labels = sorted(key, key=len, reverse=True)
        self._key_labels = _KeyLabels(tuple(labels)) if labels else None
        counts: Counter[str] = Counter()
        bold: Counter[str] = Counter()
        bare: Counter[str] = Counter()
        intros: list[tuple[str, str]] = []
        # line → its `_PLAIN_LABEL` match (lines with a colon not starting with "*" or "_"),
        # or its (`_BOLD_LABEL`, `_BOLD_BARE`) matches (lines starting with "*" or "_"): what
        # `match` needs of the pattern when it reads the same line again
        plain_seen: dict[str, re.Match[str] | None] = {}
        bold_seen: dict[str, tuple[re.Match[str] | None, re.Match[str] | None]] = {}
        room = _REMEMBER_LINES
        for raw in raws:
            if raw.kind == "para":
                for line in raw.lines:
                    first = line[:1]
                    if first in "*_" and first:
                        # (no plain label starts with "*" or "_")
                        m = _BOLD_LABEL.match(line)
                        if m:
                            bold[m["name"].strip()] += 1
                            b = None
                        else:
                            b = _BOLD_BARE.match(line)
                            if b and not b["rest"][0].islower():
                                bare[b["name"]] += 1
                        if room:
                            bold_seen[line] = (m, b)
                            room -= 1
                    elif ":" in line:
                        # (a plain label needs a colon: most lines are skipped without the pattern)
                        m = _PLAIN_LABEL.match(line)
                        if m:
                            counts[m["name"]] += 1
                            if m["paren"]:
                                intros.append((m["name"], m["paren"].strip()))
                        if room:
                            plain_seen[line] = m
                            room -= 1
        self._plain_seen = plain_seen
        self._bold_seen = bold_seen
        self.counts = counts
        self.bold_counts = bold
        self.bare_counts = bare
        # a conversation: at least two bold labels used more than once
        self.bold_dialogue = sum(1 for n in bold.values() if n >= 2) >= 2
        self.bare_dialogue = sum(1 for n in bare.values() if n >= 2) >= 2
        used = [n for c in (counts, bold, bare) for n, k in c.items() if k >= 2]
        self.full_names = _full_names([*known, *key.values()], used)
        #: "MF" → "Michael Folkson" when the file introduces "Michael Folkson (MF): …"
        self.intros = _intro_map(intros) if intros else {}
        self._known_names = [*known, *key.values()]
        self._used = used
        self._labels = {n.casefold() for c in (counts, bold, bare) for n in c}
        self._nicknames: dict[str, str | None] = {}
        self._speaker_of: dict[str, str] = {}
        self._bold_decided: dict[str, bool] = {}

    def match(self, line: str) -> Label | None:
        """The speaker label at the start of ``line``, or None."""
        if self._key_labels is not None:
            found = self._key_labels.match(line)
            if found:
                return Label(found[0], self.key[found[0]], found[1].strip())
            if line[:1] in "I*_":
                # an initials-style document (it has a key): "Int. Thank you." is a turn too
                m = _INTERVIEWER_LINE.match(line)
                if m:
                    return Label(m["label"], self.speaker_for(m["label"]), m["rest"].strip())
        first = line[:1]
        if first in "*_" and first:
            seen = self._bold_seen.get(line)
            m = _BOLD_LABEL.match(line) if seen is None else seen[0]
            if m:
                name = m["name"].strip()
                rest = m["rest"].strip()
                ok = self._bold_decided.get(name)
                if ok is None:
                    ok = self._bold_decided[name] = self._bold_ok(name)
                if ok or (not rest and self._bold_alone_ok(name)):
                    return Label(name, self.speaker_for(name), rest)
                return None
            m = _BOLD_BARE.match(line) if seen is None else seen[1]
            if m and self._bold_bare_ok(m["name"], m["rest"]):
                return Label(m["name"], self.speaker_for(m["name"]), m["rest"].strip())
            return None
        if first.isalpha() and ":" in line:
            m = self._plain_seen[line] if line in self._plain_seen else _PLAIN_LABEL.match(line)
            if m and self._plain_ok(m["name"], m["paren"]):
                name = m["name"]
                speaker = self.speaker_for(name)
                if m["paren"]:
                    paren = m["paren"].strip()
                    if self.intros.get(paren) == name:
                        speaker = name  # "Michael Folkson (MF):" introduces Michael Folkson
                    elif paren.casefold() in self.known:
                        speaker = paren
                    else:
                        speaker = f"{name} ({paren})"
                    name = f"{name} ({paren})"
                rest = (m["rest"] or "").strip()
                if m["ts"]:
                    rest = f"{m['ts']} {rest}".strip()
                return Label(name, speaker, rest)
        if line.isupper() and _CAPS_ALONE.match(line):
            return Label(line, line.title(), "")
        return None

    def speaker_for(self, label: str) -> str:
        """The speaker a label stands for: the key's name, ``Interviewer`` for ``INT``, or as is."""
        speaker = self._speaker_of.get(label)
        if speaker is None:
            speaker = self._speaker_of[label] = self._speaker_for(label)
        return speaker

    def _speaker_for(self, label: str) -> str:
        if label in self.key:
            return self.key[label]
        if label in self.intros:
            return self.intros[label]
        if _INTERVIEWER_ABBR.match(label):
            return self.key.get(label.rstrip("."), "Interviewer")
        if " " in label or _GENERIC.match(label):
            return label  # "Q" is a role, whoever in the front matter is called "Q Branch"
        full = self.full_names.get(label.casefold())
        if full is None:
            full = self._nickname(label)
        if full is None:
            return label
        if label.isupper() and len(label) > 1:
            # "CB" for a name prettified from the slug "cb-averitt": keep the label's capitals
            words = full.split()
            for i, word in enumerate(words):
                if word.casefold() == label.casefold():
                    words[i] = label
                    return " ".join(words)
        return full

    def _nickname(self, label: str) -> str | None:
        """The one known full name whose first name is a short or long form of ``label``.

        ``Nicolas`` → "Nic Steenhout" (a11yrules: the author is "Nic Steenhout", the turns say
        "Nicolas"), and ``Nic`` → "Nicolas Steenhout" the other way round. Only when the label
        is one word of 3+ letters, exactly one known (front matter, key) person's first name
        (3+ letters) starts it or is started by it, and that person has no label of their own
        in the file (a "Chris" who speaks as "Chris" is not the "Christina" of other turns).
        """
        low = label.casefold()
        if low in self._nicknames:
            return self._nicknames[low]
        found: str | None = None
        if len(low) >= 3 and label.isalpha() and label[0].isupper():
            used_firsts = {w[0].casefold() for n in self._used if len(w := n.split()) > 1}
            hits: dict[str, str] = {}
            for name in self._known_names:
                words = strip_honorific(name).split()
                if len(words) < 2:
                    continue
                first = words[0].casefold()
                if (
                    len(first) < 3
                    or first == low
                    or not (low.startswith(first) or first.startswith(low))
                ):
                    continue
                hits.setdefault(" ".join(words).casefold(), name)
            if len(hits) == 1 and low not in used_firsts:
                (full,) = hits.values()
                own = {full.casefold(), strip_honorific(full).split()[0].casefold()}
                own |= {k.casefold() for k, v in self.key.items() if v == full}
                if not own & self._labels:
                    found = full
        self._nicknames[low] = found
        return found

    def _bold_ok(self, name: str) -> bool:
        low = name.casefold()
        if name in self.intros:
            return True
        if low in self.known or name in self.key or _GENERIC.match(name):
            return True
        if low in _PSEUDO or low in _NOT_SPEAKERS or "http" in low or len(name.split()) > 6:
            return False
        if self.bold_counts[name] >= 2:
            return True
        return self.bold_dialogue and _namelike(name, 6)

    def _bold_bare_ok(self, name: str, rest: str) -> bool:
        """``**Name** text`` (no colon) is a turn for a known name or a conversation of them.

        Bold at the start of an ordinary sentence (``**Important** things first``, ``**Bitcoin
        Core** is…``) must not become a speaker: the name must be capitalised words (particles
        such as "van" allowed) and not a common word, and either known (front matter, key, a
        known speaker's first name, a generic role) or, when the text after it does not go on
        in lower case, used as such a label at least twice in a file where at least two names
        are (a conversation).
        """
        low = name.casefold()
        words = name.split()
        if low in _PSEUDO or low in _NOT_SPEAKERS or not words[0][0].isupper():
            return False
        if not all(w[0].isupper() or _NAME_WORD.match(w) for w in words):
            return False
        if name in self.key or low in self.known or _GENERIC.match(name):
            return True
        return self.bare_dialogue and self.bare_counts[name] >= 2 and not rest[0].islower()

    def _bold_alone_ok(self, name: str) -> bool:
        """``**Name:**`` alone on its line (a label for the next paragraph) needs only a name."""
        low = name.casefold()
        return low not in _PSEUDO and low not in _NOT_SPEAKERS and _namelike(name, 6)

    def _plain_ok(self, name: str, paren: str | None = None) -> bool:
        low = name.casefold()
        if low in self.known or name in self.key or _GENERIC.match(name):
            return True
        if name in self.intros or (paren and self.intros.get(paren.strip()) == name):
            return True  # "MF:" after "Michael Folkson (MF): …", and that introduction
        if paren and paren.strip().casefold() in self.known:
            return True
        if low in _NOT_SPEAKERS or low in _PSEUDO or not _namelike(name, 5):
            return False
        return self.counts[name] >= 2

    def starts_with_name(self, line: str) -> bool:
        """True when the line begins with a key label or a known speaker's (first) name."""
        first = line.split(maxsplit=1)[0].rstrip(".,:;…")
        return first in self.key or first.casefold() in self.known
