"""The Segment Editor panel in-process on the real CT: its triggers drive the engine, hostile arguments
change nothing and say why, the effect chooser sets who owns the mouse, and the shortcuts act."""

from __future__ import annotations

import itertools

import pytest
from trame.app import get_server

from trame_slicer_app.app import SlicerWebApp
from trame_slicer_app.engine.views.interaction_mode import PAINT, VIEW_TRANSFORM
from trame_slicer_app.scene_session import SceneSession

_server_names = itertools.count()
HOSTILE = [None, 3, float("nan"), [1], {"a": 1}, "x" * 10_000, True]


@pytest.fixture(scope="module")
def the_app(a_ct_path):
    session = SceneSession()
    session.open_volumes([a_ct_path])
    app = SlicerWebApp(get_server(f"segment-editor-test-{next(_server_names)}", client_type="vue3"), session)
    app.state.ready()
    return app


@pytest.fixture(scope="module")
def panel(the_app):
    return {type(f).__name__: f for f in the_app.features}["SegmentEditorPanel"]


def set_state(app, **values) -> None:
    with app.state:
        app.state.update(values)


def seg_state(app) -> dict:
    return app.state.seg_state


def test_create_a_segmentation_and_segments_through_the_triggers(the_app, panel):
    assert seg_state(the_app)["segmentation_id"] is None
    panel.triggers["seg_create"]()
    assert seg_state(the_app)["segmentation_id"] is not None
    panel.triggers["seg_add"]()
    panel.triggers["seg_add"]()
    rows = seg_state(the_app)["segments"]
    assert len(rows) == 2
    assert seg_state(the_app)["active_segment_id"] == rows[1]["id"]
    panel.triggers["seg_rename"](rows[0]["id"], "  liver ")
    panel.triggers["seg_colour"](rows[0]["id"], "#FF0000")
    panel.triggers["seg_visible"](rows[0]["id"], "outline_2d", False)
    panel.triggers["seg_opacity"](rows[0]["id"], 0.25)
    panel.triggers["seg_lock"](rows[0]["id"], True)
    first = seg_state(the_app)["segments"][0]
    assert (first["name"], first["colour"], first["outline_2d"], first["opacity"], first["locked"]) == (
        "liver", "#ff0000", False, 0.25, True)
    assert the_app.state.seg_message == ""


@pytest.mark.parametrize("trigger, arguments", [
    ("seg_remove", lambda junk, ok: (junk,)),
    ("seg_select", lambda junk, ok: (junk,)),
    ("seg_rename", lambda junk, ok: (ok, junk)),
    ("seg_colour", lambda junk, ok: (ok, junk)),
    ("seg_visible", lambda junk, ok: (ok, junk, junk)),
    ("seg_opacity", lambda junk, ok: (ok, junk)),
    ("seg_lock", lambda junk, ok: (ok, junk)),
    ("seg_show_3d", lambda junk, ok: (junk,)),
    ("seg_editable_area", lambda junk, ok: (junk, junk)),
    ("seg_intensity_mask", lambda junk, ok: (junk, junk, junk)),
    ("seg_overwrite", lambda junk, ok: (junk,)),
    ("seg_shortcut", lambda junk, ok: (junk, junk)),
])
def test_hostile_arguments_change_nothing_and_leave_a_message(the_app, panel, trigger, arguments):
    if not seg_state(the_app)["segments"]:
        panel.triggers["seg_create"]()
        panel.triggers["seg_add"]()
    ok = seg_state(the_app)["segments"][0]["id"]
    before = seg_state(the_app)
    for junk in HOSTILE:
        if trigger in ("seg_lock", "seg_show_3d") and junk is True:
            continue  # a fine flag
        if trigger == "seg_opacity" and junk == 3:
            continue  # a number: clamped to 0..1, as every slider value is
        panel.triggers[trigger](*arguments(junk, ok))
        assert the_app.state.seg_message, (trigger, junk)
        assert seg_state(the_app) == before, (trigger, junk)
    panel.triggers[trigger]()  # no arguments at all
    assert seg_state(the_app) == before


def test_the_effect_chooser_gives_the_left_button_to_the_effect_and_back(the_app, panel):
    modes = the_app.session.interaction
    set_state(the_app, seg_effect="paint")
    assert modes.mode == PAINT and the_app.session.segment_effects.active == "paint"
    set_state(the_app, seg_effect="lasso")  # unknown: refused, the key comes back
    assert the_app.state.seg_effect == "paint" and modes.mode == PAINT
    set_state(the_app, seg_effect=None)
    assert modes.mode == VIEW_TRANSFORM


def test_brush_options_are_checked_and_clamped(the_app, panel):
    brush = the_app.session.segment_effects.brush.settings
    set_state(the_app, seg_brush_diameter_mm=12.5)
    assert brush.diameter_mm == 12.5
    set_state(the_app, seg_brush_diameter_mm=1e9)
    assert brush.diameter_mm == 1000.0 and the_app.state.seg_brush_diameter_mm == 1000.0
    set_state(the_app, seg_brush_diameter_mm="big")
    assert brush.diameter_mm == 1000.0
    set_state(the_app, seg_brush_sphere="yes")
    assert brush.sphere is False
    set_state(the_app, seg_scissors_shape="star")
    assert the_app.session.segment_effects.scissors.settings.shape == "free_form"
    set_state(the_app, seg_scissors_shape="rectangle")
    assert the_app.session.segment_effects.scissors.settings.shape == "rectangle"


def test_the_shortcuts_pick_effects_segments_and_the_brush(the_app, panel):
    if len(seg_state(the_app)["segments"]) < 2:
        panel.triggers["seg_add"]()
    shortcut = panel.triggers["seg_shortcut"]
    shortcut("1", False)
    assert the_app.state.seg_effect == "paint"
    shortcut("2", False)
    assert the_app.state.seg_effect == "draw"
    shortcut(" ", False)  # back to the one before
    assert the_app.state.seg_effect == "paint"
    shortcut("7", False)  # Threshold: not in this app yet
    assert "not in this app" in the_app.state.seg_message and the_app.state.seg_effect == "paint"
    shortcut("Escape", False)
    assert the_app.state.seg_effect is None
    ids = [row["id"] for row in seg_state(the_app)["segments"]]
    panel.triggers["seg_select"](ids[0])
    shortcut("w", False)
    assert seg_state(the_app)["active_segment_id"] == ids[1]
    shortcut("q", False)
    assert seg_state(the_app)["active_segment_id"] == ids[0]
    brush = the_app.session.segment_effects.brush.settings
    brush.diameter_mm = 10.0
    shortcut("+", False)
    assert brush.diameter_mm == pytest.approx(12.0)
    shortcut("-", False)
    assert brush.diameter_mm == pytest.approx(10.0)
    masked = seg_state(the_app)["masking"]["intensity_mask"]
    shortcut("i", False)
    assert seg_state(the_app)["masking"]["intensity_mask"] is (not masked)


def test_statistics_count_the_segment_voxels(the_app, panel):
    import numpy as np

    segments = the_app.session.segments
    segments.set_intensity_mask(False)
    segments.set_editable_area("everywhere")
    segment = segments.add_segment("cube")
    segments.apply_modifier(np.ones((4, 5, 6), dtype=bool), "add", (10, 20, 30))
    panel.triggers["seg_statistics"]()
    table = panel.app.client_state.get("seg_statistics")  # what the (here: every) tab was sent
    row = next(r for r in table if r["id"] == segment)
    assert row["voxels"] == 120
    sx, sy, sz = segments.geometry()["spacing_xyz"]
    assert row["volume_mm3"] == pytest.approx(120 * sx * sy * sz, abs=0.01)
