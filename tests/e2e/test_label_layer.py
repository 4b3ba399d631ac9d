"""The Volumes panel's label map layer in a real Chromium: it offers the label map volumes that exist,
a pick stays picked and shows in the slice views, and with none the panel says why (issue 12)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import RunningApp

from e2e.views import open_feature_panel, view_pixels, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
BONE_HU = 300


@pytest.fixture(scope="module")
def a_scene_with_a_label_map(a_ct_path, tmp_path_factory):
    """The CT and a label map volume of its bone (as a scene from Slicer may hold), saved as a bundle."""
    from trame_slicer_app import scene_data
    from trame_slicer_app.engine.io.volumes import voxel_array
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    ct = engine.scene.GetNodeByID(scene_data.open_paths(engine, [a_ct_path])[0]["node_id"])
    label = engine.volumes_logic.CreateAndAddLabelVolume(engine.scene, ct, "head bone")
    voxel_array(label)[:] = voxel_array(ct) > BONE_HU
    label.GetImageData().Modified()
    return scene_data.save_scene(engine, tmp_path_factory.mktemp("scene") / "head_with_label.mrb")


def the_volumes_panel(browser, app):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(app.url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "volumes")
    page.locator(".volumes-label").wait_for(timeout=UI_TIMEOUT_MS)
    return page


def offered(page, select: str) -> list[str]:
    page.locator(f".{select}").click()
    items = page.locator(".v-overlay--active .v-list-item")
    items.first.wait_for(timeout=UI_TIMEOUT_MS)
    return [t.strip() for t in items.all_inner_texts()]


def test_the_label_layer_offers_the_label_maps_and_keeps_the_one_picked(a_browser, a_scene_with_a_label_map):
    app = RunningApp("--data", str(a_scene_with_a_label_map))
    page = the_volumes_panel(a_browser, app)
    try:
        assert offered(page, "volumes-label") == ["None", "head bone"]  # not the CT
        before = view_pixels(page, "Red")
        page.locator(".v-overlay--active .v-list-item", has_text="head bone").click()
        time.sleep(1.5)  # the binding's poll, then a frame
        assert page.evaluate("window.trame.state.get('volumes_label')") is not None
        assert "head bone" in page.locator(".volumes-label").inner_text()
        # The bone shows in the label map's colours over the grey CT.
        colour = np.abs(view_pixels(page, "Red") - view_pixels(page, "Red").mean(axis=2, keepdims=True)).mean()
        assert colour > np.abs(before - before.mean(axis=2, keepdims=True)).mean() + 2
    finally:
        page.close()
        app.stop()


def test_without_label_maps_the_panel_says_why_the_layer_is_empty(a_browser, a_ct_path):
    app = RunningApp("--data", str(a_ct_path))
    page = the_volumes_panel(a_browser, app)
    try:
        hint = page.locator(".volumes-label-hint")
        hint.wait_for(timeout=UI_TIMEOUT_MS)
        assert "segmentation" in hint.inner_text()
        assert page.locator(".volumes-label input").is_disabled()
    finally:
        page.close()
        app.stop()
