"""The app in a real Chromium: Slicer's Conventional layout, four streamed views."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RunningApp

from e2e.views import VIEW_NAMES, shows_an_image, view_pixels, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def the_app_on_sample_data():
    app = RunningApp()
    yield app
    app.stop()


def open_page(browser, app):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(app.url)
    return page


def test_the_sample_head_shows_in_four_views(a_browser, the_app_on_sample_data, artifacts):
    page = open_page(a_browser, the_app_on_sample_data)
    frames = wait_for_views(page)
    page.screenshot(path=str(artifacts / "four-views-sample.png"))
    # Conventional layout: the 3D view spans the top, three slices below it.
    boxes = {n: page.locator(f".slicer-view-{n}").bounding_box() for n in VIEW_NAMES}
    assert boxes["1"]["width"] > 2.5 * boxes["Red"]["width"]
    assert boxes["Red"]["y"] > boxes["1"]["y"] + boxes["1"]["height"] - 5
    assert boxes["Red"]["x"] < boxes["Yellow"]["x"] < boxes["Green"]["x"]
    # The three slice views differ.
    assert np.abs(frames["Red"] - frames["Yellow"][: len(frames["Red"]), : len(frames["Red"][0])]).mean() > 5
    page.close()


def test_the_real_ct_shows_with_bone_bright_and_air_dark(a_browser, the_app_on_the_ct, artifacts):
    page = open_page(a_browser, the_app_on_the_ct)
    frames = wait_for_views(page)
    page.screenshot(path=str(artifacts / "four-views-ct.png"))
    for name in ("Red", "Yellow", "Green"):
        grey = frames[name].mean(axis=2)
        assert (grey > 200).mean() > 0.005, f"{name}: no bright bone"
        assert (grey < 20).mean() > 0.2, f"{name}: no dark air"
    page.close()


def test_layouts_switch_and_hidden_views_leave_the_page(a_browser, the_app_on_sample_data, artifacts):
    page = open_page(a_browser, the_app_on_sample_data)
    wait_for_views(page)
    page.locator(".layout-one_up_red").click()
    page.wait_for_function("document.querySelectorAll('.slicer-view').length === 1")
    assert page.locator(".slicer-view-Red").count() == 1
    wait_for_views(page, names=("Red",))
    page.locator(".layout-four_up").click()
    page.wait_for_function("document.querySelectorAll('.slicer-view').length === 4")
    frames = wait_for_views(page)
    boxes = {n: page.locator(f".slicer-view-{n}").bounding_box() for n in VIEW_NAMES}
    assert abs(boxes["Red"]["width"] - boxes["1"]["width"]) < 10  # a 2x2 grid
    page.screenshot(path=str(artifacts / "four-up.png"))
    assert all(shows_an_image(f) for f in frames.values())
    page.locator(".layout-one_up_3d").click()
    page.wait_for_function("document.querySelectorAll('.slicer-view').length === 1")
    assert shows_an_image(wait_for_views(page, names=("1",))["1"])
    assert view_pixels(page, "1").shape[1] > 1000  # fills the width
    page.close()
