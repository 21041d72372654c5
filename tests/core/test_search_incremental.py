"""Incremental index updates agree with an index built from scratch: files added, changed,
touched and removed in any order, updates small and large (written one by one or without
syncing, with the switch midway), searched after every step."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from reader.core.search import Index

WORDS = "care support policy families worker night café tokenism".split()
QUERIES = ["care", "policy OR night", '"care support"', "café -worker", "famil*"]


class IndexedLibrary(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="incremental-"))
        self.root = self.tmp / "lib"
        self.root.mkdir()
        self.time = 1_600_000_000
        self.builds = 0

    def _write(self, name: str, words: list[str]) -> None:
        body = "\n\n".join(f"AB {' '.join(words[i : i + 3])}." for i in range(0, len(words), 3))
        path = self.root / name
        path.write_text(f"---\ntitle: {name[:-3]}\n---\nAB - Ann Bee\n\n{body}\n", "utf-8")
        self.time += 60
        os.utime(path, (self.time, self.time))

    def _index(self, file: str) -> Index:
        idx = Index(self.root, index_file=self.tmp / file)
        idx.WORKERS = 0
        idx.PARALLEL_MIN = 3  # "large" from 3 files to read: both paths and the switch
        return idx

    @initialize()
    def start(self) -> None:
        self.index = self._index("kept.sqlite3")

    @rule(name=st.sampled_from([f"ep{i}.md" for i in range(8)]),
          words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=9))  # fmt: skip
    def write(self, name: str, words: list[str]) -> None:
        self._write(name, words)

    @rule(names=st.lists(st.sampled_from([f"ep{i}.md" for i in range(8)]), min_size=3,
                         max_size=6, unique=True),
          words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))  # fmt: skip
    def write_many(self, names: list[str], words: list[str]) -> None:
        for k, name in enumerate(names):
            self._write(name, words[k % len(words) :] + words[: k % len(words)])

    @rule(name=st.sampled_from([f"ep{i}.md" for i in range(8)]))
    def remove(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)

    @rule(name=st.sampled_from([f"ep{i}.md" for i in range(8)]))
    def touch(self, name: str) -> None:
        path = self.root / name
        if path.exists():
            self.time += 60
            os.utime(path, (self.time, self.time))

    @rule()
    def update(self) -> None:
        stats = self.index.update()
        assert not stats.errors and not stats.cancelled

    @invariant()
    def agrees_with_a_fresh_index(self) -> None:
        self.index.update()
        self.builds += 1
        fresh = self._index(f"fresh{self.builds}.sqlite3")
        fresh.update()
        for query in QUERIES:
            kept = [(r.path, r.kind, r.start, r.end) for r in self.index.search(query, limit=500)]
            new = [(r.path, r.kind, r.start, r.end) for r in fresh.search(query, limit=500)]
            assert sorted(kept) == sorted(new), query
        fresh.close()

    def teardown(self) -> None:
        self.index.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


IndexedLibrary.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestIndexedLibrary = IndexedLibrary.TestCase
