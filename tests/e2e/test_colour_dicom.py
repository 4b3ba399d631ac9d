"""A colour DICOM in a real Chromium: shown in its colours, no window/level where it has no meaning."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import RunningApp
from fetch_data import pydicom_test_file
from PIL import Image

from e2e.views import drag, open_feature_panel, view_pixels, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
# pydicom's secondary capture: bands of red, green, blue, black and grey, stored as JPEG baseline (YBR).
COLOUR_FILE = "SC_rgb_jpeg_gdcm.dcm"


@pytest.fixture(scope="module")
def the_app_on_a_colour_image():
    app = RunningApp("--data", str(pydicom_test_file(COLOUR_FILE)))
    yield app
    app.stop()


@pytest.fixture
def a_page_on_the_colour_image(a_browser, the_app_on_a_colour_image):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_a_colour_image.url)
    wait_for_views(page, names=("Red",))
    time.sleep(1.0)  # the still frame
    yield page
    page.close()


def share_of(pixels: np.ndarray, channel: int) -> float:
    """The share of the view's pixels where one channel is bright and the two others dark."""
    others = [c for c in range(3) if c != channel]
    return float(np.mean((pixels[..., channel] > 180) & (pixels[..., others].max(axis=-1) < 90)))


def test_a_colour_dicom_shows_its_colours_and_no_window_level(a_page_on_the_colour_image, artifacts):
    a_page = a_page_on_the_colour_image
    pixels = view_pixels(a_page, "Red")
    Image.fromarray(pixels.astype(np.uint8)).save(artifacts / "colour-dicom-red-view.png")
    shares = [share_of(pixels, channel) for channel in range(3)]
    assert min(shares) > 0.02, shares  # red, green and blue bands, each plainly one colour

    open_feature_panel(a_page, "volumes")
    a_page.locator(".volumes-colour-note").wait_for(timeout=UI_TIMEOUT_MS)
    assert "shown in its own colours" in a_page.locator(".volumes-colour-note").inner_text()
    assert a_page.locator(".volumes-window").count() == 0
    assert a_page.locator(".volumes-color-map").count() == 0
    time.sleep(0.5)  # the panel opens with an animation
    a_page.screenshot(path=str(artifacts / "colour-dicom-volumes-panel.png"))

    drag(a_page, "Red", dx=80, dy=40)  # would be a window/level drag on a grey volume
    time.sleep(1.5)
    after = view_pixels(a_page, "Red")
    assert [share_of(after, channel) for channel in range(3)] == pytest.approx(shares, abs=0.01)
