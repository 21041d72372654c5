"""Finding notes that need the user's attention, and re-linking notes to a renamed transcript.

- :func:`find_relinks`: sidecars whose transcript is gone (deleted or renamed) matched, by the
  canonical-text hash recorded in their header, to a transcript of the library;
- :func:`relink`: give such a sidecar the transcript's name (or merge it into that transcript's
  own sidecar), so the notes show again;
- :func:`scan`: every problem of a library the Recover view lists (orphaned annotations,
  sidecars that cannot be read, transcripts that cannot be parsed, re-link offers, conflict copies
  that were set aside).

Nothing here deletes anything: a merged sidecar is moved to ``user_data_dir()/relinked/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import filelock

from reader.core import conflicts, paths, sidecar
from reader.core.library import iter_transcript_paths
from reader.core.locations import lock_path, private_path, sidecar_path, transcript_of_sidecar
from reader.core.sidecar import SUFFIX, SidecarError
from reader.core.store import LOCK_TIMEOUT, AnnotationStore, StoreError
from reader.core.transcript import Transcript, load_transcript

__all__ = [
    "Finding",
    "ScanCancelled",
    "find_relinks",
    "orphan_sidecars",
    "relink",
    "relinked_root",
    "scan",
]


def relinked_root() -> Path:
    """Sidecars merged into another one by :func:`relink` are kept here (``<date>/``)."""
    return paths.user_data_dir() / "relinked"


def _sidecars(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(SUFFIX) and not name.startswith("."):
                yield Path(dirpath) / name


def orphan_sidecars(root: Path) -> list[Path]:
    """Sidecars below ``root`` whose transcript does not exist (deleted, renamed or moved)."""
    root = Path(root)
    if root.is_file():
        root = root.parent
    return [p for p in _sidecars(root) if not transcript_of_sidecar(p).exists()]


def _header(path: Path) -> sidecar.Parsed | None:
    try:
        return sidecar.parse(path.read_bytes())
    except (OSError, SidecarError):
        return None


def find_relinks(
    root: Path, *, loaded: dict[Path, Transcript] | None = None
) -> list[tuple[Path, Path]]:
    """``(orphan sidecar, transcript)`` pairs whose canonical text hashes match.

    A transcript already carrying the orphan's document id in its own sidecar is not offered.
    Transcripts in the orphan's own folder come first. ``loaded`` may hold transcripts parsed
    already (path → Transcript); more are added to it as they are parsed.
    """
    orphans = [(p, h) for p in orphan_sidecars(root) if (h := _header(p)) is not None]
    wanted = {h.document.get("textSha256") for _, h in orphans} - {None}
    if not wanted:
        return []
    loaded = {} if loaded is None else loaded
    by_sha: dict[str, list[Path]] = {}
    for path in iter_transcript_paths(root):
        if path not in loaded:
            loaded[path] = load_transcript(path)
        by_sha.setdefault(loaded[path].sha256, []).append(path)
    pairs = []
    for orphan, header in orphans:
        sha = header.document.get("textSha256")
        matches = by_sha.get(sha, []) if isinstance(sha, str) else []
        matches = sorted(matches, key=lambda t: (t.parent != orphan.parent, str(t)))
        for transcript in matches:
            own = _header(sidecar_path(transcript))
            if own is not None and own.document_id == header.document_id:
                continue
            pairs.append((orphan, transcript))
    return pairs


def relink(orphan: Path, transcript: Path) -> Path:
    """Attach the notes of ``orphan`` (a sidecar without its transcript) to ``transcript``.

    When the transcript has no sidecar yet, the orphan is renamed to it (its bytes, document id
    and hence private notes unchanged). Otherwise its notes (and the private notes kept under its
    document id) are merged into the transcript's store and saved, and the orphan is moved to
    ``relinked_root()``. Returns the sidecar that now holds the notes. Raises SidecarError when the
    orphan cannot be read or was written by a newer version, StoreError when saving fails.
    """
    parsed = sidecar.parse(orphan.read_bytes())
    if parsed.newer:
        raise SidecarError("newer", f"{orphan.name} was written by a newer version")
    target = sidecar_path(transcript)
    lock_file = lock_path(target)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with filelock.FileLock(lock_file, timeout=LOCK_TIMEOUT):
            if not target.exists():
                os.rename(orphan, target)
                return target
    except filelock.Timeout:
        raise StoreError(f"Cannot re-link: {target} is being saved by another program") from None
    store = AnnotationStore.open(load_transcript(transcript))
    if store.read_only or store.errors:
        raise StoreError(f"Cannot re-link into {target.name}: " + "; ".join(store.errors))
    store.merge_file(orphan)
    old_private = private_path(parsed.document_id) if parsed.document_id else None
    if old_private is not None and old_private != store.private_path and old_private.exists():
        store.merge_file(old_private, private=True)
    store.save()
    conflicts.set_aside(orphan, into=relinked_root())
    return target


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the Recover view lists, and what the user can do about it.

    ``kind``: "orphan" (an annotation whose passage is gone), "unreadable" (a sidecar or private
    file that cannot be read; left untouched), "unparsed" (a transcript that cannot be parsed),
    "relink" (notes whose transcript was renamed), "set-aside" (a merged sync-conflict copy).
    """

    kind: str
    path: Path  # the transcript, sidecar or copy concerned
    title: str
    detail: str = ""
    annotation_id: str | None = None
    target: Path | None = None  # relink: the transcript; set-aside: where the copy is now


class ScanCancelled(Exception):
    """`scan` was told to stop (its ``cancel`` returned true)."""


def scan(
    root: Path,
    *,
    only: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[Finding]:
    """Everything under ``root`` that needs attention (``only``: orphans of that transcript only).

    Reads only; takes no lock and writes nothing, so it may run in any thread. Every transcript
    is parsed (a few milliseconds each): ``progress(done, total)`` is called before each and
    once all are done, and when ``cancel()`` returns true the scan stops with `ScanCancelled`.
    """
    root = Path(root)
    found: list[Finding] = []
    loaded: dict[Path, Transcript] = {}
    transcripts = list(iter_transcript_paths(root))
    for done, path in enumerate(transcripts):
        if cancel is not None and cancel():
            raise ScanCancelled
        if progress is not None:
            progress(done, len(transcripts))
        t = loaded[path] = load_transcript(path)
        if not t.text and t.meta.errors:
            found.append(Finding("unparsed", path, path.name, "; ".join(t.meta.errors)))
        if only is not None and path != only:
            continue
        if not sidecar_path(path).exists():
            continue
        store = AnnotationStore.open(t, read_only=True)
        for error in store.errors:
            found.append(Finding("unreadable", sidecar_path(path), sidecar_path(path).name, error))
        for ann in store.orphans:
            title = f"{path.name}: “{ann.exact[:80]}”"
            found.append(Finding("orphan", path, title, ann.note, annotation_id=ann.id))
    if progress is not None:
        progress(len(transcripts), len(transcripts))
    for orphan in orphan_sidecars(root):
        if _header(orphan) is None:
            found.append(
                Finding("unreadable", orphan, orphan.name, "not a sidecar this version reads")
            )
    for orphan, transcript in find_relinks(root, loaded=loaded):
        detail = f"The notes in {orphan.name} belong to {transcript.name} (same text)."
        found.append(Finding("relink", orphan, orphan.name, detail, target=transcript))
    for item in conflicts.list_set_aside(root.resolve()):
        detail = f"Merged and moved here from {item.original.parent} on {item.time[:10]}."
        found.append(
            Finding("set-aside", item.stored, item.original.name, detail, target=item.stored)
        )
    return found
