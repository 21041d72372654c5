"""Synthetic libraries built from the real corpus's statistics, deterministic for a seed.

The corpus is ``../shared/corpus`` beside the checkout when present, else the bundled sample
library. Each synthetic episode takes the front matter of a real transcript (its shape: YAML or
TOML, its keys, speakers, dates) with a new title, and a body of that transcript's paragraphs
(speaker key first, then turns) resampled to a size drawn from the corpus's size distribution.
Libraries are generated once into the system temp folder, keyed by size, seed and generator
version, and reused by later runs (a folder without its ``.complete`` marker is made again).
Besides the 100, 1,000 and 10,000 libraries and the 250 KB transcript of the standard table, the
opt-in scale rows use a 50,000-episode library (≈1.7 GB) and a ≈2 MB transcript with 2,000
annotations (`huge_transcript`), made the same way.

    .venv/bin/python -m tests.benchmarks.generate 100 1000 10000 50000
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "resources" / "sample"
GENERATOR_VERSION = 2
CACHE = Path(tempfile.gettempdir()) / "transcript-reader-bench"
T0 = 1_600_000_000  # mtimes are fixed: old enough never to be "racily clean"
LONG_BYTES = 250_000
LONG_ANNOTATIONS = 2_000
#: The scale rows (opt-in, ``--only scale``): past the targets, no target of their own.
SCALE_LIBRARY = 50_000
HUGE_BYTES = 2_000_000
PER_FOLDER = 400

_FM = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?\n)\1[ \t]*\n", re.S)
_TITLE = re.compile(r"^title\s*[:=].*$", re.M)
_WORDS = (
    "care support practice voices community future rights lightning bitcoin privacy security "
    "patch kernel open source design interview review listening stories research policy children "
    "families carers health youth justice recovery learning network protocol wallet release"
).split()


@dataclass(slots=True)
class Source:
    name: str
    front: str  # the whole front matter block, delimiters included ("" when none)
    kind: str  # "---", "+++" or ""
    head: list[str]  # the first paragraphs (speaker key, intro)
    paragraphs: list[str]
    size: int


def corpus_dir() -> Path:
    return CORPUS if CORPUS.is_dir() else SAMPLE


def load_sources(folder: Path | None = None) -> list[Source]:
    folder = folder or corpus_dir()
    out: list[Source] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".md", ".markdown", ".txt") or path.name.startswith("."):
            continue
        text = path.read_text("utf-8", errors="replace").replace("\r\n", "\n")
        m = _FM.match(text)
        front, kind, body = (m.group(0), m.group(1), text[m.end() :]) if m else ("", "", text)
        paras = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
        if len(paras) < 3:
            continue
        out.append(Source(path.parent.name, front, kind, paras[:2], paras[2:], len(text.encode())))
    if not out:
        raise SystemExit(f"no usable transcripts in {folder}")
    return out


def _title(rng: random.Random, i: int) -> str:
    words = rng.sample(_WORDS, 3)
    return f"{words[0].capitalize()} {words[1]} and {words[2]}, part {i}"


def _front(src: Source, title: str) -> str:
    if not src.front:
        return f"# {title}\n\n"
    line = f'title = "{title}"' if src.kind == "+++" else f'title: "{title}"'
    if _TITLE.search(src.front):
        return _TITLE.sub(lambda _m: line, src.front, count=1)
    return src.front.replace("\n", f"\n{line}\n", 1)


def _body(rng: random.Random, src: Source, target: int) -> str:
    parts = list(src.head)
    size = sum(len(p) + 2 for p in parts)
    i = rng.randrange(len(src.paragraphs))
    while size < target:
        p = src.paragraphs[i % len(src.paragraphs)]
        if rng.random() < 0.1:  # a little variety so episodes are not copies of each other
            p = p + " " + " ".join(rng.sample(_WORDS, 4)) + "."
        parts.append(p)
        size += len(p.encode()) + 2
        i += 1 if rng.random() < 0.8 else rng.randrange(1, 7)
    return "\n\n".join(parts) + "\n"


def library(size: int, seed: int = 1) -> Path:
    """A library of ``size`` episodes (generated once, then reused)."""
    root = CACHE / f"lib-{size}-seed{seed}-v{GENERATOR_VERSION}"
    if (root / ".complete").exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    sources = load_sources()
    sizes = sorted(s.size for s in sources)
    for i in range(size):
        src = rng.choice(sources)
        target = max(2_000, int(rng.choice(sizes) * rng.uniform(0.8, 1.2)) - len(src.front))
        title = _title(rng, i)
        folder = root / src.name / f"part-{i // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        path = folder / f"{i:05d}-{slug}.md"
        path.write_text(_front(src, title) + _body(rng, src, target), "utf-8")
        os.utime(path, (T0 + i * 60, T0 + i * 60))
    (root / ".complete").write_text("ok\n", "utf-8")
    return root


def long_transcript(
    seed: int = 1, size: int = LONG_BYTES, annotations: int = LONG_ANNOTATIONS
) -> Path:
    """A folder holding one long transcript (≈``size`` bytes; 250 KB by default) with
    ``annotations`` annotations in its sidecar (generated once, then reused)."""
    if (size, annotations) == (LONG_BYTES, LONG_ANNOTATIONS):
        folder = CACHE / f"long-seed{seed}-v{GENERATOR_VERSION}"  # the name earlier runs used
    else:
        folder = CACHE / f"long-{size}-{annotations}-seed{seed}-v{GENERATOR_VERSION}"
    path = folder / "long-episode.md"
    if (folder / ".complete").exists():
        return path
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    src = max(load_sources(), key=lambda s: s.size)
    title = "A very long conversation" if size == LONG_BYTES else "An extremely long conversation"
    path.write_text(_front(src, title) + _body(rng, src, size), "utf-8")
    os.utime(path, (T0, T0))
    write_annotations(path, annotations, rng)
    (folder / ".complete").write_text("ok\n", "utf-8")
    return path


def huge_transcript(seed: int = 1) -> Path:
    """A folder holding one ≈2 MB transcript with 2,000 annotations (the scale rows)."""
    return long_transcript(seed, HUGE_BYTES, LONG_ANNOTATIONS)


def write_annotations(path: Path, count: int, rng: random.Random) -> None:
    """``count`` annotations on word-bounded spans, written with the sidecar module."""
    from reader.core import sidecar
    from reader.core.annotations import to_w3c
    from reader.core.store import new_annotation, sidecar_path
    from reader.core.transcript import load_transcript

    transcript = load_transcript(path)
    text = transcript.text
    starts = [m.start() for m in re.finditer(r"\b\w", text)]
    colors = ["yellow", "green", "blue", "pink", "purple"]
    doc_id = sidecar.new_document_id()
    chunks = []
    anns = []
    for k in range(count):
        s = starts[rng.randrange(len(starts) - 40)]
        e = min(len(text), s + rng.randint(20, 160))
        while e < len(text) and text[e - 1].isalnum():
            e += 1
        if "\n" in text[s:e]:
            e = s + text[s:e].index("\n")
        if e - s < 3:
            e = s + 3
        anns.append(
            new_annotation(
                text,
                s,
                e,
                color=colors[k % 5],
                note=f"note {k}" if k % 3 == 0 else "",
                tags=["bench"] if k % 7 == 0 else [],
                creator="bench",
            )  # fmt: skip
        )
    anns.sort(key=lambda a: (a.start, a.end, a.id))
    chunks = [sidecar.item_chunk(to_w3c(a, doc_id)) for a in anns]
    header = sidecar.make_header(
        None, document_id=doc_id, path=path.name, sha256=transcript.sha256, length=len(text)
    )
    sidecar.atomic_write(sidecar_path(path), sidecar.dumps(header, chunks))


if __name__ == "__main__":
    import sys

    for n in [int(x) for x in (sys.argv[1:] or ["100"])]:
        print(library(n))
    print(long_transcript())
    if any(int(x) > 10_000 for x in sys.argv[1:]):
        print(huge_transcript())
