"""The store across processes: concurrent writers, and saves killed at random moments."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core import sidecar
from reader.core.store import AnnotationStore, new_annotation, sidecar_path
from reader.core.transcript import EpisodeMeta, Transcript

WANTED_IN_SAVE = 5  # kills that must be seen landing between "begin" and "ok"
TEXT = " ".join(f"Sentence number {i} of the long interview about floods." for i in range(400))

# A child process: opens the store of <folder>/episode.md (text from <folder>/text.txt), waits
# for <folder>/go (if given), then adds <count> annotations (count 0: forever), printing
# "begin <id>" just before add() and "ok <id>" once it has returned (its save is acknowledged).
CHILD = r"""
import sys, time
from pathlib import Path
from reader.core.store import AnnotationStore, new_annotation
from reader.core.transcript import EpisodeMeta, Transcript

folder, count, go = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
text = (folder / "text.txt").read_text("utf-8")
store = AnnotationStore.open(
    Transcript(meta=EpisodeMeta(path=folder / "episode.md", title="t"), text=text, blocks=[])
)
print("ready", flush=True)
if go:
    while not Path(go).exists():
        time.sleep(0.001)
i = 0
while count == 0 or i < count:
    start = (i * 37) % (len(text) - 40)
    ann = new_annotation(text, start, start + 20, note=f"{sys.argv[4]} {i}")
    print("begin", ann.id, flush=True)
    store.add(ann)
    print("ok", ann.id, flush=True)
    i += 1
"""


def _acknowledged(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.startswith("ok ")]


def _in_flight(out: str) -> str | None:
    """The id whose add() had begun but not returned when the child stopped, if any."""
    lines = out.splitlines()
    last = lines[-1].split() if lines else []
    return last[1] if len(last) == 2 and last[0] == "begin" else None


def _transcript(folder: Path) -> Transcript:
    (folder / "text.txt").write_text(TEXT, "utf-8")
    return Transcript(meta=EpisodeMeta(path=folder / "episode.md", title="t"), text=TEXT, blocks=[])


def _child(folder: Path, count: int, go: str = "", name: str = "child") -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), str(count), go, name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),  # the same TRANSCRIPT_READER_HOME: the same lock folder
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return proc


@pytest.mark.parametrize("writers", [2, 4])
def test_processes_adding_at_once_keep_all_annotations(tmp_path, writers):
    t = _transcript(tmp_path)
    go = tmp_path / "go"
    count = 100 // writers
    names = ("one", "two", "three", "four")[:writers]
    children = [_child(tmp_path, count, str(go), name) for name in names]
    go.touch()
    ids = []
    for proc in children:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        ids.append(_acknowledged(out))
    assert [len(i) for i in ids] == [count] * writers

    store = AnnotationStore.open(t)
    assert store.errors == []
    assert {a.id for a in store.annotations} == set().union(*ids)
    assert len(store.annotations) == count * writers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["episode.md.annotations.json", "go",
                                                          "text.txt"]  # fmt: skip


def test_killed_saves_never_lose_acknowledged_annotations(tmp_path):
    """SIGKILL a process that saves in a loop, many times: the sidecar always parses and holds
    every annotation whose save returned ("ok"). Kills are repeated, at random moments, until
    enough of them are seen to land inside a save (between "begin" and "ok")."""
    t = _transcript(tmp_path)
    seed = AnnotationStore.open(t)
    for i in range(300):  # a sidecar of some size, so that kills land inside writes
        seed.add(new_annotation(TEXT, i * 50, i * 50 + 30, note=f"seed {i}"))
    acknowledged = {a.id for a in seed.annotations}
    path = sidecar_path(t.path)
    rng = random.Random(1962)
    rounds = in_save = 0
    deadline = time.monotonic() + 90
    while rounds < 25 or in_save < WANTED_IN_SAVE:
        assert time.monotonic() < deadline, f"{in_save} of {rounds} kills landed inside a save"
        proc = _child(tmp_path, 0, name=f"round{rounds}")
        time.sleep(rng.uniform(0.0, 0.25))
        proc.kill()
        out, _err = proc.communicate(timeout=30)
        acknowledged.update(_acknowledged(out))
        in_flight = _in_flight(out)
        in_save += in_flight is not None
        rounds += 1

        parsed = sidecar.parse(path.read_bytes())  # never truncated or half written
        on_disk = {i["id"] for i in parsed.items if not i.get("deleted")}
        missing = acknowledged - on_disk
        assert not missing, f"round {rounds}: {len(missing)} acknowledged annotations lost"

    assert in_save >= WANTED_IN_SAVE
    store = AnnotationStore.open(t)
    assert store.errors == [] and {a.id for a in store.annotations} >= acknowledged
    store.add(new_annotation(TEXT, 0, 10))  # the first save sweeps temp files of killed saves
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
