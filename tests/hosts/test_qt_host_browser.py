"""The web app served from inside a Qt desktop application (the Qt test host standing in for Slicer):
one scene, changed from either side. Real slicer-core views in VTK's Qt widgets under Xvfb, real CT,
real Chromium."""

from __future__ import annotations

import time

import numpy as np
import pytest
from e2e.views import (
    drag,
    frames_painted,
    open_feature_panel,
    readout,
    settled_readout,
    view_pixels,
    wait_for_readout,
    wait_for_still_frame,
    wait_for_views,
)

from hosts.qt_host_process import QtHostProcess

pytestmark = pytest.mark.browser
PAGE_VIEWPORT = {"width": 1400, "height": 900}
SECRET = "qt-host-test-secret"
VR_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def the_qt_host(a_ct_path):
    host = QtHostProcess("--data", str(a_ct_path), "--secret", SECRET)
    yield host
    host.stop()


@pytest.fixture
def a_page(a_browser, the_qt_host):
    page = a_browser.new_page(viewport=PAGE_VIEWPORT)
    page.goto(the_qt_host.url(SECRET))
    wait_for_views(page)
    yield page
    page.close()


def changed(before: np.ndarray, after: np.ndarray) -> float:
    """The fraction of pixels that differ noticeably."""
    if before.shape != after.shape:
        return 1.0
    return float((np.abs(before - after).max(axis=2) > 20).mean())


def test_a_drag_in_red_changes_window_level_on_the_desktop_and_the_picture(a_page, the_qt_host, artifacts):
    before_pixels = view_pixels(a_page, "Red")
    before = the_qt_host.desktop_readouts()
    drag(a_page, "Red", 80, -60)  # the app's mouse mode: left-drag adjusts window/level
    wait_for_readout(a_page, lambda r: r["window"] != before["window"])
    after_page = settled_readout(a_page)  # the drag's events may still be arriving
    after = the_qt_host.desktop_readouts()
    # The desktop's own MRML changed, and the browser reads the same scene.
    assert after["window"] != before["window"]
    assert after_page["window"] == after["window"]
    a_page.screenshot(path=str(artifacts / "qt-host-red-drag.png"))
    assert changed(before_pixels, view_pixels(a_page, "Red")) > 0.05


def test_a_drag_in_3d_turns_the_desktop_camera_and_the_picture(a_page, the_qt_host):
    before_pixels = view_pixels(a_page, "1")
    before = the_qt_host.desktop_readouts()
    drag(a_page, "1", 120, 0)
    wait_for_readout(a_page, lambda r: r["camera_position"] != before["camera_position"])
    after = the_qt_host.desktop_readouts()
    assert after["camera_position"] != before["camera_position"]
    assert changed(before_pixels, view_pixels(a_page, "1")) > 0.05


def test_a_wheel_on_the_desktop_reaches_the_browser(a_page, the_qt_host, artifacts):
    before_pixels = view_pixels(a_page, "Red")
    before = readout(a_page)["slice_offsets_mm"]["Red"]
    the_qt_host.command("wheel Red 8")  # Qt wheel events on the desktop's Red view
    desktop = the_qt_host.desktop_readouts()["slice_offsets_mm"]["Red"]
    assert desktop != before
    after = wait_for_readout(a_page, lambda r: r["slice_offsets_mm"]["Red"] == desktop)
    assert after["slice_offsets_mm"]["Red"] == desktop
    a_page.screenshot(path=str(artifacts / "qt-host-desktop-wheel.png"))
    assert changed(before_pixels, view_pixels(a_page, "Red")) > 0.01


def test_a_drag_on_the_desktop_reaches_the_browser(a_page, the_qt_host):
    before_pixels = view_pixels(a_page, "1")
    before = readout(a_page)["camera_position"]
    frames = frames_painted(a_page, "1")
    the_qt_host.command("drag 1 150 0")  # Qt mouse events on the desktop's 3D view
    wait_for_readout(a_page, lambda r: r["camera_position"] != before)
    # The readout is polled apart from the frames: wait for the frame that shows the new camera.
    wait_for_still_frame(a_page, "1", frames)
    assert changed(before_pixels, view_pixels(a_page, "1")) > 0.05


def test_a_page_without_the_secret_gets_no_views(a_browser, the_qt_host):
    page = a_browser.new_page(viewport=PAGE_VIEWPORT)
    try:
        page.goto(the_qt_host.url("not-the-secret"))
        # A page with the secret shows its views within seconds; give this one as long.
        page.wait_for_timeout(8000)
        assert page.locator(".slicer-view-1 .slicer-stream-view").count() == 0 or frames_painted(page, "1") == 0
    finally:
        page.close()
    # The server survived it.
    assert the_qt_host.desktop_readouts()["window"] is not None


def test_undo_in_the_browser_restores_the_desktop_scene(a_page, the_qt_host):
    before = the_qt_host.desktop_readouts()["window"]
    drag(a_page, "Red", 90, 0)
    wait_for_readout(a_page, lambda r: r["window"] != before)
    settled_readout(a_page)
    a_page.keyboard.press("Control+z")
    wait_for_readout(a_page, lambda r: r["window"] == before)
    assert the_qt_host.desktop_readouts()["window"] == before


def test_a_panel_works_on_the_desktop_scene_volume_rendering_on(a_page, the_qt_host):
    """The panels drive the desktop's scene through the live host: the 3D panel's volume rendering
    switch, seen in the browser's 3D view."""
    before = view_pixels(a_page, "1")
    open_feature_panel(a_page, "threed")
    a_page.locator(".threed-vr-visible input").click()
    a_page.wait_for_function("window.trame.state.get('threed_vr_visible') === true")
    try:
        # Volume rendering on a CPU takes its time: wait for the picture, not for a number of frames.
        deadline = time.monotonic() + VR_TIMEOUT_S
        while changed(before, view_pixels(a_page, "1")) <= 0.03:
            assert time.monotonic() < deadline, "the 3D view did not change with volume rendering on"
            time.sleep(0.5)
    finally:
        a_page.locator(".threed-vr-visible input").click()
        a_page.wait_for_function("window.trame.state.get('threed_vr_visible') === false")
