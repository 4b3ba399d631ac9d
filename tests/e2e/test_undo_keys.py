"""Ctrl+Z / Ctrl+Shift+Z in a real Chromium whatever holds the focus, unless it is text being edited:
a switch or a dropdown just clicked, or a slice view scrolled with that focus still there. While a
dialog is open, neither they nor the Segment Editor's z/y undo anything behind it."""

from __future__ import annotations

import time

import pytest

from e2e.views import open_feature_panel, state, wait_for_state

pytestmark = pytest.mark.browser
UI_TIMEOUT_S = 10


def red_offset(page) -> float:
    return state(page, "mrml_readout")["slice_offsets_mm"]["Red"]


def focused_tag(page) -> str:
    return page.evaluate("document.activeElement.tagName + ':' + document.activeElement.type")


def test_ctrl_z_undoes_after_clicking_a_switch(a_page):
    page = a_page
    open_feature_panel(page, "slices")
    before = state(page, "slices_linked")
    page.locator(".slices-linked input").click()
    wait_for_state(page, "slices_linked", not before)
    assert focused_tag(page) == "INPUT:checkbox"
    page.keyboard.press("Control+z")
    wait_for_state(page, "slices_linked", before)
    page.keyboard.press("Control+Shift+z")
    wait_for_state(page, "slices_linked", not before)


def test_ctrl_z_undoes_after_a_dropdown_and_after_scrolling_a_slice_view(a_page):
    page = a_page
    open_feature_panel(page, "volumes")
    before = state(page, "volumes_color_map")
    page.locator(".volumes-color-map").click()
    choices = page.locator(".v-overlay--active .v-list-item")
    choices.first.wait_for(timeout=UI_TIMEOUT_S * 1000)
    choices.nth(1).click()
    wait_for_state(page, "volumes_color_map", state(page, "volumes_color_maps")[1]["value"])
    assert before != state(page, "volumes_color_map")
    # The focus goes back to the dropdown's own input once its menu has closed.
    page.wait_for_function("document.activeElement.closest('.volumes-color-map') !== null",
                           timeout=UI_TIMEOUT_S * 1000)
    page.keyboard.press("Control+z")
    wait_for_state(page, "volumes_color_map", before)

    offset = red_offset(page)
    box = page.locator(".slicer-view-Red").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        page.mouse.wheel(0, -100)
        time.sleep(0.05)
    deadline = time.monotonic() + UI_TIMEOUT_S
    while red_offset(page) == offset and time.monotonic() < deadline:
        time.sleep(0.1)
    assert red_offset(page) != offset
    time.sleep(0.5)  # the scroll's last step in
    page.keyboard.press("Control+z")
    deadline = time.monotonic() + UI_TIMEOUT_S
    while red_offset(page) != offset and time.monotonic() < deadline:
        time.sleep(0.1)
    assert red_offset(page) == offset


def undo_behind_a_dialog_is_refused(page, undo_key: str, redo_key: str) -> None:
    """Two steps (interpolation, then link); with the Close-scene dialog open ``undo_key`` must do
    nothing; after Cancel, one undo and one redo bring the link back. Had the key undone the link
    behind the dialog, the undo after it would take the interpolation step and the redo restore
    that one: the link would stay as it was first."""
    open_feature_panel(page, "volumes")
    open_feature_panel(page, "slices")
    interpolate, linked = state(page, "volumes_interpolate"), state(page, "slices_linked")
    page.locator(".volumes-interpolate input").click()
    wait_for_state(page, "volumes_interpolate", not interpolate)
    page.locator(".slices-linked input").click()
    wait_for_state(page, "slices_linked", not linked)
    page.locator(".data-io-close").click()
    page.locator(".data-io-close-dialog").wait_for(timeout=UI_TIMEOUT_S * 1000)
    page.keyboard.press(undo_key)
    page.locator(".data-io-close-dialog").get_by_role("button", name="Cancel").click()
    page.locator(".data-io-close-dialog").wait_for(state="hidden", timeout=UI_TIMEOUT_S * 1000)
    page.mouse.move(1, 1)  # off the views, whose keys go to Slicer
    page.keyboard.press(undo_key)
    wait_for_state(page, "slices_linked", linked)
    page.keyboard.press(redo_key)
    wait_for_state(page, "slices_linked", not linked)
    assert state(page, "volumes_interpolate") == (not interpolate)


def test_ctrl_z_does_not_undo_behind_an_open_dialog(a_page):
    undo_behind_a_dialog_is_refused(a_page, "Control+z", "Control+Shift+z")


def test_the_segment_editor_keys_do_not_undo_behind_an_open_dialog(a_page):
    page = a_page
    open_feature_panel(page, "seg")
    page.locator(".segment-editor-panel").wait_for(timeout=UI_TIMEOUT_S * 1000)
    if not state(page, "seg_state")["segmentation_id"]:
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_S * 1000)
    undo_behind_a_dialog_is_refused(page, "z", "y")
