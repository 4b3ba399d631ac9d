"""The Markups feature in-process on the real CT: hostile trigger arguments, keys over a view, undo steps."""

from __future__ import annotations

import pytest
from app_state import feature

from trame_slicer_app.app import SlicerWebApp
from trame_slicer_app.scene_session import SceneSession


@pytest.fixture
def the_app(a_ct_path, a_server):
    session = SceneSession()
    session.open_volumes([a_ct_path])
    line = session.engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsLineNode", "")
    line.AddControlPointWorld((0.0, 0.0, 0.0))
    line.AddControlPointWorld((30.0, 40.0, 0.0))
    app = SlicerWebApp(a_server, session)
    app.state.ready()
    return app


def markups(app):
    return feature(app, "markups")


def items(app) -> list[dict]:
    app.binding.refresh()
    return app.state.markups_items


def test_the_list_shows_the_line_and_its_length(the_app):
    [line] = items(the_app)
    assert (line["type"], line["point_count"]) == ("line", 2)
    assert line["measurements"] == [{"name": "length", "value": 50.0, "units": "mm"}]


HOSTILE_CALLS = [
    ("set_property", ("vtkMRMLMarkupsLineNode1", "name", "")),
    ("set_property", ("vtkMRMLMarkupsLineNode1", "name", {"a": 1})),
    ("set_property", ("vtkMRMLMarkupsLineNode1", "color", "url(javascript:1)")),
    ("set_property", ("vtkMRMLMarkupsLineNode1", "visible", "no")),
    ("set_property", ("vtkMRMLMarkupsLineNode1", "__class__", 1)),
    ("set_property", ("vtkMRMLScalarVolumeNode1", "visible", False)),  # not a markup
    ("delete", ("vtkMRMLScalarVolumeNode1",)),
    ("delete_point", ("vtkMRMLMarkupsLineNode1", 5)),
    ("delete_point", ("vtkMRMLMarkupsLineNode1", True)),
    ("set_point", ("vtkMRMLMarkupsLineNode1", 0, [1, 2])),
    ("set_point", ("vtkMRMLMarkupsLineNode1", 0, [1, 2, None])),
    ("set_point", ("vtkMRMLMarkupsLineNode1", 0, [1e300, 0, 0])),
    ("set_point", ("vtkMRMLMarkupsLineNode1", 0, "1,2,3")),
    ("jump", ("vtkMRMLMarkupsLineNode1", -1)),
    ("roi_action", ("vtkMRMLMarkupsLineNode1", "crop_volume")),  # a line is no ROI
    ("roi_action", ("vtkMRMLMarkupsLineNode1", "rm -rf")),
    ("place", ("../../etc", True)),
    ("place", (None,)),
    ("set_plane_normal", ("vtkMRMLMarkupsLineNode1", [0, 0, 1])),  # a line has no normal
    ("set_plane_normal", ("vtkMRMLMarkupsLineNode1", [0, 0, 0])),
    ("set_plane_size", ("vtkMRMLMarkupsLineNode1", [10, 10])),
    ("set_plane_size", ("vtkMRMLMarkupsLineNode1", [-1, 1e12])),
    ("set_curve_type", ("vtkMRMLMarkupsLineNode1", "linear")),  # a line is no curve
    ("set_curve_type", ("vtkMRMLMarkupsLineNode1", "bezier")),
    ("set_curve_type", ("vtkMRMLMarkupsLineNode1", "shortest_distance_on_surface", {"id": 1})),
]


@pytest.mark.parametrize(("method", "args"), HOSTILE_CALLS)
def test_hostile_arguments_change_nothing_and_leave_no_undo_step(the_app, method, args):
    before = items(the_app)
    getattr(markups(the_app), method)(*args)
    assert items(the_app) == before
    assert not the_app.session.undo.can_undo
    assert the_app.session.engine.interaction_modes.current == "window_level"


def test_a_typed_position_is_one_undo_step(the_app):
    markups(the_app).set_point("vtkMRMLMarkupsLineNode1", 1, [0.0, 0.0, 12.0])
    assert items(the_app)[0]["measurements"][0]["value"] == 12.0
    assert the_app.session.undo.undo()
    assert items(the_app)[0]["measurements"][0]["value"] == 50.0


def test_escape_over_a_view_ends_placing_and_is_not_passed_on(the_app):
    markups(the_app).place("angle", False)
    assert the_app.state.markups_placing["persistent"] is False
    session = the_app.session
    assert any(listener("Red", "Escape") for listener in session.key_listeners)
    assert session.engine.interaction_modes.current == "window_level"
    assert [m["type"] for m in items(the_app)] == ["line"]  # the angle got no point: not kept
    assert not any(listener("Red", "Escape") for listener in session.key_listeners)  # now the view's own


def test_the_csv_is_offered_as_a_download(the_app):
    markups(the_app).export_csv()
    data_io = {type(f).__name__: f for f in the_app.features}["DataIO"]
    offered = the_app.client_state.get("data_io_download")
    assert offered["name"] == "markups measurements.csv"
    folder = data_io.downloads.folder
    [csv_file] = folder.rglob("*.csv")
    assert "length,50" in csv_file.read_text()


def _press_on_the_3d_view(session, x: int, y: int) -> None:
    view = session.view("1")
    for kind in ("move", "move", "press", "release"):
        session.apply_input(view, {"type": kind, "x": x - (kind == "move"), "y": y, "button": 0})
        view.render()


def test_a_point_placed_on_the_3d_view_is_an_undo_step(the_app):
    session = the_app.session
    for view in session.engine.slice_views.values():
        view.slice_node.SetSliceVisible(True)
    threed = session.engine.threed_view
    threed.resize(400, 400)
    threed.reset_view()
    threed.render()
    markups(the_app).place("point_list", False)
    _press_on_the_3d_view(session, 200, 200)
    assert [m["point_count"] for m in items(the_app) if m["type"] == "point_list"] == [1]
    assert session.undo.undo()
    assert [m["point_count"] for m in items(the_app) if m["type"] == "point_list"] == [0]
    # A press that only turns the camera is no undo step (as in Slicer).
    session.undo.clear()
    _press_on_the_3d_view(session, 5, 5)
    assert not session.undo.can_undo


def test_points_are_added_to_a_point_list_but_not_to_a_full_line(the_app):
    engine = the_app.session.engine
    points = engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsFiducialNode", "")
    markups(the_app).continue_placing("vtkMRMLMarkupsLineNode1", False)  # a line has its two points
    assert the_app.state.markups_placing is None
    markups(the_app).continue_placing(points.GetID(), True)
    assert the_app.state.markups_placing["placing"] == points.GetID()
    assert engine.interaction_modes.current == "place"
    markups(the_app).stop()
    assert engine.interaction_modes.current == "window_level"
    assert engine.scene.IsNodePresent(points)  # the list the user chose stays, empty as it was


def test_a_planes_normal_and_size_and_a_curves_type_are_each_one_undo_step(the_app):
    engine = the_app.session.engine
    plane = engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsPlaneNode", "")
    plane.AddControlPointWorld((0.0, 0.0, 0.0))
    curve = engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsCurveNode", "")
    for point in ((0.0, 0.0, 0.0), (30.0, 40.0, 0.0), (60.0, 0.0, 0.0)):
        curve.AddControlPointWorld(point)
    curve.GetMeasurement("length").SetEnabled(True)  # as placing does (Slicer leaves a curve's length off)
    panel = markups(the_app)

    def row(node):
        return next(m for m in items(the_app) if m["id"] == node.GetID())

    panel.set_plane_normal(plane.GetID(), [1, 0, 0])
    panel.set_plane_size(plane.GetID(), [20, 30])
    panel.set_curve_type(curve.GetID(), "linear", None)
    assert row(plane)["plane"]["normal"] == [1, 0, 0] and row(plane)["plane"]["size"] == [20, 30]
    assert row(curve)["curve"]["type"] == "linear"
    assert [m["value"] for m in row(curve)["measurements"] if m["name"] == "length"] == [100.0]
    undo = the_app.session.undo
    undo.undo()
    assert row(curve)["curve"]["type"] == "spline"
    undo.undo()
    assert row(plane)["plane"]["size_mode"] == "auto" and row(plane)["plane"]["normal"] == [1, 0, 0]
    undo.undo()
    assert row(plane)["plane"]["normal"] == [0, 0, 1]


def test_an_roi_crops_the_shown_volume_into_a_new_one_and_the_rendering_each_one_undo_step(the_app):
    engine = the_app.session.engine
    roi = engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsROINode", "")
    roi.AddControlPointWorld((-120.0, -120.0, 80.0))
    roi.SetSize(40.0, 30.0, 20.0)

    def volumes():
        collection = engine.scene.GetNodesByClass("vtkMRMLScalarVolumeNode")
        return [collection.GetItemAsObject(i) for i in range(collection.GetNumberOfItems())]

    [ct] = volumes()
    markups(the_app).roi_action(roi.GetID(), "crop_volume")
    [cropped] = [v for v in volumes() if v is not ct]
    dims = cropped.GetImageData().GetDimensions()
    # Voxel-based crop at the CT's own spacing: the box's size in voxels (give or take the edge voxel).
    assert [d * s for d, s in zip(dims, cropped.GetSpacing(), strict=True)] == pytest.approx(
        [40.0, 30.0, 20.0], abs=2 * max(ct.GetSpacing()))
    assert the_app.session.undo.undo()
    assert volumes() == [ct]

    markups(the_app).roi_action(roi.GetID(), "crop_rendering")
    display = engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(ct)
    assert display.GetROINodeID() == roi.GetID() and display.GetCroppingEnabled() and display.GetVisibility()
    assert the_app.session.undo.undo()
    assert not display.GetCroppingEnabled() or not display.GetVisibility()


def test_undo_after_starting_a_line_takes_the_line_back_before_what_was_done_before_it(the_app):
    """Found in Chromium: paint, then place a line; undo removed the paint first and the line last."""
    session = the_app.session
    session.segments.create_segmentation()
    session.segments.add_segment()
    low, high = session.segments.threshold_range()
    painted = session.segments.apply_threshold((low + high) / 2, high)
    assert painted > 0
    markups(the_app).place("line")
    new_line = session.engine.app_logic.GetSelectionNode().GetActivePlaceNodeID()
    assert session.engine.scene.GetNodeByID(new_line) is not None
    assert session.undo.undo()
    assert session.engine.scene.GetNodeByID(new_line) is None
    assert int(session.segments.segment_array().sum()) == painted, "undo took back the threshold too"
