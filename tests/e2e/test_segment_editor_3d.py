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


def server_holds(page, key: str, value: float) -> None:
    """Set a number the server keeps to 2 decimals, and wait until the server has it: the value is sent
    a hair off, and the server's rounded echo is what comes back. The views' input travels beside the
    state, so a click must not outrun an option set just before it (a 5 mm dab came out of a 12 mm one)."""
    page.evaluate(f"window.trame.state.set({key!r}, {value + 0.004})")
    wait_for_state(page, key, value)


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
    server_holds(page, "seg_brush_diameter_mm", DAB_DIAMETER_MM)
    assert voxels_of(page, dab) == 0
    x, y = centre_of(page, THREED)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
    painted = voxels_of(page, dab, lambda n: n > 0)
    page.screenshot(path="test-artifacts/segment-editor-3d-dab.png")
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
    server_holds(page, "seg_scissors_depth_mm", 0.0)  # after the two above: they are in too
    assert state(page, "seg_scissors_shape") == "rectangle"
    assert voxels_of(page, bone) == bone_count
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


def test_the_smoothing_brush_smooths_under_a_3d_stroke_only_and_undo_restores(editor_page, skull):
    page = editor_page
    bone, bone_count = skull
    page.locator(".seg-name").first.click()
    wait_for_state(page, "seg_state", lambda s: s["active_segment_id"] == bone)
    choose_effect(page, "smoothing")
    page.locator(".seg-smooth-brush input").click()  # the switch, as a user turns it on
    wait_for_state(page, "seg_smooth_brush", True)
    page.locator(".seg-smooth-brush-method").wait_for(timeout=UI_TIMEOUT_MS)
    # Opening with a kernel wider than the skull is thick: the bone under the brush goes.
    page.evaluate("window.trame.state.set('seg_smooth_brush_method', 'opening')")
    server_holds(page, "seg_smooth_brush_mm", 12)
    server_holds(page, "seg_brush_diameter_mm", 20)
    assert state(page, "seg_smooth_brush_method") == "opening"
    assert voxels_of(page, bone) == bone_count
    x, y = centre_of(page, THREED)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + 2 * step, y)
        time.sleep(0.03)
    page.mouse.up()
    left = voxels_of(page, bone, lambda n: n < bone_count)
    # A 20 mm brush: at most a short sausage of it (the stroke moved 10 px) can change.
    brush_voxels = 4 / 3 * math.pi * 10**3 / (0.957 * 0.957 * 1.5)
    assert bone_count - 3 * brush_voxels < left < bone_count
    assert state(page, "seg_message") == ""
    page.screenshot(path="test-artifacts/segment-editor-3d-smoothing-brush.png")
    page.locator(".undo-undo").click()
    assert voxels_of(page, bone, lambda n: n == bone_count) == bone_count
    page.locator(".seg-smooth-brush input").click()
    wait_for_state(page, "seg_smooth_brush", False)
