"""`transcript-reader export` and `transcript-reader import`.

export PATH --format md|csv|jsonld|html|pdf|txt [--out FILE] [--include-private] [--bom]
       [--style apa|harvard] [--series NAME]
    Text formats go to stdout without --out; pdf needs --out. Exit 0 written, 1 the output could
    not be written (or rendered), 2 bad usage or unusable PATH.

import FILE.jsonld [PATH]
    Brings W3C annotations into the transcripts under PATH (default: FILE's folder). Exit 0 when
    done (unmatched or invalid items are reported, not fatal), 1 when some could not be saved,
    2 for unusable input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["cmd_export", "cmd_import"]


def _export_parser() -> argparse.ArgumentParser:
    from reader.core.citation import STYLES
    from reader.core.export import FORMATS

    p = argparse.ArgumentParser(
        prog="transcript-reader export",
        description="Export the annotations of a folder of transcripts (or of one transcript). "
        "Reads only; writes the export to --out or to stdout.",
    )
    p.add_argument("path", metavar="PATH", help="a folder of transcripts, or one transcript file")
    p.add_argument("--format", "-f", required=True, choices=FORMATS, dest="fmt")
    p.add_argument("--out", "-o", metavar="FILE", help="write here (required for pdf)")
    p.add_argument(
        "--include-private", action="store_true", help="include private notes (left out by default)"
    )
    p.add_argument("--bom", action="store_true", help="csv: start with a UTF-8 BOM (for Excel)")
    p.add_argument("--style", choices=STYLES, default="apa", help="citation style (md, html, pdf)")
    p.add_argument("--series", metavar="NAME", help="podcast name when the front matter has none")
    p.add_argument("--label", metavar="TEXT", help="title of the export (md, jsonld, html, pdf)")
    return p


def cmd_export(argv: list[str]) -> int:
    """Run `export` with its arguments (without the subcommand name); returns the exit code."""
    from reader.core.export import ExportOptions, collect, export_text, write_export_file

    ns = _export_parser().parse_args(argv)
    prog = "transcript-reader export"
    if ns.fmt == "pdf" and not ns.out:
        print(f"{prog}: --format pdf needs --out FILE.pdf", file=sys.stderr)
        return 2
    if ns.bom and ns.fmt != "csv":
        print(f"{prog}: --bom only applies to --format csv", file=sys.stderr)
        return 2
    out = Path(ns.out) if ns.out else None
    if out is not None and not out.parent.is_dir():
        print(f"{prog}: no such folder for --out: {out.parent}", file=sys.stderr)
        return 2
    try:
        _root, episodes = collect(Path(ns.path), include_private=ns.include_private)
    except FileNotFoundError:
        print(f"{prog}: no such file or folder: {ns.path}", file=sys.stderr)
        return 2
    if not episodes:
        print(f"{prog}: no transcripts under {ns.path}", file=sys.stderr)
        return 2
    for ep in episodes:
        for message in ep.errors:
            print(f"{prog}: warning: {ep.relpath}: {message}", file=sys.stderr)
    options = ExportOptions(
        include_private=ns.include_private,
        style=ns.style,
        series=ns.series,
        bom=ns.bom,
        label=ns.label,
    )
    try:
        if ns.fmt == "pdf":
            from reader.export_pdf import write_pdf

            assert out is not None  # checked above: --format pdf needs --out
            write_pdf(out, episodes, options)
        else:
            text = export_text(ns.fmt, episodes, options)
            if out is None:
                sys.stdout.flush()
                sys.stdout.buffer.write(text.encode("utf-8"))
                sys.stdout.buffer.flush()
            else:
                write_export_file(out, text.encode("utf-8"))
    except OSError as exc:
        print(f"{prog}: cannot write {ns.out or 'stdout'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if out is not None:
        count = sum(len(ep.annotations) + len(ep.orphans) for ep in episodes)
        print(
            f"{count} annotation(s) from {len(episodes)} transcript(s) written to {out}",
            file=sys.stderr,
        )
    return 0


def _import_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="transcript-reader import",
        description="Import W3C Web Annotations (a Transcript Reader JSON-LD export, or another "
        "tool's, e.g. Hypothesis) into the matching transcripts of a library.",
    )
    p.add_argument("file", metavar="FILE.jsonld")
    p.add_argument("path", metavar="PATH", nargs="?", help="the library (default: FILE's folder)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    return p


def cmd_import(argv: list[str]) -> int:
    """Run `import` with its arguments (without the subcommand name); returns the exit code."""
    from reader.core.importer import ImportInputError, import_annotations

    ns = _import_parser().parse_args(argv)
    prog = "transcript-reader import"
    file = Path(ns.file)
    if not file.is_file():
        print(f"{prog}: no such file: {ns.file}", file=sys.stderr)
        return 2
    if ns.path is not None and not Path(ns.path).is_dir():
        print(f"{prog}: not a folder: {ns.path}", file=sys.stderr)
        return 2
    try:
        report = import_annotations(file, Path(ns.path) if ns.path else None)
    except ImportInputError as exc:
        print(f"{prog}: {file}: {exc}", file=sys.stderr)
        return 2
    if not ns.quiet:
        for line in report.problems:
            print(f"{prog}: {line}", file=sys.stderr)
        for rel, n in sorted(report.per_file.items()):
            print(f"{n}\t{rel}")
    print(report.summary())
    return 1 if report.failed else 0
