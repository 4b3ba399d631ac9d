"""The Segment Editor's 3D view effects in a real Chromium on the real head CT, as a user would use them:
threshold the skull and show it in 3D, click a paint dab onto the skull in the 3D view, cut a rectangle
out of it along the view direction with Scissors, and undo each; voxel counts are the server's
statistics of the label map, the pictures the 3D view's own pixels."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from e2e.views import STATE_TIMEOUT_S, open_feature_panel, state, view_pixels, wait_for_state

pytestmark = pytest.mark.browser
UI_TIMEOUT_MS = 20_000
BONE_RANGE_HU = (300, 3000)
THREED = "1"
DAB_DIAMETER_MM = 12.0


def voxels_of(page, segment_id: str, test=lambda n: True) -> int:
    """The segment's voxel count from the panel's statistics, recomputed until ``test`` holds."""
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        page.locator(".seg-statistics-compute").click()
        time.sleep(0.4)
        row = next((r for r in state(page, "seg_statistics") or [] if r["id"] == segment_id), None)
        if row is not None and (test(row["voxels"]) or time.monotonic() > deadline):
            return row["voxels"]
        if time.monotonic() > deadline:
            raise AssertionError(f"no statistics for {segment_id}")


def add_segment(page) -> str:
    count = len(state(page, "seg_state")["segments"])
    page.locator(".seg-add").click()
    rows = wait_for_state(page, "seg_state", lambda s: len(s["segments"]) == count + 1)["segments"]
    return rows[-1]["id"]


def choose_effect(page, name: str) -> None:
    if state(page, "seg_effect") != name:
        page.locator(f".seg-effect-{name}").click()
    wait_for_state(page, "seg_effect", name)


def centre_of(page, view: str) -> tuple[float, float]:
    box = page.locator(f".slicer-view-{view}").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def changed_pixels(page, view: str, before: np.ndarray, at_least: float) -> float:
    """The share of the view's pixels that changed from ``before``, waited for up to the state timeout."""
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        now = view_pixels(page, view)
        share = float((np.abs(now.astype(int) - before.astype(int)).sum(axis=2) > 40).mean()) \
            if now.shape == before.shape else 1.0
        if share >= at_least or time.monotonic() > deadline:
            return share
        time.sleep(0.3)


@pytest.fixture(scope="module")
def skull(the_app_on_the_ct, a_browser):
    """The skull thresholded into a segment and shown in 3D, done once through the panel."""
    page = a_browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(the_app_on_the_ct.url)
    from e2e.views import wait_for_views

    wait_for_views(page)
    open_feature_panel(page, "seg")
    page.locator(".segment-editor-panel").wait_for(timeout=UI_TIMEOUT_MS)
    page.locator(".seg-create").click()
    page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    bone = add_segment(page)
    choose_effect(page, "threshold")
    page.locator(".seg-threshold-range").wait_for(timeout=UI_TIMEOUT_MS)
    page.evaluate(f"window.trame.state.set('seg_threshold_range', {list(BONE_RANGE_HU)})")
    time.sleep(0.5)
    page.locator(".seg-threshold-apply").click()
    count = voxels_of(page, bone, lambda n: n > 0)
    before = view_pixels(page, THREED)
    page.locator(".seg-show-3d").click()
    wait_for_state(page, "seg_state", lambda s: s and s["show_3d"])
    assert changed_pixels(page, THREED, before, 0.05) >= 0.05  # the skull's surface drawn in 3D
    page.close()
    return bone, count


@pytest.fixture
def editor_page(a_page):
    open_feature_panel(a_page, "seg")
    a_page.locator(".segment-editor-panel").wait_for(timeout=UI_TIMEOUT_MS)
    return a_page


def test_a_paint_dab_in_3d_lands_on_the_skull_and_undo_takes_it_back(editor_page, skull):
    page = editor_page
    dab = add_segment(page)
    choose_effect(page, "paint")
    page.evaluate(f"window.trame.state.set('seg_brush_diameter_mm', {DAB_DIAMETER_MM})")
    wait_for_state(page, "seg_brush_diameter_mm", DAB_DIAMETER_MM)
    # The views' input travels beside the state: a trigger's answer (the statistics, on the same line as
    # the state change) says the server holds the new diameter before the click.
    assert voxels_of(page, dab) == 0
    x, y = centre_of(page, THREED)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
    painted = voxels_of(page, dab, lambda n: n > 0)
    # A 12 mm ball on the surface (0.96 x 0.96 x 1.5 mm voxels): the whole ball, masked by nothing.
    ball_voxels = 4 / 3 * math.pi * (DAB_DIAMETER_MM / 2) ** 3 / (0.957 * 0.957 * 1.5)
    assert 0.7 * ball_voxels < painted < 1.3 * ball_voxels
    page.screenshot(path="test-artifacts/segment-editor-3d-dab.png")
    page.locator(".undo-undo").click()
    assert voxels_of(page, dab, lambda n: n == 0) == 0


def test_a_3d_scissors_rectangle_cuts_through_the_skull_and_undo_restores_it(editor_page, skull):
    page = editor_page
    bone, bone_count = skull
    page.locator(".seg-name").first.click()  # the skull is the first segment
    wait_for_state(page, "seg_state", lambda s: s["active_segment_id"] == bone)
    choose_effect(page, "scissors")
    page.evaluate("window.trame.state.set('seg_scissors_shape', 'rectangle')")
    page.evaluate("window.trame.state.set('seg_scissors_operation', 'erase_inside')")
    wait_for_state(page, "seg_scissors_shape", "rectangle")
    wait_for_state(page, "seg_scissors_operation", "erase_inside")
    assert voxels_of(page, bone) == bone_count  # the server has the options (see the dab's test)
    before = view_pixels(page, THREED)
    x, y = centre_of(page, THREED)
    page.mouse.move(x - 40, y - 40)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 40 + 8 * step, y - 40 + 8 * step)
        time.sleep(0.03)
    page.screenshot(path="test-artifacts/segment-editor-3d-scissors-drag.png")  # the rectangle drawn
    page.mouse.up()
    left = voxels_of(page, bone, lambda n: n < bone_count)
    assert 0 < left < bone_count - 1000  # a hole through the skull, front to back
    assert changed_pixels(page, THREED, before, 0.01) >= 0.01
    page.screenshot(path="test-artifacts/segment-editor-3d-scissors.png")
    page.locator(".undo-undo").click()
    assert voxels_of(page, bone, lambda n: n == bone_count) == bone_count  # the exact voxels back
