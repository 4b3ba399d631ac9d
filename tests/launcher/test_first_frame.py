"""A new browser's first frames through the launcher: each view is sized once, at the size it shows,
so its first frame is the one it keeps (a frame at a size the page was about to leave cost the
slowest render of the session and held back the real one)."""

from __future__ import annotations

import pytest

from .conftest import RunningLauncher

pytestmark = pytest.mark.browser

VIEWS = ("1", "Red", "Yellow", "Green")
QUIET_MS = 1500


@pytest.fixture(scope="module")
def a_pooled_launcher(tmp_path_factory):
    launcher = RunningLauncher(tmp_path_factory.mktemp("sessions"), "--pool-size", "1", "--max-sessions", "2",
                               "--idle-s", "5", "--refill-delay-s", "0")
    yield launcher
    launcher.stop()


def open_page(a_browser, launcher, viewport):
    context = a_browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(launcher.url)
    page.wait_for_function("""views => { const s = window.__slicerStreamStats;
        return s && views.every(v => s[v] && s[v].frames > 0); }""", arg=list(VIEWS), timeout=60_000)
    # Quiet: no view painted for QUIET_MS (a frame at a second size would come within it).
    page.wait_for_function("""([views, quiet]) => { const s = window.__slicerStreamStats, now = performance.now();
        return views.every(v => now - s[v].lastFrameAt > quiet); }""", arg=[list(VIEWS), QUIET_MS], timeout=30_000)
    return context, page


@pytest.mark.parametrize("viewport", [{"width": 1200, "height": 800}, {"width": 800, "height": 600}],
                         ids=["drawer-beside", "drawer-over"])
def test_each_view_gets_one_first_frame_at_the_size_it_shows(a_browser, a_pooled_launcher, viewport, artifacts):
    launcher = a_pooled_launcher
    launcher.wait_until(lambda: launcher.health().get("pooled", 0) >= 1, "the pool did not refill")
    context, page = open_page(a_browser, launcher, viewport)
    try:
        for view in VIEWS:
            figures = page.evaluate("""v => { const s = window.__slicerStreamStats[v];
                const c = document.querySelector('.slicer-view-' + v + ' canvas');
                return {sizes: s.frameSizes, canvas: [c.width, c.height]}; }""", view)
            # Every frame at the size the view shows: none rendered for a size the page was about to leave.
            # (On a loaded machine a first frame may come at interactive quality before its still one, at
            # the same size: the count alone would not tell the two apart.)
            assert all([width, height] == figures["canvas"] for width, height, _still in figures["sizes"]), \
                (view, figures)
            assert figures["sizes"][-1][2], (view, figures)  # ending on its still frame
        page.screenshot(path=str(artifacts / f"launcher-first-frames-{viewport['width']}.png"))
    finally:
        context.close()
