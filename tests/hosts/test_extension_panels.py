"""A SlicerCAT's own panel, registered without editing the package: the example under examples/
(a note kept in a vtkMRMLTextNode), by a call and by an entry point, in-process and in Chromium."""

from __future__ import annotations

import itertools
import os
import sys
import time

import pytest
from conftest import REPO, RunningApp
from e2e.views import wait_for_views
from trame.app import get_server

from trame_slicer_app.app import SlicerWebApp
from trame_slicer_app.scene_session import SceneSession
from trame_slicer_app.web.extension_panels import (
    PanelError,
    extension_panels,
    register_panel,
    unregister_panel,
)

EXAMPLE_DIR = REPO / "examples" / "scene_notes_panel"
sys.path.insert(0, str(EXAMPLE_DIR))
from scene_notes_panel import NODE_NAME, SceneNotesPanel  # noqa: E402

_servers = itertools.count()


def write_entry_points(folder, lines: str) -> None:
    """An installed distribution's metadata, as pip leaves it: what importlib.metadata reads."""
    dist_info = folder / "scene_notes_panel-0.1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: scene-notes-panel\nVersion: 0.1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[trame_slicer_app.panels]\n{lines}\n")


@pytest.fixture
def an_app_with_the_registered_panel():
    register_panel(SceneNotesPanel)
    try:
        app = SlicerWebApp(get_server(f"panels-test-{next(_servers)}", client_type="vue3"), SceneSession())
        app.state.ready()
        yield app
    finally:
        unregister_panel(SceneNotesPanel)


def set_state(app, **values) -> None:
    with app.state:
        app.state.update(values)


def test_a_registered_panel_is_built_and_binds_its_node(an_app_with_the_registered_panel):
    app = an_app_with_the_registered_panel
    assert any(isinstance(f, SceneNotesPanel) for f in app.features)
    set_state(app, scene_notes_text="contrast at 40 s")
    node = app.session.engine.scene.GetFirstNodeByName(NODE_NAME)
    assert node.GetText() == "contrast at 40 s"


@pytest.mark.parametrize("junk", [None, 3, ["a"], {"a": 1}, "x" * 10_001])
def test_the_example_refuses_hostile_values_and_keeps_the_note(an_app_with_the_registered_panel, junk):
    app = an_app_with_the_registered_panel
    set_state(app, scene_notes_text="kept")
    set_state(app, scene_notes_text=junk)
    assert app.session.engine.scene.GetFirstNodeByName(NODE_NAME).GetText() == "kept"
    assert app.state.scene_notes_text == "kept"


@pytest.mark.parametrize("bad", [object(), type("NoTitle", (), {"name": "x", "build_panel": lambda self: None}),
                                 type("NoName", (), {"title": "x", "build_panel": lambda self: None}),
                                 type("BuildsNothing", (), {"name": "x", "title": "x"})])
def test_what_is_not_a_panel_is_refused_at_registration(bad):
    with pytest.raises(PanelError):
        register_panel(bad)
    assert bad not in extension_panels()


def test_entry_points_are_found_and_a_broken_one_is_left_out(tmp_path, monkeypatch, caplog):
    write_entry_points(tmp_path, "scene_notes = scene_notes_panel:SceneNotesPanel\nbroken = no_such_module:Panel")
    monkeypatch.syspath_prepend(str(tmp_path))
    panels = extension_panels()
    assert SceneNotesPanel in panels
    assert "panel broken (no_such_module:Panel) left out" in caplog.text


@pytest.mark.browser
def test_the_example_panel_shows_in_the_browser_through_its_entry_point(a_browser, tmp_path, monkeypatch, a_ct_path):
    write_entry_points(tmp_path, "scene_notes = scene_notes_panel:SceneNotesPanel")
    paths = [str(REPO), str(EXAMPLE_DIR), str(tmp_path), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    app = RunningApp("--data", str(a_ct_path))
    try:
        page = a_browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(app.url)
        wait_for_views(page)
        panel = page.locator('[data-feature="scene_notes"]')
        panel.locator("button").first.click()
        field = panel.locator(".scene-notes-text textarea").first
        field.fill("seen from the browser")
        # The note is in the scene: a second page gets it from the node.
        deadline = time.monotonic() + 20
        second = a_browser.new_page(viewport={"width": 1400, "height": 900})
        while True:
            second.goto(app.url)
            second.wait_for_selector('[data-feature="scene_notes"]')
            if second.evaluate("window.trame.state.get('scene_notes_text')") == "seen from the browser":
                break
            assert time.monotonic() < deadline, "the note did not reach the scene"
            time.sleep(0.5)
        second.locator('[data-feature="scene_notes"] button').first.click()
        second.screenshot(path=str(REPO / "test-artifacts" / "extension-panel.png"))
        assert second.locator('[data-feature="scene_notes"]').inner_text().startswith("Scene notes")
        page.close()
        second.close()
    finally:
        app.stop()
