"""Theme, reading font, zoom and colour names: preferences applied to the window's parts.

`Appearance` follows `Settings.changed` (and the system's colour scheme while the theme is
"system"), so a preference changed anywhere, by the menu or the settings dialog, shows at once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QFontDialog, QWidget

from reader.ui.actions import Actions
from reader.ui.annotation_sidebar import AnnotationSidebar
from reader.ui.episode_list import EpisodeListPanel
from reader.ui.settings import Settings
from reader.ui.theme import (
    MAX_POINT_SIZE,
    MIN_POINT_SIZE,
    READING_POINT_SIZE,
    Theme,
    apply_theme,
    reading_font_family,
    theme_for,
)
from reader.ui.transcript_view import TranscriptView
from reader.ui.window_parts import style_sheet


class Appearance(QObject):
    """Applies the appearance preferences to the application and the panes."""

    def __init__(
        self,
        settings: Settings,
        actions: Actions,
        view: TranscriptView,
        episodes: EpisodeListPanel,
        sidebar: AnnotationSidebar,
    ) -> None:
        super().__init__(view)
        self.settings = settings
        self.actions = actions
        self.view = view
        self.episodes = episodes
        self.sidebar = sidebar
        self.theme: Theme = theme_for(settings.value("appearance/theme"))
        settings.changed.connect(self._on_setting_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    def apply_all(self) -> None:
        """Apply every appearance preference (at start)."""
        self.apply_theme()
        self.apply_font()
        self.apply_color_meanings()
        self.episodes.set_sort_key(self.settings.value("episodes/sort"))
        self.sidebar.set_sort_key(self.settings.value("sidebar/sort"))

    def apply_theme(self) -> None:
        name = self.settings.value("appearance/theme")
        self.theme = theme_for(name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme)
            app.setStyleSheet(style_sheet(self.theme))
        self.view.set_theme(self.theme)
        self.episodes.set_theme(self.theme)
        self.sidebar.set_theme(self.theme)
        action = self.actions.all.get(f"theme_{name}") or self.actions.theme_system
        action.setChecked(True)

    def apply_font(self) -> None:
        family = self.settings.value("appearance/font_family") or reading_font_family()
        size = self.settings.value("appearance/font_size") or READING_POINT_SIZE
        self.view.set_font(family, size)

    def apply_color_meanings(self) -> None:
        meanings = self.settings.value("annotate/color_meanings")
        self.actions.set_color_meanings(meanings)
        self.sidebar.set_color_meanings(meanings)

    def zoom(self, step: int) -> None:
        """Make the reading text ``step`` points larger (or smaller), remembered."""
        size = self.settings.value("appearance/font_size") or READING_POINT_SIZE
        size = min(max(size + step, MIN_POINT_SIZE), MAX_POINT_SIZE)
        self.settings.set_value("appearance/font_size", int(size))

    def choose_font(self, parent: QWidget) -> None:
        """Ask for the reading font (non-blocking)."""
        family = self.settings.value("appearance/font_family") or reading_font_family()
        size = self.settings.value("appearance/font_size") or READING_POINT_SIZE
        dialog = QFontDialog(QFont(family, size), parent)
        dialog.setObjectName("fontDialog")
        dialog.fontSelected.connect(self._on_font_selected)
        from reader.ui.dialogs import open_dialog  # loads when first used

        open_dialog(dialog)

    def _on_font_selected(self, font: QFont) -> None:
        self.settings.set_value("appearance/font_family", font.family())
        self.settings.set_value("appearance/font_size", max(int(font.pointSize()), MIN_POINT_SIZE))

    def _on_setting_changed(self, key: str) -> None:
        if key == "appearance/theme":
            self.apply_theme()
        elif key.startswith("appearance/font"):
            self.apply_font()
        elif key == "annotate/color_meanings":
            self.apply_color_meanings()

    def _on_system_scheme(self) -> None:
        if self.settings.value("appearance/theme") == "system":
            self.apply_theme()
