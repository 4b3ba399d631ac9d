"""The browser components (``web/ui/*.js``): plain scripts, no build step, shipped inside the
package (docs/decisions/0013) and served to the page by one trame module from one place."""

from __future__ import annotations

from pathlib import Path

UI_DIR = Path(__file__).with_name("ui")
UI_URL = "__slicer_ui"
SCRIPTS = (
    "slicer-view.js",  # slicer-stream-view: paints frames, sends input (window.slicer_ui)
    "slicer-upload.js",  # drop, chunked upload, download (window.slicer_upload)
    "slicer-shortcuts.js",  # undo/redo keys
    "segment-editor-keys.js",  # the Segment Editor's keys, while its panel is open
)
UI_MODULE = {
    "serve": {UI_URL: str(UI_DIR)},
    "scripts": [f"{UI_URL}/{name}" for name in SCRIPTS],
    "vue_use": ["slicer_ui", "slicer_upload"],
}


def enable_browser_components(server) -> None:
    """Serve the components and load them in the page; trame skips a module it already has."""
    server.enable_module(UI_MODULE)
