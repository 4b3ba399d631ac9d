"""Markups in Chromium: place a line and an angle in Red by clicking, measure, drag a point, undo, Escape."""

from __future__ import annotations

import json
import math
import time

import pytest

from e2e.views import open_feature_panel, readout, settled_readout, state, wait_for_state

pytestmark = pytest.mark.browser

LINE_SPAN_FRACTION = 0.5  # of the view's width: a long line keeps pixel rounding well under 1 %


def _red_box(page) -> dict:
    return page.locator(".slicer-view-Red").bounding_box()


def _at(page, fx: float, fy: float) -> tuple[float, float]:
    box = _red_box(page)
    return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy


def _click(page, x: float, y: float) -> None:
    page.mouse.move(x - 3, y)
    page.mouse.move(x, y)
    time.sleep(0.15)  # the widget's preview point follows the pointer before the press
    page.mouse.down()
    page.mouse.up()


def _probe_at(page, x: float, y: float) -> list[float]:
    """The RAS point under a screen position as the Data Probe (Slicer's XY-to-RAS, not markups' code) gives it."""
    before = state(page, "readouts_probe")
    page.mouse.move(x + 3, y)
    page.mouse.move(x, y)
    probe = wait_for_state(page, "readouts_probe", lambda p: p is not None and p != before and p["view"] == "Red")
    time.sleep(0.4)  # the probe runs at the poll: let it catch up with the last move
    probe = state(page, "readouts_probe")
    return [float(c) for c in probe["ras"]]


def _place(page, type_name: str) -> None:
    page.locator(".markups-place-menu").click()
    page.locator(f".markups-place-{type_name}").click()
    wait_for_state(page, "markups_placing", lambda p: p is not None)


def _markup(page, node_id: str) -> dict | None:
    return next((m for m in state(page, "markups_items") or [] if m["id"] == node_id), None)


def _measurement(item: dict | None, name: str) -> float | None:
    found = [m["value"] for m in (item or {}).get("measurements", []) if m["name"] == name]
    return found[0] if found else None


def _zoom_in_red(page) -> None:
    """A right-drag zooms Red: the length must follow the new scale, not the file's spacing alone."""
    x, y = _at(page, 0.5, 0.5)
    page.mouse.move(x, y)
    page.mouse.down(button="right")
    for step in range(1, 11):
        page.mouse.move(x, y + 8 * step)
        time.sleep(0.03)
    page.mouse.up(button="right")
    time.sleep(0.5)  # the zoom's last frame


def test_a_line_placed_with_two_clicks_in_red_measures_the_screen_distance_in_mm(a_page):
    page = a_page
    _zoom_in_red(page)
    # mm per screen pixel, from the Data Probe at two points a known distance apart.
    x0, y0 = _at(page, 0.25, 0.5)
    x1, y1 = x0 + _red_box(page)["width"] * LINE_SPAN_FRACTION, y0
    a, b = _probe_at(page, x0, y0), _probe_at(page, x1, y1)
    mm_per_px = math.dist(a, b) / (x1 - x0)

    _place(page, "line")
    node_id = state(page, "markups_placing")["placing"]
    start, end = _at(page, 0.3, 0.3), _at(page, 0.7, 0.6)
    _click(page, *start)
    _click(page, *end)
    item = wait_for_state(page, "markups_items",
                          lambda items: _measurement(next((m for m in items if m["id"] == node_id), None), "length"))
    line = next(m for m in item if m["id"] == node_id)
    expected_mm = math.dist(start, end) * mm_per_px
    assert _measurement(line, "length") == pytest.approx(expected_mm, rel=0.01)
    # Single placement ends by itself and the views go back to window/level.
    wait_for_state(page, "markups_placing", None)
    assert state(page, "markups_mode") == "window_level"
    # The panel shows the length.
    open_feature_panel(page, "markups")
    shown = page.locator(f".markups-row[data-markup-id='{node_id}'] .markups-measurement").first
    assert "length" in shown.inner_text()


def test_an_angle_placed_with_three_clicks_measures_its_degrees(a_page):
    page = a_page
    _place(page, "angle")
    node_id = state(page, "markups_placing")["placing"]
    # A right angle on screen is a right angle in the slice plane (Red's pixels are square in mm).
    for point in ((0.3, 0.35), (0.5, 0.35), (0.5, 0.65)):
        _click(page, *_at(page, *point))
    items = wait_for_state(page, "markups_items", lambda items: _measurement(
        next((m for m in items if m["id"] == node_id), None), "angle") is not None)
    assert _measurement(next(m for m in items if m["id"] == node_id), "angle") == pytest.approx(90.0, abs=1.0)


def test_dragging_a_point_updates_the_length_and_undo_puts_it_back(a_page):
    page = a_page
    _place(page, "line")
    node_id = state(page, "markups_placing")["placing"]
    start, end = _at(page, 0.3, 0.75), _at(page, 0.6, 0.75)
    _click(page, *start)
    _click(page, *end)
    wait_for_state(page, "markups_placing", None)
    placed = wait_for_state(page, "markups_items", lambda items: _measurement(
        next((m for m in items if m["id"] == node_id), None), "length"))
    length = _measurement(next(m for m in placed if m["id"] == node_id), "length")

    # Drag the end point further right, in window/level mode: the widget takes the drag, not window/level.
    window_before = readout(page)["window"]
    page.mouse.move(end[0] - 2, end[1])
    page.mouse.move(*end)
    time.sleep(0.2)  # hover: the widget highlights the point it will drag
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(end[0] + 6 * step, end[1])
        time.sleep(0.03)
    page.mouse.up()
    items = wait_for_state(page, "markups_items", lambda items: (_measurement(
        next((m for m in items if m["id"] == node_id), None), "length") or 0) > length * 1.1)
    assert _measurement(next(m for m in items if m["id"] == node_id), "length") > length
    assert settled_readout(page)["window"] == window_before

    page.locator(".undo-undo").click()
    wait_for_state(page, "markups_items", lambda items: _measurement(
        next((m for m in items if m["id"] == node_id), None), "length") == length)
    page.locator(".undo-redo").click()
    wait_for_state(page, "markups_items", lambda items: (_measurement(
        next((m for m in items if m["id"] == node_id), None), "length") or 0) > length * 1.1)


def test_escape_over_a_view_ends_persistent_placing_and_keeps_what_was_placed(a_page):
    page = a_page
    page.locator(".markups-place-menu").click()
    page.locator(".markups-persistent").click()  # a choice in the menu closes it, as any item does
    wait_for_state(page, "markups_persistent", True)
    page.locator(".markups-place-list").wait_for(state="detached")
    page.locator(".markups-place-menu").click()
    page.locator(".markups-place-point_list").click()
    wait_for_state(page, "markups_placing", lambda p: p is not None and p["persistent"])
    node_id = state(page, "markups_placing")["placing"]
    for point in ((0.2, 0.2), (0.25, 0.25), (0.3, 0.2)):
        _click(page, *_at(page, *point))
    wait_for_state(page, "markups_items", lambda items: (_markup(page, node_id) or {}).get("point_count") == 3)
    assert state(page, "markups_placing") is not None  # still placing: persistent
    page.keyboard.press("Escape")
    wait_for_state(page, "markups_placing", None)
    assert _markup(page, node_id)["point_count"] == 3


def test_a_typed_position_moves_a_point_and_a_bad_one_is_refused(a_page):
    page = a_page
    _place(page, "point_list")
    node_id = state(page, "markups_placing")["placing"]
    _click(page, *_at(page, 0.5, 0.5))
    wait_for_state(page, "markups_items", lambda items: (_markup(page, node_id) or {}).get("point_count") == 1)
    page.keyboard.press("Escape")
    if page.locator(".markups-row").count() == 0 or not page.locator(".markups-row").first.is_visible():
        open_feature_panel(page, "markups")
    row = page.locator(f".markups-row[data-markup-id='{node_id}']")
    row.locator(".markups-points-toggle").click()
    r_field = row.locator(".markups-point-R").first
    r_field.fill("12.5")
    r_field.press("Enter")
    r_field.blur()
    wait_for_state(page, "markups_items", lambda items: (_markup(page, node_id) or {"points": [{}]})
                   ["points"][0].get("ras", [None])[0] == 12.5)
    page.wait_for_function("v => Number(document.querySelector('.markups-point-R').value) === v", arg=12.5)
    assert page.locator(".markups-refused").count() == 0  # an applied value: nothing to explain
    before = _markup(page, node_id)["points"][0]["ras"]
    for bad in ("1e9", ""):  # beyond any scene, and nothing: refused, and the field shows the point's R again
        r_field.fill(bad)
        r_field.blur()
        assert float(r_field.input_value()) == before[0]  # found using the app: "1e9" stayed in the field
        refused = page.locator(".markups-refused")
        refused.wait_for()  # and the user is told why
        message = refused.inner_text()  # "... at most 100000 mm from the origin", "... three finite numbers in mm"
        assert message.startswith("move a markup point: ") and " mm" in message, message
        refused.click()  # dismissed
        refused.wait_for(state="detached")
    time.sleep(1.0)
    assert _markup(page, node_id)["points"][0]["ras"] == before


MARKUPS_SCHEMA = "https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#"


def _open_file(page, path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(".data-io-open").click()
    chooser.value.set_files(str(path))


def test_a_mrk_json_opened_from_the_browser_is_listed_and_a_hostile_one_is_refused_with_why(a_page, tmp_path):
    """Found using the app: an uploaded .mrk.json was stored as ".json" and refused as no file this viewer reads."""
    page = a_page
    line = {"@schema": MARKUPS_SCHEMA, "markups": [{
        "type": "Line", "coordinateSystem": "LPS", "name": "ruler",
        "controlPoints": [{"label": "a", "position": [0.0, 0.0, 0.0]}, {"label": "b", "position": [30.0, 40.0, 0.0]}],
    }]}
    good = tmp_path / "ruler.mrk.json"
    good.write_text(json.dumps(line))
    _open_file(page, good)
    items = wait_for_state(page, "markups_items", lambda items: any(m["name"] == "ruler" for m in items or []), 60)
    ruler = next(m for m in items if m["name"] == "ruler")
    assert _measurement(ruler, "length") == pytest.approx(50.0)

    line["markups"][0]["controlPoints"][1]["position"] = [1.0, "2", 3.0]
    hostile = tmp_path / "damaged.mrk.json"
    hostile.write_text(json.dumps(line))
    _open_file(page, hostile)
    page.wait_for_selector(".data-io-error-text", timeout=60_000)
    message = page.locator(".data-io-error-text").inner_text()
    assert "damaged.mrk.json" in message and "position" in message, message
    assert sum(m["name"] == "ruler" for m in state(page, "markups_items")) == 1  # nothing lost, nothing added


def test_a_planes_size_and_a_curves_type_are_set_in_the_panel_and_undone(a_page):
    page = a_page
    _place(page, "plane")
    plane_id = state(page, "markups_placing")["placing"]
    _click(page, *_at(page, 0.5, 0.4))
    wait_for_state(page, "markups_items", lambda items: (_markup(page, plane_id) or {}).get("point_count") == 1)
    if not page.locator(".markups-row").first.is_visible():
        open_feature_panel(page, "markups")
    row = page.locator(f".markups-row[data-markup-id='{plane_id}']")
    row.locator(".markups-points-toggle").click()
    width = row.locator(".markups-plane-size-W")
    width.fill("30")
    width.blur()
    # The test looks at the very items it waited for (a second read of the state could be older or newer).
    item = wait_for_state(page, "markups_items", lambda items: any(
        m["id"] == plane_id and m["plane"]["size"][0] == 30 for m in items or []))
    plane = next(m for m in item if m["id"] == plane_id)
    assert plane["plane"]["size_mode"] == "absolute"
    assert _measurement(plane, "area") == pytest.approx(30 * plane["plane"]["size"][1] / 100, rel=1e-3)
    page.locator(".undo-undo").click()
    wait_for_state(page, "markups_items", lambda items: _markup(page, plane_id)["plane"]["size_mode"] == "auto")

    page.locator(".markups-place-menu").click()
    page.locator(".markups-persistent").click()
    page.locator(".markups-place-list").wait_for(state="detached")
    _place(page, "open_curve")
    curve_id = state(page, "markups_placing")["placing"]
    for point in ((0.3, 0.7), (0.5, 0.85), (0.7, 0.7)):
        _click(page, *_at(page, *point))
    page.keyboard.press("Escape")
    wait_for_state(page, "markups_placing", None)
    spline = _measurement(_markup(page, curve_id), "length")
    row = page.locator(f".markups-row[data-markup-id='{curve_id}']")
    row.locator(".markups-points-toggle").click()
    row.locator(".markups-curve-type").click()
    page.locator(".v-overlay--active .v-list-item", has_text="Linear").click()
    wait_for_state(page, "markups_items", lambda items: _markup(page, curve_id)["curve"]["type"] == "linear")
    assert _measurement(_markup(page, curve_id), "length") < spline  # two chords are shorter than the spline
    page.locator(".undo-undo").click()
    wait_for_state(page, "markups_items", lambda items: _markup(page, curve_id)["curve"]["type"] == "spline")
    assert _measurement(_markup(page, curve_id), "length") == spline
