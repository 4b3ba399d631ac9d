"""The segment list's display per kind (2D fill, 2D outline, 3D: each its visibility and opacity),
masking's "overwrite visible segments", joint smoothing and grow from seeds' seed locality through the
Segment Editor panel's triggers, in-process on the real CT; hostile arguments change nothing."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from app_state import feature, set_state
from segment_long_edits import trigger_to_the_end

HOSTILE = [3, float("nan"), [1], {"a": 1}, "x" * 10_000, True, "volume"]


@pytest.fixture(scope="module")
def the_app(an_app_on_the_ct):
    return an_app_on_the_ct


@pytest.fixture(scope="module")
def panel(the_app):
    return feature(the_app, "seg")


def rows(the_app) -> list[dict]:
    return the_app.state.seg_state["segments"]


def fresh_segment(the_app, name: str) -> str:
    segments = the_app.session.segments
    if segments.state()["segmentation_id"] is None:
        segments.create_segmentation()
    segments.set_overwrite("all")
    return segments.add_segment(name)


def row_of(the_app, segment_id: str) -> dict:
    return next(r for r in rows(the_app) if r["id"] == segment_id)


def test_each_display_kind_has_its_own_visibility_and_opacity_bound_both_ways(the_app, panel):
    segment = fresh_segment(the_app, "display")
    display = the_app.session.segments.editor.segmentation.GetDisplayNode()
    panel.triggers["seg_opacity"](segment, 0.2, "fill_2d")
    panel.triggers["seg_opacity"](segment, 0.7, "outline_2d")
    panel.triggers["seg_opacity"](segment, 0.4, "surface_3d")
    panel.triggers["seg_visible"](segment, "outline_2d", False)
    row = row_of(the_app, segment)
    assert (row["opacity_fill_2d"], row["opacity_outline_2d"], row["opacity_surface_3d"]) == (0.2, 0.7, 0.4)
    assert (row["fill_2d"], row["outline_2d"], row["surface_3d"]) == (True, False, True)
    assert display.GetSegmentOpacity2DFill(segment) == pytest.approx(0.2)
    assert display.GetSegmentOpacity2DOutline(segment) == pytest.approx(0.7)
    assert display.GetSegmentOpacity3D(segment) == pytest.approx(0.4)
    # MRML -> panel: a change made in the scene (a loaded scene, Python) shows in the list
    display.SetSegmentOpacity2DFill(segment, 0.9)
    display.SetSegmentVisibility3D(segment, False)
    panel.binding.poll()
    row = row_of(the_app, segment)
    assert row["opacity_fill_2d"] == 0.9 and row["surface_3d"] is False
    display.SetSegmentOpacity2DFill(segment, 0.2)
    display.SetSegmentVisibility3D(segment, True)
    # each change was one undo step of the one Undo button
    undo = the_app.session.undo
    assert undo.undo_label == "Segment visibility"
    undo.undo()
    assert display.GetSegmentVisibility2DOutline(segment)
    undo.undo()
    assert display.GetSegmentOpacity3D(segment) == pytest.approx(1.0)
    assert display.GetSegmentOpacity2DOutline(segment) == pytest.approx(0.7)
    undo.redo()
    assert display.GetSegmentOpacity3D(segment) == pytest.approx(0.4)


def test_hostile_opacity_arguments_change_nothing(the_app, panel):
    segment = fresh_segment(the_app, "kept")
    panel.triggers["seg_opacity"](segment, 0.3, "fill_2d")
    before = the_app.state.seg_state
    for junk in HOSTILE:
        panel.triggers["seg_opacity"](segment, 0.5, junk)
        assert the_app.state.seg_message, junk
        assert the_app.state.seg_state == before, junk
    for junk in (float("nan"), "0.5", None, [0.5]):
        panel.triggers["seg_opacity"](segment, junk, "fill_2d")
        assert the_app.state.seg_message and the_app.state.seg_state == before, junk


def test_overwrite_visible_through_the_panel(the_app, panel):
    segments = the_app.session.segments
    hidden = fresh_segment(the_app, "hidden")
    segments.apply_modifier(np.ones((4, 10, 10), bool), "add", (50, 100, 100))
    panel.triggers["seg_visible"](hidden, None, False)
    panel.triggers["seg_overwrite"]("none")
    shown = segments.add_segment("shown")
    segments.apply_modifier(np.ones((4, 10, 10), bool), "add", (50, 100, 100))
    segments.add_segment("painter")
    panel.triggers["seg_overwrite"]("visible")
    assert the_app.state.seg_state["masking"]["overwrite"] == "visible"
    segments.apply_modifier(np.ones((4, 10, 10), bool), "add", (50, 100, 100))
    assert segments.segment_array(hidden).sum() == 400  # hidden: keeps its voxels
    assert segments.segment_array(shown).sum() == 0  # visible: loses them
    panel.triggers["seg_overwrite"]("all")


def test_joint_smoothing_with_its_factor_through_the_panel(the_app, panel):
    segments = the_app.session.segments
    for row in list(rows(the_app)):  # only the two segments below are visible
        panel.triggers["seg_visible"](row["id"], None, False)
    voxels = segments.editor.source_array()
    region = (slice(45, 60), slice(80, 180), slice(80, 180))
    bone = np.zeros(voxels.shape, bool)
    bone[region] = voxels[region] >= 300
    soft = np.zeros(voxels.shape, bool)
    soft[region] = (voxels[region] > 0) & (voxels[region] < 100)
    first = fresh_segment(the_app, "bone")
    segments.apply_modifier(bone, "add")
    second = segments.add_segment("soft")
    segments.apply_modifier(soft, "add")
    set_state(the_app, seg_effect="smoothing")
    panel.triggers["seg_smooth"]("joint", 3.0, "strong")  # a bad factor: a message, nothing changed
    assert "not a number" in the_app.state.seg_message
    assert np.array_equal(segments.segment_array(first), bone)
    assert trigger_to_the_end(the_app, panel.triggers["seg_smooth"], "joint", 3.0, 0.5)  # in a worker
    assert the_app.state.seg_message == "" and the_app.state.seg_busy is None
    assert the_app.session.undo.undo_label == "Joint smoothing"
    assert not (segments.segment_array(first) & segments.segment_array(second)).any()
    assert not np.array_equal(segments.segment_array(first), bone)
    the_app.session.undo.undo()
    assert np.array_equal(segments.segment_array(first), bone)
    set_state(the_app, seg_effect=None)


def test_moving_the_seed_locality_while_growing_updates_the_preview(the_app, panel):
    segments = the_app.session.segments
    for row in list(rows(the_app)):
        panel.triggers["seg_visible"](row["id"], None, False)
    voxels = segments.editor.source_array()
    fresh_segment(the_app, "inside")
    seeds = np.zeros(voxels.shape, bool)
    seeds[60, 120:130, 120:140] = True
    segments.apply_modifier(seeds, "add")
    segments.add_segment("outside")
    seeds[:] = False
    seeds[60, 40:45, 40:200] = True
    seeds[60, 200:205, 40:200] = True
    segments.apply_modifier(seeds, "add")
    set_state(the_app, seg_effect="grow_from_seeds")
    assert trigger_to_the_end(the_app, panel.triggers["seg_auto_start"], 0.0)
    assert the_app.state.seg_auto_complete == "grow_from_seeds"
    preview = panel.computed.label_preview
    first = segments.auto_complete_preview()["labels"].copy()
    assert trigger_to_the_end(the_app, panel.triggers["seg_seed_locality"], 10.0)
    assert the_app.state.seg_message == ""
    again = segments.auto_complete_preview()["labels"]
    assert not np.array_equal(first, again) and preview.visible
    for junk in (float("nan"), "5", None, [1], True):
        panel.triggers["seg_seed_locality"](junk)
        assert the_app.state.seg_message, junk
        assert np.array_equal(segments.auto_complete_preview()["labels"], again), junk
    panel.triggers["seg_auto_cancel"]()
    set_state(the_app, seg_effect=None)


def test_a_grow_from_seeds_computing_in_a_worker_shows_busy_refuses_and_is_dropped_by_another_effect(
        the_app, panel):
    """A first run computing: every tab's seg_busy says so, an edit and an apply are refused with a
    message; choosing another effect meanwhile drops its result (no preview comes); the busy line's Cancel
    with nothing computing says so."""
    segments = the_app.session.segments
    for row in list(rows(the_app)):
        panel.triggers["seg_visible"](row["id"], None, False)
    fresh_segment(the_app, "in")
    seeds = np.zeros(segments.editor.source_array().shape, bool)
    seeds[60, 120:130, 120:140] = True
    segments.apply_modifier(seeds, "add")
    segments.add_segment("out")
    seeds[:] = False
    seeds[60, 40:45, 40:200] = True
    segments.apply_modifier(seeds, "add")
    set_state(the_app, seg_effect="grow_from_seeds")
    seen = {}

    def meanwhile() -> None:
        seen["busy"] = the_app.state.seg_busy
        panel.triggers["seg_add"]()
        seen["add"] = the_app.state.seg_message
        panel.triggers["seg_auto_apply"]()
        seen["apply"] = the_app.state.seg_message
        set_state(the_app, seg_effect=None)  # another effect: the run is cancelled

    count = len(rows(the_app))
    assert trigger_to_the_end(the_app, panel.triggers["seg_auto_start"], 0.0, during=meanwhile)
    assert seen["busy"] == "Grow from seeds"
    assert "is computing" in seen["add"] and "is computing" in seen["apply"]
    assert len(rows(the_app)) == count
    assert the_app.state.seg_busy is None and the_app.state.seg_auto_complete is None
    assert "cancelled" in the_app.state.seg_message and not panel.computed.label_preview.visible
    panel.triggers["seg_long_cancel"]("junk", 3)
    assert the_app.state.seg_message == "nothing is computing"


def test_the_filter_text_and_the_display_rows_are_each_tabs_own(the_app, panel):
    """The filter itself runs in the browser (tests/e2e/test_segment_list.py); here: its keys are
    per tab (0011), client-only, so one tab's filter does not filter another's list."""
    tab_keys = {f.name for f in fields(panel.tab_state)}
    assert {"seg_filter", "seg_display_open"} <= tab_keys
    assert "seg_filter" not in {f.name for f in fields(panel.shared_state)}
    assert the_app.state.seg_filter == "" and the_app.state.seg_display_open is False


def test_no_select_shares_a_state_key_for_its_items(the_app):
    """Every select of the panel was bound to one state key "items" (the last list declared won: the
    overwrite select offered other options); each now has its own list in the template."""
    assert not the_app.state.has("items")
