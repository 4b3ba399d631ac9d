"""A narrow window in a real Chromium: the side drawer starts closed and opens over the views, so
the views keep the window's width; widened, the window gets the drawer beside the views again."""

from __future__ import annotations

import pytest

from e2e.views import wait_for_views

pytestmark = pytest.mark.browser
NARROW = {"width": 800, "height": 600}
WIDE = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
DRAWER_WIDTH_PX = 340


def drawer_shown(page) -> bool:
    return page.evaluate("(() => { const r = document.querySelector('.v-navigation-drawer')"
                         ".getBoundingClientRect(); return r.right > 0 && r.left >= 0; })()")


def wait_for_drawer(page, shown: bool) -> None:
    page.wait_for_function("(shown) => { const r = document.querySelector('.v-navigation-drawer')"
                           ".getBoundingClientRect(); return (r.right > 0 && r.left >= 0) === shown; }",
                           arg=shown, timeout=UI_TIMEOUT_MS)


def test_at_800_by_600_the_drawer_overlays_and_the_slice_views_keep_the_width(a_browser, the_app_on_the_ct,
                                                                              artifacts):
    page = a_browser.new_page(viewport=NARROW)
    page.goto(the_app_on_the_ct.url)
    wait_for_views(page, names=("Red", "Yellow", "Green"))
    page.wait_for_timeout(500)  # the drawer's transition, if it were to move
    assert not drawer_shown(page)
    red = page.locator(".slicer-view-Red").bounding_box()
    assert red["x"] < 5 and red["width"] > (NARROW["width"] - 10) / 3
    page.screenshot(path=artifacts / "narrow-window.png")

    page.locator(".v-app-bar-nav-icon").click()
    wait_for_drawer(page, True)
    assert page.locator(".slicer-view-Red").bounding_box()["x"] == red["x"]  # over the views, not beside
    page.screenshot(path=artifacts / "narrow-window-drawer.png")
    page.locator(".v-navigation-drawer__scrim").click()  # a click beside it closes it
    wait_for_drawer(page, False)

    page.set_viewport_size(WIDE)
    wait_for_drawer(page, True)
    page.wait_for_function(f"document.querySelector('.slicer-view-Red').getBoundingClientRect().left"
                           f" >= {DRAWER_WIDTH_PX}", timeout=UI_TIMEOUT_MS)
    page.close()


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport, placing", [(PHONE, False), ({"width": 700, "height": 800}, True)])
def test_every_toolbar_button_can_be_reached_and_used_on_a_phone_or_with_a_chip_shown(
        a_browser, the_app_on_the_ct, artifacts, viewport, placing):
    # The toolbar is wider than a phone, and than 700 px while the placing chip shows: what does not fit
    # scrolls into view (it was cut off: layouts, Help and the streaming figures could not be reached).
    page = a_browser.new_page(viewport=viewport)
    page.goto(the_app_on_the_ct.url)
    wait_for_views(page, names=("Red", "Yellow", "Green"))
    if placing:
        page.locator(".markups-place-menu").click()
        page.locator(".markups-place-point_list").click()
        page.locator(".markups-placing").wait_for(timeout=UI_TIMEOUT_MS)
    page.screenshot(path=artifacts / f"toolbar-{viewport['width']}.png")
    assert page.locator(".v-app-bar .v-btn").count() >= 14
    # Out of reach: a button beyond the window's edge in a toolbar the user cannot scroll, or squeezed.
    out_of_reach = page.evaluate("""() => {
        const bar = document.querySelector('.v-app-bar .v-toolbar__content');
        const scrolls = ['auto', 'scroll'].includes(getComputedStyle(bar).overflowX);
        return Array.from(bar.querySelectorAll('.v-btn')).filter((b) => {
            const r = b.getBoundingClientRect();
            return r.width < 24 || (!scrolls && (r.left < 0 || r.right > window.innerWidth + 1));
        }).map((b) => b.className); }""")
    assert out_of_reach == []
    page.locator(".layout-one_up_red").click(timeout=UI_TIMEOUT_MS)
    page.wait_for_function("window.trame.state.get('layout_name') === 'one_up_red'", timeout=UI_TIMEOUT_MS)
    page.locator(".layout-conventional").click(timeout=UI_TIMEOUT_MS)
    page.wait_for_function("window.trame.state.get('layout_name') === 'conventional'", timeout=UI_TIMEOUT_MS)
    if placing:
        page.locator(".markups-placing .v-chip__close").click()
        page.locator(".markups-placing").wait_for(state="detached", timeout=UI_TIMEOUT_MS)
    page.close()
