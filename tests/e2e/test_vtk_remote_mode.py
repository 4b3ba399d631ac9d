"""`--stream vtk-remote`: the design card's stock path, trame-vtk's VtkRemoteView, in a real Chromium.

Kept beside the paced stream for comparison (docs/decisions/0001); it must still show Slicer's views
and take Slicer's interaction.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import RunningApp

from e2e.views import VIEW_NAMES, view_pixels, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
CHANGE_TIMEOUT_S = 20


@pytest.fixture(scope="module")
def the_stock_app_on_the_ct(a_ct_path):
    app = RunningApp("--stream", "vtk-remote", "--data", str(a_ct_path))
    yield app
    app.stop()


def test_the_stock_remote_views_show_the_ct_and_rotate_in_3d(a_browser, the_stock_app_on_the_ct, artifacts):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_stock_app_on_the_ct.url)
    frames = wait_for_views(page)
    page.screenshot(path=str(artifacts / "four-views-vtk-remote.png"))
    assert page.locator(".slicer-stream-view").count() == 0  # really the stock widget
    for name in ("Red", "Yellow", "Green"):
        grey = frames[name].mean(axis=2)
        assert (grey > 200).mean() > 0.005, f"{name}: no bright bone"
        assert (grey < 20).mean() > 0.2, f"{name}: no dark air"
    assert set(frames) == set(VIEW_NAMES)

    box = page.locator(".slicer-view-1").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = frames["1"]
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x + 12 * step, y + 3 * step)
        time.sleep(0.03)
    page.mouse.up()
    deadline = time.monotonic() + CHANGE_TIMEOUT_S
    while np.abs(view_pixels(page, "1") - before).mean() < 5:
        assert time.monotonic() < deadline, "a drag in the stock 3D view did not rotate it"
        time.sleep(0.5)
    page.close()
