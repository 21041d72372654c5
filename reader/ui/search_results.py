"""Search results as a tree: one row per episode (title, hit count), its hits below it.

`ResultsModel` is a `QStandardItemModel` filled from `group_by_episode`; each hit row carries
its `SearchResult` (`ResultRole`). `ResultDelegate` paints an episode row as a semibold title with
a count pill, and a hit row as a muted line (speaker, or "Note" and tags) over the snippet with
every match in bold on a faint tint. Snippets are HTML-escaped before the marks are added.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, TypeGuard

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QPainter,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from reader.ui.theme import LIGHT, SPACE_M, SPACE_S, SPACE_XS, Theme, composite, qcolor

if TYPE_CHECKING:
    from reader.core.search import EpisodeHits, SearchResult

Index = QModelIndex | QPersistentModelIndex

ResultRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
CountRole = Qt.ItemDataRole.UserRole + 3

#: Lines of snippet shown under a hit's speaker line.
SNIPPET_LINES = 3


def _is_hit(value: object) -> TypeGuard[SearchResult]:
    """Whether ``value`` (a row's `ResultRole` data) is a hit; episode rows carry none."""
    if value is None:
        return False
    from reader.core.search import SearchResult  # a hit exists: the search module is loaded

    return isinstance(value, SearchResult)


def snippet_html(result: SearchResult, mark_style: str) -> str:
    """The snippet as escaped HTML with each match in ``<span style=mark_style>``."""
    out: list[str] = []
    pos = 0
    text = result.snippet
    for start, end in result.snippet_matches:
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<span style="{mark_style}">{html.escape(text[start:end])}</span>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def hit_heading(result: SearchResult) -> str:
    """The muted line above a snippet: who speaks, or that the hit is in a note or the title."""
    if result.kind == "title":
        return "Title"
    if result.kind == "note":
        head = "Note"
        if result.tags:
            head += " · " + ", ".join(result.tags)
        if result.orphaned:
            head += " · passage not found"
        return head
    return result.speaker or "Narration"


class ResultsModel(QStandardItemModel):
    """Episodes (best hit first) with their hits as children."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[EpisodeHits] = []

    def set_results(self, results: list[SearchResult]) -> None:
        self.clear()
        self.groups = []
        self.extend(results)

    def extend(self, results: list[SearchResult]) -> None:
        """Add ``results`` (the next ones, best first): a hit of an episode already listed
        joins it, any other starts a new episode at the end."""
        from reader.core.search import EpisodeHits  # loaded when the panel is first used

        root = self.invisibleRootItem()
        rows = {group.path: row for row, group in enumerate(self.groups)}
        for result in results:
            row = rows.get(result.path)
            if row is None:
                row = rows[result.path] = len(self.groups)
                self.groups.append(EpisodeHits(result.path, result.title, ()))
                episode = QStandardItem(result.title)
                episode.setEditable(False)
                episode.setData(str(result.path), PathRole)
                root.appendRow(episode)
            group = self.groups[row]
            self.groups[row] = EpisodeHits(group.path, group.title, (*group.results, result))
            hit = QStandardItem(f"{hit_heading(result)}: {result.snippet}")
            hit.setEditable(False)
            hit.setData(result, ResultRole)
            hit.setData(str(result.path), PathRole)
            episode = root.child(row)
            episode.appendRow(hit)
        for row in sorted({rows[r.path] for r in results}):
            group, episode = self.groups[row], root.child(row)
            count = len(group.results)
            episode.setData(count, CountRole)
            episode.setData(f"{group.title}, {count} hits", Qt.ItemDataRole.ToolTipRole)

    def hit_count(self) -> int:
        return sum(len(g.results) for g in self.groups)


class ResultDelegate(QStyledItemDelegate):
    """Paints episode rows and hit rows (see the module docstring)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view
        self.theme: Theme = LIGHT

    def _small(self, option: QStyleOptionViewItem) -> QFont:
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.88, 7.0))
        return small

    def _width(self) -> int:
        """The snippet's width in a hit row, as `paint` lays it out."""
        return max(self.view.viewport().width() - SPACE_XS - 2 * SPACE_S - SPACE_M, 60)

    def _document(self, option: QStyleOptionViewItem, result: SearchResult, width: int, fg: str):
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        tint = "#{:02x}{:02x}{:02x}".format(
            *(round(c) for c in composite(self.theme.find, self.theme.base))
        )
        style = f"font-weight:700; background-color:{tint}"
        doc.setHtml(f'<div style="color:{fg}">{snippet_html(result, style)}</div>')
        doc.setTextWidth(width)
        return doc

    def _line_height(self, option: QStyleOptionViewItem) -> int:
        """Height of one line of snippet as the rich text lays it out."""
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setPlainText("Xg")
        return max(int(doc.size().height()), QFontMetrics(option.font).height())

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        line = self._line_height(option)
        result = index.data(ResultRole)
        if not _is_hit(result):
            return QSize(200, line + 2 * SPACE_S)
        small = QFontMetrics(self._small(option)).height()
        doc = self._document(option, result, self._width(), self.theme.text)
        text_h = min(int(doc.size().height()), line * SNIPPET_LINES)
        return QSize(200, small + SPACE_XS + text_h + 2 * SPACE_S)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(0, 1, -SPACE_XS, -1)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        if selected:
            painter.setBrush(qcolor(self.theme.selection))
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setBrush(qcolor(self.theme.alternate_base))
            painter.drawRoundedRect(rect, 6, 6)
        if selected and option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(qcolor(self.theme.accent))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 6, 6)
        text = self.theme.selection_text if selected else self.theme.text
        muted = self.theme.text if selected else self.theme.muted
        inner = rect.adjusted(SPACE_S, SPACE_S - 1, -SPACE_S, -SPACE_S + 1)
        result = index.data(ResultRole)
        if _is_hit(result):
            inner.setLeft(inner.left() + SPACE_M)
            self._paint_hit(painter, option, inner, result, text, muted)
        else:
            self._paint_episode(painter, option, inner, index, text)
        painter.restore()

    def _paint_episode(
        self, painter: QPainter, option: QStyleOptionViewItem, inner: QRect, index: Index, fg: str
    ) -> None:
        small = self._small(option)
        metrics = QFontMetrics(small)
        label = str(index.data(CountRole) or 0)
        width = max(metrics.horizontalAdvance(label) + SPACE_S * 2, 22)
        pill = QRect(inner.right() - width + 1, inner.center().y() - metrics.height() // 2 - 1,
                     width, metrics.height() + 2)  # fmt: skip
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(self.theme.accent))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.setPen(qcolor(self.theme.accent_text))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        painter.setPen(qcolor(fg))
        title_rect = QRect(inner.left(), inner.top(), pill.left() - SPACE_S - inner.left(),
                           inner.height())  # fmt: skip
        title = QFontMetrics(title_font).elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole)),
            Qt.TextElideMode.ElideRight,
            title_rect.width(),
        )
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter, title)

    def _paint_hit(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        inner: QRect,
        result: SearchResult,
        fg: str,
        muted: str,
    ) -> None:
        small = self._small(option)
        small.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(qcolor(muted))
        heading = metrics.elidedText(hit_heading(result), Qt.TextElideMode.ElideRight,
                                     inner.width())  # fmt: skip
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignVCenter, heading)  # fmt: skip
        top = inner.top() + metrics.height() + SPACE_XS
        doc = self._document(option, result, inner.width(), fg)
        clip = QRect(0, 0, inner.width(), self._line_height(option) * SNIPPET_LINES)
        painter.translate(inner.left(), top)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip.toRectF()
        doc.documentLayout().draw(painter, context)


class ResultsView(QTreeView):
    """A tree whose row heights follow its width (snippets wrap)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(False)
        self.setIndentation(0)  # hits are indented by the delegate; no branch area to paint
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()
