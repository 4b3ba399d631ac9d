"""The browser components are served from one folder inside the package, by one trame module."""

from __future__ import annotations

from pathlib import Path

import trame_slicer_app
from trame_slicer_app.web.browser_components import SCRIPTS, UI_DIR, UI_MODULE, UI_URL


def test_the_components_live_inside_the_package():
    assert UI_DIR.is_dir()
    assert UI_DIR.is_relative_to(Path(trame_slicer_app.__file__).parent)
    assert UI_MODULE["serve"] == {UI_URL: str(UI_DIR)}


def test_the_module_loads_every_component_and_nothing_missing():
    assert sorted(path.name for path in UI_DIR.glob("*.js")) == sorted(SCRIPTS)
    for url in UI_MODULE["scripts"]:
        assert (UI_DIR / url.removeprefix(f"{UI_URL}/")).is_file(), url
