"""In Chromium: a page reloaded in the middle of a paint stroke. The server never got the stroke's release,
so the stroke stayed drawn in the views (every tab's) and was never applied; now the tab's end releases
what it held: the stroke is applied, one undo step, as a release there would have."""

from __future__ import annotations

import time

import pytest

from e2e.test_segment_editor import (
    a_segmentation_with_a_segment,
    choose_effect,
    counted_voxels,
    open_segment_editor,
)
from e2e.views import wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}


def test_a_reload_in_the_middle_of_a_paint_stroke_applies_it_once(a_browser, the_app_on_the_ct):
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(the_app_on_the_ct.url)
        wait_for_views(page)
        open_segment_editor(page)
        a_segmentation_with_a_segment(page)
        choose_effect(page, "paint")
        box = page.locator(".slicer-view-Red").bounding_box()
        x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 21):
            page.mouse.move(x + 4 * step, y + (step % 3))
            time.sleep(0.03)
        page.wait_for_timeout(500)  # the moves reach the server
        page.reload()  # the button is still down
        wait_for_views(page)
        wait_for_state(page, "undo_can_undo", True)
        open_segment_editor(page)
        painted = counted_voxels(page)
        assert painted > 50
        page.locator(".undo-undo").click()
        assert counted_voxels(page) == 0  # one step: the whole stroke
    finally:
        page.close()
