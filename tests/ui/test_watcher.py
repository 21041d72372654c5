"""The window notices changes made outside it: transcripts edited, sidecars replaced, copies."""

from __future__ import annotations

import json
import os
from pathlib import Path

from window_helpers import open_window, write_library

from reader.core.store import AnnotationStore, new_annotation, sidecar_path
from reader.core.transcript import load_transcript
from reader.ui.watcher import EpisodeWatcher


def _watcher(window) -> EpisodeWatcher:  # noqa: ANN001
    watcher = window.findChild(EpisodeWatcher)
    assert watcher is not None
    return watcher


def _annotate_elsewhere(path: Path, quote: str, note: str = "") -> str:
    """Another program (a second window, a sync tool) adds a note and replaces the sidecar."""
    store = AnnotationStore.open(load_transcript(path))
    start = store.transcript.text.index(quote)
    return store.add(new_annotation(store.transcript.text, start, start + len(quote), note=note)).id


def _open_alpha(qtbot, lib: Path):  # noqa: ANN001, ANN202
    window = open_window(qtbot, lib)
    window.open_episode(str(lib / "alpha.md"))
    qtbot.waitUntil(lambda: str(window.transcript.path) == str(lib / "alpha.md"), timeout=5000)
    qtbot.wait(50)  # the watcher settles after the episode is shown
    return window


def test_the_open_episode_and_library_are_watched(qtbot, tmp_path):
    lib = write_library(tmp_path / "lib")
    window = _open_alpha(qtbot, lib)
    watched = _watcher(window).watched()
    assert str(lib) in watched and str(window.transcript.path) in watched


def test_sidecar_replaced_by_another_program_appears_in_the_model(qtbot, tmp_path):
    lib = write_library(tmp_path / "lib")
    window = _open_alpha(qtbot, lib)
    path = window.transcript.path
    watcher = _watcher(window)
    with qtbot.waitSignal(watcher.merged, timeout=5000):
        new_id = _annotate_elsewhere(path, "Respite that is planned", note="from the other window")
    qtbot.waitUntil(lambda: window.model.get(new_id) is not None, timeout=5000)
    assert window.model.get(new_id).note == "from the other window"
    assert "Merged 1 note" in window.status_label.text()


def test_a_deletion_elsewhere_is_honoured(qtbot, tmp_path):
    lib = write_library(tmp_path / "lib")
    path = lib / "alpha.md"
    ann_id = _annotate_elsewhere(path, "unpaid carers")
    window = _open_alpha(qtbot, lib)
    assert window.model.get(ann_id) is not None
    other = AnnotationStore.open(load_transcript(path))
    other.delete(ann_id)
    qtbot.waitUntil(lambda: window.model.get(ann_id) is None, timeout=5000)
    assert sidecar_path(path).exists()


def _selectors(path: Path) -> dict[str, dict]:
    """id → (TextPositionSelector, x-status, textSha256) as written in the sidecar."""
    page = json.loads(sidecar_path(path).read_text("utf-8"))
    out = {}
    for item in page["items"]:
        (position,) = [s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector"]
        out[item["id"]] = {
            "start": position["start"],
            "end": position["end"],
            "status": item.get("x-status", "anchored"),
            "sha": page["document"]["textSha256"],
        }
    return out


def test_edited_transcript_is_reanchored_and_the_user_told(qtbot, tmp_path):
    lib = write_library(tmp_path / "lib")
    path = lib / "alpha.md"
    kept_quote, lost_quote = "being asked what you need", "Respite that is planned"
    kept = _annotate_elsewhere(path, kept_quote)
    lost = _annotate_elsewhere(path, lost_quote)
    window = _open_alpha(qtbot, lib)
    assert str(window.transcript.path) == str(path)
    old_text = window.transcript.text
    old_start = old_text.index(kept_quote)
    assert window.model.get(kept).start == old_start
    watcher = _watcher(window)
    text = path.read_text("utf-8")
    edited = text.replace("AL Welcome", "AL Hello and welcome").replace(
        "BR Respite that is planned with the carer, not for them.\n", "BR Something else.\n"
    )
    with qtbot.waitSignal(watcher.reanchored, timeout=5000) as signal:
        path.write_text(edited, "utf-8")
    # the kept passage is found word for word (not "moved"), the other one is gone
    assert signal.args == [str(path), 0, 1]
    new_text = load_transcript(path).text
    assert window.transcript.text == new_text and new_text != old_text
    new_start = new_text.index(kept_quote)
    assert new_start == old_start + len("Hello and ")
    expected = "Reloaded: 1 annotation moved, 1 lost its passage (see Lost passages)"
    qtbot.waitUntil(lambda: window.status_label.text() == expected, timeout=5000)

    moved, orphan = window.model.get(kept), window.model.get(lost)
    assert (moved.status, moved.start, moved.end) == (
        "anchored", new_start, new_start + len(kept_quote)
    )  # fmt: skip
    assert new_text[moved.start : moved.end] == kept_quote
    assert orphan.status == "orphaned" and orphan.exact == lost_quote
    assert [a.id for a in window.model.store.orphans] == [lost]

    # re-opening wrote nothing: the sidecar still has the old positions and text hash
    new_sha = window.transcript.sha256
    on_disk = _selectors(path)
    assert on_disk[kept]["start"] == old_start and on_disk[kept]["sha"] != new_sha
    assert on_disk[lost]["status"] == "anchored"

    # the next save writes the new positions, the orphan's status and the new hash
    start = new_text.index("Thank you")
    window.model.add(new_annotation(new_text, start, start + len("Thank you")))
    on_disk = _selectors(path)
    assert {k: on_disk[k] for k in (kept, lost)} == {
        kept: {"start": new_start, "end": new_start + len(kept_quote), "status": "anchored",
               "sha": new_sha},
        lost: {"start": orphan.start, "end": orphan.end, "status": "orphaned", "sha": new_sha},
    }  # fmt: skip


def test_conflict_copy_appearing_is_merged_and_set_aside(qtbot, tmp_path):
    lib = write_library(tmp_path / "lib")
    path = lib / "alpha.md"
    _annotate_elsewhere(path, "unpaid carers")
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    (other_dir / "alpha.md").write_bytes(path.read_bytes())
    (other_dir / "alpha.md.annotations.json").write_bytes(sidecar_path(path).read_bytes())
    theirs = _annotate_elsewhere(other_dir / "alpha.md", "The first thing that helps")
    window = _open_alpha(qtbot, lib)
    copy = lib / "alpha.md.annotations.sync-conflict-20240101-120000-ABCDEFG.json"
    copy.write_bytes((other_dir / "alpha.md.annotations.json").read_bytes())
    qtbot.waitUntil(lambda: window.model.get(theirs) is not None, timeout=5000)
    qtbot.waitUntil(lambda: not copy.exists(), timeout=5000)
    assert "set aside" in window.status_label.text() or copy.name in window.status_label.text()
    assert theirs in sidecar_path(path).read_text("utf-8")


def test_renamed_transcript_keeps_its_notes_and_is_offered_for_relinking(qtbot, tmp_path):
    lib = write_library(tmp_path / "lib")
    path = lib / "alpha.md"
    _annotate_elsewhere(path, "unpaid carers")
    window = _open_alpha(qtbot, lib)
    assert str(window.transcript.path) == str(path)
    said: list[str] = []
    _watcher(window).message.connect(said.append)
    os.rename(path, lib / "alpha-renamed.md")
    qtbot.waitUntil(lambda: any("deleted or renamed" in m for m in said), timeout=5000)
    assert any("alpha-renamed.md" in m and "Recover" in m for m in said)
    assert sidecar_path(path).exists()
    qtbot.waitUntil(lambda: not window.loader.is_loading(), timeout=10_000)
