"""The desktop's layout, served: every 3D and slice view of the Qt test host's current layout reaches the
browser (a custom layout's extra views included), a layout change on either side reaches the other,
without a reload. Real slicer-core views in VTK's Qt widgets under Xvfb, real CT, real Chromium."""

from __future__ import annotations

import time

import numpy as np
import pytest
from e2e.views import (
    STATE_TIMEOUT_S,
    drag,
    open_feature_panel,
    readout,
    settled_readout,
    state,
    view_pixels,
    wait_for_readout,
    wait_for_state,
    wait_for_views,
)

from hosts.qt_host_process import QtHostProcess
from hosts.test_qt_host_browser import PAGE_VIEWPORT, SECRET, changed

pytestmark = pytest.mark.browser
FOUR_UP = ["1", "Red", "Yellow", "Green"]
CUSTOM = ["1", "2", "Red", "Yellow", "Green", "Slice4"]  # the Qt host's custom layout (number 501)


@pytest.fixture(scope="module")
def the_qt_host(a_ct_path):
    host = QtHostProcess("--data", str(a_ct_path), "--secret", SECRET)
    yield host
    host.stop()


@pytest.fixture
def a_page(a_browser, the_qt_host):
    page = a_browser.new_page(viewport=PAGE_VIEWPORT)
    page.goto(the_qt_host.url(SECRET))
    wait_for_views(page, FOUR_UP)
    yield page
    page.close()
    if the_qt_host.command("state")["layout"] != 3:
        the_qt_host.command("layout four-up")


def views_in_page(page) -> set[str]:
    """The views the page shows, by their elements."""
    return set(page.evaluate(
        "[...document.querySelectorAll('.slicer-layout .slicer-view')]"
        ".map(e => [...e.classList].find(c => c.startsWith('slicer-view-')).slice('slicer-view-'.length))"
    ))


def wait_for_desktop_layout(host: QtHostProcess, number: int, timeout_s: float = STATE_TIMEOUT_S) -> dict:
    """Until the desktop shows layout ``number`` (a page's own state changes at the click, before its
    server heard of it); the desktop's state."""
    deadline = time.monotonic() + timeout_s
    while True:
        desktop = host.command("state")
        if desktop["layout"] == number:
            return desktop
        assert time.monotonic() < deadline, f"the desktop shows layout {desktop['layout']}, not {number}"
        time.sleep(0.2)


def test_the_browser_starts_in_the_desktop_layout(a_page, the_qt_host):
    desktop = the_qt_host.command("state")
    assert desktop["layout"] == 3
    assert state(a_page, "layout_name") == "four_up"
    assert views_in_page(a_page) == set(desktop["shown"]) == set(FOUR_UP)


def test_a_custom_desktop_layout_streams_its_extra_views(a_page, the_qt_host, artifacts):
    """A SlicerCAT's own layout with a second 3D view and a fourth slice view: all six in the browser, without
    a reload; the extra views take the browser's input; back to four-up, the extra views leave the page."""
    the_qt_host.command("layout custom")
    desktop = the_qt_host.command("state")
    assert sorted(desktop["shown"]) == sorted(CUSTOM)
    wait_for_state(a_page, "layout_name", "desktop")
    wait_for_views(a_page, CUSTOM)
    assert views_in_page(a_page) == set(CUSTOM)
    a_page.screenshot(path=str(artifacts / "qt-host-custom-layout.png"))
    # The fourth slice view is Slicer's own: the browser's wheel moves its slice on the desktop.
    before = readout(a_page)["slice_offsets_mm"]["Slice4"]
    box = a_page.locator(".slicer-view-Slice4").bounding_box()
    a_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(5):
        a_page.mouse.wheel(0, -120)
    wait_for_readout(a_page, lambda r: r["slice_offsets_mm"]["Slice4"] != before)
    after = settled_readout(a_page)["slice_offsets_mm"]["Slice4"]
    assert the_qt_host.desktop_readouts()["slice_offsets_mm"]["Slice4"] == after
    # The second 3D view turns under a browser drag.
    before_pixels = view_pixels(a_page, "2")
    drag(a_page, "2", 120, 0)
    settled_readout(a_page)
    assert changed(before_pixels, view_pixels(a_page, "2")) > 0.05
    the_qt_host.command("layout four-up")
    wait_for_state(a_page, "layout_name", "four_up")
    a_page.wait_for_function("document.querySelectorAll('.slicer-view-Slice4, .slicer-view-2').length === 0")
    assert views_in_page(a_page) == set(FOUR_UP)


def test_a_desktop_layout_change_reaches_every_tab(a_page, a_browser, the_qt_host):
    second = a_browser.new_page(viewport=PAGE_VIEWPORT)
    try:
        second.goto(the_qt_host.url(SECRET))
        wait_for_views(second, FOUR_UP)
        the_qt_host.command("layout Red")
        for page in (a_page, second):
            wait_for_state(page, "layout_name", "one_up_red")
            page.wait_for_function("document.querySelectorAll('.slicer-layout .slicer-view').length === 1")
            assert views_in_page(page) == {"Red"}
        the_qt_host.command("layout conventional")
        for page in (a_page, second):
            wait_for_state(page, "layout_name", "conventional")
        wait_for_views(second, FOUR_UP)
    finally:
        second.close()


def test_a_browser_layout_button_changes_the_desktop_layout(a_page, the_qt_host, artifacts):
    a_page.locator(".layout-one_up_3d").click()
    assert wait_for_desktop_layout(the_qt_host, 4)["shown"] == ["1"]
    assert state(a_page, "layout_name") == "one_up_3d"
    a_page.locator(".layout-conventional").click()
    assert sorted(wait_for_desktop_layout(the_qt_host, 2)["shown"]) == sorted(FOUR_UP)
    assert state(a_page, "layout_name") == "conventional"
    wait_for_views(a_page, FOUR_UP)
    a_page.screenshot(path=str(artifacts / "qt-host-conventional-from-browser.png"))


def test_a_hostile_layout_name_leaves_the_desktop_layout(a_page, the_qt_host):
    for value in ("desktop", "no-such-layout", 7, None):
        a_page.evaluate("value => window.trame.state.set('layout_name', value)", value)
        wait_for_state(a_page, "layout_name", lambda v, value=value: v != value)
        assert state(a_page, "layout_name") == "four_up"
        assert the_qt_host.command("state")["layout"] == 3
        a_page.evaluate("window.trame.state.set('layout_name', 'four_up')")


def test_a_view_the_desktop_hid_shows_a_change_made_meanwhile(a_page, the_qt_host):
    """Slicer's layout manager hides the views a layout does not show, and Qt paints none of them: Yellow,
    hidden while a browser drag in Red changed window/level, shows the change once a layout shows it."""
    before_yellow = view_pixels(a_page, "Yellow")
    the_qt_host.command("layout Red")
    wait_for_state(a_page, "layout_name", "one_up_red")
    before = the_qt_host.desktop_readouts()["window"]
    drag(a_page, "Red", -70, 40)
    wait_for_readout(a_page, lambda r: r["window"] != before)
    settled_readout(a_page)
    the_qt_host.command("layout four-up")
    wait_for_state(a_page, "layout_name", "four_up")
    wait_for_views(a_page, FOUR_UP)
    assert changed(before_yellow, view_pixels(a_page, "Yellow")) > 0.05


def test_an_extra_slice_view_probes_and_its_drag_is_an_undo_step(a_page, the_qt_host):
    """The panels' per-view parts ask the host which views are slice views: the fourth slice view gets the
    data probe's readout, and its window/level drag is undone with Ctrl+Z like one in Red."""
    the_qt_host.command("layout custom")
    wait_for_state(a_page, "layout_name", "desktop")
    wait_for_views(a_page, CUSTOM)
    box = a_page.locator(".slicer-view-Slice4").bounding_box()
    a_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    a_page.wait_for_selector(".readouts-probe-Slice4", timeout=STATE_TIMEOUT_S * 1000)
    assert "cranium_ct" in a_page.locator(".readouts-probe-Slice4").inner_text()
    before = the_qt_host.desktop_readouts()["window"]
    drag(a_page, "Slice4", 90, 0)
    wait_for_readout(a_page, lambda r: r["window"] != before)
    settled_readout(a_page)
    a_page.keyboard.press("Control+z")
    wait_for_readout(a_page, lambda r: r["window"] == before)
    assert the_qt_host.desktop_readouts()["window"] == before


def test_a_page_opened_anew_shows_the_desktop_layout(a_page, the_qt_host):
    """The page opened again (trame's client takes the secret out of the address bar, so a reload is a new
    opening of the printed address) comes back in the desktop's custom layout, extra views and all."""
    the_qt_host.command("layout custom")
    wait_for_state(a_page, "layout_name", "desktop")
    wait_for_views(a_page, CUSTOM)
    a_page.goto(the_qt_host.url(SECRET))
    wait_for_views(a_page, CUSTOM)
    assert state(a_page, "layout_name") == "desktop"
    assert views_in_page(a_page) == set(CUSTOM)


def test_the_layout_screenshot_holds_the_desktop_layouts_extra_views(a_page, the_qt_host, tmp_path):
    """The Save menu's screenshot of the layout composes the views the page shows, the custom layout's too."""
    from PIL import Image

    the_qt_host.command("layout custom")
    wait_for_state(a_page, "layout_name", "desktop")
    wait_for_views(a_page, CUSTOM)
    a_page.locator(".data-io-save").click()
    with a_page.expect_download(timeout=STATE_TIMEOUT_S * 3000) as download:
        a_page.locator(".data-io-screenshot-layout").click()
    path = tmp_path / "layout.png"
    download.value.save_as(path)
    picture = Image.open(path)
    # Two rows (the 3D views, the four slice views), each view at the desktop's 480x400 or so.
    assert picture.width >= 4 * 400 and picture.height >= 2 * 300


# -- extra views, first-class: their desktop colour and title, the Slices panel, the screenshot menu -------------
SLICE4_COLOR = "rgb(140, 76, 176)"  # the Qt host's layout gives Slice4 this colour (qt_host.EXTRA_VIEW_LOOKS)
THREED_BLUE = "rgb(116, 131, 233)"  # Slicer's 3D views' own colour (vtkMRMLAbstractViewNode), View 2's too
RED_COLOR = "rgb(243, 74, 51)"


def show_custom_layout(page, host: QtHostProcess) -> None:
    host.command("layout custom")
    wait_for_state(page, "layout_name", "desktop")
    wait_for_views(page, CUSTOM)


def border_color(page, selector: str, side: str = "top") -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).border{side.title()}Color")


def slice4_offset_settled(page, host: QtHostProcess, changed_from: float) -> float:
    """Slice4's offset once it moved from ``changed_from`` and settled: the page's and the desktop's agree."""
    wait_for_readout(page, lambda r: r["slice_offsets_mm"]["Slice4"] != changed_from)
    offset = settled_readout(page)["slice_offsets_mm"]["Slice4"]
    assert host.desktop_readouts()["slice_offsets_mm"]["Slice4"] == offset
    return offset


def slice4_offset_agreed(page, host: QtHostProcess, changed_from: float, timeout_s: float = 60.0) -> float:
    """Slice4's offset once the panel's slider and the desktop agree on it twice in a row: on a loaded machine
    the desktop can look settled on an early step of a burst while the later steps are still on their way."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        offset = slice4_offset_settled(page, host, changed_from)
        slider = state(page, "slices_Slice4_offset_mm")
        if isinstance(slider, (int, float)) and abs(slider - offset) < 0.01:
            if last is not None and abs(last - offset) < 0.01:
                return offset
            last = offset
        else:
            last = None
        time.sleep(0.5)
    raise AssertionError("the Slices panel's Slice4 slider and the desktop's Slice4 never agreed")


def test_extra_views_bear_their_desktop_colour_and_title(a_page, a_browser, the_qt_host, artifacts):
    """Each view's bar is its view node's layout colour, as the desktop's: Slice4 its own, View 2 the 3D blue;
    the Slices panel lists Slice4 under its title and colour, in this tab, a second one and after a reload."""
    show_custom_layout(a_page, the_qt_host)
    assert border_color(a_page, ".slicer-view-Slice4") == SLICE4_COLOR
    assert border_color(a_page, ".slicer-view-2") == border_color(a_page, ".slicer-view-1") == THREED_BLUE
    assert border_color(a_page, ".slicer-view-Red") == RED_COLOR
    looks = {look["name"]: look for look in state(a_page, "view_looks")}
    assert looks["Slice4"] == {"name": "Slice4", "kind": "slice", "title": "Slice4", "label": "S4",
                               "color": "#8c4cb0"}
    assert looks["2"]["title"] == "3D 2" and looks["2"]["label"] == "2"
    second = a_browser.new_page(viewport=PAGE_VIEWPORT)
    try:
        second.goto(the_qt_host.url(SECRET))
        wait_for_views(second, CUSTOM)
        for page in (a_page, second):
            open_feature_panel(page, "slices")
            title = page.locator(".slices-Slice4-title")
            title.wait_for(timeout=STATE_TIMEOUT_S * 1000)
            assert title.inner_text() == "Slice4"
            assert border_color(page, ".slices-Slice4", "left") == SLICE4_COLOR
            assert border_color(page, ".slices-Red", "left") == RED_COLOR
        a_page.screenshot(path=str(artifacts / "qt-host-slices-panel-slice4.png"))
    finally:
        second.close()
    a_page.goto(the_qt_host.url(SECRET))
    wait_for_views(a_page, CUSTOM)
    open_feature_panel(a_page, "slices")
    assert a_page.locator(".slices-Slice4-title").inner_text() == "Slice4"


def test_the_slices_panel_moves_the_extra_slice_view_on_the_desktop(a_page, the_qt_host, artifacts):
    """Slice4's slider in the Slices panel (the keyboard on its thumb, as a user steps a slider) moves the
    desktop's Slice4; Ctrl+Z puts it back; a hostile value for its key is put right and moves nothing."""
    show_custom_layout(a_page, the_qt_host)
    open_feature_panel(a_page, "slices")
    before = settled_readout(a_page)["slice_offsets_mm"]["Slice4"]
    before_pixels = view_pixels(a_page, "Slice4")
    thumb = a_page.locator(".slices-Slice4-offset [role=slider]")
    thumb.focus()
    for _ in range(8):
        thumb.press("ArrowRight")
    moved = slice4_offset_agreed(a_page, the_qt_host, before)
    assert moved > before
    assert changed(before_pixels, view_pixels(a_page, "Slice4")) > 0.01
    a_page.screenshot(path=str(artifacts / "qt-host-slice4-moved-from-panel.png"))
    a_page.keyboard.press("Control+z")  # the slider keeps the focus; Ctrl+Z is the app's undo there too
    assert slice4_offset_settled(a_page, the_qt_host, moved) == pytest.approx(before, abs=0.01)
    for hostile in ("x", None, 1e300, [1]):
        a_page.evaluate("value => window.trame.state.set('slices_Slice4_offset_mm', value)", hostile)
        wait_for_state(a_page, "slices_Slice4_offset_mm", lambda v: isinstance(v, (int, float)) and abs(v) < 1e6)
    assert the_qt_host.desktop_readouts()["slice_offsets_mm"]["Slice4"] == pytest.approx(before, abs=0.01)


def test_a_screenshot_of_the_extra_slice_view(a_page, the_qt_host, tmp_path, artifacts):
    """The Save menu offers each shown view, Slice4 under its title; its screenshot is the desktop's Slice4."""
    from PIL import Image

    show_custom_layout(a_page, the_qt_host)
    a_page.locator(".data-io-save").click()
    entry = a_page.locator(".data-io-screenshot-Slice4")
    entry.wait_for(timeout=STATE_TIMEOUT_S * 1000)
    assert "Screenshot of Slice4" in entry.inner_text()
    assert "Screenshot of 3D 2" in a_page.locator(".data-io-screenshot-2").inner_text()
    a_page.wait_for_function(  # the menu's opening transition over, for the picture
        "getComputedStyle(document.querySelector('.data-io-screenshot-Slice4').closest('.v-overlay__content'))"
        ".opacity === '1'")
    a_page.screenshot(path=str(artifacts / "qt-host-screenshot-menu-extra-views.png"))
    with a_page.expect_download(timeout=STATE_TIMEOUT_S * 3000) as download:
        entry.click()
    assert download.value.suggested_filename == "Slicer Slice4.png"
    path = artifacts / "qt-host-slice4-screenshot.png"
    download.value.save_as(path)
    picture = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert picture.shape[1] >= 400 and picture.shape[0] >= 300  # the desktop's view, 480x400 or so
    assert (picture.max(axis=2) > 40).mean() > 0.05  # the CT, not a black frame
    # Back in Four-Up the menu offers the four views only.
    a_page.keyboard.press("Escape")
    the_qt_host.command("layout four-up")
    wait_for_state(a_page, "layout_name", "four_up")
    a_page.locator(".data-io-save").click()
    a_page.locator(".data-io-screenshot-Red").wait_for(timeout=STATE_TIMEOUT_S * 1000)
    assert a_page.locator(".data-io-screenshot-Slice4").count() == 0
    a_page.keyboard.press("Escape")


def test_a_hostile_view_looks_value_is_put_back(a_page, the_qt_host):
    looks = state(a_page, "view_looks")
    for hostile in ("x", None, [{"name": "<b>"}], 7):
        a_page.evaluate("value => window.trame.state.set('view_looks', value)", hostile)
        wait_for_state(a_page, "view_looks", looks)
