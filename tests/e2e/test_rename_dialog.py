"""The Data panel's Rename dialog in a real Chromium: Enter, Escape, refused names, the length
limit, a dialog left open that stays with the tab that opened it, and one about a node another
tab deletes, which closes."""

from __future__ import annotations

import pytest

from e2e.views import open_feature_panel, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
MAX_NAME_CHARS = 256


def open_the_data_panel(page, url: str) -> None:
    page.goto(url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "data")
    page.locator(".data-node").first.wait_for(timeout=UI_TIMEOUT_MS)


@pytest.fixture
def a_page_with_the_data_panel(a_browser, the_app_on_the_ct):
    page = a_browser.new_page(viewport=VIEWPORT)
    open_the_data_panel(page, the_app_on_the_ct.url)
    yield page
    page.close()


def open_rename(page):
    page.locator(".data-group-volume .data-rename").click()
    field = page.locator(".data-rename-dialog input")
    field.wait_for(timeout=UI_TIMEOUT_MS)
    return field


def volume_name(page) -> str:
    return page.locator(".data-group-volume .data-node .v-list-item-title").inner_text().strip()


def test_enter_renames_and_escape_cancels(a_page_with_the_data_panel):
    page = a_page_with_the_data_panel
    before = volume_name(page)
    field = open_rename(page)
    field.fill("not this")
    page.keyboard.press("Escape")
    page.locator(".data-rename-dialog").wait_for(state="detached", timeout=UI_TIMEOUT_MS)
    assert volume_name(page) == before
    field = open_rename(page)
    field.fill("head ct")
    field.press("Enter")
    page.locator(".data-rename-dialog").wait_for(state="detached", timeout=UI_TIMEOUT_MS)
    page.wait_for_function("document.querySelector('.data-group-volume .data-node .v-list-item-title')"
                           ".innerText.trim() === 'head ct'", timeout=UI_TIMEOUT_MS)
    field = open_rename(page)
    field.fill(before)  # back as it was, for the other tests
    field.press("Enter")
    page.wait_for_function(f"document.querySelector('.data-group-volume .data-node .v-list-item-title')"
                           f".innerText.trim() === '{before}'", timeout=UI_TIMEOUT_MS)


def test_a_name_of_spaces_is_explained_and_the_length_limit_is_the_pages(a_page_with_the_data_panel):
    page = a_page_with_the_data_panel
    before = volume_name(page)
    field = open_rename(page)
    field.fill("   ")
    page.locator(".data-rename-dialog .v-messages", has_text="more than spaces").wait_for(timeout=UI_TIMEOUT_MS)
    assert page.locator(".data-rename-ok").is_disabled()
    field.press("Enter")
    page.wait_for_timeout(500)
    assert page.locator(".data-rename-dialog").is_visible()  # not sent, still open
    assert volume_name(page) == before
    field.fill("")
    field.type("x" * (MAX_NAME_CHARS + 20))
    assert len(field.input_value()) == MAX_NAME_CHARS
    assert f"{MAX_NAME_CHARS} / {MAX_NAME_CHARS}" in page.locator(".data-rename-dialog").inner_text()
    page.keyboard.press("Escape")


def test_a_dialog_left_open_is_not_there_after_a_reload_or_in_a_new_tab(a_browser, the_app_on_the_ct):
    page = a_browser.new_page(viewport=VIEWPORT)
    open_the_data_panel(page, the_app_on_the_ct.url)
    open_rename(page)
    page.wait_for_timeout(500)  # time for any state to reach the server
    another = a_browser.new_page(viewport=VIEWPORT)
    open_the_data_panel(another, the_app_on_the_ct.url)
    open_the_data_panel(page, the_app_on_the_ct.url)  # a reload
    page.wait_for_timeout(500)
    assert page.locator(".data-rename-dialog").count() == 0
    assert another.locator(".data-rename-dialog").count() == 0
    another.close()
    page.close()


def test_a_dialog_about_a_node_another_tab_deletes_closes(a_browser, the_app_on_the_ct,
                                                        a_page_with_the_data_panel):
    """Tab A asks to rename the CT, then to delete it; tab B deletes it meanwhile: A's dialog
    closes (its button would do nothing), and stays closed when B's undo brings the CT back."""
    page = a_page_with_the_data_panel
    other = a_browser.new_page(viewport=VIEWPORT)
    try:
        open_the_data_panel(other, the_app_on_the_ct.url)
        for opens, dialog in ((open_rename, ".data-rename-dialog"), (open_delete, ".data-delete-dialog")):
            opens(page)
            other.locator(".data-group-volume .data-delete").click()
            other.locator(".data-delete-ok").click()
            page.locator(dialog).wait_for(state="detached", timeout=UI_TIMEOUT_MS)
            other.mouse.move(1, 1)
            other.keyboard.press("Control+z")
            page.locator(".data-group-volume .data-node").wait_for(timeout=UI_TIMEOUT_MS)
            other.locator(".data-group-volume .data-node").wait_for(timeout=UI_TIMEOUT_MS)
            assert page.locator(dialog).count() == 0
    finally:
        other.close()


def open_delete(page) -> None:
    page.locator(".data-group-volume .data-delete").click()
    page.locator(".data-delete-dialog").wait_for(timeout=UI_TIMEOUT_MS)
