"""The annotation sidebar: row-level updates, filters, sorting, orphans and the note editor."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoStack
from window_helpers import annotation_model, open_window, press, saved, select_text, write_library

from reader.core.annotations import Annotation
from reader.core.store import new_annotation
from reader.ui.annotation_delegate import AnnotationRole, wrap_lines
from reader.ui.annotation_model import AnnotationModel
from reader.ui.annotation_sidebar import EMPTY_TEXT, AnnotationSidebar
from reader.ui.commands import CreateAnnotationCommand

TEXT = (
    "---\ntitle: T\n---\nAL - Ann Lee\n\nAL Alpha beta gamma delta epsilon zeta eta theta.\n\n"
    "AL Iota kappa lambda mu nu xi omicron pi rho sigma.\n"
)


@pytest.fixture
def model(qtbot, tmp_path: Path) -> AnnotationModel:
    return annotation_model(tmp_path, TEXT)


@pytest.fixture
def sidebar(qtbot, model: AnnotationModel) -> AnnotationSidebar:
    widget = AnnotationSidebar(model)
    qtbot.addWidget(widget)
    widget.set_color_meanings({"yellow": "Key point", "pink": "Disagree"})
    widget.resize(340, 700)
    return widget


def add(model: AnnotationModel, word: str, **kw) -> str:
    text = model.store.transcript.text
    start = text.index(word)
    ann = new_annotation(text, start, start + len(word), **kw)
    model.add(ann)
    return ann.id


def rows(proxy) -> list[str]:
    return [proxy.index(r, 0).data(AnnotationRole).exact for r in range(proxy.rowCount())]


def test_empty_state(sidebar: AnnotationSidebar) -> None:
    assert sidebar.empty_label.text() == EMPTY_TEXT
    assert sidebar.empty_label.isVisibleTo(sidebar) and not sidebar.view.isVisibleTo(sidebar)


def test_changes_are_row_level_not_resets(qtbot, model, sidebar: AnnotationSidebar) -> None:
    first = add(model, "beta", creator="Ann")
    resets: list[int] = []
    sidebar.model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(sidebar.model.rowsInserted):
        add(model, "kappa", creator="Bob", color="pink")
    with qtbot.waitSignal(sidebar.model.dataChanged):
        model.update(replace(model.get(first), note="a note"))
    with qtbot.waitSignal(sidebar.model.rowsRemoved):
        model.delete(first)
    assert resets == [] and rows(sidebar.proxy) == ["kappa"]


def test_filter_by_colour_tag_author_and_text(model, sidebar: AnnotationSidebar) -> None:
    add(model, "beta", creator="Ann", tags=["greek"], note="first letter-ish")
    add(model, "kappa", creator="Bob", color="pink")
    add(model, "sigma", creator="Ann", color="pink", tags=["greek", "end"])
    assert rows(sidebar.proxy) == ["beta", "kappa", "sigma"]
    sidebar.color_combo.setCurrentIndex(sidebar.color_combo.findData("pink"))
    assert rows(sidebar.proxy) == ["kappa", "sigma"]
    sidebar.tag_combo.setCurrentIndex(sidebar.tag_combo.findData("greek"))
    assert rows(sidebar.proxy) == ["sigma"]
    sidebar.color_combo.setCurrentIndex(0)
    sidebar.author_combo.setCurrentIndex(sidebar.author_combo.findData("Ann"))
    assert rows(sidebar.proxy) == ["beta", "sigma"]
    sidebar.tag_combo.setCurrentIndex(0)
    sidebar.filter_edit.setText("letter")
    assert rows(sidebar.proxy) == ["beta"]
    assert sidebar.count_label.text() == "1 of 3"


def test_sort_by_position_created_modified(model, sidebar: AnnotationSidebar) -> None:
    add(model, "sigma")
    add(model, "beta")
    kappa = add(model, "kappa")
    assert rows(sidebar.proxy) == ["beta", "kappa", "sigma"]
    sidebar.sort_combo.setCurrentIndex(sidebar.sort_combo.findData("created"))
    assert rows(sidebar.proxy) == ["kappa", "beta", "sigma"]
    model.update(replace(model.get(kappa), note="x"))
    sidebar.sort_combo.setCurrentIndex(sidebar.sort_combo.findData("modified"))
    assert rows(sidebar.proxy)[0] == "kappa"


def test_orphans_have_their_own_section(model, sidebar: AnnotationSidebar) -> None:
    live = add(model, "beta")
    lost = add(model, "kappa")
    model.update(replace(model.get(lost), status="orphaned"))
    assert rows(sidebar.proxy) == ["beta"]
    assert rows(sidebar.orphan_proxy) == ["kappa"]
    assert sidebar.orphan_title.isVisibleTo(sidebar)
    assert "could not be found" in sidebar.orphan_help.text()
    requested: list[str] = []
    sidebar.reattachRequested.connect(requested.append)
    sidebar.deleteRequested.connect(requested.append)
    sidebar.orphan_view.setCurrentIndex(sidebar.orphan_proxy.index(0, 0))
    sidebar.reattach_button.click()
    sidebar.delete_orphan_button.click()
    assert requested == [lost, lost]
    sidebar.select_annotation(live)
    assert not sidebar.reattach_button.isEnabled()


def test_note_editor_saves_after_a_pause(qtbot, model, sidebar: AnnotationSidebar) -> None:
    ann = add(model, "gamma")
    sidebar.select_annotation(ann)
    assert sidebar.note_edit.isEnabled() and sidebar.note_edit.isVisibleTo(sidebar)
    assert sidebar.note_edit.toPlainText() == ""
    assert sidebar.note_edit.placeholderText() == "Write a note…"  # not "Select an annotation…"
    with qtbot.waitSignal(sidebar.noteEditRequested, timeout=3000) as blocker:
        qtbot.keyClicks(sidebar.note_edit, "Third letter")
    assert blocker.args == [ann, "Third letter"]
    sidebar.select_annotation(None)
    assert not sidebar.note_edit.isEnabled() and not sidebar.note_edit.isVisibleTo(sidebar)


def test_moved_annotation_can_be_confirmed(qtbot, model, sidebar: AnnotationSidebar) -> None:
    ann = add(model, "delta")
    model.update(replace(model.get(ann), status="moved"))
    sidebar.select_annotation(ann)
    assert sidebar.confirm_button.isVisibleTo(sidebar)
    with qtbot.waitSignal(sidebar.confirmMovedRequested) as blocker:
        sidebar.confirm_button.click()
    assert blocker.args == [ann]


def test_delegate_paints_every_kind_of_entry(qtbot, model, sidebar: AnnotationSidebar) -> None:
    add(model, "beta", note="A fairly long note " * 10, tags=["one", "two", "three"], private=True)
    moved = add(model, "kappa")
    model.update(replace(model.get(moved), status="moved"))
    image = sidebar.grab().toImage()  # renders (and so paints every entry) without a window
    assert not image.isNull()
    heights = [sidebar.view.sizeHintForIndex(sidebar.proxy.index(r, 0)).height() for r in range(2)]
    assert heights[0] > heights[1]  # the note and tags take room


def test_wrap_lines_elides_the_last_line(qtbot, sidebar: AnnotationSidebar) -> None:
    font = sidebar.font()
    lines = wrap_lines("word " * 200, font, 120, 2)
    assert len(lines) == 2 and lines[1].endswith("…")


def test_window_sidebar_filter_and_undo(qtbot, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib")
    window = open_window(qtbot, library)
    editor = window.view.text_edit()
    words = window.transcript.text.split()
    for word, key in ((words[1], Qt.Key.Key_1), (words[3], Qt.Key.Key_4)):
        select_text(window, word)
        press(qtbot, editor, key)
    assert window.sidebar.proxy.rowCount() == 2
    combo = window.sidebar.color_combo
    combo.setCurrentIndex(combo.findData("pink"))
    assert rows(window.sidebar.proxy) == [words[3]]
    assert combo.itemText(combo.findData("pink")) == "Disagree"  # named by meaning
    window.actions.undo.trigger()
    assert window.sidebar.proxy.rowCount() == 0
    assert len(saved(window.transcript.path)) == 1


def test_stack_push_adds_one_row(qtbot, model, sidebar: AnnotationSidebar) -> None:
    stack = QUndoStack()
    text = model.store.transcript.text
    start = text.index("omicron")
    stack.push(CreateAnnotationCommand(model, new_annotation(text, start, start + 7)))
    assert rows(sidebar.proxy) == ["omicron"]
    stack.undo()
    assert rows(sidebar.proxy) == []


class _FakeSource(QObject):
    """The signals and lookups of `AnnotationModel` that the list model follows."""

    annotationAdded = Signal(str)
    annotationChanged = Signal(str)
    annotationRemoved = Signal(str)
    modelReset = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Annotation] = {}

    def get(self, annotation_id: str) -> Annotation | None:
        return self.items.get(annotation_id)

    def all(self) -> list[Annotation]:
        return list(self.items.values())


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 6), st.integers(0, 9), st.integers(0, 9)),
        st.tuples(st.just("change"), st.integers(0, 6), st.integers(0, 9), st.integers(0, 9)),
        st.tuples(st.just("remove"), st.integers(0, 6), st.just(0), st.just(0)),
        st.tuples(st.just("sort"), st.sampled_from(["position", "created", "modified"])),
        st.tuples(
            st.just("reset"),
        ),
    ),
    max_size=40,
)


def _order(a: Annotation, key: str) -> tuple[object, ...]:
    if key == "position":
        return (a.start, a.end, a.id)
    return (a.created if key == "created" else a.modified, a.id)


_FIRST = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=2, max_size=6)


@settings(max_examples=150, deadline=None)
@given(_FIRST, _OPS)
def test_list_model_keeps_its_rows_in_sort_order_through_changes(qapp, first, ops) -> None:  # type: ignore[no-untyped-def]
    """Adds, edits that move a row, removals, resets and sort-key switches: the rows are always
    the source's annotations in the sort key's order, the id → row map agrees, and both
    sections (live, orphaned) follow that order."""
    from reader.ui.annotation_list import AnnotationFilterProxy, AnnotationListModel

    source = _FakeSource()
    model = AnnotationListModel(source)  # type: ignore[arg-type]
    live, orphans = AnnotationFilterProxy(False), AnnotationFilterProxy(True)
    for proxy in (live, orphans):
        proxy.setSourceModel(model)
    key = "position"
    stamp = 0
    for op in [("add", n, start, length) for n, (start, length) in enumerate(first)] + ops:
        if op[0] in ("add", "change"):
            _, n, start, length = op
            aid = f"a{n}"
            if (op[0] == "add") == (aid in source.items):
                continue
            stamp += 1
            old = source.items.get(aid)
            created = old.created if old else f"2026-01-01T00:00:{stamp:02d}Z"
            source.items[aid] = Annotation(
                id=aid, start=start, end=start + length, exact="x", created=created,
                modified=f"2026-01-01T00:00:{stamp:02d}Z",
                status="orphaned" if n % 5 == 0 else "anchored",
            )  # fmt: skip
            signal = source.annotationAdded if op[0] == "add" else source.annotationChanged
            signal.emit(aid)
        elif op[0] == "remove":
            aid = f"a{op[1]}"
            if source.items.pop(aid, None) is not None:
                source.annotationRemoved.emit(aid)
        elif op[0] == "sort":
            key = op[1]
            live.set_sort_key(key)
            orphans.set_sort_key(key)
        else:
            source.modelReset.emit()

        want = sorted(
            source.items.values(), key=lambda a, k=key: _order(a, k), reverse=key != "position"
        )
        got = [model.item(r) for r in range(model.rowCount())]
        assert [a.id for a in got if a] == [a.id for a in want]
        assert all(model.row_of(a.id) == r for r, a in enumerate(want))
        for proxy, orphaned in ((live, False), (orphans, True)):
            shown = [proxy.index(r, 0).data(AnnotationRole).id for r in range(proxy.rowCount())]
            assert shown == [a.id for a in want if (a.status == "orphaned") == orphaned]
