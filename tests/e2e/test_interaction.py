"""Slicer's own mouse and keyboard bindings, through the streamed views in a real Chromium."""

from __future__ import annotations

import time

import numpy as np
import pytest

from e2e.views import (
    drag,
    frames_painted,
    readout,
    settled_readout,
    view_pixels,
    wait_for_readout,
    wait_for_still_frame,
)

pytestmark = pytest.mark.browser


def test_left_drag_changes_window_level_and_the_image(a_page):
    before = readout(a_page)
    frames = frames_painted(a_page, "Red")
    image_before = view_pixels(a_page, "Red")
    drag(a_page, "Red", dx=-40, dy=0)
    after = wait_for_readout(a_page, lambda r: r["window"] != before["window"])
    assert after["window"] < before["window"]  # dragging left narrows the window
    wait_for_still_frame(a_page, "Red", frames)
    image_after = view_pixels(a_page, "Red")
    assert np.abs(image_after - image_before).mean() > 3, "the image did not follow window/level"
    assert image_after.std() > image_before.std(), "a narrower window must show more contrast"


def test_wheel_and_arrow_keys_scroll_the_slice(a_page):
    before = readout(a_page)["slice_offsets_mm"]["Yellow"]
    box = a_page.locator(".slicer-view-Yellow").bounding_box()
    a_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(5):
        a_page.mouse.wheel(0, -100)
        time.sleep(0.05)
    wait_for_readout(a_page, lambda r: r["slice_offsets_mm"]["Yellow"] != before)
    # The first change may be read while later notches are still on their way: wait until the
    # scrolling has ended, or the arrow key may only bring the slice back to a value seen mid-scroll.
    scrolled = settled_readout(a_page)
    offset = scrolled["slice_offsets_mm"]["Yellow"]
    a_page.keyboard.press("ArrowDown")
    wait_for_readout(a_page, lambda r: r["slice_offsets_mm"]["Yellow"] != offset)
    # Only the view under the pointer scrolled.
    assert scrolled["slice_offsets_mm"]["Red"] == readout(a_page)["slice_offsets_mm"]["Red"]


def test_left_drag_in_3d_rotates_the_camera(a_page):
    before = readout(a_page)["camera_position"]
    image_before = view_pixels(a_page, "1")
    drag(a_page, "1", dx=200, dy=0)
    after = wait_for_readout(a_page, lambda r: r["camera_position"] != before)["camera_position"]
    assert np.linalg.norm(np.subtract(after, before)) > 10
    time.sleep(0.5)
    assert np.abs(view_pixels(a_page, "1") - image_before).mean() > 2


def test_shift_move_places_the_crosshair_and_the_other_slices_follow(a_page):
    before = readout(a_page)
    box = a_page.locator(".slicer-view-Red").bounding_box()
    a_page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    a_page.keyboard.down("Shift")
    a_page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.35, steps=5)
    a_page.keyboard.up("Shift")
    after = wait_for_readout(
        a_page, lambda r: r["crosshair_ras"] != before["crosshair_ras"]
        and r["slice_offsets_mm"]["Yellow"] != before["slice_offsets_mm"]["Yellow"])
    r, a, _s = after["crosshair_ras"]
    # Sagittal and coronal slices jump through the point (Slicer's sagittal offset counts leftwards).
    assert abs(after["slice_offsets_mm"]["Yellow"]) == pytest.approx(abs(r), abs=1.0)
    assert abs(after["slice_offsets_mm"]["Green"]) == pytest.approx(abs(a), abs=1.0)
    assert after["slice_offsets_mm"]["Red"] == before["slice_offsets_mm"]["Red"]
