"""Markups on the real engine and CT: placing by replayed clicks in Red, measuring, editing, undo, ROI crop, CSV."""

from __future__ import annotations

import csv
import io
import math

import pytest

from trame_slicer_app.engine.markups import csv_export, markups_edit, placing, roi_tools
from trame_slicer_app.engine.markups.markup_types import MARKUP_TYPES, MarkupsError
from trame_slicer_app.engine.undo.scene_undo import SceneUndo
from trame_slicer_app.engine.views.view_input import apply_input_event


def _event(engine, kind: str, x: float, y: float, **more) -> None:
    view = engine.slice_views["Red"]
    apply_input_event(view, {"type": kind, "x": x, "y": y, **more})
    view.render()


def _click(engine, x: float, y: float, undo: SceneUndo | None = None) -> None:
    _event(engine, "move", x - 1, y)
    _event(engine, "move", x, y)
    if undo is not None:
        undo.checkpoint("drag in Red")  # as the Undo feature does at every press in a slice view
    _event(engine, "press", x, y, button=0)
    _event(engine, "release", x, y, button=0)


def _drag(engine, start, end, undo: SceneUndo) -> None:
    _event(engine, "move", start[0] - 1, start[1])
    _event(engine, "move", *start)
    undo.checkpoint("drag in Red")
    _event(engine, "press", *start, button=0)
    for step in range(1, 11):
        _event(engine, "move", start[0] + (end[0] - start[0]) * step / 10, start[1] + (end[1] - start[1]) * step / 10)
    _event(engine, "release", *end, button=0)


def _row(engine, node_id: str) -> dict:
    return next(row for row in markups_edit.markups_rows(engine) if row["id"] == node_id)


def _value(row: dict, name: str):
    return next(m["value"] for m in row["measurements"] if m["name"] == name)


def _mm_per_px(engine) -> float:
    red = engine.slice_views["Red"]
    return red.slice_node.GetFieldOfView()[0] / red.size[0]


def test_a_line_placed_by_two_clicks_measures_the_screen_distance_in_mm(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "line")
    _click(an_engine, 100, 150)
    _click(an_engine, 300, 250)
    row = _row(an_engine, node_id)
    assert row["point_count"] == 2
    assert _value(row, "length") == pytest.approx(math.dist((100, 150), (300, 250)) * _mm_per_px(an_engine), rel=0.01)
    # A single placement ends by itself, and the views return to the mode chosen before (window/level).
    assert an_engine.interaction_modes.current == "window_level"
    assert placing.placing_state(an_engine)["placing"] is None


def test_each_kind_is_placed_and_measured(an_engine, a_ct_in_red):
    clicks = {"point_list": [(200, 150)], "line": [(100, 100), (200, 100)],
              "angle": [(100, 100), (200, 100), (200, 200)], "plane": [(200, 150)],
              "roi": [(150, 100), (250, 200)], "open_curve": [(100, 100), (200, 120), (300, 100)],
              "closed_curve": [(100, 100), (300, 100), (300, 250), (100, 250)]}
    placed = {}
    for name, points in clicks.items():
        node_id = placing.start_placing(an_engine, name, persistent=name.endswith("curve"))
        for point in points:
            _click(an_engine, *point)
        placing.stop_placing(an_engine)
        placed[name] = _row(an_engine, node_id)
    assert set(placed) == set(MARKUP_TYPES)
    assert placed["angle"]["measurements"][0] == {"name": "angle", "value": pytest.approx(90.0, abs=0.5),
                                                  "units": "deg"}
    assert _value(placed["open_curve"], "length") > 200 * _mm_per_px(an_engine)
    # The closed curve is a smooth loop through the four clicks: its perimeter and area are those of the
    # polygon of its interpolated points (computed here with the shoelace formula), in mm and cm2.
    scale = _mm_per_px(an_engine)
    curve = an_engine.scene.GetNodeByID(placed["closed_curve"]["id"]).GetCurvePointsWorld()
    loop = [curve.GetPoint(i)[:2] for i in range(curve.GetNumberOfPoints())]
    perimeter = sum(math.dist(loop[i - 1], loop[i]) for i in range(len(loop)))
    area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(loop, loop[1:] + loop[:1], strict=True))) / 2
    assert _value(placed["closed_curve"], "perimeter") == pytest.approx(perimeter, rel=0.01)
    assert _value(placed["closed_curve"], "area") == pytest.approx(area / 100, rel=0.01)
    assert area > 200 * 150 * scale**2  # the loop goes round the clicked rectangle
    assert _value(placed["roi"], "size")[:2] == pytest.approx([100 * scale, 100 * scale], rel=0.02)
    assert placed["point_list"]["point_count"] == 1
    assert an_engine.interaction_modes.current == "window_level"


def test_undo_and_redo_of_place_move_and_delete(an_engine, a_ct_in_red, undo):
    node_id = placing.start_placing(an_engine, "line")
    _click(an_engine, 100, 150, undo)
    _click(an_engine, 300, 150, undo)
    placed = _value(_row(an_engine, node_id), "length")
    _drag(an_engine, (300, 150), (350, 150), undo)
    moved = _value(_row(an_engine, node_id), "length")
    assert moved == pytest.approx(placed * 250 / 200, rel=0.01)
    undo.checkpoint("delete a markup point")
    markups_edit.delete_point(an_engine, node_id, 0)
    assert _row(an_engine, node_id)["point_count"] == 1

    assert undo.undo()  # the point is back
    assert _value(_row(an_engine, node_id), "length") == moved
    assert undo.undo()  # the move is undone
    assert _value(_row(an_engine, node_id), "length") == placed
    assert undo.redo()
    assert _value(_row(an_engine, node_id), "length") == moved

    undo.checkpoint("delete a markup")
    markups_edit.delete(an_engine, node_id)
    assert markups_edit.markups_rows(an_engine) == []
    assert undo.undo()
    assert _value(_row(an_engine, node_id), "length") == moved


def test_a_hovered_point_is_deleted_by_the_delete_key_handler(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "point_list", persistent=True)
    _click(an_engine, 100, 100)
    _click(an_engine, 200, 200)
    placing.stop_placing(an_engine)
    _event(an_engine, "move", 201, 200)
    _event(an_engine, "move", 200, 200)  # hover: the widget makes it the active point
    assert markups_edit.delete_hovered_point(an_engine)
    assert _row(an_engine, node_id)["point_count"] == 1


def test_escape_at_once_leaves_no_empty_markup(an_engine, a_ct_in_red):
    placing.start_placing(an_engine, "angle")
    assert placing.stop_placing(an_engine)
    assert markups_edit.markups_rows(an_engine) == []
    assert not placing.stop_placing(an_engine)  # nothing to end


def test_panel_edits_and_their_refusals(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "line")
    _click(an_engine, 100, 150)
    _click(an_engine, 300, 150)
    markups_edit.set_point_position(an_engine, node_id, 1, [10.0, 20.0, 30.0])
    assert _row(an_engine, node_id)["points"][1]["ras"] == [10.0, 20.0, 30.0]
    for bad in ([1, 2], [1, 2, float("nan")], [1, 2, "3"], [True, 0, 0], [0, 0, 1e9], "1,2,3", None):
        with pytest.raises(MarkupsError):
            markups_edit.set_point_position(an_engine, node_id, 1, bad)
    for bad_index in (2, -1, "0", True, None):
        with pytest.raises(MarkupsError):
            markups_edit.set_point_position(an_engine, node_id, bad_index, [0, 0, 0])
    with pytest.raises(MarkupsError):
        markups_edit.set_visible(an_engine, "vtkMRMLScalarVolumeNode1", False)  # not a markup
    markups_edit.set_color(an_engine, node_id, "#00ff00")
    markups_edit.rename(an_engine, node_id, "  femur  ")
    markups_edit.set_locked(an_engine, node_id, True)
    markups_edit.set_visible(an_engine, node_id, False)
    row = _row(an_engine, node_id)
    assert (row["color"], row["name"], row["locked"], row["visible"]) == ("#00ff00", "femur", True, False)
    with pytest.raises(MarkupsError):
        markups_edit.set_color(an_engine, node_id, "red")
    with pytest.raises(MarkupsError):  # locked: no typed move either
        markups_edit.set_point_position(an_engine, node_id, 0, [0, 0, 0])
    markups_edit.jump_to_point(an_engine, node_id, 1)
    assert an_engine.slice_views["Red"].slice_offset_mm == pytest.approx(30.0, abs=1.0)


def test_the_csv_lists_measurements_and_points_and_defuses_formulas(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "line")
    _click(an_engine, 100, 150)
    _click(an_engine, 300, 150)
    markups_edit.rename(an_engine, node_id, "=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(csv_export.measurements_csv(an_engine))))
    length = next(r for r in rows if r["what"] == "measurement")
    assert length["markup"] == "'=HYPERLINK(1)"
    assert float(length["value"]) == pytest.approx(_value(_row(an_engine, node_id), "length"), abs=1e-3)
    assert [r["what"] for r in rows].count("point") == 2


def test_an_roi_crops_the_volume_into_a_new_one_and_the_rendering(an_engine, a_ct_in_red):
    roi_id = placing.start_placing(an_engine, "roi")
    _click(an_engine, 150, 100)
    _click(an_engine, 250, 200)
    cropped_id = roi_tools.crop_volume(an_engine, roi_id, a_ct_in_red.GetID())
    cropped = an_engine.scene.GetNodeByID(cropped_id)
    size_mm = an_engine.scene.GetNodeByID(roi_id).GetSize()
    dims = cropped.GetImageData().GetDimensions()
    spacing = a_ct_in_red.GetSpacing()
    for axis in range(2):
        assert dims[axis] == pytest.approx(size_mm[axis] / spacing[axis], abs=2)
    assert dims[0] < a_ct_in_red.GetImageData().GetDimensions()[0]
    roi_tools.use_as_rendering_crop_box(an_engine, roi_id, a_ct_in_red.GetID())
    display = an_engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(a_ct_in_red)
    assert display.GetROINodeID() == roi_id and display.GetCroppingEnabled()
    line_id = placing.start_placing(an_engine, "line")
    with pytest.raises(MarkupsError):
        roi_tools.crop_volume(an_engine, line_id, a_ct_in_red.GetID())  # not an ROI


def test_a_click_on_the_3d_view_places_a_point_on_a_slice_plane_it_shows(an_engine, a_ct_in_red):
    for view in an_engine.slice_views.values():
        view.slice_node.SetSliceVisible(True)
    threed = an_engine.threed_view
    threed.resize(400, 400)
    threed.reset_view()
    threed.render()
    node_id = placing.start_placing(an_engine, "point_list")
    for kind, x in (("move", 199), ("move", 200), ("press", 200), ("release", 200)):
        apply_input_event(threed, {"type": kind, "x": x, "y": 200, "button": 0})
        threed.render()
    [point] = _row(an_engine, node_id)["points"]
    r, a, s = point["ras"]
    planes = an_engine.slice_views
    # Slicer's sagittal offset counts leftwards: R is minus Yellow's offset.
    on_a_plane = (abs(s - planes["Red"].slice_offset_mm) < 0.5, abs(r + planes["Yellow"].slice_offset_mm) < 0.5,
                  abs(a - planes["Green"].slice_offset_mm) < 0.5)
    assert any(on_a_plane), (point, [v.slice_offset_mm for v in planes.values()])


def test_persistent_placing_makes_a_new_line_per_two_clicks_until_escape(an_engine, a_ct_in_red):
    placing.start_placing(an_engine, "line", persistent=True)
    for point in ((100, 100), (200, 100), (100, 200), (200, 200)):
        _click(an_engine, *point)
    assert placing.placing_state(an_engine)["persistent"]
    assert placing.stop_placing(an_engine)
    rows = markups_edit.markups_rows(an_engine)
    assert [row["point_count"] for row in rows] == [2, 2]  # a line begun but never clicked is not kept
    assert [_value(row, "length") for row in rows] == pytest.approx([100 * _mm_per_px(an_engine)] * 2, rel=0.01)
    assert an_engine.interaction_modes.current == "window_level"


def test_the_preview_point_that_follows_the_pointer_is_not_listed(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "open_curve", persistent=True)
    _click(an_engine, 100, 100)
    _event(an_engine, "move", 150, 120)  # placing: Slicer adds a preview point under the pointer
    node = an_engine.scene.GetNodeByID(node_id)
    assert node.GetNumberOfControlPoints() == 2
    row = _row(an_engine, node_id)
    assert row["point_count"] == 1 and len(row["points"]) == 1
