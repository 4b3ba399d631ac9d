"""The Segment Editor in a real Chromium on the real head CT: create a segmentation, paint a stroke in
Red and see its voxels (the panel's statistics, counted by the server from the label map) and its
colour (in the view's pixels), undo it, show the segment in 3D; a second tab sees the same segments."""

from __future__ import annotations

import time

import numpy as np
import pytest

from e2e.views import STATE_TIMEOUT_S, open_feature_panel, state, view_pixels, wait_for_state

pytestmark = pytest.mark.browser
UI_TIMEOUT_MS = 20_000
# The default first segment colour is Slicer's green (128, 174, 128): green stands above red and blue.
GREEN_OVER_GREY = 18


def open_segment_editor(page) -> None:
    open_feature_panel(page, "seg")
    page.locator(".segment-editor-panel").wait_for(timeout=UI_TIMEOUT_MS)


def choose_effect(page, name: str) -> None:
    """Click the effect's button unless it is the active one (a click on it would unselect it)."""
    if state(page, "seg_effect") != name:
        page.locator(f".seg-effect-{name}").click()
    wait_for_state(page, "seg_effect", name)


def a_segmentation_with_a_segment(page) -> None:
    """The panel's buttons: a new segmentation, then a segment in it (the panel open, no segmentation yet)."""
    page.locator(".seg-create").click()
    page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    page.locator(".seg-add").click()
    page.locator(".seg-row").first.wait_for(timeout=UI_TIMEOUT_MS)


def green_pixels(pixels: np.ndarray) -> int:
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(((green - red > GREEN_OVER_GREY) & (green - blue > GREEN_OVER_GREY)).sum())


def counted_voxels(page) -> int:
    """The panel's statistics: the server counts the segment's voxels in its label map."""
    before = page.locator(".seg-statistics").inner_text() if page.locator(".seg-statistics").count() else None
    page.locator(".seg-statistics-compute").click()
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        cells = page.locator(".seg-statistics-voxels")
        if cells.count() and (before is None or page.locator(".seg-statistics").inner_text() != before
                              or time.monotonic() > deadline - STATE_TIMEOUT_S / 2):
            return int(cells.first.inner_text())
        if time.monotonic() > deadline:
            raise AssertionError("no statistics came")
        time.sleep(0.2)


def wait_for_green(page, view: str, test) -> int:
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        count = green_pixels(view_pixels(page, view))
        if test(count) or time.monotonic() > deadline:
            return count
        time.sleep(0.3)


def stroke_in_red(page, length_px: int = 120) -> None:
    box = page.locator(".slicer-view-Red").bounding_box()
    x, y = box["x"] + box["width"] / 2 - length_px / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 31):
        page.mouse.move(x + length_px * step / 30, y + (step % 4))
        time.sleep(0.03)
    page.mouse.up()


def test_paint_a_stroke_see_its_voxels_and_colour_undo_it_and_show_3d(a_page):
    page = a_page
    open_segment_editor(page)
    a_segmentation_with_a_segment(page)
    choose_effect(page, "paint")
    green_before = green_pixels(view_pixels(page, "Red"))

    stroke_in_red(page)
    green_after = wait_for_green(page, "Red", lambda n: n > green_before + 400)
    assert green_after > green_before + 400  # the segment's colour where the stroke went
    painted = counted_voxels(page)
    assert painted > 200
    # A circle brush paints the slice shown: the other slice views through the stroke see it as a line.
    page.screenshot(path="test-artifacts/segment-editor-stroke.png")

    page.locator(".undo-undo").click()
    assert wait_for_green(page, "Red", lambda n: n <= green_before + 50) <= green_before + 50
    assert counted_voxels(page) == 0

    page.locator(".undo-redo").click()
    assert counted_voxels(page) == painted

    # A sphere brush's ball, shown in 3D as a closed surface, updated after the stroke.
    page.evaluate("window.trame.state.set('seg_brush_sphere', true)")
    page.evaluate("window.trame.state.set('seg_brush_diameter_mm', 30)")
    wait_for_state(page, "seg_brush_diameter_mm", 30)
    page.locator(".seg-show-3d").click()
    wait_for_state(page, "seg_state", lambda s: s and s["show_3d"])
    green_3d = green_pixels(view_pixels(page, "1"))
    stroke_in_red(page, 10)
    page.screenshot(path="test-artifacts/segment-editor-3d.png")
    assert wait_for_green(page, "1", lambda n: n > green_3d + 200) > green_3d + 200
    page.screenshot(path="test-artifacts/segment-editor-3d.png")


def test_a_second_tab_sees_the_same_segments(a_browser, the_app_on_the_ct, a_page):
    open_segment_editor(a_page)
    if not state(a_page, "seg_state")["segmentation_id"]:
        a_page.locator(".seg-create").click()
        a_page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    count = len(state(a_page, "seg_state")["segments"])
    a_page.locator(".seg-add").click()
    rows = wait_for_state(a_page, "seg_state", lambda s: len(s["segments"]) == count + 1)["segments"]
    names = [row["name"] for row in rows]
    other = a_browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        other.goto(the_app_on_the_ct.url)
        open_segment_editor(other)
        wait_for_state(other, "seg_state", lambda s: [r["name"] for r in s["segments"]] == names)
        rows = other.locator(".seg-row .seg-name")
        rows.nth(count).wait_for(timeout=UI_TIMEOUT_MS)
        assert [t.strip() for t in rows.all_inner_texts()] == names
        # An edit in one tab shows in the other.
        other.locator(".seg-add").click()
        wait_for_state(a_page, "seg_state", lambda s: len(s["segments"]) == count + 2)
    finally:
        other.close()


def test_a_refused_stroke_says_why_in_the_panel(a_page):
    """Paint on a locked segment: no voxel, and the panel says the segment is locked."""
    page = a_page
    open_segment_editor(page)
    if not state(page, "seg_state")["segmentation_id"]:
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    count = len(state(page, "seg_state")["segments"])
    page.locator(".seg-add").click()
    added = wait_for_state(page, "seg_state", lambda s: len(s["segments"]) == count + 1)
    active = added["active_segment_id"]
    assert active == added["segments"][-1]["id"]  # a new segment is the active one
    page.locator(".seg-active .seg-lock").click()
    wait_for_state(page, "seg_state", lambda s: next(r for r in s["segments"] if r["id"] == active)["locked"])
    choose_effect(page, "paint")
    stroke_in_red(page, 60)
    assert "locked" in wait_for_state(page, "seg_message", lambda m: "locked" in (m or ""))


BONE_RANGE_HU = (300, 3000)


@pytest.fixture(scope="module")
def bone_voxels_in_the_ct(a_ct_path) -> int:
    """The CT's voxels in BONE_RANGE_HU, counted here with numpy on the file's own voxels."""
    from trame_slicer_app.engine.io.volumes import load_volume, voxel_array
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    voxels = voxel_array(load_volume(SlicerEngine(), a_ct_path))
    return int(((voxels >= BONE_RANGE_HU[0]) & (voxels <= BONE_RANGE_HU[1])).sum())


def test_threshold_previews_in_the_slice_views_and_applies_the_exact_voxels(a_page, bone_voxels_in_the_ct):
    page = a_page
    open_segment_editor(page)
    if not state(page, "seg_state")["segmentation_id"]:
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    count = len(state(page, "seg_state")["segments"])
    page.locator(".seg-add").click()
    wait_for_state(page, "seg_state", lambda s: len(s["segments"]) == count + 1)
    choose_effect(page, "threshold")
    page.locator(".seg-threshold-range").wait_for(timeout=UI_TIMEOUT_MS)
    before = view_pixels(page, "Red")
    # What the range slider sends as it is dragged: the preview follows in every slice view.
    page.evaluate(f"window.trame.state.set('seg_threshold_range', {list(BONE_RANGE_HU)})")
    colour = wait_for_state(page, "seg_state", lambda s: s["active_segment_id"])
    assert colour
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        changed = np.abs(view_pixels(page, "Red") - before).sum(axis=2) > 40
        if changed.mean() > 0.02 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert changed.mean() > 0.02  # the skull lit in the preview colour
    page.screenshot(path="test-artifacts/segment-editor-threshold-preview.png")
    page.locator(".seg-threshold-apply").click()
    page.locator(".seg-statistics-compute").click()
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        rows = state(page, "seg_statistics") or []
        active = state(page, "seg_state")["active_segment_id"]
        row = next((r for r in rows if r["id"] == active), None)
        if (row and row["voxels"]) or time.monotonic() > deadline:
            break
        page.locator(".seg-statistics-compute").click()
        time.sleep(0.5)
    assert row["voxels"] == bone_voxels_in_the_ct


def test_the_segment_editor_keys_work_while_its_panel_is_open_and_help_lists_them(a_page):
    page = a_page
    page.mouse.move(*centre_of(page, "Red"))
    effect_before = state(page, "seg_effect")
    page.keyboard.press("2")  # the panel is closed: the key is the view's, the effect stays
    time.sleep(1.0)
    assert state(page, "seg_effect") == effect_before
    open_segment_editor(page)
    if not state(page, "seg_state")["segmentation_id"]:
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    page.mouse.move(*centre_of(page, "Red"))
    page.keyboard.press("Escape")
    wait_for_state(page, "seg_effect", None)
    page.keyboard.press("2")
    wait_for_state(page, "seg_effect", "draw")
    page.keyboard.press("1")
    wait_for_state(page, "seg_effect", "paint")
    page.keyboard.press(" ")  # back to the effect before
    wait_for_state(page, "seg_effect", "draw")
    page.keyboard.press("Escape")
    wait_for_state(page, "seg_effect", None)
    page.locator(".help-open").click()
    help_text = page.locator(".help-dialog").inner_text()
    assert "Segment Editor" in help_text and "Toggle masking by intensity range" in help_text


def centre_of(page, view: str) -> tuple[float, float]:
    box = page.locator(f".slicer-view-{view}").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_after_a_reload_the_toolbar_says_which_effect_takes_the_left_button_and_ends_it(a_page):
    # The effect is the scene's, shared by the tabs; a reloaded page has its panels closed, so a left
    # drag painted into the segmentation with nothing on screen saying why (no window/level either).
    page = a_page
    open_segment_editor(page)
    if page.locator(".seg-create").count():
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    page.locator(".seg-add").click()
    choose_effect(page, "paint")
    chip = page.locator(".seg-active-effect")
    chip.wait_for(timeout=UI_TIMEOUT_MS)
    assert "Paint" in chip.inner_text()
    page.reload()
    page.locator(".slicer-view-Red").wait_for(timeout=UI_TIMEOUT_MS)
    assert not page.locator(".segment-editor-panel").is_visible()
    chip.wait_for(timeout=UI_TIMEOUT_MS)
    assert "Paint" in chip.inner_text()
    chip.locator(".v-chip__close").click()
    wait_for_state(page, "seg_effect", None)
    chip.wait_for(state="detached", timeout=UI_TIMEOUT_MS)


def test_the_brush_size_is_shown_in_numbers(a_page):
    page = a_page
    open_segment_editor(page)
    if page.locator(".seg-create").count():
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    choose_effect(page, "paint")
    page.evaluate("window.trame.state.set('seg_brush_diameter_mm', 12.5)")
    wait_for_state(page, "seg_brush_diameter_mm", 12.5)
    page.locator(".seg-brush-diameter", has_text="12.5 mm").wait_for(timeout=UI_TIMEOUT_MS)
