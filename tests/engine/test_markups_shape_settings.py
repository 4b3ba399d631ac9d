"""A plane's normal and size and a curve's type: edited as in Slicer's Markups module, each one undo step."""

from __future__ import annotations

import pytest
from test_markups import _click, _row, _value
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trame_slicer_app.engine.markups import markups_edit, placing, shape_settings
from trame_slicer_app.engine.markups.markup_types import MarkupsError


@pytest.fixture
def a_plane(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "plane")
    _click(an_engine, 200, 150)  # a plane is placed with one click: its centre, facing the slice's normal
    assert _row(an_engine, node_id)["point_count"] == 1
    return node_id


def test_a_planes_normal_and_size_are_edited_and_each_is_one_undo_step(an_engine, a_plane, undo):
    before = _row(an_engine, a_plane)["plane"]
    assert before["normal"] == pytest.approx([0, 0, 1], abs=1e-6) and before["size_mode"] == "auto"

    undo.checkpoint("plane normal")
    shape_settings.set_plane_normal(an_engine, a_plane, [0, 3, 4])  # any length: the direction is kept
    assert _row(an_engine, a_plane)["plane"]["normal"] == pytest.approx([0, 0.6, 0.8], abs=1e-4)
    undo.checkpoint("plane size")
    shape_settings.set_plane_size(an_engine, a_plane, [40, 25])
    row = _row(an_engine, a_plane)
    assert (row["plane"]["size"], row["plane"]["size_mode"]) == ([40, 25], "absolute")
    assert _value(row, "area") == pytest.approx(40 * 25 / 100, rel=1e-3)  # cm2

    assert undo.undo()
    assert _row(an_engine, a_plane)["plane"]["size"] == before["size"]
    assert _row(an_engine, a_plane)["plane"]["size_mode"] == "auto"
    assert _row(an_engine, a_plane)["plane"]["normal"] == pytest.approx([0, 0.6, 0.8], abs=1e-4)
    assert undo.undo()
    assert _row(an_engine, a_plane)["plane"]["normal"] == pytest.approx([0, 0, 1], abs=1e-6)
    assert undo.redo() and undo.redo()
    assert _row(an_engine, a_plane)["plane"] == {**before, "normal": pytest.approx([0, 0.6, 0.8], abs=1e-4),
                                                 "size": [40, 25], "size_mode": "absolute"}
    undo.checkpoint("plane auto size")
    shape_settings.set_plane_size(an_engine, a_plane, None)
    assert _row(an_engine, a_plane)["plane"]["size_mode"] == "auto"


@pytest.mark.parametrize("normal", [[0, 0, 0], [1, 2], [1, 2, float("inf")], [1, "2", 3], [True, 0, 0], "0,0,1", None])
def test_a_bad_normal_is_refused(an_engine, a_plane, normal):
    with pytest.raises(MarkupsError):
        shape_settings.set_plane_normal(an_engine, a_plane, normal)
    assert _row(an_engine, a_plane)["plane"]["normal"] == pytest.approx([0, 0, 1], abs=1e-6)


@pytest.mark.parametrize("size", [[0, 10], [-5, 10], [1e9, 10], [10], [10, float("nan")], "10x10", [10, None]])
def test_a_bad_plane_size_is_refused(an_engine, a_plane, size):
    with pytest.raises(MarkupsError):
        shape_settings.set_plane_size(an_engine, a_plane, size)
    assert _row(an_engine, a_plane)["plane"]["size_mode"] == "auto"


def test_a_locked_plane_and_a_line_refuse_plane_settings(an_engine, a_plane):
    markups_edit.set_locked(an_engine, a_plane, True)
    with pytest.raises(MarkupsError):
        shape_settings.set_plane_size(an_engine, a_plane, [10, 10])
    line_id = placing.start_placing(an_engine, "line")
    _click(an_engine, 100, 100)
    _click(an_engine, 200, 100)
    with pytest.raises(MarkupsError):
        shape_settings.set_plane_normal(an_engine, line_id, [1, 0, 0])


def test_a_three_point_plane_takes_its_normal_from_its_points(an_engine, a_plane):
    an_engine.scene.GetNodeByID(a_plane).SetPlaneType(an_engine.scene.GetNodeByID(a_plane).PlaneType3Points)
    assert not _row(an_engine, a_plane)["plane"]["normal_editable"]
    with pytest.raises(MarkupsError):
        shape_settings.set_plane_normal(an_engine, a_plane, [1, 0, 0])


@pytest.fixture
def an_open_curve(an_engine, a_ct_in_red):
    node_id = placing.start_placing(an_engine, "open_curve", persistent=True)
    for point in ((100, 100), (200, 200), (300, 100)):
        _click(an_engine, *point)
    placing.stop_placing(an_engine)
    return node_id


def test_a_curves_type_changes_its_length_and_each_change_is_one_undo_step(an_engine, an_open_curve, undo):
    spline = _row(an_engine, an_open_curve)
    assert spline["curve"] == {"type": "spline", "surface_id": None}
    undo.checkpoint("curve type")
    shape_settings.set_curve_type(an_engine, an_open_curve, "linear")
    linear = _row(an_engine, an_open_curve)
    assert linear["curve"]["type"] == "linear"
    # Two straight segments are shorter than a spline through the same three points.
    assert _value(linear, "length") < _value(spline, "length")
    undo.checkpoint("curve type")
    shape_settings.set_curve_type(an_engine, an_open_curve, "polynomial")
    assert _row(an_engine, an_open_curve)["curve"]["type"] == "polynomial"
    assert undo.undo()
    assert _row(an_engine, an_open_curve)["curve"]["type"] == "linear"
    assert undo.undo()
    assert _row(an_engine, an_open_curve)["curve"]["type"] == "spline"
    assert _value(_row(an_engine, an_open_curve), "length") == _value(spline, "length")
    assert undo.redo()
    assert _row(an_engine, an_open_curve)["curve"]["type"] == "linear"


def test_a_curve_follows_a_models_surface_and_undo_takes_it_off(an_engine, an_open_curve, undo):
    for bad in ("bezier", None, 3):
        with pytest.raises(MarkupsError):
            shape_settings.set_curve_type(an_engine, an_open_curve, bad)
    with pytest.raises(MarkupsError):  # no surface to follow yet
        shape_settings.set_curve_type(an_engine, an_open_curve, "shortest_distance_on_surface")
    sphere = vtkSphereSource()
    sphere.SetRadius(50)
    sphere.Update()
    model = an_engine.scene.AddNewNodeByClass("vtkMRMLModelNode", "ball")
    model.SetAndObservePolyData(sphere.GetOutput())
    assert shape_settings.surfaces(an_engine) == [{"id": model.GetID(), "name": "ball"}]
    undo.checkpoint("curve on surface")
    shape_settings.set_curve_type(an_engine, an_open_curve, "shortest_distance_on_surface", model.GetID())
    assert _row(an_engine, an_open_curve)["curve"] == {"type": "shortest_distance_on_surface",
                                                       "surface_id": model.GetID()}
    assert undo.undo()
    assert _row(an_engine, an_open_curve)["curve"] == {"type": "spline", "surface_id": None}


def test_a_plane_turned_by_its_handles_is_put_back_by_undo(an_engine, a_plane, undo):
    """What the view's handles change (the plane's axes) is recorded, not only what the panel sets."""
    node = an_engine.scene.GetNodeByID(a_plane)
    undo.checkpoint("drag in Red")
    node.SetAxesWorld((1, 0, 0), (0, 0, 1), (0, -1, 0))  # as a rotation handle leaves it: turned 90° about R
    assert _row(an_engine, a_plane)["plane"]["normal"] == pytest.approx([0, -1, 0], abs=1e-6)
    assert undo.undo()
    assert _row(an_engine, a_plane)["plane"]["normal"] == pytest.approx([0, 0, 1], abs=1e-6)


def _x_axis(roi) -> list[float]:
    axis = [0.0, 0.0, 0.0]
    roi.GetXAxisWorld(axis)
    return axis


def test_an_roi_turned_by_its_handles_is_put_back_by_undo(an_engine, a_ct_in_red, undo):
    node_id = placing.start_placing(an_engine, "roi")
    _click(an_engine, 150, 100)
    _click(an_engine, 250, 200)
    node = an_engine.scene.GetNodeByID(node_id)
    assert _x_axis(node) == pytest.approx((1, 0, 0), abs=1e-6)
    undo.checkpoint("drag in Red")
    turned = vtkMatrix4x4()
    turned.DeepCopy(node.GetObjectToNodeMatrix())
    for row, column, value in ((0, 0, 0.0), (0, 1, -1.0), (1, 0, 1.0), (1, 1, 0.0)):  # 90 degrees about S
        turned.SetElement(row, column, value)
    node.SetAndObserveObjectToNodeMatrix(turned)  # as the rotation handle leaves it
    assert _x_axis(node) == pytest.approx((0, 1, 0), abs=1e-6)
    assert undo.undo()
    assert _x_axis(node) == pytest.approx((1, 0, 0), abs=1e-6)
