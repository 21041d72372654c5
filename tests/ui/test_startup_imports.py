"""Start-up stays cheap: building the window imports none of the heavy feature machinery.

Search, export, import, recovery, citation, tag changes and anchoring load when the user first
needs them (`reader.ui.features`). The check runs in a fresh interpreter, because other tests
import those modules into this one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Modules that building and showing the window must not import.
LAZY = (
    "reader.core.search",
    "reader.core.export",
    "reader.core.importer",
    "reader.core.recovery",
    "reader.core.backups",
    "reader.core.citation",
    "reader.core.tags",
    "reader.core.anchoring",
    "edlib",
    "rapidfuzz",
)
#: The feature modules (panels, dialogs, their models) that load when first used: installing a
#: feature imports only its light ``*_install`` module (`reader.ui.features`).
LAZY_UI = (
    "reader.ui.search_panel",
    "reader.ui.search_results",
    "reader.ui.search_worker",
    "reader.ui.annotation_browser",
    "reader.ui.browser_model",
    "reader.ui.browser_tags",
    "reader.ui.exporting",
    "reader.ui.export_dialog",
    "reader.ui.recover_view",
    "reader.ui.help",
    "reader.ui.dialogs",
)

PROBE = """
import json, sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from reader.app import application
from reader.ui.main_window import MainWindow
from reader.ui.settings import Settings

app = application(offscreen=True)
window = MainWindow(Settings(Path(sys.argv[1]) / "settings.ini"), interactive=False)
window.show()
QCoreApplication.processEvents()  # the first event-loop turn, as at start-up
actions = sorted(a.objectName() for a in window.findChildren(type(window.actions.find)))
print(json.dumps({"modules": sorted(sys.modules), "actions": actions}))
window.close()
"""


def _probe(home: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TRANSCRIPT_READER_HOME=str(home))
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    assert lines, out.stdout[-2000:] + out.stderr[-2000:]
    return json.loads(lines[-1])


def test_building_the_window_leaves_the_heavy_modules_unimported(tmp_path: Path) -> None:
    found = _probe(tmp_path)
    loaded = set(found["modules"])
    early = sorted(m for m in loaded if m in LAZY or m.startswith(tuple(f"{n}." for n in LAZY)))
    assert not early, f"imported while the window is built: {early}"
    # ... while every feature's actions are in place.
    for name in (
        "action_search_library",
        "action_annotation_browser",
        "action_export",
        "action_import_annotations",
        "action_copy_with_citation",
        "action_recover",
    ):
        assert name in found["actions"]


def test_building_the_window_leaves_the_feature_ui_modules_unimported(tmp_path: Path) -> None:
    from reader.ui.features import DEFERRED_MODULES

    assert set(DEFERRED_MODULES) <= set(LAZY_UI)
    loaded = set(_probe(tmp_path)["modules"])
    early = sorted(m for m in LAZY_UI if m in loaded)
    assert not early, f"feature modules imported while the window is built: {early}"
