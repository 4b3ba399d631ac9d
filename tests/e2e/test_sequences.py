"""A 4D NIfTI in a real Chromium: the toolbar shows the frame slider, moving it changes the Red view's
picture and the frame the server holds, and play advances the frames on the server."""

from __future__ import annotations

import time
from pathlib import Path

import nibabel
import numpy as np
import pytest
from conftest import RunningApp

from e2e.views import view_pixels, wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
FOUR_D = Path(nibabel.__file__).parent / "tests" / "data" / "example4d.nii.gz"


def settled_pixels(page, name: str, pause_s: float = 1.5) -> np.ndarray:
    time.sleep(pause_s)  # the binding's poll, then the still frame
    return view_pixels(page, name)


def test_the_frame_slider_moves_the_red_view_through_the_frames(a_browser):
    app = RunningApp("--data", str(FOUR_D))
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page, names=("Red",))
        slider = page.locator(".sequences-frame")
        slider.wait_for(timeout=UI_TIMEOUT_MS)
        assert page.locator(".sequences-label").inner_text().strip() == "1/2"
        assert wait_for_state(page, "sequences_frame", 0) == 0
        first = settled_pixels(page, "Red")
        again = settled_pixels(page, "Red")
        noise = np.abs(first - again).mean()

        page.locator(".sequences-frame .v-slider-thumb").focus()
        page.keyboard.press("End")  # the last frame, as a user moving the slider to its end
        deadline = time.monotonic() + 10
        while page.evaluate("window.trame.state.get('sequences_frame')") != 1:
            assert time.monotonic() < deadline, "the server's frame did not follow the slider"
            time.sleep(0.2)
        assert page.locator(".sequences-label").inner_text().strip() == "2/2"
        second = settled_pixels(page, "Red")
        assert np.abs(second - first).mean() > noise + 0.2, "the Red view did not change with the frame"

        # Back to the first frame: the first picture again.
        page.keyboard.press("Home")
        back = settled_pixels(page, "Red", 2.0)
        assert np.abs(back - first).mean() < np.abs(second - first).mean()

        # Play: the server steps the frames on its own (the slider follows).
        page.locator(".sequences-play").click()
        seen = set()
        deadline = time.monotonic() + 8
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.add(page.evaluate("window.trame.state.get('sequences_frame')"))
            time.sleep(0.1)
        assert seen == {0, 1}
        page.locator(".sequences-play").click()
        time.sleep(1.0)
        assert page.evaluate("window.trame.state.get('sequences_playing')") is False
    finally:
        page.close()
        app.stop()


def test_without_a_sequence_there_is_no_frame_slider(a_browser, a_ct_path):
    app = RunningApp("--data", str(a_ct_path))
    page = a_browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(app.url)
        wait_for_views(page, names=("Red",))
        assert page.locator(".sequences-frame").count() == 0
    finally:
        page.close()
        app.stop()
