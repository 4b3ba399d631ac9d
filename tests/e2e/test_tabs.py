"""Two tabs on one server, in a real Chromium: the scene is shared, the interface is each tab's own
(dialogs, the drawer, downloads, the Data Probe under its own pointer)."""

from __future__ import annotations

import time

import pytest

from e2e.views import wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
# Long enough for a state change to cross the server to the other tab (the binding polls at 7 Hz).
OTHER_TAB_WAIT_S = 1.5


@pytest.fixture
def two_tabs(a_browser, the_app_on_the_ct):
    context = a_browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(the_app_on_the_ct.url)
    for tab in tabs:
        wait_for_views(tab, names=("Red", "Yellow"))
    yield tabs
    context.close()


def point_at(tab, view: str, fx: float = 0.5, fy: float = 0.5) -> None:
    box = tab.locator(f".slicer-view-{view}").bounding_box()
    tab.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, steps=5)


def probe_views(tab) -> list[str]:
    return tab.evaluate("Array.from(document.querySelectorAll('.readouts-probe'))"
                        ".map(e => e.className.match(/readouts-probe-(\\w+)/)[1])")


def wait_for_probe(tab, views: list[str]) -> None:
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while probe_views(tab) != views:
        if time.monotonic() > deadline:
            raise AssertionError(f"probe over {probe_views(tab)}, not {views}")
        time.sleep(0.1)


def test_a_dialog_opened_in_one_tab_does_not_open_in_the_other(two_tabs):
    mine, other = two_tabs
    mine.locator(".help-open").click()
    mine.locator(".help-dialog").wait_for(timeout=UI_TIMEOUT_MS)
    mine.keyboard.press("Escape")
    mine.locator(".data-io-close").click()
    mine.locator(".data-io-close-dialog").wait_for(timeout=UI_TIMEOUT_MS)
    time.sleep(OTHER_TAB_WAIT_S)
    assert other.locator(".help-dialog").count() == 0
    assert other.locator(".data-io-close-dialog").count() == 0
    mine.locator(".data-io-close-dialog button", has_text="Cancel").click()


def test_the_drawer_closed_in_one_tab_stays_open_in_the_other_and_in_a_new_one(two_tabs, the_app_on_the_ct):
    mine, other = two_tabs
    mine.locator(".v-app-bar-nav-icon").click()
    mine.wait_for_function("document.querySelector('.v-navigation-drawer').getBoundingClientRect().right <= 0",
                           timeout=UI_TIMEOUT_MS)
    time.sleep(OTHER_TAB_WAIT_S)
    assert other.locator(".v-navigation-drawer").bounding_box()["x"] == 0
    later = other.context.new_page()
    later.goto(the_app_on_the_ct.url)
    later.locator(".slicer-panels").wait_for(timeout=UI_TIMEOUT_MS)
    later.wait_for_timeout(500)  # the drawer's own transition
    assert later.locator(".v-navigation-drawer").bounding_box()["x"] == 0


def test_a_download_asked_in_one_tab_arrives_only_there(two_tabs):
    mine, other = two_tabs
    arrived_in_the_other = []
    other.on("download", lambda download: arrived_in_the_other.append(download))
    mine.locator(".data-io-save").click()
    with mine.expect_download(timeout=UI_TIMEOUT_MS * 3) as download:
        mine.locator(".data-io-screenshot-Red").click()
    assert download.value.suggested_filename == "Slicer Red.png"
    time.sleep(OTHER_TAB_WAIT_S)
    assert arrived_in_the_other == []


def test_each_tab_probes_under_its_own_pointer_and_a_closed_tab_leaves_nothing(two_tabs, the_app_on_the_ct):
    mine, other = two_tabs
    point_at(other, "Yellow", 0.05, 0.05)  # the corner: "Out of Frame"
    wait_for_probe(other, ["Yellow"])
    time.sleep(OTHER_TAB_WAIT_S)
    assert probe_views(mine) == []  # this tab's pointer is over no view
    other.close()
    point_at(mine, "Red")
    wait_for_probe(mine, ["Red"])
    assert "cranium_ct" in mine.locator(".readouts-probe-Red").inner_text()
    mine.mouse.move(2, 2)  # off the views
    wait_for_probe(mine, [])
    later = mine.context.new_page()
    later.goto(the_app_on_the_ct.url)
    wait_for_views(later, names=("Red",))
    time.sleep(OTHER_TAB_WAIT_S)
    assert probe_views(later) == []
