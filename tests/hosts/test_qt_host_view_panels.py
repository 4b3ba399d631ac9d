"""The panels with per-view controls follow the desktop: the 3D panel acts on the 3D view the user picks, the
Slices panel lists the slice views the desktop shows, and a view's colour or label changed on the desktop
reaches the page when it changes. The Qt test host (real slicer-core views in VTK's Qt widgets under Xvfb),
the real CT, real Chromium."""

from __future__ import annotations

import pytest
from e2e.views import (
    STATE_TIMEOUT_S,
    open_feature_panel,
    state,
    view_pixels,
    wait_for_state,
    wait_for_views,
)

from hosts.qt_host_process import QtHostProcess
from hosts.test_qt_host_browser import PAGE_VIEWPORT, SECRET, changed
from hosts.test_qt_host_layouts import CUSTOM, FOUR_UP, border_color, show_custom_layout

pytestmark = pytest.mark.browser
TIMEOUT_MS = STATE_TIMEOUT_S * 1000


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


def threed_views(host: QtHostProcess) -> dict:
    """Each desktop 3D view's camera position and background colour."""
    return host.command("state")["threed"]


def wait_for_desktop(host: QtHostProcess, condition, timeout_s: float = STATE_TIMEOUT_S) -> dict:
    """Until the desktop's 3D views meet ``condition``; their figures then."""
    seen = {}

    def met() -> bool:
        seen.update(threed_views(host))
        return condition(seen)

    wait_until(met, "the desktop's 3D views never got there", timeout_s)
    return seen


def wait_until(condition, message: str, timeout_s: float = STATE_TIMEOUT_S) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def listed_slice_views(page) -> set[str]:
    """The slice views the Slices panel has controls for, by their elements."""
    return set(page.evaluate(
        "[...document.querySelectorAll('.slices-view')]"
        ".map(e => [...e.classList].find(c => c.startsWith('slices-') && c !== 'slices-view').slice(7))"))


def wait_for_listed(page, names: set[str]) -> None:
    page.wait_for_function(
        "names => { const listed = [...document.querySelectorAll('.slices-view')].map(e => [...e.classList]"
        ".find(c => c.startsWith('slices-') && c !== 'slices-view').slice(7));"
        " return listed.length === names.length && names.every(n => listed.includes(n)); }",
        arg=sorted(names), timeout=TIMEOUT_MS)


# -- 1. the 3D panel acts on the 3D view the user picks ------------------------------------------------------
def pick_threed_view(page, name: str) -> None:
    page.locator(".threed-view").click()
    page.locator(f".threed-view-item-{name}").click()
    wait_for_state(page, "threed_view", name)


def test_the_3d_panel_acts_on_the_picked_3d_view(a_page, a_browser, the_qt_host, artifacts):
    """In the custom layout (3D views 1 and 2) the panel offers both under their titles and colours, the first
    by default; with view 2 picked, a camera direction and the background change the desktop's view 2 and the
    browser's picture of it, and leave view 1 alone; a second tab shows the pick; hostile picks are put back;
    back in Four-Up, where view 2 is hidden, the panel acts on view 1 and offers no picker."""
    open_feature_panel(a_page, "threed")
    assert a_page.locator(".threed-view").count() == 0  # one 3D view shown: nothing to pick
    assert state(a_page, "threed_view") == "1"
    show_custom_layout(a_page, the_qt_host)
    a_page.locator(".threed-view").wait_for(timeout=TIMEOUT_MS)
    choices = state(a_page, "threed_view_choices")
    assert [(c["value"], c["title"]) for c in choices] == [("1", "3D"), ("2", "3D 2")]
    looks = {look["name"]: look for look in state(a_page, "view_looks")}
    assert [c["color"] for c in choices] == [looks["1"]["color"], looks["2"]["color"]]
    assert state(a_page, "threed_view") == "1"
    pick_threed_view(a_page, "2")
    a_page.screenshot(path=str(artifacts / "qt-host-threed-panel-view-2.png"))

    before = threed_views(the_qt_host)
    before_pixels = view_pixels(a_page, "2")
    a_page.locator(".threed-camera-S").click()
    after = wait_for_desktop(the_qt_host, lambda v: v["2"]["position"] != before["2"]["position"])
    assert after["1"]["position"] == before["1"]["position"]
    # Looking from superior: the camera above the scene's centre.
    assert after["2"]["position"][2] > max(before["2"]["position"][2], 100)
    a_page.wait_for_timeout(300)
    assert changed(before_pixels, view_pixels(a_page, "2")) > 0.02

    a_page.evaluate("window.trame.state.set('threed_background', 'black')")
    after = wait_for_desktop(the_qt_host, lambda v: v["2"]["background"] == [0, 0, 0])
    assert after["1"]["background"] == before["1"]["background"] != [0, 0, 0]
    # The browser's view 2 shows the black background (its corners, away from the CT and the marker); view 1's
    # stays light.
    wait_until(lambda: view_pixels(a_page, "2")[-20:, :20].max() < 30, "view 2's background never went black")
    assert view_pixels(a_page, "1")[-20:, :20].mean() > 60
    second = a_browser.new_page(viewport=PAGE_VIEWPORT)
    try:  # the choice is the panel's, as the volume it renders: every tab shows it
        second.goto(the_qt_host.url(SECRET))
        wait_for_views(second, CUSTOM)
        assert state(second, "threed_view") == "2" and state(second, "threed_background") == "black"
    finally:
        second.close()
    # (The 3D views' settings are view settings, not scene edits undo takes back: set back as a user would.)
    a_page.evaluate("window.trame.state.set('threed_background', 'light blue')")
    wait_for_desktop(the_qt_host, lambda v: v["2"]["background"] == before["2"]["background"])

    for hostile in ("3", "Red", None, 2, ["2"], "x" * 10_000):
        a_page.evaluate("value => window.trame.state.set('threed_view', value)", hostile)
        wait_for_state(a_page, "threed_view", "2")
    the_qt_host.command("layout four-up")
    wait_for_state(a_page, "threed_view", "1")
    a_page.wait_for_function("document.querySelectorAll('.threed-view').length === 0", timeout=TIMEOUT_MS)
    before = threed_views(the_qt_host)
    a_page.locator(".threed-camera-S").click()
    after = wait_for_desktop(the_qt_host, lambda v: v["1"]["position"] != before["1"]["position"])
    assert after["2"]["position"] == before["2"]["position"]


# -- 2. the Slices panel lists the views the desktop shows ----------------------------------------------------
def test_the_slices_panel_lists_the_slice_views_the_desktop_shows(a_page, the_qt_host, artifacts):
    """Slice4 listed while the custom layout shows it, gone when Four-Up hides it (its widget stays with the
    layout manager), Red alone in the Red-only layout; each change without a reload."""
    open_feature_panel(a_page, "slices")
    show_custom_layout(a_page, the_qt_host)
    wait_for_listed(a_page, {"Red", "Yellow", "Green", "Slice4"})
    the_qt_host.command("layout four-up")
    wait_for_state(a_page, "layout_name", "four_up")
    wait_for_listed(a_page, {"Red", "Yellow", "Green"})
    a_page.screenshot(path=str(artifacts / "qt-host-slices-panel-four-up.png"))
    the_qt_host.command("layout Red")
    wait_for_state(a_page, "layout_name", "one_up_red")
    wait_for_listed(a_page, {"Red"})
    the_qt_host.command("layout 1")
    wait_for_state(a_page, "layout_name", "one_up_3d")
    wait_for_listed(a_page, set())
    show_custom_layout(a_page, the_qt_host)
    wait_for_listed(a_page, {"Red", "Yellow", "Green", "Slice4"})
    # The listed view's controls still act on it after coming back.
    assert listed_slice_views(a_page) == {"Red", "Yellow", "Green", "Slice4"}
    assert a_page.locator(".slices-Slice4-title").inner_text() == "Slice4"


# -- 3. a view's colour or label changed on the desktop reaches the page at once --------------------------------
def test_a_view_colour_changed_on_the_desktop_reaches_the_page(a_page, a_browser, the_qt_host, artifacts):
    """A module sets Slice4's layout colour and label, and view 2's colour, after the layout made them: the
    views' bars, view_looks, the Slices panel and the 3D panel's picker show them, in two tabs, with no layout
    change."""
    show_custom_layout(a_page, the_qt_host)
    open_feature_panel(a_page, "slices")
    a_page.locator(".slices-Slice4-title").wait_for(timeout=TIMEOUT_MS)
    second = a_browser.new_page(viewport=PAGE_VIEWPORT)
    try:
        second.goto(the_qt_host.url(SECRET))
        wait_for_views(second, CUSTOM)
        layout = the_qt_host.command("state")["layout"]
        the_qt_host.command("look Slice4 20c040 Q")
        the_qt_host.command("look 2 e0a000")
        for page in (a_page, second):
            wait_for_state(page, "view_looks", lambda looks: {"name": "Slice4", "kind": "slice", "title": "Slice4",
                                                             "label": "Q", "color": "#20c040"} in looks)
            page.wait_for_function(
                "() => getComputedStyle(document.querySelector('.slicer-view-Slice4')).borderTopColor"
                " === 'rgb(32, 192, 64)'", timeout=TIMEOUT_MS)
            assert border_color(page, ".slicer-view-2") == "rgb(224, 160, 0)"
            wait_for_state(page, "threed_view_choices", lambda c: ("2", "#e0a000") in [(x["value"], x["color"])
                                                                                      for x in c])
        a_page.wait_for_function(
            "() => { const e = document.querySelector('.slices-Slice4');"
            " return e && getComputedStyle(e).borderLeftColor === 'rgb(32, 192, 64)'; }", timeout=TIMEOUT_MS)
        assert the_qt_host.command("state")["layout"] == layout  # no layout change brought it
        a_page.screenshot(path=str(artifacts / "qt-host-view-colour-changed.png"))
        # The page still streams the views after their part of it was rebuilt.
        wait_for_views(a_page, CUSTOM)
    finally:
        second.close()
        the_qt_host.command("look Slice4 8c4cb0 S4")
        the_qt_host.command("look 2 7483e9 2")


def test_a_bad_desktop_look_command_changes_nothing(the_qt_host):
    """The stand-in's own command refuses what it cannot read (a test helper, but it must not stop the host)."""
    assert "error" in the_qt_host.command("look Slice4 zz")
    assert "error" in the_qt_host.command("look NoSuchView 112233")
    assert the_qt_host.command("state")["layout"] in (3, 501)


# -- 4. a custom layout keeps its arrangement -----------------------------------------------------------------
SPANNING = ["1", "2", "Red", "Slice4"]  # the Qt host's layout 502 (qt_host.CUSTOM_DESCRIPTIONS)


def assert_spanning_arrangement(page) -> None:
    wait_for_views(page, SPANNING)
    page.wait_for_function("document.querySelectorAll('.slicer-layout .slicer-view').length === 4",
                           timeout=TIMEOUT_MS)
    whole = page.locator(".slicer-layout").bounding_box()
    box = {name: page.locator(f".slicer-view-{name}").bounding_box() for name in SPANNING}
    assert box["1"]["height"] > 0.95 * whole["height"]  # both rows
    assert box["1"]["width"] / whole["width"] == pytest.approx(0.6, abs=0.03)
    assert box["2"]["x"] >= box["1"]["x"] + box["1"]["width"] - 1
    assert box["2"]["width"] / whole["width"] == pytest.approx(0.4, abs=0.03)
    for name in ("Red", "Slice4"):
        assert box[name]["y"] >= box["2"]["y"] + box["2"]["height"] - 1
    assert box["Slice4"]["x"] >= box["Red"]["x"] + box["Red"]["width"] - 1


def test_a_custom_layout_keeps_its_arrangement_in_the_page(a_page, the_qt_host, artifacts):
    """The desktop's layout 502, described as Slicer describes layouts (view 1 on the left at split size 600 of
    1000 over the whole height; view 2 above Red and Slice4 on the right): the page places the views so, not as
    3D views above slice views."""
    the_qt_host.command("layout custom-spans")
    wait_for_state(a_page, "layout_name", "desktop")
    assert_spanning_arrangement(a_page)
    a_page.screenshot(path=str(artifacts / "qt-host-spanning-layout.png"))
    a_page.goto(the_qt_host.url(SECRET))  # a page opened anew comes in the same arrangement
    assert_spanning_arrangement(a_page)
    the_qt_host.command("layout four-up")
    wait_for_state(a_page, "layout_name", "four_up")
