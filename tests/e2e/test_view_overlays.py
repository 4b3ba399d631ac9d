"""What the app lays over the streamed views must not hide what Slicer draws in them."""

from __future__ import annotations

import time

import numpy as np
import pytest

from e2e.views import frames_painted, view_pixels, wait_for_still_frame, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
RULER_BAND_PX = 60


def set_state_and_wait(page, key: str, value) -> np.ndarray:
    """The 3D view once it has painted its still frame after ``key`` changed to ``value``."""
    frames = frames_painted(page, "1")
    page.evaluate(f"window.trame.state.set({key!r}, {value!r})")
    wait_for_still_frame(page, "1", frames)
    time.sleep(0.3)
    return view_pixels(page, "1")


def test_the_stats_line_leaves_the_3d_ruler_visible(a_browser, the_app_on_the_ct, artifacts):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_the_ct.url)
    wait_for_views(page)
    assert page.evaluate("window.trame.state.get('threed_ruler')") == "none"
    without = set_state_and_wait(page, "layout_name", "four_up")  # a 3D view half as wide
    with_ruler = set_state_and_wait(page, "threed_ruler", "thick")
    # The ruler lies along the bottom edge; above it the switch to orthographic moves the head too.
    changed = np.abs(with_ruler - without).max(axis=2) > 40
    changed[: -RULER_BAND_PX] = False
    rows, cols = np.nonzero(changed)
    assert rows.size > 50, "no ruler was drawn"
    page.evaluate("window.trame.state.set('show_stream_stats', true)")
    stats = page.locator(".slicer-view-1 .slicer-stream-stats")
    stats.wait_for(timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(artifacts / "stats-and-ruler.png"))
    view = page.locator(".slicer-view-1").bounding_box()
    box = stats.bounding_box()
    left, top = box["x"] - view["x"], box["y"] - view["y"]
    covered = (cols >= left) & (cols <= left + box["width"]) & (rows >= top) & (rows <= top + box["height"])
    assert not covered.any(), f"the stats line covers {covered.sum()} ruler pixels"
    page.close()
