"""Finding a query's passages in the episodes a search shows.

The index has one text row per episode (`reader.core.search_rows`): it finds and ranks the
episodes. The passages that match (blocks of the canonical text, with their offsets, speakers
and match spans) are found only for the episodes a page of results shows:

1. the transcript is parsed (`PassageCache`: kept while the file's size and modification time
   stay the same, so paging and refining a query do not parse it again);
2. its title and blocks are inserted, one row each, into a small in-memory FTS5 table with the
   index's tokenizer (`PassageMatcher`, where they stay while there is room), and the whole
   query is matched against those rows: a passage matches exactly as if every block were
   indexed on its own (all the query's words in the block, none of the words left out), and a
   title hit comes first.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from reader.core.search_query import ParsedQuery
from reader.core.search_rows import MARK_CLOSE, MARK_OPEN, indexable
from reader.core.search_store import TOKENIZER


@dataclass(frozen=True, slots=True)
class Passages:
    """A transcript's canonical text and its non-empty blocks (start, end, speaker)."""

    text: str
    blocks: tuple[tuple[int, int, str | None], ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """One matching passage: its block (None for the title), its text as highlighted."""

    block: tuple[int, int, str | None] | None
    marked: str


class PassageCache:
    """Parsed transcripts by path, thread-safe, the most recently used kept up to `MAX_CHARS`
    characters of text; an entry is used only while the file's size and time are unchanged."""

    #: ≈250 episodes of the benchmark's median size (a page shows up to 20): ≈8 MB of text.
    MAX_CHARS = 8 * 1024 * 1024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[int, int, Passages]] = OrderedDict()
        self._chars = 0

    def get(self, path: Path) -> Passages | None:
        """The passages of the transcript at ``path`` as it is now; None when it cannot be
        read (gone, unreadable, too large)."""
        from reader.core.transcript import MAX_FILE_BYTES, parse_transcript

        key = str(path)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            with self._lock:
                item = self._items.get(key)
                if item is not None and item[:2] == (st.st_size, st.st_mtime_ns):
                    self._items.move_to_end(key)
                    return item[2]
            if st.st_size > MAX_FILE_BYTES:
                return None
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            return None
        finally:
            os.close(fd)
        try:
            transcript = parse_transcript(b"".join(chunks), path)
        except Exception:  # noqa: BLE001 - a parser bug: this episode shows no passages
            return None
        text = transcript.text
        blocks = tuple(
            (b.start, b.end, b.speaker) for b in transcript.blocks if text[b.start : b.end].strip()
        )
        passages = Passages(indexable(text), blocks)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._chars -= len(old[2].text)
            self._items[key] = (st.st_size, st.st_mtime_ns, passages)
            self._chars += len(text)
            while self._chars > self.MAX_CHARS and len(self._items) > 1:
                _key, (_s, _m, dropped) = self._items.popitem(last=False)
                self._chars -= len(dropped.text)
        return passages

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0


class PassageMatcher:
    """Matches a query against transcripts' passages; one per thread (an in-memory SQLite
    database with the index's tokenizer).

    Each transcript's title and blocks are inserted once, as a range of rows, and stay while
    there is room (`MAX_CHARS`): a query matches its passages with one statement restricted to
    that range, so refining a query or paging costs no new tokenizing but for the highlights.
    """

    #: Text kept in the table before it is made anew (its index takes about as much again).
    MAX_CHARS = 8 * 1024 * 1024

    def __init__(self) -> None:
        self.con = sqlite3.connect(":memory:", isolation_level=None)
        self._ranges: dict[int, tuple[Passages, str, int]] = {}
        self._next = 0
        self._chars = self.MAX_CHARS  # the table is made at first use

    def close(self) -> None:
        self.con.close()

    def _first_row(self, passages: Passages, title: str) -> int:
        """The row of the transcript's title; its blocks follow, in order."""
        known = self._ranges.get(id(passages))
        if known is not None and known[0] is passages and known[1] == title:
            return known[2]
        con = self.con
        if self._chars + len(passages.text) > self.MAX_CHARS:
            con.execute("DROP TABLE IF EXISTS part")
            con.execute(
                f"CREATE VIRTUAL TABLE part USING fts5 (body, title, tokenize='{TOKENIZER}')"
            )
            self._ranges.clear()
            self._next, self._chars = 0, 0
        first = self._next
        text = passages.text
        con.execute("BEGIN")
        try:
            con.execute("INSERT INTO part (rowid, body, title) VALUES (?, '', ?)", (first, title))
            con.executemany(
                "INSERT INTO part (rowid, body) VALUES (?, ?)",
                [(first + 1 + k, text[b[0] : b[1]]) for k, b in enumerate(passages.blocks)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self._next = first + 2 + len(passages.blocks)
        self._chars += len(text) + len(title)
        self._ranges[id(passages)] = (passages, title, first)
        return first

    def match(self, passages: Passages, title: str, query: ParsedQuery) -> list[Passage]:
        """The passages of ``passages`` (and the title) that match ``query``: the title first,
        then the blocks in the order of the text. (Not by bm25: its statistics here would be
        those of whichever transcripts the table holds, so the order of an episode's hits
        would change with the searches made before.)"""
        first = self._first_row(passages, title)
        rows = self.con.execute(
            "SELECT rowid, highlight(part, 0, ?1, ?2), highlight(part, 1, ?1, ?2) FROM part "
            "WHERE part MATCH ?3 AND rowid BETWEEN ?4 AND ?5 ORDER BY rowid",
            (MARK_OPEN, MARK_CLOSE, query.fts, first, first + len(passages.blocks)),
        ).fetchall()
        return [
            Passage(None, marked_title)
            if k == first
            else Passage(passages.blocks[k - first - 1], body)
            for k, body, marked_title in rows
        ]
