"""The File ▸ Export… dialog, the remembered export choices, and the small report dialog.

`ExportDialog` asks what to export (the open episode or the whole library), in which format, with
or without private notes, CSV with a BOM, the citation style and the podcast's name (used when a
transcript does not give one). `ExportPrefs` remembers those choices (all but "Include private
notes", which is off every time) in the window's settings file, under ``export/``; Copy with
Citation reads the style and the podcast's name from the same place. `ReportDialog` shows the
outcome of an import, or why an export failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.ui.export_prefs import (
    FORMAT_INFO,
    FORMATS,
    STYLE_NAMES,
    STYLES,
    ExportPrefs,
    FormatInfo,
)
from reader.ui.theme import SPACE_L, SPACE_M, SPACE_S, SPACE_XS

__all__ = [
    "FORMATS",
    "FORMAT_INFO",
    "STYLES",
    "STYLE_NAMES",
    "ExportChoice",
    "ExportDialog",
    "ExportPrefs",
    "FormatInfo",
    "ReportDialog",
]


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """What the user chose in the dialog."""

    scope: str  # "episode" or "library"
    fmt: str
    include_private: bool
    bom: bool
    style: str
    series: str


def _muted(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setWordWrap(True)
    return label


def _elide(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ExportDialog(QDialog):
    """Choose what to export and how; "Export…" then asks where to save it."""

    def __init__(
        self,
        prefs: ExportPrefs,
        episode_title: str | None,
        library_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export Annotations")

        self.episode_radio = QRadioButton(self)
        self.episode_radio.setObjectName("exportScopeEpisode")
        if episode_title is not None:
            self.episode_radio.setText(f"Current episode: {_elide(episode_title)}")
            self.episode_radio.setToolTip(episode_title)
        else:
            self.episode_radio.setText("Current episode (none is open)")
            self.episode_radio.setEnabled(False)
        self.episode_radio.setAccessibleName("Export the current episode")
        self.library_radio = QRadioButton(f"Whole library: {_elide(library_name)}", self)
        self.library_radio.setObjectName("exportScopeLibrary")
        self.library_radio.setAccessibleName("Export the whole library")
        self.scope_group = QButtonGroup(self)
        self.scope_group.addButton(self.episode_radio)
        self.scope_group.addButton(self.library_radio)
        use_episode = prefs.scope == "episode" and episode_title is not None
        (self.episode_radio if use_episode else self.library_radio).setChecked(True)

        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("exportFormat")
        self.format_combo.setAccessibleName("Format")
        for fmt, info in FORMAT_INFO.items():
            self.format_combo.addItem(f"{info.name} ({info.suffix})", fmt)
        self.format_hint = _muted(QLabel(self))
        self.format_hint.setObjectName("exportFormatHint")
        self.format_hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Room for two lines whatever the format, so the dialog never changes size.
        self.format_hint.setMinimumHeight(2 * self.format_hint.fontMetrics().lineSpacing())

        self.private_box = QCheckBox("Include private notes", self)
        self.private_box.setObjectName("exportIncludePrivate")
        self.private_box.setToolTip("Private notes are left out unless you tick this.")
        self.bom_box = QCheckBox("UTF-8 with BOM for spreadsheets", self)
        self.bom_box.setObjectName("exportBom")
        self.bom_box.setToolTip("Lets Excel recognise accented letters in a CSV file.")
        self.bom_box.setChecked(prefs.bom)

        self.style_combo = QComboBox(self)
        self.style_combo.setObjectName("exportStyle")
        self.style_combo.setAccessibleName("Citation style")
        for style, name in STYLE_NAMES.items():
            self.style_combo.addItem(name, style)
        self.style_combo.setCurrentIndex(max(self.style_combo.findData(prefs.style), 0))
        self.series_edit = QLineEdit(prefs.series, self)
        self.series_edit.setObjectName("exportSeries")
        self.series_edit.setAccessibleName("Podcast name")
        self.series_edit.setPlaceholderText("When a transcript does not name it")
        self.series_edit.setClearButtonEnabled(True)
        self.series_edit.setToolTip(
            "The podcast's name for references, used when a transcript's front matter has none."
        )

        self._build_layout()
        self.format_combo.currentIndexChanged.connect(self._on_format)
        self.format_combo.setCurrentIndex(max(self.format_combo.findData(prefs.format), 0))
        self._on_format()
        self.format_combo.setFocus()
        layout = self.layout()
        assert layout is not None  # set by _build_layout
        layout.activate()  # size for the width it opens at, so wrapped hints leave no gap
        width = max(self.minimumWidth(), self.sizeHint().width())
        height = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        self.resize(width, max(height, self.minimumSizeHint().height()))

    def _build_layout(self) -> None:
        scope = QVBoxLayout()
        scope.setSpacing(SPACE_XS)
        scope.addWidget(self.episode_radio)
        scope.addWidget(self.library_radio)
        form = QFormLayout()
        form.setHorizontalSpacing(SPACE_M)
        form.setVerticalSpacing(SPACE_S)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Export", scope)
        fmt = QVBoxLayout()
        fmt.setSpacing(SPACE_XS)
        fmt.addWidget(self.format_combo)
        fmt.addWidget(self.format_hint)
        form.addRow("Format", fmt)
        options = QVBoxLayout()
        options.setSpacing(SPACE_XS)
        options.addWidget(self.private_box)
        options.addWidget(self.bom_box)
        form.addRow("Options", options)
        form.addRow("Citation style", self.style_combo)
        form.addRow("Podcast name", self.series_edit)
        for field in (self.format_combo, self.style_combo, self.series_edit):
            label = form.labelForField(field)
            if isinstance(label, QLabel):
                label.setBuddy(field)

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = box.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_L)
        layout.addLayout(form)
        layout.addWidget(box)
        self.setMinimumWidth(480)

    def _on_format(self) -> None:
        info = FORMAT_INFO[self.fmt()]
        self.format_hint.setText(info.description)
        self.bom_box.setEnabled(self.fmt() == "csv")
        self.private_box.setEnabled(info.annotations)
        self.style_combo.setEnabled(info.cites)
        self.series_edit.setEnabled(info.cites)

    def fmt(self) -> str:
        """The chosen format ("md", "csv", "jsonld", "html", "pdf" or "txt")."""
        return str(self.format_combo.currentData())

    def set_format(self, fmt: str) -> None:
        """Choose ``fmt`` (as picking it in the list would)."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    def choice(self) -> ExportChoice:
        """Everything chosen, as one value."""
        return ExportChoice(
            scope="episode" if self.episode_radio.isChecked() else "library",
            fmt=self.fmt(),
            include_private=self.private_box.isChecked(),
            bom=self.bom_box.isChecked() and self.fmt() == "csv",
            style=str(self.style_combo.currentData()),
            series=self.series_edit.text().strip(),
        )


class ReportDialog(QDialog):
    """A summary line and, when there are any, details to read (import problems, an error)."""

    def __init__(
        self, title: str, summary: str, details: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportReportDialog")
        self.setWindowTitle(title)
        self.summary_label = QLabel(summary, self)
        self.summary_label.setObjectName("reportSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        layout.setSpacing(SPACE_M)
        layout.addWidget(self.summary_label)
        self.details: QPlainTextEdit | None = None
        if details:
            self.details = QPlainTextEdit("\n".join(details), self)
            self.details.setObjectName("reportDetails")
            self.details.setAccessibleName("Details")
            self.details.setReadOnly(True)
            self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            layout.addWidget(self.details, 1)
            self.resize(560, 320)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.setMinimumWidth(420)
