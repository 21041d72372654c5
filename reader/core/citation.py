"""References for podcast episodes (APA 7 and Harvard), and quotes carried with their citation.

APA 7 (Publication Manual §10.13, "podcast episode")::

    Beresford, P. (Speaker). (2010, January 20). Effective user involvement [Audio podcast
    episode]. In Iriss.fm. Iriss. https://podcast.iriss.org.uk/effective-user-involvement-0

Harvard (Cite Them Right form for a podcast)::

    Beresford, P. (2010) 'Effective user involvement', Iriss.fm [Podcast]. 20 January. Available
    at: https://podcast.iriss.org.uk/effective-user-involvement-0 (Accessed: 2 March 2025).

Decisions (documented in the module so the window, the exports and the tests agree):

* **Who is the author.** The hosts (front matter ``hosts`` / ``host``, else ``author`` /
  ``authors``), each marked ``(Host)`` in APA. An episode with no host is credited to the person
  quoted (``speaker=``) or, with none given, to its speakers, marked ``(Speaker)``. With nobody
  known the title moves to the author position (APA) or leads the reference (Harvard).
* **Names.** ``Peter Beresford`` → ``Beresford, P.``; ``Mark Paul Howard`` → ``Howard, M. P.``;
  ``Jean-Paul Sartre`` → ``Sartre, J.-P.``; ``Aaron van Wirdum`` → ``van Wirdum, A.``; a single
  word (``Iriss``, an organisation) is kept as it is. APA lists up to 20 names (19, "…", the last);
  Harvard lists up to three, then ``et al.``.
* **Series (the podcast's name).** Front matter ``series``, ``podcast``, ``show``,
  ``podcast_name``, ``podcast_title`` or ``series_name``; else a known family of fields (IRISS
  files carry ``iriss_*`` fields: series "Iriss.fm", publisher "Iriss"); else the ``series``
  argument (from settings); else it is left out.
* **Publisher** (APA only): front matter ``publisher``, ``network`` or ``production_company``,
  else the known family; left out when it repeats an author or the series (APA 7 rule).
* **URL.** The first web page among the source URLs (audio files such as ``.mp3`` only when there
  is nothing else); front matter ``permalink`` when it is a full URL comes first.
* **Dates.** APA ``(2010, January 20)``, ``(n.d.)`` without a date. Harvard ``(2010)`` then
  ``20 January``, ``(no date)`` without one; ``Accessed`` is today unless ``accessed=`` is given.
* **Italics.** The podcast's name is italic in both styles (``<i>`` in the HTML form, plain in the
  text form); the episode title is plain (APA) or in single quotes (Harvard).
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from dataclasses import dataclass
from typing import Any, Literal

from reader.core.transcript import EpisodeMeta, Transcript

__all__ = [
    "Citation",
    "Style",
    "apa_name",
    "cite",
    "episode_url",
    "find_series",
    "quote_with_citation",
]

Style = Literal["apa", "harvard"]
STYLES: tuple[str, ...] = ("apa", "harvard")

SERIES_KEYS = ("series", "podcast", "show", "podcast_name", "podcast_title", "series_name")
PUBLISHER_KEYS = ("publisher", "network", "production_company")
HOST_KEYS = ("hosts", "host")
AUTHOR_KEYS = ("author", "authors")
EPISODE_KEYS = ("episode_number", "episode")
#: Families of front-matter fields that identify a known podcast: prefix → (series, publisher).
KNOWN_FAMILIES: dict[str, tuple[str, str]] = {"iriss_": ("Iriss.fm", "Iriss")}
_AUDIO = re.compile(r"\.(mp3|m4a|ogg|oga|opus|wav|flac|aac|mp4|webm)(\?.*)?$", re.I)
_PARTICLES = {"van", "von", "de", "der", "den", "du", "da", "di", "del", "della", "la", "le"}
_PARTICLES |= {"ter", "ten", "dos", "das", "bin", "ibn", "al", "st."}
_TITLES = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "sir", "dame", "rev", "lord"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference (or a quote with its reference) as plain text and as HTML for the clipboard.

    ``in_text`` is the parenthetical in-text citation, e.g. ``(Beresford, 2010)``.
    """

    text: str
    html: str
    in_text: str = ""


# --- names -------------------------------------------------------------------------------------


def _initial(given: str) -> str:
    """``Jean-Paul`` → ``J.-P.``; ``J.`` stays ``J.``."""
    parts = [p for p in given.split("-") if p]
    return "-".join(p[0].upper() + "." for p in parts)


def _split_name(name: str) -> tuple[str, list[str], str] | None:
    """(family name, given names, suffix) of a personal name, or None for a single word."""
    name = " ".join(name.split())
    if "," in name:
        family, _, rest = name.partition(",")
        given = [w for w in rest.replace(".", ". ").split() if w]
        return (family.strip(), given, "") if family.strip() and given else None
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    if len(words) < 2:
        return None
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in _PARTICLES:
        i -= 1
    return " ".join(words[i:]), words[:i], suffix


def apa_name(name: str) -> str:
    """A personal name as APA and Harvard write an author: ``Peter Beresford`` → ``Beresford, P.``.

    A single word (an organisation such as ``Iriss``, or a first name only) is kept as written.
    """
    split = _split_name(name)
    if split is None:
        return " ".join(name.split())
    family, given, suffix = split
    initials = " ".join(_initial(g) for g in given)
    return f"{family}, {initials}" + (f", {suffix}" if suffix else "")


def _family(name: str) -> str:
    split = _split_name(name)
    return " ".join(name.split()) if split is None else split[0]


# --- metadata ----------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return [value["name"].strip()]
    return []


def _first_field(fields: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        found = _strings(fields.get(key))
        if found:
            return found[0]
    return None


def _family_of(fields: dict[str, Any]) -> tuple[str, str] | None:
    for prefix, known in KNOWN_FAMILIES.items():
        if any(k.startswith(prefix) for k in fields):
            return known
    return None


def find_series(meta: EpisodeMeta, fallback: str | None = None) -> str | None:
    """The podcast's name: front matter, else a known family of fields, else ``fallback``."""
    found = _first_field(meta.fields, SERIES_KEYS)
    if found:
        return found
    family = _family_of(meta.fields)
    if family:
        return family[0]
    return fallback.strip() if fallback and fallback.strip() else None


def _publisher(meta: EpisodeMeta) -> str | None:
    found = _first_field(meta.fields, PUBLISHER_KEYS)
    if found:
        return found
    family = _family_of(meta.fields)
    return family[1] if family else None


def episode_url(meta: EpisodeMeta) -> str | None:
    """The web address to cite: a full ``permalink``, else the first non-audio source URL."""
    permalink = meta.fields.get("permalink")
    if isinstance(permalink, str) and permalink.lower().startswith(("http://", "https://")):
        return permalink.strip()
    pages = [u for u in meta.source_urls if not _AUDIO.search(u)]
    urls = pages or list(meta.source_urls)
    return urls[0] if urls else None


def _episode_number(meta: EpisodeMeta) -> str | None:
    for key in EPISODE_KEYS:
        value = meta.fields.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str) and value.strip():
            v = value.strip()
            return str(int(v)) if v.isdigit() else v
    return None


def _contributors(meta: EpisodeMeta, speaker: str | None) -> tuple[list[str], str]:
    """(names, APA role) of the people credited as authors."""
    hosts: list[str] = []
    for key in HOST_KEYS:
        hosts += [h for h in _strings(meta.fields.get(key)) if h not in hosts]
    if not hosts:
        for key in AUTHOR_KEYS:
            hosts += [h for h in _strings(meta.fields.get(key)) if h not in hosts]
    if hosts:
        return hosts, "Host"
    if speaker and speaker.strip():
        return [speaker.strip()], "Speaker"
    return list(meta.speakers), "Speaker"


# --- formatting --------------------------------------------------------------------------------


def _apa_authors(names: list[str], role: str) -> str:
    parts = [f"{apa_name(n)} ({role})" for n in names]
    if len(parts) > 20:
        parts = parts[:19] + ["…"] + parts[-1:]
        return ", ".join(parts)
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{parts[0]}, & {parts[1]}"
    return ", ".join(parts[:-1]) + f", & {parts[-1]}"


def _harvard_authors(names: list[str]) -> str:
    parts = [apa_name(n) for n in names]
    if len(parts) > 3:
        return f"{parts[0]} et al."
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" and {parts[-1]}"


def _in_text_names(names: list[str], et_al: str = "et al.") -> str:
    fam = [_family(n) for n in names]
    if len(fam) >= 3:
        return f"{fam[0]} {et_al}"
    return " & ".join(fam) if len(fam) == 2 else "".join(fam)


def _end(text: str) -> str:
    """``text`` ending with one full stop (none added after ``.``, ``?`` or ``!``)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


@dataclass(frozen=True, slots=True)
class _Run:
    """A piece of a reference: plain text, or italic."""

    text: str
    italic: bool = False
    href: str | None = None


def _render(runs: list[_Run]) -> tuple[str, str]:
    text = "".join(r.text for r in runs)
    out = []
    for r in runs:
        escaped = html.escape(r.text, quote=False)
        if r.italic:
            escaped = f"<i>{escaped}</i>"
        if r.href:
            escaped = f'<a href="{html.escape(r.href, quote=True)}">{escaped}</a>'
        out.append(escaped)
    return text, "".join(out)


def _apa(meta: EpisodeMeta, series: str | None, speaker: str | None) -> Citation:
    names, role = _contributors(meta, speaker)
    date = meta.date
    when = f"({date.year}, {_MONTHS[date.month - 1]} {date.day})" if date else "(n.d.)"
    title = meta.title.strip()
    number = _episode_number(meta)
    described = title + (f" (No. {number})" if number else "") + " [Audio podcast episode]"
    runs: list[_Run] = []
    if names:
        runs.append(_Run(_end(_apa_authors(names, role)) + " " + when + ". "))
        runs.append(_Run(_end(described) + " "))
    else:
        runs.append(_Run(_end(described) + " " + when + ". "))
    if series:
        runs += [_Run("In "), _Run(series, italic=True), _Run(". ")]
    publisher = _publisher(meta)
    same = {n.casefold() for n in names} | ({series.casefold()} if series else set())
    if publisher and publisher.casefold() not in same:
        runs.append(_Run(_end(publisher) + " "))
    url = episode_url(meta)
    if url:
        runs.append(_Run(url, href=url))
    text, markup = _render(runs)
    year = str(date.year) if date else "n.d."
    who = _in_text_names(names) if names else f"“{title}”"
    return Citation(text.rstrip(), markup.rstrip(), f"({who}, {year})")


def _harvard(
    meta: EpisodeMeta, series: str | None, speaker: str | None, accessed: _dt.date
) -> Citation:
    names, _role = _contributors(meta, speaker)
    date = meta.date
    year = f"({date.year})" if date else "(no date)"
    title = meta.title.strip()
    runs: list[_Run] = []
    if names:
        runs.append(_Run(f"{_harvard_authors(names)} {year} '{title}'"))
    else:
        runs.append(_Run(f"'{title}' {year}"))
    if series:
        runs += [_Run(", "), _Run(series, italic=True)]
    runs.append(_Run(" [Podcast]."))
    if date:
        runs.append(_Run(f" {date.day} {_MONTHS[date.month - 1]}."))
    url = episode_url(meta)
    when = f"{accessed.day} {_MONTHS[accessed.month - 1]} {accessed.year}"
    if url:
        runs += [_Run(" Available at: "), _Run(url, href=url), _Run(f" (Accessed: {when}).")]
    text, markup = _render(runs)
    who = _in_text_names(names, "et al.").replace(" & ", " and ") if names else f"'{title}'"
    return Citation(text, markup, f"({who}, {date.year if date else 'no date'})")


def cite(
    meta: EpisodeMeta,
    style: str = "apa",
    *,
    series: str | None = None,
    speaker: str | None = None,
    accessed: _dt.date | None = None,
) -> Citation:
    """The reference of a podcast episode in ``style`` ("apa" or "harvard").

    ``series`` is the podcast's name to use when the front matter does not give one (from the
    settings); ``speaker`` is the person quoted (credited when the episode names no host);
    ``accessed`` is the Harvard access date (today by default). Raises ValueError for another
    style.
    """
    name = find_series(meta, series)
    if style == "apa":
        return _apa(meta, name, speaker)
    if style == "harvard":
        return _harvard(meta, name, speaker, accessed or _dt.date.today())
    raise ValueError(f"unknown citation style {style!r} (use one of {', '.join(STYLES)})")


def speakers_in(transcript: Transcript, start: int, end: int) -> list[str]:
    """The distinct speakers of the blocks ``[start, end)`` touches, in order."""
    out: list[str] = []
    for block in transcript.blocks:
        if block.end < start or block.start >= max(end, start + 1):
            continue
        if block.speaker and block.speaker not in out:
            out.append(block.speaker)
    return out


def quote_with_citation(
    transcript: Transcript,
    start: int,
    end: int,
    style: str = "apa",
    *,
    series: str | None = None,
    accessed: _dt.date | None = None,
) -> Citation:
    """``text[start:end]`` in quotation marks, who said it, and the episode's reference.

    Text form (for plain-text paste)::

        “My focus today is on effective user involvement” — Peter Beresford (Beresford, 2010)

        Beresford, P. (Speaker). (2010, January 20). Effective user involvement [Audio …

    The HTML form is a ``<blockquote>`` with the same lines and the reference in a paragraph,
    every string escaped. Line breaks inside the quote become spaces. Raises ValueError for a span
    outside the text or an empty one.
    """
    text = transcript.text
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}:{end} is empty or outside the text (0:{len(text)})")
    quote = " ".join(text[start:end].split())
    speakers = speakers_in(transcript, start, end)
    speaker = " and ".join(speakers) if speakers else None
    ref = cite(
        transcript.meta,
        style,
        series=series,
        speaker=speakers[0] if len(speakers) == 1 else None,
        accessed=accessed,
    )
    line = f"“{quote}”" + (f" — {speaker}" if speaker else "") + f" {ref.in_text}"
    plain = f"{line}\n\n{ref.text}"

    def esc(value: str) -> str:
        return html.escape(value, quote=False)

    said = f" — {esc(speaker)}" if speaker else ""
    markup = (
        f"<blockquote><p>“{esc(quote)}”{said} {esc(ref.in_text)}</p></blockquote>\n"
        f"<p>{ref.html}</p>"
    )
    return Citation(plain, markup, ref.in_text)
