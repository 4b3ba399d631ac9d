"""Close scene in a real Chromium: every view repaints at once and shows an empty scene, not what was
there (issue 12: the 3D view kept the black slice planes of the closed CT), and closing, which undo
cannot bring back, says so before the user confirms."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import RunningApp

from e2e.views import open_feature_panel, view_pixels, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
REPAINT_TIMEOUT_S = 3.0
DARK = 40  # every channel below this: the black of a slice plane with nothing to show


def frames(page) -> dict[str, int]:
    return page.evaluate("Object.fromEntries(Object.entries(window.__slicerStreamStats)"
                         ".map(([name, s]) => [name, s.frames]))")


def dark_fraction(pixels: np.ndarray) -> float:
    return float((pixels < DARK).all(axis=2).mean())


def test_closing_the_scene_warns_it_is_final_and_repaints_every_view_as_an_empty_scene(a_browser, a_ct_path, artifacts):
    app = RunningApp("--data", str(a_ct_path))
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page)
        open_feature_panel(page, "threed")
        page.locator(".threed-vr-visible input").click()
        page.wait_for_function("window.trame.state.get('threed_vr_visible') === true", timeout=UI_TIMEOUT_MS)
        time.sleep(1.0)
        assert dark_fraction(view_pixels(page, "1")) > 0.02  # the slice planes, dark around the head
        before = frames(page)

        page.locator(".undo-undo:not([disabled])").wait_for(timeout=UI_TIMEOUT_MS)  # turning rendering on
        page.locator(".data-io-close").click()
        # Closing ends the undo history: the user is told before confirming.
        assert "cannot be undone" in page.locator(".data-io-close-dialog").inner_text()
        page.locator(".data-io-close-confirm").click()
        deadline = time.monotonic() + REPAINT_TIMEOUT_S
        while time.monotonic() < deadline and not all(n > before[name] for name, n in frames(page).items()):
            time.sleep(0.05)
        assert all(n > before[name] for name, n in frames(page).items()), (before, frames(page))
        page.locator(".v-overlay--active").wait_for(state="detached", timeout=UI_TIMEOUT_MS)
        page.evaluate("window.trame.state.set('data_io_notice_show', false)")  # "Scene closed" covers a view
        time.sleep(0.5)
        threed = view_pixels(page, "1")
        from PIL import Image

        Image.fromarray(threed.astype(np.uint8)).save(artifacts / "closed-scene-3d.png")
        assert dark_fraction(threed) < 0.002, "the 3D view still shows slice planes of the closed scene"
        assert page.locator(".undo-undo").is_disabled()
        for name in ("Red", "Yellow", "Green"):  # black but for the border, labels and intersection lines
            assert dark_fraction(view_pixels(page, name)) > 0.95, f"{name} still shows an image"
    finally:
        page.close()
        app.stop()
