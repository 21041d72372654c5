"""`transcript-reader search PATH QUERY [--json] [--limit N]`: search a library from a terminal.

Updates the library's search index (kept in the user cache folder, never in the library), then
prints the results, best first: grouped by episode for people, or as JSON::

    {"results": [{"path": "...", "title": "...", "speaker": "...", "start": 0, "end": 0,
                  "snippet": "...", "kind": "text", ...}]}

``kind`` is ``"text"`` (a passage: ``start``/``end`` the first match), ``"note"`` (an annotation's
note or tags: ``start``/``end`` its passage) or ``"title"`` (the episode's title or subtitle:
``start`` and ``end`` 0, the top of the episode; the snippet is the title, then the subtitle after
a new line). A title hit ranks above the episode's passages and notes.

Exit codes: 0 success (with or without results), 1 the index could not be built or read,
2 an unusable PATH or query. The query may be one argument or several words; a word starting with
``-`` excludes it (``search . participation -tokenism``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from reader.core.search import SearchResult

PROG = "transcript-reader search"
#: How matches are marked in plain output: bold on a terminal, guillemets elsewhere.
_TTY_MARKS = ("\x1b[1m", "\x1b[0m")
_PLAIN_MARKS = ("«", "»")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``search`` subcommand."""
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Search the transcripts under PATH and their annotations' notes and tags. "
        'Words must all occur; "exact phrase", prefix*, OR, -exclude. Case, accents and word '
        "endings do not matter. The index is updated first and kept in your cache folder.",
    )
    p.add_argument("path", metavar="PATH", help="a folder of transcripts, or one transcript")
    # "*" so that a lone "-word" (an exclusion, taken for an option) still reaches the query
    p.add_argument("query", metavar="QUERY", nargs="*", help="what to look for")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="at most N results (20)"
    )
    return p


def _display_path(result_path: Path, root: Path, typed: str) -> str:
    """The result's path as the user would write it: below PATH as typed when it is a folder."""
    base = root if root.is_dir() else root.parent
    typed_base = Path(typed) if root.is_dir() else Path(typed).parent
    try:
        return str(typed_base / result_path.relative_to(base))
    except ValueError:
        return str(result_path)


def _progress_printer(stream: TextIO) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            stream.write(f"\rIndexing {done}/{total}…")
            if done == total:
                stream.write("\r\x1b[K")
            stream.flush()

    return progress


def cmd_search(argv: list[str]) -> int:
    """Run the subcommand with ``argv`` (the words after ``search``); returns the exit code."""
    from reader.core.search import Index, QueryError, SearchIndexError, check_fts5
    from reader.core.search_query import parse_query

    parser = build_parser()
    try:
        ns, extra = parser.parse_known_args(argv)
        unknown = [a for a in extra if not a.startswith("-") or a in ("-", "--")]
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        if not ns.query and not extra:
            parser.error("the following arguments are required: QUERY")
    except SystemExit as exc:  # argparse's own usage errors (2) and --help (0)
        return exc.code if isinstance(exc.code, int) else 2
    query = " ".join([*ns.query, *extra])  # "-word" arguments are exclusions, not options
    root = Path(ns.path)
    if not root.exists():
        print(f"{PROG}: no such file or folder: {ns.path}", file=sys.stderr)
        return 2
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    try:
        check_fts5()
        with Index(root) as index:
            progress = _progress_printer(sys.stderr) if sys.stderr.isatty() else None
            stats = index.update(progress=progress)
            results = index.search(parsed, ns.limit)
    except QueryError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except SearchIndexError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1 if root.is_dir() or root.is_file() else 2
    for message in stats.errors:
        print(f"{PROG}: warning: {message}", file=sys.stderr)
    resolved = root.resolve()
    if ns.json:
        out = []
        for r in results:
            item = r.to_json()
            item["path"] = _display_path(r.path, resolved, ns.path)
            out.append(item)
        json.dump({"results": out}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        marks = _TTY_MARKS if sys.stdout.isatty() else _PLAIN_MARKS
        _print_plain(results, resolved, ns.path, marks)
    return 0


def _print_plain(
    results: list[SearchResult], root: Path, typed: str, marks: tuple[str, str]
) -> None:
    """Results grouped by episode: title and path, then each hit's speaker, span and snippet."""
    from reader.core.search import group_by_episode

    out = sys.stdout
    if not results:
        out.write("No results.\n")
        return
    for group in group_by_episode(results):
        out.write(f"{group.title}\n  {_display_path(group.path, root, typed)}\n")
        for r in group.results:
            if r.kind == "title":
                out.write("    title\n")
                out.write(f"      {r.marked_snippet(*marks).replace(chr(10), ' · ')}\n")
                continue
            what = "note" if r.kind == "note" else "text"
            where = "orphaned" if r.orphaned else f"{r.start}–{r.end}"
            who = r.speaker or "no speaker"
            tags = f" · tags: {', '.join(r.tags)}" if r.tags else ""
            out.write(f"    {what} · {who} · {where}{tags}\n")
            snippet = r.marked_snippet(*marks).replace("\n", " ")
            out.write(f"      {snippet}\n")
    n_eps = len({r.path for r in results})
    out.write(f"{len(results)} result(s) in {n_eps} episode(s)\n")
