"""Re-filtering a QSortFilterProxyModel on every Qt version we support."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel


def refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Apply ``change`` (new filter state) and re-filter the rows.

    Qt 6.10 replaced ``invalidateFilter()`` (now deprecated) by ``beginFilterChange()`` /
    ``endFilterChange()``; older versions only have the former.
    """
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # Qt < 6.10
        change()
        proxy.invalidateFilter()
