"""A long Segment Editor edit in a real Chromium on the real head CT (decision 0025's addendum): grow from
seeds with seeds over the whole head computes in a worker for seconds while the page stays live. A drag
in Red paints frames meanwhile, the panel shows it is busy (its Initialize disabled) in this tab and in a
second one, an edit is refused with a message; a reload during the computation finds it still busy; an
undo during one drops its result; apply then Undo takes back the grow."""

from __future__ import annotations

import time

import pytest

from e2e.test_segment_editor import UI_TIMEOUT_MS, choose_effect, open_segment_editor
from e2e.views import STATE_TIMEOUT_S, drag, frames_painted, state, wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
GROW_TIMEOUT_S = 300  # a whole-head grow takes 10-60 s on the shared machine
AIR_HU, BONE_HU = [-1100, -900], [700, 4000]


def whole_head_seeds(page) -> None:
    """Two segments thresholded over the whole head: air and bone (the seeds' box is the volume)."""
    open_segment_editor(page)
    if not state(page, "seg_state")["segmentation_id"]:
        page.locator(".seg-create").click()
        page.locator(".seg-add").wait_for(timeout=UI_TIMEOUT_MS)
    choose_effect(page, "threshold")
    for hu in (AIR_HU, BONE_HU):
        count = len(state(page, "seg_state")["segments"])
        page.locator(".seg-add").click()
        wait_for_state(page, "seg_state", lambda s, n=count: len(s["segments"]) == n + 1)
        page.evaluate(f"window.trame.state.set('seg_threshold_range', {hu})")
        wait_for_state(page, "seg_threshold_range", lambda r, hu=hu: r == hu)
        page.locator(".seg-threshold-apply").click()
        wait_for_state(page, "undo_can_undo", True)
    choose_effect(page, "grow_from_seeds")


def start_growing(page) -> None:
    """Click Initialize until the server computes (the effect chosen a moment ago may not have reached
    the server yet: it refuses "choose Grow from seeds first", and the click is made again)."""
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while True:
        page.locator(".seg-auto-start").click()
        try:
            wait_for_state(page, "seg_busy", "Grow from seeds", timeout_s=3)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def wait_until_done(page) -> None:
    wait_for_state(page, "seg_busy", None, timeout_s=GROW_TIMEOUT_S)


def test_a_drag_in_red_paints_frames_while_grow_from_seeds_computes(a_browser, the_app_on_the_ct, a_page,
                                                                   artifacts):
    page = a_page
    whole_head_seeds(page)
    start_growing(page)
    page.locator(".seg-busy").wait_for(timeout=UI_TIMEOUT_MS)
    assert page.locator(".seg-auto-start").is_disabled()
    frames = frames_painted(page, "Red")
    drag(page, "Red", 120, 60)  # window/level: no effect holds the mouse while growing
    page.wait_for_function(f"() => window.__slicerStreamStats['Red'].frames > {frames + 2}",
                           timeout=UI_TIMEOUT_MS)
    assert state(page, "seg_busy") == "Grow from seeds", "the frames came while it computed"
    page.screenshot(path=str(artifacts / "long_edit_busy_drag.png"))
    # an edit meanwhile is refused, with a message
    count = len(state(page, "seg_state")["segments"])
    page.evaluate("window.trame.trigger('seg_add')")
    wait_for_state(page, "seg_message", lambda m: "is computing" in (m or ""))
    assert len(state(page, "seg_state")["segments"]) == count
    # a second tab sees the busy state
    other = a_browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        other.goto(the_app_on_the_ct.url)
        wait_for_views(other)
        open_segment_editor(other)
        if state(other, "seg_busy"):
            other.locator(".seg-busy").wait_for(timeout=UI_TIMEOUT_MS)
            other.wait_for_timeout(600)  # the panel's opening animation, for the screenshot only
            other.screenshot(path=str(artifacts / "long_edit_second_tab_busy.png"))
        wait_until_done(page)
        other.locator(".seg-busy").wait_for(state="hidden", timeout=UI_TIMEOUT_MS)
    finally:
        other.close()
    wait_for_state(page, "seg_auto_complete", "grow_from_seeds")
    assert not page.locator(".seg-auto-apply").is_disabled()
    page.screenshot(path=str(artifacts / "long_edit_grow_preview.png"))
    page.locator(".seg-auto-apply").click()
    wait_for_state(page, "seg_auto_complete", None)
    wait_for_state(page, "undo_can_redo", False)
    page.locator(".undo-undo").click()  # takes back the grow, the seeds stay
    wait_for_state(page, "undo_can_redo", True)


def test_a_reload_during_the_computation_finds_it_busy_and_an_undo_meanwhile_drops_it(the_app_on_the_ct,
                                                                                      a_page, artifacts):
    page = a_page
    whole_head_seeds(page)
    start_growing(page)
    page.reload()
    wait_for_views(page)
    open_segment_editor(page)
    if state(page, "seg_busy"):  # (a fast machine may have finished)
        page.locator(".seg-busy").wait_for(timeout=UI_TIMEOUT_MS)
        page.wait_for_timeout(600)  # the panel's opening animation, for the screenshot only
        page.screenshot(path=str(artifacts / "long_edit_after_reload.png"))
    wait_until_done(page)
    wait_for_state(page, "seg_auto_complete", "grow_from_seeds")
    # an undo while it computes again (Initialize) drops its result: never applied to other seeds
    start_growing(page)
    page.locator(".undo-undo").click()
    wait_until_done(page)
    wait_for_state(page, "seg_message", lambda m: "dropped" in (m or ""))
    page.screenshot(path=str(artifacts / "long_edit_dropped_by_undo.png"))
