"""Annotation value objects and their W3C Web Annotation shape.

An annotation targets a passage of a transcript's canonical text by a TextQuoteSelector (exact,
prefix, suffix) and a TextPositionSelector (start, end, code points). ``status`` is not user data:
it records how the passage was found the last time the annotation was anchored
("anchored", "moved" until the user confirms, or "orphaned").
"""

from __future__ import annotations

import datetime as _dt
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Status = Literal["anchored", "moved", "orphaned"]

#: Default highlight colours in key order (1-5), with the meaning the UI shows by default.
COLORS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOR_MEANINGS: dict[str, str] = {
    "yellow": "Key point",
    "green": "Evidence",
    "blue": "Question",
    "pink": "Disagree",
    "purple": "Quote to use",
}
#: CSS colours written into the W3C stylesheet for each class.
COLOR_HEX: dict[str, str] = {
    "yellow": "#ffd400",
    "green": "#5fb236",
    "blue": "#2ea8e5",
    "pink": "#ff6666",
    "purple": "#a28ae5",
}


def now_iso() -> str:
    """The current UTC time as xsd:dateTime with a ``Z`` (milliseconds kept for ordering)."""
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass(slots=True)
class Annotation:
    """One highlight or note. ``deleted`` marks a tombstone (kept so merges honour deletions)."""

    id: str
    exact: str
    start: int
    end: int
    prefix: str = ""
    suffix: str = ""
    created: str = field(default_factory=now_iso)
    modified: str = ""
    creator: str = ""
    color: str = "yellow"
    note: str = ""
    tags: list[str] = field(default_factory=list)
    private: bool = False
    status: Status = "anchored"
    deleted: bool = False
    #: Keys this version does not know, kept verbatim so a newer program's data survives.
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.modified:
            self.modified = self.created

    def touched(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``modified`` set to now (every edit bumps it)."""
        stamp = now_iso()
        if stamp <= self.modified:  # clocks can step back; order must still advance
            stamp = _bump(self.modified)
        return replace(self, modified=stamp, **changes)


def _bump(stamp: str) -> str:
    """A timestamp one millisecond after ``stamp`` (which is in ``now_iso`` form)."""
    try:
        t = _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        try:
            t = _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return now_iso()
    t += _dt.timedelta(milliseconds=1)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


# --- W3C Web Annotation mapping ---------------------------------------------------------------

#: The JSON-LD context of the Web Annotation Data Model.
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: App field recording a status other than "anchored" (absent means anchored).
STATUS_KEY = "x-status"
_STATUSES = ("anchored", "moved", "orphaned")
#: Keys ``to_w3c`` writes itself. An ``extra`` entry under one of these names is the original
#: value as read (it had parts this version does not understand); it is used as the base that the
#: known fields are written over, so those parts survive.
_KNOWN_KEYS = (
    "@context",
    "id",
    "type",
    "motivation",
    "created",
    "modified",
    "creator",
    "body",
    "target",
    "stylesheet",
    STATUS_KEY,
    "deleted",
)
_OWN_MOTIVATIONS = ("highlighting", "commenting")


def style_class(color: str) -> str:
    """The W3C ``styleClass`` of a highlight colour (``hl-yellow``)."""
    return f"hl-{color}"


def stylesheet_for(color: str) -> dict[str, str] | None:
    """The embedded CSS stylesheet defining the colour's class, or None for an unknown colour."""
    hex_color = COLOR_HEX.get(color)
    if hex_color is None:
        return None
    return {
        "type": "CssStylesheet",
        "value": f".{style_class(color)} {{ background-color: {hex_color} }}",
    }


def to_w3c(ann: Annotation, source_id: str) -> dict[str, Any]:
    """The annotation as a W3C Web Annotation (JSON-LD dict) whose target is ``source_id``.

    A deleted annotation becomes a tombstone ``{"@context", "id", "type", "modified", "deleted",
    "target"}``. Keys kept in ``ann.extra`` are written back: unknown ones verbatim after the known
    keys, known ones as the base the current values are written over. ``private`` is not part of
    the W3C shape (the store keeps private annotations in another file).
    """
    extra = ann.extra
    out: dict[str, Any] = {"@context": extra.get("@context", ANNO_CONTEXT), "id": ann.id}
    out["type"] = extra.get("type", "Annotation")
    if ann.deleted:
        if ann.created:
            out["created"] = ann.created
        out["modified"] = ann.modified
        out["deleted"] = True
        out["target"] = extra.get("target", source_id)
    else:
        motivation = extra.get("motivation")
        if motivation is None:
            motivation = "commenting" if ann.note else "highlighting"
        out["motivation"] = motivation
        if ann.created:
            out["created"] = ann.created
        if ann.modified:
            out["modified"] = ann.modified
        creator = _creator_to_w3c(ann.creator, extra.get("creator"))
        if creator is not None:
            out["creator"] = creator
        bodies = _bodies_to_w3c(ann.note, ann.tags, extra.get("body"))
        if bodies:
            out["body"] = bodies
        out["target"] = _target_to_w3c(ann, source_id, extra.get("target"))
        sheet = extra.get("stylesheet")
        if sheet is None or style_class(ann.color) not in repr(sheet):
            sheet = stylesheet_for(ann.color)
        if sheet is not None:
            out["stylesheet"] = sheet
        if ann.status != "anchored":
            out[STATUS_KEY] = ann.status
        elif STATUS_KEY in extra:
            out[STATUS_KEY] = extra[STATUS_KEY]
    skip = out if ann.deleted else _KNOWN_KEYS
    for key, value in extra.items():
        if key not in skip:
            out[key] = value
    return out


def from_w3c(d: dict[str, Any]) -> Annotation:
    """The annotation (or tombstone) a W3C dict describes; inverse of :func:`to_w3c`.

    Raises ValueError for a shape this version cannot represent (no string ``id``, not of type
    Annotation, or a live annotation without a TextQuoteSelector). Callers that must not lose data
    keep such items verbatim.
    """
    if not isinstance(d, dict):
        raise ValueError("an annotation must be a JSON object")
    ann_id = d.get("id")
    if not isinstance(ann_id, str) or not ann_id:
        raise ValueError("annotation without a string id")
    types = d.get("type")
    if not (types == "Annotation" or (isinstance(types, list) and "Annotation" in types)):
        raise ValueError(f"{ann_id}: type is not Annotation")
    extra: dict[str, Any] = {k: v for k, v in d.items() if k not in _KNOWN_KEYS}
    if d.get("@context", ANNO_CONTEXT) != ANNO_CONTEXT:
        extra["@context"] = d["@context"]
    if types != "Annotation":
        extra["type"] = types
    created = d.get("created", "")
    modified = d.get("modified", "")
    for key, value in (("created", created), ("modified", modified)):
        if not isinstance(value, str):
            raise ValueError(f"{ann_id}: {key} is not a string")

    if d.get("deleted") is True:
        keep = ("@context", "id", "type", "created", "modified", "deleted", "target")
        extra.update((k, v) for k, v in d.items() if k not in keep)
        if not isinstance(d.get("target"), str):
            extra["target"] = d.get("target")
        return Annotation(
            id=ann_id, exact="", start=0, end=0, created=created, modified=modified,
            deleted=True, extra=extra,
        )  # fmt: skip
    if "deleted" in d and d["deleted"] is not False:
        extra["deleted"] = d["deleted"]

    motivation = d.get("motivation")
    if motivation is not None and motivation not in _OWN_MOTIVATIONS:
        extra["motivation"] = motivation
    creator = _creator_from_w3c(d.get("creator"), extra)
    note, tags = _bodies_from_w3c(d.get("body"), extra)
    target = d.get("target")
    if not isinstance(target, dict):
        raise ValueError(f"{ann_id}: target is not a specific resource with selectors")
    exact, prefix, suffix, start, end, color = _target_from_w3c(ann_id, target, extra)
    sheet = d.get("stylesheet")
    if sheet is not None and sheet != stylesheet_for(color):
        extra["stylesheet"] = sheet
    status = d.get(STATUS_KEY, "anchored")
    if status not in _STATUSES:
        extra[STATUS_KEY] = status
        status = "anchored"
    return Annotation(
        id=ann_id, exact=exact, start=start, end=end, prefix=prefix, suffix=suffix,
        created=created, modified=modified, creator=creator, color=color, note=note, tags=tags,
        status=status, extra=extra,
    )  # fmt: skip


def _creator_to_w3c(name: str, base: Any) -> Any:
    if isinstance(base, dict):
        out = {"type": base.get("type", "Person")}
        if name:
            out["name"] = name
        out.update((k, v) for k, v in base.items() if k not in ("type", "name"))
        return out
    if base is not None and not name:
        return base
    if not name:
        return None
    if isinstance(base, str):  # an IRI for the agent, now with a name
        return {"id": base, "type": "Person", "name": name}
    return {"type": "Person", "name": name}


def _creator_from_w3c(creator: Any, extra: dict[str, Any]) -> str:
    if creator is None:
        return ""
    if isinstance(creator, dict):
        name = creator.get("name")
        if isinstance(name, str) and creator == {"type": "Person", "name": name}:
            return name
        extra["creator"] = creator
        return name if isinstance(name, str) else ""
    extra["creator"] = creator
    return ""


def _note_body(note: str) -> dict[str, str]:
    return {"type": "TextualBody", "purpose": "commenting", "value": note}


def _tag_body(tag: str) -> dict[str, str]:
    return {"type": "TextualBody", "purpose": "tagging", "value": tag}


def _is_textual(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and body.get("type") == "TextualBody"
        and isinstance(body.get("value"), str)
    )


def _bodies_to_w3c(note: str, tags: list[str], base: Any) -> list[Any]:
    if base is None:
        return ([_note_body(note)] if note else []) + [_tag_body(t) for t in tags]
    out: list[Any] = []
    note_done = tags_done = False
    for body in base if isinstance(base, list) else [base]:
        if _is_textual(body) and body.get("purpose") == "tagging":
            if not tags_done:
                out.extend(_tag_body(t) for t in tags)
                tags_done = True
        elif (
            not note_done
            and _is_textual(body)
            and body.get("purpose", "commenting") == "commenting"
        ):
            note_done = True
            if note:
                out.append({**body, "value": note})
        else:
            out.append(body)
    if not note_done and note:
        out.insert(0, _note_body(note))
    if not tags_done:
        out.extend(_tag_body(t) for t in tags)
    return out


def _bodies_from_w3c(body: Any, extra: dict[str, Any]) -> tuple[str, list[str]]:
    if body is None:
        return "", []
    note: str | None = None
    tags: list[str] = []
    plain = isinstance(body, list)
    for item in body if isinstance(body, list) else [body]:
        if _is_textual(item) and item.get("purpose") == "tagging":
            tags.append(item["value"])
            plain = plain and item == _tag_body(item["value"])
        elif (
            note is None and _is_textual(item) and item.get("purpose", "commenting") == "commenting"
        ):
            note = item["value"]
            # own output: a non-empty note, written before the tags
            plain = plain and item == _note_body(note) and bool(note) and not tags
        else:
            plain = False
    if not plain:
        extra["body"] = body
    return note or "", tags


def _target_to_w3c(ann: Annotation, source_id: str, base: Any) -> dict[str, Any]:
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": ann.exact}
    quote.update(prefix=ann.prefix, suffix=ann.suffix)
    position = {"type": "TextPositionSelector", "start": ann.start, "end": ann.end}
    out: dict[str, Any] = {"source": source_id, "styleClass": style_class(ann.color)}
    if not isinstance(base, dict):
        out["selector"] = [quote, position]
        return out
    selectors = base.get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    merged: list[Any] = []
    for sel in selectors:
        kind = sel.get("type") if isinstance(sel, dict) else None
        if kind == "TextQuoteSelector" and quote:
            merged.append({**quote, **{k: v for k, v in sel.items() if k not in quote}})
            quote = {}
        elif kind == "TextPositionSelector" and position:
            merged.append({**position, **{k: v for k, v in sel.items() if k not in position}})
            position = {}
        elif sel is not None:
            merged.append(sel)
    merged.extend(s for s in (quote, position) if s)
    out["selector"] = merged
    out.update((k, v) for k, v in base.items() if k not in ("source", "styleClass", "selector"))
    return out


def _target_from_w3c(
    ann_id: str, target: dict[str, Any], extra: dict[str, Any]
) -> tuple[str, str, str, int, int, str]:
    selectors = target.get("selector")
    plain = isinstance(selectors, list) and set(target) == {"source", "styleClass", "selector"}
    quote: dict[str, Any] | None = None
    position: dict[str, Any] | None = None
    for sel in selectors if isinstance(selectors, list) else [selectors]:
        if not isinstance(sel, dict):
            plain = False
            continue
        kind = sel.get("type")
        if kind == "TextQuoteSelector" and quote is None and isinstance(sel.get("exact"), str):
            quote = sel
            plain = plain and set(sel) == {"type", "exact", "prefix", "suffix"}
        elif kind == "TextPositionSelector" and position is None and _is_span(sel):
            position = sel
            plain = plain and set(sel) == {"type", "start", "end"}
        else:
            plain = False
    if quote is None:
        raise ValueError(f"{ann_id}: no TextQuoteSelector")
    prefix, suffix = quote.get("prefix", ""), quote.get("suffix", "")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise ValueError(f"{ann_id}: prefix or suffix is not a string")
    start, end = (position["start"], position["end"]) if position else (0, 0)
    plain = plain and position is not None and selectors == [quote, position]
    style = target.get("styleClass")
    color = "yellow"
    if isinstance(style, str) and style.startswith("hl-") and len(style) > 3:
        color = style[3:]
    else:
        plain = False
    if not plain:
        extra["target"] = target
    return quote["exact"], prefix, suffix, start, end, color


def _is_span(sel: dict[str, Any]) -> bool:
    start, end = sel.get("start"), sel.get("end")
    # bool is an int subclass: True is no offset
    return type(start) is int and type(end) is int and 0 <= start <= end
