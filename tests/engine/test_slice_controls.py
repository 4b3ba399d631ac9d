"""The slice controller: offset slider in mm, orientation, link, show in 3D, fit to window."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.display.slice_controls import (
    REFORMAT_RESET,
    crosshair_ras,
    crosshair_visible,
    fit_slice_to_window,
    set_crosshair_visible,
    set_linked,
    set_orientation,
    set_slice_intersections_visible,
    set_slice_offset,
    set_visible_in_3d,
    slice_intersections_visible,
    slice_state,
)
from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.scene.node_lookup import DisplayControlError
from trame_slicer_app.engine.views.view_input import apply_input_event

VIEW_SIZE_PX = (256, 256)
CT_SLICES = 108
CT_SLICE_SPACING_MM = 1.5
CT_COLUMN_SPACING_MM = 0.9570312


def test_the_red_slider_spans_the_ct_slices(an_engine, a_ct):
    state = slice_state(an_engine, "Red")
    low, high = state["range_mm"]
    # The range covers every slice (half a voxel beyond the outer centres), one slice per step.
    assert state["step_mm"] == pytest.approx(CT_SLICE_SPACING_MM)
    assert high - low == pytest.approx(CT_SLICES * CT_SLICE_SPACING_MM)
    assert low <= state["offset_mm"] <= high
    assert slice_state(an_engine, "Yellow")["step_mm"] == pytest.approx(CT_COLUMN_SPACING_MM)
    assert state["orientation"] == "Axial"
    assert state["visible_in_3d"] is True


def test_set_offset_moves_the_slice_and_the_state_follows_mrml(an_engine, a_ct):
    low, _ = slice_state(an_engine, "Red")["range_mm"]
    set_slice_offset(an_engine, "Red", low + 30.0)
    assert an_engine.slice_views["Red"].logic.GetSliceOffset() == pytest.approx(low + 30.0)
    an_engine.slice_views["Red"].logic.SetSliceOffset(low + 12.0)
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(low + 12.0)


def test_offsets_beyond_the_range_are_clamped_and_bad_ones_refused(an_engine, a_ct):
    _low, high = slice_state(an_engine, "Red")["range_mm"]
    set_slice_offset(an_engine, "Red", high + 500.0)
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(high)
    for bad in (float("nan"), "10", None):
        with pytest.raises(DisplayControlError):
            set_slice_offset(an_engine, "Red", bad)
    with pytest.raises(DisplayControlError, match="no slice view"):
        set_slice_offset(an_engine, "Purple", 1.0)
    with pytest.raises(DisplayControlError, match="no slice view"):
        set_slice_offset(an_engine, "1", 1.0)  # the 3D view has no slice
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(high)


def test_orientation_and_reformat_reset(an_engine, a_ct):
    set_orientation(an_engine, "Red", "Sagittal")
    assert an_engine.slice_views["Red"].slice_node.GetOrientation() == "Sagittal"
    assert slice_state(an_engine, "Red")["orientation"] == "Sagittal"
    an_engine.slice_views["Red"].slice_node.SetOrientation("Coronal")
    assert slice_state(an_engine, "Red")["orientation"] == "Coronal"
    set_orientation(an_engine, "Red", REFORMAT_RESET)
    assert slice_state(an_engine, "Red")["orientation"] == "Axial"
    set_orientation(an_engine, "Green", REFORMAT_RESET)
    assert slice_state(an_engine, "Green")["orientation"] == "Coronal"
    with pytest.raises(DisplayControlError, match="orientation"):
        set_orientation(an_engine, "Red", "Diagonal")


def test_the_rendered_slice_changes_with_orientation(an_engine, a_ct):
    axial = an_engine.view("Red").capture().astype(int)
    set_orientation(an_engine, "Red", "Sagittal")
    fit_slice_to_window(an_engine, "Red")
    sagittal = an_engine.view("Red").capture().astype(int)
    assert abs(axial - sagittal).mean() > 10


def test_link_writes_every_composite_node_and_linked_zoom_spreads(an_engine, a_ct):
    set_linked(an_engine, True)
    for view in an_engine.slice_views.values():
        assert view.logic.GetSliceCompositeNode().GetLinkedControl()
    assert slice_state(an_engine, "Green")["linked"] is True
    # Slicer's slice link logic now carries a zoom in Red to the other views.
    red = an_engine.slice_views["Red"].slice_node
    red.SetInteractionFlags(red.FieldOfViewFlag)
    red.InteractingOn()
    red.SetFieldOfView(80.0, 80.0, red.GetFieldOfView()[2])
    red.InteractingOff()
    assert an_engine.slice_views["Yellow"].slice_node.GetFieldOfView()[0] == pytest.approx(80.0)
    an_engine.slice_views["Red"].logic.GetSliceCompositeNode().SetLinkedControl(False)
    assert slice_state(an_engine, "Red")["linked"] is False
    set_linked(an_engine, False)
    with pytest.raises(DisplayControlError):
        set_linked(an_engine, 1)


def test_show_in_3d_both_ways(an_engine, a_ct):
    set_visible_in_3d(an_engine, "Yellow", False)
    assert not an_engine.slice_views["Yellow"].slice_node.GetSliceVisible()
    assert slice_state(an_engine, "Yellow")["visible_in_3d"] is False
    an_engine.slice_views["Yellow"].slice_node.SetSliceVisible(True)
    assert slice_state(an_engine, "Yellow")["visible_in_3d"] is True


def test_fit_to_window_restores_the_field_of_view(an_engine, a_ct):
    red = an_engine.slice_views["Red"].slice_node
    fitted = red.GetFieldOfView()[0]
    red.SetFieldOfView(20.0, 20.0, red.GetFieldOfView()[2])
    fit_slice_to_window(an_engine, "Red")
    assert red.GetFieldOfView()[0] == pytest.approx(fitted)
    # Unlinked: the other views keep their zoom.
    yellow = an_engine.slice_views["Yellow"].slice_node
    yellow.SetFieldOfView(30.0, 30.0, yellow.GetFieldOfView()[2])
    fit_slice_to_window(an_engine, "Red")
    assert yellow.GetFieldOfView()[0] == pytest.approx(30.0)
    set_linked(an_engine, True)
    fit_slice_to_window(an_engine, "Red")
    assert yellow.GetFieldOfView()[0] > 100.0


def test_an_empty_scene_has_a_usable_slider(an_engine):
    state = slice_state(an_engine, "Red")
    assert state["range_mm"][0] < state["range_mm"][1]
    assert state["step_mm"] > 0


def test_an_empty_scene_slider_surrounds_the_current_offset(an_engine):
    set_slice_offset(an_engine, "Green", 42.0)
    state = slice_state(an_engine, "Green")
    assert state["range_mm"][0] < 42.0 < state["range_mm"][1]
    assert state["offset_mm"] == pytest.approx(42.0)


def test_linked_views_follow_orientation_show_in_3d_and_reset(an_engine, a_ct):
    set_linked(an_engine, True)
    set_orientation(an_engine, "Red", "Coronal")
    assert {slice_state(an_engine, n)["orientation"] for n in ("Red", "Yellow", "Green")} == {"Coronal"}
    set_visible_in_3d(an_engine, "Green", False)
    assert not any(slice_state(an_engine, n)["visible_in_3d"] for n in ("Red", "Yellow", "Green"))
    set_orientation(an_engine, "Yellow", REFORMAT_RESET)
    assert [slice_state(an_engine, n)["orientation"] for n in ("Red", "Yellow", "Green")] == [
        "Axial", "Sagittal", "Coronal"]


def test_unlinked_views_keep_their_own_orientation(an_engine, a_ct):
    set_orientation(an_engine, "Red", "Coronal")
    set_visible_in_3d(an_engine, "Green", False)
    assert slice_state(an_engine, "Yellow")["orientation"] == "Sagittal"
    assert slice_state(an_engine, "Yellow")["visible_in_3d"] is True


def test_linked_offset_moves_views_of_the_same_orientation(an_engine, a_ct):
    set_orientation(an_engine, "Yellow", "Axial")
    set_linked(an_engine, True)
    low, _ = slice_state(an_engine, "Red")["range_mm"]
    set_slice_offset(an_engine, "Red", low + 40.0)
    assert slice_state(an_engine, "Yellow")["offset_mm"] == pytest.approx(low + 40.0)
    assert slice_state(an_engine, "Green")["orientation"] == "Coronal"


def _coloured_pixels(rgb: np.ndarray, colour: tuple[float, float, float]) -> int:
    """Pixels near one of Slicer's view colours; the CT itself is grey."""
    target = np.array(colour) * 255
    return int((np.abs(rgb.astype(int) - target).max(axis=2) < 40).sum())


def test_slice_intersections_draw_the_other_views_in_their_colours(an_engine, a_ct):
    red = an_engine.slice_views["Red"]
    yellow = an_engine.slice_views["Yellow"].slice_node.GetLayoutColor()
    green = an_engine.slice_views["Green"].slice_node.GetLayoutColor()
    assert slice_intersections_visible(an_engine) is False
    before = red.capture()
    assert _coloured_pixels(before, yellow) < 20 and _coloured_pixels(before, green) < 20

    set_slice_intersections_visible(an_engine, True)
    assert slice_intersections_visible(an_engine) is True
    assert red.dirty
    after = red.capture()
    # A sagittal (yellow) line from top to bottom and a coronal (green) one from side to side.
    assert _coloured_pixels(after, yellow) > VIEW_SIZE_PX[1] // 2
    assert _coloured_pixels(after, green) > VIEW_SIZE_PX[0] // 2

    set_slice_intersections_visible(an_engine, False)
    assert _coloured_pixels(red.capture(), yellow) < 20
    with pytest.raises(DisplayControlError):
        set_slice_intersections_visible(an_engine, "yes")


def _distance_from_plane_mm(view, ras) -> float:
    slice_to_ras = view.slice_node.GetSliceToRAS()
    normal = np.array([slice_to_ras.GetElement(i, 2) for i in range(3)])
    origin = np.array([slice_to_ras.GetElement(i, 3) for i in range(3)])
    return abs(float(np.dot(normal / np.linalg.norm(normal), np.subtract(ras, origin))))


def test_shift_move_places_the_crosshair_and_the_other_views_jump_to_it(an_engine, a_ct):
    red, yellow, green = (an_engine.slice_views[n] for n in ("Red", "Yellow", "Green"))
    assert crosshair_visible(an_engine) is False  # Slicer's default; the app turns it on
    yellow_before, green_before = yellow.capture(), green.capture()
    set_crosshair_visible(an_engine, True)

    # A quarter of the way in from the Red view's left and top edges.
    x, y = VIEW_SIZE_PX[0] // 4, VIEW_SIZE_PX[1] // 4
    apply_input_event(red, {"type": "move", "x": x, "y": y, "shift": True})
    r, a, s = crosshair_ras(an_engine)
    xy_to_ras = red.slice_node.GetXYToRAS()
    expected = xy_to_ras.MultiplyPoint((x, VIEW_SIZE_PX[1] - 1 - y, 0, 1))[:3]
    assert (r, a, s) == pytest.approx(expected, abs=1.0)
    # Yellow and Green move their planes through the point (Slicer's "offset jump"); Red's holds it.
    for view in (red, yellow, green):
        assert _distance_from_plane_mm(view, (r, a, s)) < 1.0
    # Both views now show another slice, and the crosshair drawn on it.
    for view, before in ((yellow, yellow_before), (green, green_before)):
        assert np.abs(view.capture().astype(int) - before.astype(int)).max(axis=2).astype(bool).mean() > 0.05

    with pytest.raises(DisplayControlError):
        set_crosshair_visible(an_engine, 1)


@pytest.mark.parametrize("button", [1, 2], ids=["after a pan", "after a zoom"])
def test_shift_move_still_places_the_crosshair_after_a_pan_or_zoom_drag(an_engine, a_ct, button):
    """Slicer re-arms Shift+move after a click-and-drag only on a Shift key press, which a browser never
    sends on its own: the view input presses Shift for it when Shift goes down (found using the app)."""
    red = an_engine.slice_views["Red"]
    set_crosshair_visible(an_engine, True)
    width, height = VIEW_SIZE_PX
    for kind, x, y in (("press", width // 2, height // 2), ("move", width // 2 + 20, height // 2 + 30),
                       ("release", width // 2 + 20, height // 2 + 30)):
        apply_input_event(red, {"type": kind, "button": button, "x": x, "y": y})
    for x, y in ((width // 4, height // 4), (3 * width // 4, height // 3)):  # Shift down, then held
        apply_input_event(red, {"type": "move", "x": x, "y": y, "shift": True})
        expected = red.slice_node.GetXYToRAS().MultiplyPoint((x, height - 1 - y, 0, 1))[:3]
        assert crosshair_ras(an_engine) == pytest.approx(expected, abs=1.0)


def test_the_crosshair_is_drawn_only_when_shown(an_engine, a_ct):
    red = an_engine.slice_views["Red"]
    apply_input_event(red, {"type": "move", "x": 100, "y": 100, "shift": True})
    hidden = red.capture().astype(int)
    set_crosshair_visible(an_engine, True)
    assert red.dirty
    shown = red.capture().astype(int)
    changed = np.abs(shown - hidden).max(axis=2) > 40
    # Two lines across the view through the crosshair, and little else.
    assert VIEW_SIZE_PX[0] < changed.sum() < 6 * (VIEW_SIZE_PX[0] + VIEW_SIZE_PX[1])


def test_the_first_volume_shown_brings_the_crosshair_to_its_centre(an_engine, a_ct_path, an_mri_path):
    """The crosshair is drawn from the start at the origin, a corner of the head CT: a stray line along
    the edge of every slice view. The first volume shown centres it; later ones leave it alone."""
    from trame_slicer_app.engine.io.scene_files import close_scene

    ct = load_volume(an_engine, a_ct_path)
    show_volume(an_engine, ct)
    bounds = [0.0] * 6
    ct.GetRASBounds(bounds)
    centre = [(bounds[2 * axis] + bounds[2 * axis + 1]) / 2 for axis in range(3)]
    assert crosshair_ras(an_engine) == pytest.approx(centre)

    placed = (centre[0] + 20.0, centre[1] - 10.0, centre[2] + 5.0)  # where a Shift+move put it
    an_engine.scene.GetFirstNodeByClass("vtkMRMLCrosshairNode").SetCrosshairRAS(*placed)
    show_volume(an_engine, load_volume(an_engine, an_mri_path))
    assert crosshair_ras(an_engine) == pytest.approx(placed)

    close_scene(an_engine)
    ct = load_volume(an_engine, a_ct_path)
    show_volume(an_engine, ct)
    assert crosshair_ras(an_engine) == pytest.approx(centre)
