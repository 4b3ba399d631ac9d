"""Volume rendering through the 3D panel in a real Chromium: MRML follows the UI, the 3D view changes."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import ARTIFACTS, RunningApp

from e2e.views import drag, frames_painted, open_feature_panel, view_pixels, wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1000, "height": 700}  # a small 3D view: CPU ray casting
STATE_TIMEOUT_S = 20


def settled_3d_view(page, frames_before: int) -> np.ndarray:
    """The 3D view once a full-quality frame newer than ``frames_before`` is painted."""
    page.wait_for_function(
        f"""() => {{ const s = window.__slicerStreamStats['1'];
                   return s && s.frames > {frames_before} && s.lastMeta && s.lastMeta.still; }}""",
        timeout=STATE_TIMEOUT_S * 1000,  # the CPU is shared with the browser: be patient
    )
    time.sleep(0.3)
    return view_pixels(page, "1")


@pytest.fixture
def a_page_with_the_3d_panel(a_browser, a_ct_path):
    app = RunningApp("--data", str(a_ct_path))
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page, names=("1",))
        page.locator(".layout-one_up_3d").click()  # only the 3D view renders
        page.wait_for_function("document.querySelectorAll('.slicer-view').length === 1")
        open_feature_panel(page, "threed")
        page.locator(".threed-vr-visible").wait_for(timeout=STATE_TIMEOUT_S * 1000)
        yield page
    finally:
        page.screenshot(path=str(ARTIFACTS / "volume-rendering.png"))
        page.close()
        app.stop()


def test_picking_a_preset_changes_mrml_and_the_3d_view(a_page_with_the_3d_panel):
    page = a_page_with_the_3d_panel
    frames = frames_painted(page, "1")
    without_vr = settled_3d_view(page, frames - 1)

    frames = frames_painted(page, "1")
    page.locator(".threed-vr-visible input").click()
    wait_for_state(page, "threed_vr_visible", True)
    wait_for_state(page, "threed_vr_preset", "CT-Bone")  # CT detected: Slicer's bone preset
    bone = settled_3d_view(page, frames)
    assert np.abs(bone - without_vr).sum(axis=2).__gt__(40).mean() > 0.05  # the head appears

    frames = frames_painted(page, "1")
    page.locator(".threed-vr-preset").click()
    page.locator(".v-overlay .v-list-item", has_text="CT-Soft-Tissue").click()
    wait_for_state(page, "threed_vr_preset", "CT-Soft-Tissue")
    soft_tissue = settled_3d_view(page, frames)
    assert np.abs(soft_tissue - bone).sum(axis=2).__gt__(40).mean() > 0.03

    # Left-drag still rotates the camera over a volume rendering.
    frames = frames_painted(page, "1")
    drag(page, "1", dx=150, dy=0)
    rotated = settled_3d_view(page, frames)
    assert np.abs(rotated - soft_tissue).mean() > 2
