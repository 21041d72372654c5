"""The command line: open the window, or `check` / `annotate` / `search` without one.

`transcript-reader [PATH]` opens the window; subcommands run headless and never need a display.
Exit codes: 0 success, 1 the requested change could not be made, 2 bad usage or unusable PATH.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader import __version__

SUBCOMMANDS = ("check", "annotate", "search", "export", "import", "backups", "restore")


def _size(value: str) -> tuple[int, int]:
    try:
        w, h = value.lower().split("x")
        size = int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT, e.g. 1280x800, not {value!r}"
        ) from None
    if not (200 <= size[0] <= 10000 and 200 <= size[1] <= 10000):
        raise argparse.ArgumentTypeError(f"size out of range: {value}")
    return size


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="transcript-reader",
        description="Read and annotate transcripts. Subcommands: "
        + ", ".join(SUBCOMMANDS)
        + " (see `transcript-reader COMMAND --help`).",
    )
    p.add_argument("--version", action="version", version=f"transcript-reader {__version__}")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a folder of transcripts, or a transcript file (its folder opens with it); "
        "when several are given, as a desktop's Open With does, the first is opened",
    )
    p.add_argument("--screenshot", metavar="FILE.png", help="render the window to a PNG and exit")
    p.add_argument("--size", type=_size, metavar="WxH", help="window size for --screenshot")
    p.add_argument("--theme", choices=("light", "dark", "system"), help="colour theme")
    return p


def _check_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="transcript-reader check",
        description="Read every transcript under PATH with its annotations and report on them. "
        "Changes no file.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def _annotate_parser() -> argparse.ArgumentParser:
    from reader.core.annotations import COLORS

    p = argparse.ArgumentParser(
        prog="transcript-reader annotate",
        description="Add one annotation on an occurrence of a quote and save it beside the file.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--quote", required=True, help="text to annotate, as it reads in the transcript")
    p.add_argument("--occurrence", type=int, default=1, help="which occurrence (1 = first)")
    p.add_argument("--note", default="")
    p.add_argument("--tag", action="append", default=[], dest="tags")
    p.add_argument("--color", default=COLORS[0], type=str.lower, choices=COLORS)
    p.add_argument("--private", action="store_true", help="keep in your user data, not the sidecar")
    p.add_argument("--author", default=None, help="creator name (default: your account name)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "check":
        return cmd_check(_check_parser().parse_args(args[1:]))
    if args and args[0] == "annotate":
        return cmd_annotate(_annotate_parser().parse_args(args[1:]))
    if args and args[0] == "search":
        from reader.cli_search import cmd_search

        return cmd_search(args[1:])
    if args and args[0] == "export":
        from reader.cli_export import cmd_export

        return cmd_export(args[1:])
    if args and args[0] == "import":
        from reader.cli_export import cmd_import

        return cmd_import(args[1:])
    if args and args[0] == "backups":
        from reader.cli_recover import cmd_backups

        return cmd_backups(args[1:])
    if args and args[0] == "restore":
        from reader.cli_recover import cmd_restore

        return cmd_restore(args[1:])
    ns = _gui_parser().parse_args(args)
    missing = [p for p in ns.paths if not Path(p).exists()]
    if missing:
        print(f"transcript-reader: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    from reader.app import run_gui

    path = ns.paths[0] if ns.paths else None
    return run_gui(path, screenshot=ns.screenshot, size=ns.size, theme=ns.theme)


# --- check -------------------------------------------------------------------------------------


def _report_file(path: Path, display: str) -> dict[str, Any]:
    from reader.core.store import AnnotationStore
    from reader.core.transcript import load_transcript

    t = load_transcript(path)
    meta = t.meta
    entry: dict[str, Any] = {
        "path": display,
        "title": meta.title,
        "subtitle": meta.subtitle,
        "date": meta.date.isoformat() if meta.date else None,
        "duration_seconds": meta.duration_seconds,
        "speakers": list(meta.speakers),
        "tags": list(meta.tags),
        "words": t.words,
        "characters": len(t.text),
        "errors": list(meta.errors),
        "warnings": list(meta.warnings),
        "annotations": [],
    }
    if meta.errors and not t.text:
        return entry
    store = AnnotationStore.open(t, read_only=True)
    entry["errors"] += list(store.errors)
    entry["warnings"] += list(store.warnings)
    text = t.text
    for a in store.annotations:
        orphan = a.status == "orphaned"
        entry["annotations"].append(
            {
                "id": a.id,
                "status": a.status,
                "start": None if orphan else a.start,
                "end": None if orphan else a.end,
                "text": a.exact if orphan else text[a.start : a.end],
                "prefix": a.prefix if orphan else text[max(0, a.start - 32) : a.start],
                "suffix": a.suffix if orphan else text[a.end : a.end + 32],
                "quote": a.exact,
                "note": a.note,
                "tags": list(a.tags),
                "color": a.color,
                "private": a.private,
                "creator": a.creator,
                "created": a.created,
                "modified": a.modified,
            }
        )
    return entry


def _safe_report(path: Path, display: str) -> dict[str, Any]:
    """A report that always exists: an unexpected failure becomes an error in the entry."""
    try:
        return _report_file(path, display)
    except Exception as exc:  # noqa: BLE001 - check must report on everything, never crash
        return {
            "path": display,
            "title": path.name,
            "date": None,
            "duration_seconds": None,
            "speakers": [],
            "words": 0,
            "errors": [f"could not be read: {type(exc).__name__}: {exc}"],
            "warnings": [],
            "annotations": [],
        }


def cmd_check(ns: argparse.Namespace) -> int:
    from reader.core.library import iter_transcript_paths

    transcripts: list[dict[str, Any]] = []
    status = 0
    for raw in ns.paths:
        root = Path(raw)
        if root.is_file():
            transcripts.append(_safe_report(root, str(root)))
        elif root.is_dir():
            for path in iter_transcript_paths(root):
                transcripts.append(_safe_report(path, str(path)))
        else:
            print(f"transcript-reader check: no such file or folder: {raw}", file=sys.stderr)
            status = 2
    if ns.json:
        json.dump({"transcripts": transcripts}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_table(transcripts)
    return status


def _fmt_duration(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _print_table(transcripts: list[dict[str, Any]]) -> None:
    out = sys.stdout
    for t in transcripts:
        anns = t["annotations"]
        counts = {s: sum(1 for a in anns if a["status"] == s) for s in ("moved", "orphaned")}
        flags = []
        if t["errors"]:
            flags.append(f"{len(t['errors'])} error(s)")
        if t["warnings"]:
            flags.append(f"{len(t['warnings'])} warning(s)")
        out.write(f"{t['path']}\n")
        out.write(f"  {t['title']}\n")
        speakers = ", ".join(t["speakers"][:6]) + (" …" if len(t["speakers"]) > 6 else "")
        out.write(
            f"  {t['date'] or '–'} · {_fmt_duration(t['duration_seconds'])} · "
            f"{t['words']} words · {speakers or 'no speakers'}\n"
        )
        out.write(
            f"  {len(anns)} annotation(s), {counts['moved']} moved, "
            f"{counts['orphaned']} orphaned" + (f"; {', '.join(flags)}" if flags else "") + "\n"
        )
        for msg in t["errors"]:
            out.write(f"  error: {msg}\n")
        for msg in t["warnings"]:
            out.write(f"  warning: {msg}\n")
        for a in anns:
            where = "–" if a["start"] is None else f"{a['start']}-{a['end']}"
            quote = a["text"].replace("\n", " ")
            quote = quote if len(quote) <= 60 else quote[:59] + "…"
            out.write(f"    [{a['status']:<8}] {where:>13} {a['color']:<6} “{quote}”\n")
    total = sum(len(t["annotations"]) for t in transcripts)
    bad = sum(1 for t in transcripts if t["errors"])
    out.write(f"{len(transcripts)} transcript(s), {total} annotation(s), {bad} with errors\n")


# --- annotate ----------------------------------------------------------------------------------


def _find_occurrence(text: str, quote: str, n: int) -> int | None:
    pos = -1
    for _ in range(n):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            return None
    return pos


def cmd_annotate(ns: argparse.Namespace) -> int:
    import unicodedata

    from reader.core.store import AnnotationStore, StoreError, new_annotation
    from reader.core.transcript import load_transcript

    path = Path(ns.file)
    if not path.is_file():
        print(f"transcript-reader annotate: no such file: {ns.file}", file=sys.stderr)
        return 2
    if ns.occurrence < 1:
        print("transcript-reader annotate: --occurrence counts from 1", file=sys.stderr)
        return 2
    t = load_transcript(path)
    if t.meta.errors and not t.text:
        print(f"transcript-reader annotate: {path}: {'; '.join(t.meta.errors)}", file=sys.stderr)
        return 1
    quote = unicodedata.normalize("NFC", ns.quote)
    if not quote.strip():
        print("transcript-reader annotate: --quote is empty", file=sys.stderr)
        return 2
    start = _find_occurrence(t.text, quote, ns.occurrence)
    if start is None:
        found = t.text.count(quote)
        why = "not found" if not found else f"found only {found} time(s)"
        print(f"transcript-reader annotate: quote {why} in {path}: {ns.quote!r}", file=sys.stderr)
        return 1
    store = AnnotationStore.open(t)
    ann = new_annotation(
        t.text,
        start,
        start + len(quote),
        color=ns.color,
        note=ns.note,
        tags=tuple(ns.tags),
        private=ns.private,
        creator=ns.author if ns.author is not None else getpass.getuser(),
    )
    try:
        store.add(ann)
    except StoreError as exc:
        print(f"transcript-reader annotate: not saved: {exc}", file=sys.stderr)
        return 1
    print(f"{ann.id}\t{start}\t{start + len(quote)}")
    print(store.location)
    return 0
