"""Every user preference, declared once, behind one `Settings` object.

Each preference has a key, a type, a default and a sentence of description (`SPECS`). Values are
kept in an INI file under `reader.core.paths.user_config_dir()`; structured values (lists,
dictionaries) are stored as JSON text and byte blobs as base64, so what is read back always has
the declared type whatever QSettings does with INI strings. `Settings.changed(key)` is emitted on
every change, so views can follow preferences without polling.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from reader.core.annotations import DEFAULT_COLOR_MEANINGS
from reader.core.paths import user_config_dir

#: Bump when the meaning of the saved window layout changes; older layouts are then ignored.
LAYOUT_VERSION = 1
#: How many recent folders and per-episode reading positions are remembered.
MAX_RECENT = 10
MAX_POSITIONS = 500


@dataclass(frozen=True, slots=True)
class Setting:
    """One preference: where it is stored, what type it has, its default and what it means."""

    key: str
    type: type
    default: Any
    description: str


SPECS: tuple[Setting, ...] = (
    Setting("author/name", str, "", "Name written as the creator of new annotations."),
    Setting(
        "annotate/color_meanings",
        dict,
        dict(DEFAULT_COLOR_MEANINGS),
        "What each highlight colour means (colour name to label), shown in menus and filters.",
    ),
    Setting("appearance/theme", str, "system", "Colour theme: system, light or dark."),
    Setting("appearance/font_family", str, "", "Reading font family; empty for the default."),
    Setting("appearance/font_size", int, 0, "Reading font size in points; 0 for the default."),
    Setting("library/last", str, "", "The library folder open when the program last closed."),
    Setting("library/recent", list, [], "Recently opened library folders, newest first."),
    Setting(
        "library/last_episode", dict, {}, "Last episode opened in each library (folder → file)."
    ),
    Setting(
        "reading/positions",
        dict,
        {},
        "Reading position of each episode: file → [offset into the text, time last read].",
    ),
    Setting("episodes/sort", str, "date", "Episode list order: date, title, duration or read."),
    Setting("sidebar/sort", str, "position", "Annotation order: position, created or modified."),
    Setting("window/layout_version", int, 0, "Version of the saved window layout below."),
    Setting("window/geometry", bytes, b"", "Saved window geometry (QMainWindow.saveGeometry)."),
    Setting("window/state", bytes, b"", "Saved toolbars and docks (QMainWindow.saveState)."),
    Setting("window/splitter", list, [], "Widths of the three panes in pixels."),
    Setting("window/hidden_panes", list, [], "Panes the user collapsed: episodes, sidebar…"),
)
_BY_KEY: dict[str, Setting] = {s.key: s for s in SPECS}


def settings_path() -> Path:
    """The INI file holding the preferences."""
    return user_config_dir() / "settings.ini"


class Settings(QObject):
    """Typed access to the preferences in `SPECS`; emits `changed(key)` when one changes."""

    changed = Signal(str)

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path or settings_path()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self._path), QSettings.Format.IniFormat)

    @property
    def path(self) -> Path:
        return self._path

    @staticmethod
    def spec(key: str) -> Setting:
        """The declaration of ``key``; a KeyError names an undeclared preference."""
        return _BY_KEY[key]

    def value(self, key: str) -> Any:
        """The stored value of ``key`` with its declared type, or a copy of the default."""
        spec = _BY_KEY[key]
        raw = self._qs.value(key)
        if raw is None:
            return _copy(spec.default)
        try:
            return _decode(spec, raw)
        except (ValueError, TypeError):
            return _copy(spec.default)

    def set_value(self, key: str, value: Any) -> None:
        """Store ``value`` for ``key`` and emit `changed` when it differs from before."""
        spec = _BY_KEY[key]
        if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
            raise TypeError(f"{key} takes {spec.type.__name__}, not {type(value).__name__}")
        if self.value(key) == value and self._qs.contains(key):
            return
        self._qs.setValue(key, _encode(spec, value))
        self._qs.sync()
        self.changed.emit(key)

    def reset(self, key: str) -> None:
        """Forget the stored value of ``key`` so that its default applies again."""
        if self._qs.contains(key):
            self._qs.remove(key)
            self._qs.sync()
            self.changed.emit(key)

    def sync(self) -> None:
        self._qs.sync()

    # Convenience for the structured preferences ------------------------------------------------

    def color_meaning(self, color: str) -> str:
        """The label of a highlight colour, falling back to its default meaning or its name."""
        meanings = self.value("annotate/color_meanings")
        return meanings.get(color) or DEFAULT_COLOR_MEANINGS.get(color, color.title())

    def add_recent(self, folder: str) -> None:
        """Put ``folder`` first among the recent folders."""
        recent = [f for f in self.value("library/recent") if f != folder]
        self.set_value("library/recent", [folder, *recent][:MAX_RECENT])

    def last_episode(self, library: str) -> str | None:
        return self.value("library/last_episode").get(library)

    def set_last_episode(self, library: str, episode: str) -> None:
        episodes = self.value("library/last_episode")
        episodes[library] = episode
        self.set_value("library/last_episode", episodes)

    def reading_position(self, episode: str) -> tuple[int, str] | None:
        """(offset, ISO time last read) for ``episode``, or None if it was never read."""
        entry = self.value("reading/positions").get(episode)
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int):
            return entry[0], str(entry[1])
        return None

    def set_reading_position(self, episode: str, offset: int, when: str) -> None:
        positions = self.value("reading/positions")
        positions.pop(episode, None)
        positions[episode] = [int(offset), when]
        while len(positions) > MAX_POSITIONS:  # oldest insertion first
            positions.pop(next(iter(positions)))
        self.set_value("reading/positions", positions)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def _encode(spec: Setting, value: Any) -> Any:
    if spec.type in (dict, list):
        return json.dumps(value, ensure_ascii=False)
    if spec.type is bytes:
        return base64.b64encode(value).decode("ascii")
    if spec.type is bool:
        return "true" if value else "false"
    return value


def _decode(spec: Setting, raw: Any) -> Any:
    if spec.type in (dict, list):
        value = json.loads(str(raw))
        if not isinstance(value, spec.type):
            raise TypeError(f"{spec.key} is not a {spec.type.__name__}")
        return value
    if spec.type is bytes:
        return base64.b64decode(str(raw).encode("ascii"), validate=True)
    if spec.type is bool:
        return str(raw).lower() in ("true", "1", "yes")
    if spec.type is int:
        return int(raw)
    return str(raw)
