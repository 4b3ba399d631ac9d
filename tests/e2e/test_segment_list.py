"""The segment list in a real Chromium on the real head CT, as a user uses it: the filter bar (Slicer's
segments table filter: rows whose name holds the text), each tab its own filter, typing in it sets off
no shortcut; the active segment's 2D fill / 2D outline / 3D rows (visibility and opacity each), undone
with the Undo button, kept over a reload; overwrite "visible" chosen in the masking panel."""

from __future__ import annotations

import pytest

from e2e.test_segment_editor import UI_TIMEOUT_MS, open_segment_editor
from e2e.views import feature_panel, state, wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
NAMES = ["Liver", "liver vessels", "Kidney"]


def shown_names(page) -> list[str]:
    return [t.strip() for t in page.locator(".seg-row .seg-name").all_inner_texts()]


def wait_for_names(page, expected: list[str]) -> None:
    page.wait_for_function("names => [...document.querySelectorAll('.seg-row .seg-name')]"
                           ".map(e => e.textContent.trim()).join('|') === names.join('|')",
                           arg=expected, timeout=UI_TIMEOUT_MS)


def three_named_segments(page) -> list[str]:
    open_segment_editor(page)
    if not state(page, "seg_state")["segmentation_id"]:
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    while len(state(page, "seg_state")["segments"]) < len(NAMES):
        count = len(state(page, "seg_state")["segments"])
        page.locator(".seg-add").click()
        wait_for_state(page, "seg_state", lambda s, n=count: len(s["segments"]) == n + 1)
    ids = [row["id"] for row in state(page, "seg_state")["segments"]][:len(NAMES)]
    for segment_id, name in zip(ids, NAMES, strict=True):
        page.evaluate("([id, name]) => window.trame.trigger('seg_rename', [id, name])", [segment_id, name])
    wait_for_state(page, "seg_state", lambda s: [r["name"] for r in s["segments"]][:len(NAMES)] == NAMES)
    return ids


def test_the_filter_bar_shows_the_rows_whose_name_holds_the_text(a_browser, the_app_on_the_ct, a_page, artifacts):
    page = a_page
    three_named_segments(page)
    everyone = shown_names(page)
    field = page.locator(".seg-filter input")
    active, effect = state(page, "seg_state")["active_segment_id"], state(page, "seg_effect")
    field.fill("LIV")
    wait_for_names(page, ["Liver", "liver vessels"])
    assert "2 of" in page.locator(".seg-filter-count").inner_text()
    feature_panel(page, "seg").screenshot(path=str(artifacts / "segment_list_filter.png"))
    # typing in the field is typing: no segment editor shortcut (w: next segment, 1: an effect) fires
    field.press_sequentially("w1", delay=30)
    wait_for_names(page, [])
    page.locator(".seg-filter-empty").wait_for(timeout=UI_TIMEOUT_MS)
    assert state(page, "seg_state")["active_segment_id"] == active and state(page, "seg_effect") == effect
    # a second tab has its own filter: it lists every segment
    other = a_browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        other.goto(the_app_on_the_ct.url)
        open_segment_editor(other)
        wait_for_names(other, everyone)
        other.locator(".seg-filter input").fill("kid")
        wait_for_names(other, ["Kidney"])
        wait_for_names(page, [])  # and the first tab's filter is still its own
    finally:
        other.close()
    field.fill("")
    wait_for_names(page, everyone)
    field.fill("vessel")
    wait_for_names(page, ["liver vessels"])
    page.reload()  # a reload starts with no filter, the segments as the server has them
    wait_for_views(page)
    open_segment_editor(page)
    wait_for_names(page, everyone)


def click_slider_at(page, slider, fraction: float) -> None:
    track = slider.locator(".v-slider-track")
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def test_each_display_kind_of_the_active_segment_with_undo_and_reload(a_page, artifacts):
    page = a_page
    ids = three_named_segments(page)
    page.evaluate("id => window.trame.trigger('seg_select', [id])", ids[0])
    wait_for_state(page, "seg_state", lambda s: s["active_segment_id"] == ids[0])
    if not state(page, "seg_display_open"):
        page.locator(".seg-display-toggle").click()
    outline = page.locator(".seg-display-outline-2d")
    outline.wait_for(timeout=UI_TIMEOUT_MS)

    def row():
        return next(r for r in state(page, "seg_state")["segments"] if r["id"] == ids[0])

    outline.locator("input[type=checkbox]").click()  # hide the 2D outline only
    wait_for_state(page, "seg_state", lambda s: not next(r for r in s["segments"] if r["id"] == ids[0])["outline_2d"])
    assert row()["fill_2d"] and row()["surface_3d"] and row()["visible"]
    click_slider_at(page, page.locator(".seg-display-fill-2d .seg-display-opacity"), 0.25)
    wait_for_state(page, "seg_state", lambda s: next(r for r in s["segments"] if r["id"] == ids[0])[
        "opacity_fill_2d"] < 0.5)
    fill = row()["opacity_fill_2d"]
    assert 0.1 <= fill <= 0.4 and row()["opacity_surface_3d"] == 1.0 and row()["opacity_outline_2d"] == 1.0
    feature_panel(page, "seg").screenshot(path=str(artifacts / "segment_display_kinds.png"))
    page.reload()  # the server keeps them: a reload shows the same
    wait_for_views(page)
    open_segment_editor(page)
    wait_for_state(page, "seg_state", lambda s: next(r for r in s["segments"] if r["id"] == ids[0])[
        "opacity_fill_2d"] == fill)
    assert not row()["outline_2d"]
    page.locator(".undo-undo").click()  # the opacity back
    wait_for_state(page, "seg_state", lambda s: next(r for r in s["segments"] if r["id"] == ids[0])[
        "opacity_fill_2d"] == 1.0)
    page.locator(".undo-undo").click()  # the outline back
    wait_for_state(page, "seg_state", lambda s: next(r for r in s["segments"] if r["id"] == ids[0])["outline_2d"])


def test_overwrite_visible_is_offered_in_masking(a_page, artifacts):
    page = a_page
    three_named_segments(page)
    page.locator(".seg-masking-title").click()
    page.locator(".seg-overwrite").wait_for(timeout=UI_TIMEOUT_MS)
    page.locator(".seg-overwrite").click()
    page.screenshot(path=str(artifacts / "segment_masking_overwrite.png"))
    page.get_by_text("Overwrite visible", exact=True).click()
    wait_for_state(page, "seg_state", lambda s: s["masking"]["overwrite"] == "visible")
    page.get_by_text("Allow overlap", exact=True).wait_for(state="hidden", timeout=UI_TIMEOUT_MS)
    page.locator(".seg-overwrite").click()
    page.get_by_text("Overwrite all", exact=True).click()
    wait_for_state(page, "seg_state", lambda s: s["masking"]["overwrite"] == "all")
