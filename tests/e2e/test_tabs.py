"""Two tabs on one server, in a real Chromium: the scene is shared, the interface is each tab's own
(dialogs, the drawer, downloads)."""

from __future__ import annotations

import time

import pytest
from conftest import RunningApp

from e2e.views import wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
# Long enough for a state change to cross the server to the other tab (the binding polls at 7 Hz).
OTHER_TAB_WAIT_S = 1.5


@pytest.fixture(scope="module")
def the_app_on_the_ct(a_ct_path):
    app = RunningApp("--data", str(a_ct_path))
    yield app
    app.stop()


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
