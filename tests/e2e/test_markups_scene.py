"""Markups in a saved scene, in Chromium: place, save the scene, close it, open the saved .mrb again, and the
markup is back with its points and measurement; and a second tab sees what the first placed."""

from __future__ import annotations

import time

import pytest

from e2e.test_markups import _at, _click, _place
from e2e.views import settled_readout, state, wait_for_readout, wait_for_state, wait_for_views

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 900}
LOAD_TIMEOUT_S = 60


def _a_page(browser, app):
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    page.goto(app.url)
    wait_for_views(page)
    return page


def test_a_line_saved_in_a_scene_comes_back_when_the_scene_is_reopened(a_browser, the_app_on_the_ct, tmp_path):
    page = _a_page(a_browser, the_app_on_the_ct)
    try:
        _place(page, "line")
        node_id = state(page, "markups_placing")["placing"]
        _click(page, *_at(page, 0.3, 0.5))
        _click(page, *_at(page, 0.7, 0.5))
        # The snapshot compared after reopening must be the one that has both points: read it from the value
        # the wait hands over, not from a second, possibly older, read of the state.
        placed = wait_for_state(page, "markups_items", lambda items: any(
            m["id"] == node_id and m.get("point_count") == 2 and len(m.get("points") or []) == 2
            for m in items or []))
        line = next(m for m in placed if m["id"] == node_id)

        other = _a_page(a_browser, the_app_on_the_ct)  # a second tab shows the same scene
        try:
            wait_for_state(other, "markups_items", lambda items: any(m["id"] == node_id for m in items or []))
        finally:
            other.close()

        page.locator(".data-io-save").click()
        with page.expect_download(timeout=LOAD_TIMEOUT_S * 1000) as info:
            page.locator(".data-io-save-scene").click()
        bundle = tmp_path / "with a line.mrb"
        info.value.save_as(bundle)
        page.locator(".data-io-close").click()
        page.locator(".data-io-close-confirm").click()
        wait_for_state(page, "markups_items", [])

        with page.expect_file_chooser() as chooser:
            page.locator(".data-io-open").click()
        chooser.value.set_files(str(bundle))
        items = wait_for_state(page, "markups_items", lambda items: len(items or []) == 1, LOAD_TIMEOUT_S)
        [again] = items
        for key in ("name", "type", "color", "points", "measurements"):
            assert again[key] == line[key], key

        # The reopened scene's interaction node does not take the mouse mode with it: a left drag in a
        # slice view still sets window/level (it did nothing after a scene was opened).
        before = settled_readout(page)
        x, y = _at(page, 0.5, 0.2)  # away from the line, which a left drag would move
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 21):
            page.mouse.move(x + 6 * step, y + 3 * step)
            time.sleep(0.02)
        page.mouse.up()
        wait_for_readout(page, lambda r: r["window"] != before["window"])
    finally:
        page.close()
