"""Focus first in a real Chromium: in the Conventional layout with volume rendering on, a pan in Red
paints Red more often than the 3D view (which follows with cheap linked frames), and every view
ends on its still frame."""

from __future__ import annotations

import time

import pytest
from conftest import ARTIFACTS, RunningApp

from e2e.views import close_feature_panel, open_feature_panel, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1600, "height": 1000}  # the default Conventional layout, as a user sees it
PAN_S = 2.5
POINTER_PERIOD_S = 1 / 60
TIMEOUT_S = 30
VIEWS = ("1", "Red", "Yellow", "Green")


def stats(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(Object.entries(window.__slicerStreamStats).map(
        ([name, s]) => [name, {frames: s.frames, linked: s.linkedFrames,
                               still: !!(s.lastMeta && s.lastMeta.still)}]))""")


def wait_for_all_still(page, timeout_s: float = TIMEOUT_S) -> None:
    page.wait_for_function(
        """(names) => names.every(n => { const s = window.__slicerStreamStats[n];
                                         return s && s.lastMeta && s.lastMeta.still; })""",
        arg=list(VIEWS), timeout=timeout_s * 1000)


@pytest.fixture
def conventional_with_volume_rendering(a_browser, a_ct_path):
    app = RunningApp("--data", str(a_ct_path))
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page, names=VIEWS)
        open_feature_panel(page, "threed")
        page.locator(".threed-vr-visible input").click()
        page.wait_for_function("window.trame.state.get('threed_vr_visible') === true", timeout=TIMEOUT_S * 1000)
        close_feature_panel(page, "threed")
        time.sleep(1.0)
        wait_for_all_still(page)
        yield page
    finally:
        page.screenshot(path=str(ARTIFACTS / "focus-first.png"))
        page.close()
        app.stop()


def test_a_pan_in_red_paints_red_first_and_every_view_ends_still(conventional_with_volume_rendering):
    page = conventional_with_volume_rendering
    box = page.locator(".slicer-view-Red").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = stats(page)
    page.mouse.move(x, y)
    page.mouse.down(button="middle")
    moves = int(PAN_S / POINTER_PERIOD_S)
    for step in range(moves):  # a closed loop: out and back
        offset = 60 * (step / moves if step < moves / 2 else 1 - step / moves)
        page.mouse.move(x + offset, y + offset / 2)
        time.sleep(POINTER_PERIOD_S)
    during = stats(page)
    page.mouse.up(button="middle")
    wait_for_all_still(page)

    painted = {name: during[name]["frames"] - before[name]["frames"] for name in VIEWS}
    linked = {name: during[name]["linked"] - before[name]["linked"] for name in VIEWS}
    # The dragged view first; the 3D view (its slice plane moves) follows, at a lower rate.
    assert painted["Red"] > painted["1"] > 0, painted
    # (One frame of the 3D view may have been on its way when the button went down.)
    assert linked["Red"] == 0 and linked["1"] >= painted["1"] - 1, (painted, linked)
    assert all(stats(page)[name]["still"] for name in VIEWS)
