"""The side panels in a real Chromium: presets, sliders following a drag, undo/redo."""

from __future__ import annotations

import time

import pytest
from conftest import RunningApp
from made_data import probability_map

from e2e.views import (
    drag,
    frames_painted,
    open_feature_panel,
    readout,
    view_pixels,
    wait_for_readout,
    wait_for_state,
    wait_for_still_frame,
    wait_for_views,
)

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000


@pytest.fixture
def a_page_with_the_volumes_panel(a_browser, the_app_on_the_ct):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_the_ct.url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "volumes")
    page.locator(".volumes-window").wait_for(timeout=UI_TIMEOUT_MS)
    yield page
    page.close()


def slider_value(page, css_class: str) -> float:
    return float(page.locator(f".{css_class} [role=slider]").get_attribute("aria-valuenow"))


def click_preset(page, name: str) -> None:
    page.locator(f".volumes-preset-{name.lower().replace(' ', '-')}").click()


def test_a_window_preset_sets_mrml_and_brightens_the_red_view(a_page_with_the_volumes_panel):
    page = a_page_with_the_volumes_panel
    click_preset(page, "CT bone")
    wait_for_readout(page, lambda r: r["window"] == 1000.0)
    frames = frames_painted(page, "Red")
    time.sleep(0.5)
    image_bone = view_pixels(page, "Red")
    click_preset(page, "CT lung")
    after = wait_for_readout(page, lambda r: r["window"] == 1400.0)
    assert after["level"] == -500.0
    wait_for_still_frame(page, "Red", frames)
    time.sleep(0.3)
    image_lung = view_pixels(page, "Red")
    # Level -500 puts soft tissue (about 40 HU) near white: the head gets much brighter.
    assert image_lung.mean() > image_bone.mean() + 15
    page.wait_for_function("Number(document.querySelector('.volumes-window [role=slider]')"
                           ".getAttribute('aria-valuenow')) === 1400", timeout=UI_TIMEOUT_MS)


def test_dragging_window_level_in_the_red_view_moves_the_sliders(a_page_with_the_volumes_panel):
    page = a_page_with_the_volumes_panel
    click_preset(page, "CT soft tissue")
    wait_for_readout(page, lambda r: r["window"] == 400.0)
    page.wait_for_function("Number(document.querySelector('.volumes-window [role=slider]')"
                           ".getAttribute('aria-valuenow')) === 400", timeout=UI_TIMEOUT_MS)
    drag(page, "Red", dx=60, dy=30)
    after = wait_for_readout(page, lambda r: r["window"] != 400.0)
    # The thumbs sit on the sliders' steps (tens on a CT, as in Slicer), the state in whole units.
    near = page.evaluate("window.trame.state.get('volumes_scale').step") / 2 + 0.5
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:  # the sliders follow at the binding's poll rate
        after = readout(page)
        if abs(slider_value(page, "volumes-window") - after["window"]) <= near \
                and abs(slider_value(page, "volumes-level") - after["level"]) <= near:
            break
        time.sleep(0.1)
    assert slider_value(page, "volumes-window") == pytest.approx(after["window"], abs=near)
    assert slider_value(page, "volumes-level") == pytest.approx(after["level"], abs=near)
    assert after["window"] > 400.0  # dragging right widens the window


def test_undo_and_redo_from_the_toolbar_and_ctrl_z(a_page_with_the_volumes_panel):
    page = a_page_with_the_volumes_panel
    click_preset(page, "CT bone")
    wait_for_readout(page, lambda r: r["window"] == 1000.0)
    click_preset(page, "CT brain")
    wait_for_readout(page, lambda r: r["window"] == 100.0)
    page.locator(".undo-undo").click()
    wait_for_readout(page, lambda r: r["window"] == 1000.0)
    page.locator(".undo-redo").click()
    wait_for_readout(page, lambda r: r["window"] == 100.0)
    page.keyboard.press("Control+z")
    wait_for_readout(page, lambda r: r["window"] == 1000.0)
    page.keyboard.press("Control+Shift+z")
    wait_for_readout(page, lambda r: r["window"] == 100.0)


@pytest.fixture(scope="module")
def the_app_on_a_probability_map(an_mri_path, tmp_path_factory):
    app = RunningApp("--data", str(probability_map(an_mri_path, tmp_path_factory.mktemp("map") / "map.nii.gz")))
    yield app
    app.stop()


def test_a_0_to_1_float_map_gets_sliders_in_hundredths(a_browser, the_app_on_a_probability_map):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_a_probability_map.url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "volumes")
    page.locator(".volumes-window").wait_for(timeout=UI_TIMEOUT_MS)
    assert float(page.locator(".volumes-window [role=slider]").get_attribute("aria-valuemax")) == 1.2
    assert "range 0.00 to 1.00" in page.locator(".volumes-readout").inner_text()
    level = slider_value(page, "volumes-level")
    page.locator(".volumes-level [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.trame.state.get('volumes_level') !== " + repr(level), timeout=UI_TIMEOUT_MS)
    assert page.evaluate("window.trame.state.get('volumes_level')") == pytest.approx(level + 0.01)
    page.close()


def test_a_hostile_window_value_breaks_no_template_and_is_put_right(a_page_with_the_volumes_panel):
    """A string sent for the window (a tampered client) is refused by the server and put right; meanwhile the
    panel's readout must not fail on it (it did: 'toFixed is not a function')."""
    page = a_page_with_the_volumes_panel
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    before = slider_value(page, "volumes-window")
    page.evaluate("window.trame.state.set('volumes_window', 'abc')")
    wait_for_state(page, "volumes_window", lambda value: isinstance(value, (int, float)))
    assert slider_value(page, "volumes-window") == before
    assert not [e for e in errors if "toFixed" in e], errors
