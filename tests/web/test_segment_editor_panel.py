"""The Segment Editor panel in-process on the real CT: its triggers drive the engine, hostile arguments
change nothing and say why, the effect chooser sets who owns the mouse, and the shortcuts act."""

from __future__ import annotations

import pytest
from app_state import feature, set_state
from segment_long_edits import trigger_to_the_end

from trame_slicer_app.engine.views.interaction_mode import PAINT, WINDOW_LEVEL

HOSTILE = [None, 3, float("nan"), [1], {"a": 1}, "x" * 10_000, True]


@pytest.fixture(scope="module")
def the_app(an_app_on_the_ct):
    return an_app_on_the_ct


@pytest.fixture(scope="module")
def panel(the_app):
    return feature(the_app, "seg")


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
    assert modes.current == PAINT and the_app.session.segment_effects.active == "paint"
    set_state(the_app, seg_effect="lasso")  # unknown: refused, the key comes back
    assert the_app.state.seg_effect == "paint" and modes.current == PAINT
    set_state(the_app, seg_effect=None)
    assert modes.current == WINDOW_LEVEL


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


def test_the_smoothing_brush_holds_the_mouse_only_while_smoothing_is_chosen(the_app, panel):
    effects, modes = the_app.session.segment_effects, the_app.session.interaction
    smooth = effects.smoothing_brush.smoothing
    set_state(the_app, seg_effect="paint")
    set_state(the_app, seg_smooth_brush=True)  # not while another effect is chosen
    assert effects.active == "paint" and the_app.state.seg_smooth_brush is False
    set_state(the_app, seg_effect="smoothing")
    assert modes.current == WINDOW_LEVEL  # whole-segment smoothing: the mouse stays Slicer's
    set_state(the_app, seg_smooth_brush=True)
    assert effects.active == "smoothing_brush" and modes.current == PAINT and the_app.state.seg_smooth_brush
    for junk in ("joint", "blur", None, 3):
        set_state(the_app, seg_smooth_brush_method=junk)
        assert smooth.method == "median" and the_app.state.seg_smooth_brush_method == "median"
    set_state(the_app, seg_smooth_brush_method="closing")
    set_state(the_app, seg_smooth_brush_mm=1e9)
    assert smooth.method == "closing" and smooth.kernel_mm == 30.0
    set_state(the_app, seg_smooth_brush_mm="wide")
    assert smooth.kernel_mm == 30.0
    set_state(the_app, seg_smooth_brush="yes")
    assert effects.active == "smoothing_brush"
    set_state(the_app, seg_effect="scissors")  # another effect: the brush is put away
    assert effects.active == "scissors" and the_app.state.seg_smooth_brush is False
    set_state(the_app, seg_effect=None)
    assert modes.current == WINDOW_LEVEL


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
    shortcut("7", False)  # Threshold, seventh in Slicer's order
    assert the_app.state.seg_effect == "threshold"
    shortcut("5", True)  # Shift+5: the fifteenth effect, which Slicer's list does not have
    assert "no effect 15" in the_app.state.seg_message and the_app.state.seg_effect == "threshold"
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
    table = the_app.client_state.get("seg_statistics")  # what the (here: every) tab was sent
    row = next(r for r in table if r["id"] == segment)
    assert row["voxels"] == 120
    sx, sy, sz = segments.geometry()["spacing_xyz"]
    assert row["volume_mm3"] == pytest.approx(120 * sx * sy * sz, abs=0.01)


def fresh_segment(the_app, panel, name: str) -> str:
    segments = the_app.session.segments
    if segments.state()["segmentation_id"] is None:
        segments.create_segmentation()
    segments.set_intensity_mask(False)
    segments.set_editable_area("everywhere")
    segment = segments.add_segment(name)
    return segment


def test_threshold_preview_follows_the_range_and_apply_counts_exactly(the_app, panel):

    segments = the_app.session.segments
    segment = fresh_segment(the_app, panel, "bone")
    set_state(the_app, seg_effect="threshold")
    preview = panel.computed.threshold_preview
    assert preview.visible
    set_state(the_app, seg_threshold_range=[300, 3000])
    assert preview.range == (300.0, 3000.0)
    set_state(the_app, seg_threshold_range=[300, "x"])  # refused, the range stays
    assert preview.range == (300.0, 3000.0)
    panel.triggers["seg_threshold_apply"]()
    voxels = segments.editor.source_array()
    assert segments.segment_array(segment).sum() == int(((voxels >= 300) & (voxels <= 3000)).sum())
    panel.triggers["seg_threshold_auto"]("otsu", "above")
    low, high = preview.range
    assert low > float(voxels.min()) and high == pytest.approx(float(voxels.max()), abs=1)
    panel.triggers["seg_threshold_auto"]("magic", "above")
    assert "not one of" in the_app.state.seg_message
    set_state(the_app, seg_effect="margin")
    assert not preview.visible  # the preview goes with the effect


def test_computed_effects_apply_through_their_triggers(the_app, panel):
    import numpy as np

    segments = the_app.session.segments
    segment = fresh_segment(the_app, panel, "cube 2")
    segments.apply_modifier(np.ones((6, 20, 20), dtype=bool), "add", (40, 100, 100))
    before = segments.segment_array(segment).sum()
    assert trigger_to_the_end(the_app, panel.triggers["seg_margin"], 2.0)  # in a worker
    assert segments.segment_array(segment).sum() > before and the_app.state.seg_message == ""
    grown = segments.segment_array(segment).sum()
    # clamped to the engine's limit: refused or bounded, never a crash
    trigger_to_the_end(the_app, panel.triggers["seg_margin"], 1e9)
    panel.triggers["seg_hollow"](1.0, "inside")
    assert segments.segment_array(segment).sum() < segments.segment_array(segment).size
    panel.triggers["seg_logical"]("clear", None)
    assert segments.segment_array(segment).sum() == 0
    panel.triggers["seg_logical"]("copy", "no such segment")
    assert the_app.state.seg_message
    assert grown > before


def test_islands_keep_selected_waits_for_a_click_in_a_slice_view(the_app, panel):
    import numpy as np

    segments = the_app.session.segments
    segment = fresh_segment(the_app, panel, "two islands")
    segments.apply_modifier(np.ones((3, 5, 5), dtype=bool), "add", (50, 60, 60))
    segments.apply_modifier(np.ones((3, 5, 5), dtype=bool), "add", (50, 160, 160))
    panel.triggers["seg_islands"]("keep_selected", 0)
    assert "Click" in the_app.state.seg_message
    assert the_app.session.interaction.current == PAINT
    # The click: the voxel (51, 62, 62) in RAS, through the Red view's own input path.
    view = the_app.session.view("Red")
    view.resize(400, 400)
    geometry = segments.geometry()
    matrix = np.array(geometry["ijk_to_ras"]).reshape(4, 4)
    target_ras = (matrix @ np.array([62, 62, 51, 1.0]))[:3]
    # Move the Red slice to the island's slice and find the client pixel over it.
    view.slice_node.JumpSliceByOffsetting(*target_ras)
    xy_to_ras = view.slice_node.GetXYToRAS()
    ras_to_xy = np.linalg.inv(np.array([[xy_to_ras.GetElement(r, c) for c in range(4)] for r in range(4)]))
    x, y = (ras_to_xy @ np.r_[target_ras, 1.0])[:2]
    width, height = view.size
    event = {"type": "press", "button": 0, "x": x * view.client_size[0] / width,
             "y": (height - 1 - y) * view.client_size[1] / height}
    the_app.session.apply_input(view, event)
    the_app.session.apply_input(view, {**event, "type": "release"})
    kept = segments.segment_array(segment)
    assert kept[50:53, 60:65, 60:65].all() and not kept[50:53, 160:165, 160:165].any()
    assert the_app.session.interaction.current == WINDOW_LEVEL  # the mouse goes back (Margin has none)


def test_fill_between_slices_previews_in_the_label_layer_and_applies(the_app, panel):
    import numpy as np

    segments = the_app.session.segments
    segment = fresh_segment(the_app, panel, "slices")
    segments.apply_modifier(np.ones((1, 10, 10), dtype=bool), "add", (30, 100, 100))
    segments.apply_modifier(np.ones((1, 10, 10), dtype=bool), "add", (40, 100, 100))
    set_state(the_app, seg_effect="fill_between_slices")
    assert trigger_to_the_end(the_app, panel.triggers["seg_auto_start"], "all")
    assert the_app.state.seg_auto_complete == "fill_between_slices"
    assert panel.computed.label_preview.visible
    composite = the_app.session.view("Red").logic.GetSliceCompositeNode()
    assert composite.GetLabelVolumeID() is not None
    panel.triggers["seg_auto_apply"]()
    assert not panel.computed.label_preview.visible and composite.GetLabelVolumeID() is None
    filled = segments.segment_array(segment)
    assert filled[30:41, 100:110, 100:110].any(axis=(1, 2)).all()  # every slice between the two


def test_save_and_statistics_csv_offer_downloads(the_app, panel):
    import numpy as np

    fresh_segment(the_app, panel, "saved")
    the_app.session.segments.apply_modifier(np.ones((3, 3, 3), dtype=bool), "add", (20, 20, 20))
    offered = []
    panel.computed._offer = lambda path, name: offered.append((path, name))
    panel.triggers["seg_save"](".seg.nrrd")
    panel.triggers["seg_save"]("labelmap")
    panel.triggers["seg_save"]("stl")
    panel.triggers["seg_statistics_csv"]()
    panel.triggers["seg_save"]("../../etc/passwd")
    assert "not one of" in the_app.state.seg_message
    names = [name for _path, name in offered]
    assert names[0].endswith(".seg.nrrd") and names[1].endswith(".nii.gz") and names[3].endswith(".csv")
    assert all(path.exists() and path.stat().st_size > 0 for path, _name in offered)
    assert offered[3][0].read_text().startswith("segment,voxel_count")
