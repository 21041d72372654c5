"""Finding a query's passages in the episodes a search shows.

The index has one text row per episode (`reader.core.search_rows`): it finds and ranks the
episodes. The passages that match (blocks of the canonical text, with their offsets, speakers
and match spans) are found only for the episodes a page of results shows:

1. the transcript is parsed (`PassageCache`: kept while the file's size and modification time
   stay the same, so paging and refining a query do not parse it again);
2. its whole canonical text is matched once against the query's positive part in a small
   in-memory FTS5 table with the index's tokenizer: the blocks that hold a match are the only
   ones that can match the query;
3. when the query has more than one word, an OR or words left out, those blocks are matched
   against the whole query, one row each: a passage matches exactly as if every block were
   indexed on its own (all the query's words in the block, none of the words left out).

The episode's title and subtitle are matched the same way: a title hit comes first.
"""

from __future__ import annotations

import bisect
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
    starts: tuple[int, ...]
    blocks: tuple[tuple[int, int, str | None], ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """One matching passage: its block (None for the title), its text as highlighted."""

    block: tuple[int, int, str | None] | None
    marked: str


class PassageCache:
    """Parsed transcripts by path, thread-safe, the most recently used kept up to `MAX_CHARS`
    characters of text; an entry is used only while the file's size and time are unchanged."""

    MAX_CHARS = 16 * 1024 * 1024

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
        passages = Passages(indexable(text), tuple(b[0] for b in blocks), blocks)
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
    """Matches a query against one transcript's passages; one per thread (an in-memory
    SQLite database with the index's tokenizer)."""

    #: Whole texts kept in the in-memory table before it is made anew (emptying an FTS5 table
    #: row by row costs as much as filling it, so each text gets a new rowid instead).
    WHOLE_MAX_CHARS = 8 * 1024 * 1024

    def __init__(self) -> None:
        self.con = sqlite3.connect(":memory:", isolation_level=None)
        self.con.execute(
            f"CREATE VIRTUAL TABLE part USING fts5 (body, title, tokenize='{TOKENIZER}')"
        )
        self._whole_rowid = 0
        self._whole_chars = self.WHOLE_MAX_CHARS  # made at first use

    def close(self) -> None:
        self.con.close()

    def _add_whole(self, text: str) -> int:
        con = self.con
        if self._whole_chars + len(text) > self.WHOLE_MAX_CHARS:
            con.execute("DROP TABLE IF EXISTS whole")
            con.execute(f"CREATE VIRTUAL TABLE whole USING fts5 (body, tokenize='{TOKENIZER}')")
            self._whole_chars = 0
        self._whole_rowid += 1
        self._whole_chars += len(text)
        con.execute("INSERT INTO whole (rowid, body) VALUES (?, ?)", (self._whole_rowid, text))
        return self._whole_rowid

    def match(self, passages: Passages, title: str, query: ParsedQuery) -> list[Passage]:
        """The passages of ``passages`` (and the title) that match ``query``, best first: the
        title, then the blocks by bm25 within the episode."""
        con = self.con
        # 2. the blocks that hold a match of a positive term: those a whole-text match marks
        candidates: list[int] = []
        if passages.blocks:
            rowid = self._add_whole(passages.text)
            row = con.execute(
                "SELECT highlight(whole, 0, ?, ?) FROM whole WHERE whole MATCH ? AND rowid = ?",
                (MARK_OPEN, MARK_CLOSE, query.positive_fts, rowid),
            ).fetchone()
            if row is not None:
                candidates = _blocks_marked(passages, row[0])
        # 3. the title and those blocks against the whole query
        con.execute("BEGIN")
        try:
            con.execute("DELETE FROM part")
            con.execute("INSERT INTO part (rowid, body, title) VALUES (0, '', ?)", (title,))
            text = passages.text
            con.executemany(
                "INSERT INTO part (rowid, body) VALUES (?, ?)",
                [(k + 1, text[passages.blocks[k][0] : passages.blocks[k][1]]) for k in candidates],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        rows = con.execute(
            "SELECT rowid, highlight(part, 0, ?1, ?2), highlight(part, 1, ?1, ?2) FROM part "
            "WHERE part MATCH ?3 ORDER BY rowid > 0, bm25(part), rowid",
            (MARK_OPEN, MARK_CLOSE, query.fts),
        ).fetchall()
        return [
            Passage(None, marked_title) if k == 0 else Passage(passages.blocks[k - 1], body)
            for k, body, marked_title in rows
        ]


def _blocks_marked(passages: Passages, marked: str) -> list[int]:
    """The blocks (their indexes, in order) that overlap a marked span of ``marked``: the
    whole text, highlighted."""
    out: list[int] = []
    starts, blocks = passages.starts, passages.blocks
    pos = 0
    for piece_index, piece in enumerate(marked.split(MARK_OPEN)):
        if piece_index == 0:
            pos = len(piece)
            continue
        inside, _sep, after = piece.partition(MARK_CLOSE)
        end = pos + len(inside)
        k = max(0, bisect.bisect_right(starts, pos) - 1)
        while k < len(blocks) and blocks[k][0] < end:
            if blocks[k][1] > pos and (not out or out[-1] < k):
                out.append(k)
            k += 1
        pos = end + len(after)
    return out
