"""Markups files: .mrk.json written here and read back by slicer-core's own reader, .mrb, .fcsv, hostile files."""

from __future__ import annotations

import json

import pytest
from slicer import vtkMRMLScene, vtkMRMLSelectionNode, vtkSlicerMarkupsLogic

from trame_slicer_app.engine.io.untrusted.io_limits import IOLimits
from trame_slicer_app.engine.io.untrusted.markups_checks import MarkupsFileError, check_markups_json
from trame_slicer_app.engine.markups import markups_edit
from trame_slicer_app.scene_data import DataError, open_paths, save_node, save_scene


@pytest.fixture
def an_angle_and_a_curve(an_engine):
    angle = an_engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsAngleNode", "")
    for point in ((0, 0, 0), (10, 0, 0), (10, 10, 5)):
        angle.AddControlPointWorld(point)
    markups_edit.set_color(an_engine, angle.GetID(), "#00ff00")
    markups_edit.rename(an_engine, angle.GetID(), "knee angle")
    markups_edit.set_locked(an_engine, angle.GetID(), True)
    curve = an_engine.markups_logic.AddNewMarkupsNode("vtkMRMLMarkupsClosedCurveNode", "")
    for point in ((0, 0, 0), (40, 0, 0), (40, 30, 0), (0, 30, 0)):
        curve.AddControlPointWorld(point)
    curve.GetMeasurement("area").SetEnabled(True)
    return angle, curve


def _read_with_slicers_reader(path):
    """slicer-core's markups JSON storage node, in a scene of its own (no code of this app)."""
    scene = vtkMRMLScene()
    scene.AddNode(vtkMRMLSelectionNode())  # the logic records placeable classes there
    logic = vtkSlicerMarkupsLogic()
    logic.SetMRMLScene(scene)
    node_id = logic.LoadMarkups(str(path))
    return scene, logic, scene.GetNodeByID(node_id)


def test_a_mrk_json_written_here_reads_back_in_slicers_reader_with_points_measurements_and_display(
        an_engine, an_angle_and_a_curve, tmp_path):
    for node in an_angle_and_a_curve:
        path = save_node(an_engine, node.GetID(), ".mrk.json", tmp_path)
        _scene, _logic, read = _read_with_slicers_reader(path)
        assert read.GetClassName() == node.GetClassName()
        assert read.GetName().replace("_", " ") == node.GetName()  # Slicer names it after the file
        assert read.GetNumberOfControlPoints() == node.GetNumberOfControlPoints()
        for index in range(node.GetNumberOfControlPoints()):
            assert tuple(read.GetNthControlPointPositionWorld(index)) == pytest.approx(
                tuple(node.GetNthControlPointPositionWorld(index)))
        for index in range(node.GetNumberOfMeasurements()):
            ours, theirs = node.GetNthMeasurement(index), read.GetMeasurement(node.GetNthMeasurement(index).GetName())
            assert theirs.GetEnabled() == ours.GetEnabled()
            if ours.GetEnabled():
                assert theirs.GetValue() == pytest.approx(ours.GetValue(), rel=1e-6)
        assert read.GetLocked() == node.GetLocked()
        assert tuple(read.GetDisplayNode().GetSelectedColor()) == pytest.approx(
            tuple(node.GetDisplayNode().GetSelectedColor()))
        assert read.GetDisplayNode().GetVisibility() == node.GetDisplayNode().GetVisibility()
    angle = an_angle_and_a_curve[0]
    assert angle.GetMeasurement("angle").GetValue() == pytest.approx(90.0)


def test_a_mrb_holds_markups_and_opens_as_it_was(an_engine, an_angle_and_a_curve, tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    bundle = save_scene(an_engine, tmp_path / "with markups.mrb")
    again = SlicerEngine()
    open_paths(again, [bundle])
    before = {row["name"]: row for row in markups_edit.markups_rows(an_engine)}
    after = {row["name"]: row for row in markups_edit.markups_rows(again)}
    assert set(after) == set(before)
    for name, row in before.items():
        for key in ("type", "color", "locked", "visible", "points", "measurements"):
            assert after[name][key] == row[key], (name, key)


def test_a_legacy_fcsv_opens_as_a_point_list(an_engine, tmp_path):
    path = tmp_path / "landmarks.fcsv"
    path.write_text("# Markups fiducial file version = 4.11\n# CoordinateSystem = LPS\n"
                    "# columns = id,x,y,z,ow,ox,oy,oz,vis,sel,lock,label,desc,associatedNodeID\n"
                    "f_0,-1,2,3,0,0,0,1,1,1,0,nasion,,\nf_1,4,5,6,0,0,0,1,1,1,0,inion,,\n")
    loaded = open_paths(an_engine, [path])
    assert [item["kind"] for item in loaded] == ["markups"]
    row = markups_edit.markups_rows(an_engine)[0]
    assert row["type"] == "point_list"
    assert [p["label"] for p in row["points"]] == ["nasion", "inion"]
    assert row["points"][0]["ras"] == [1.0, -2.0, 3.0]  # LPS in the file, RAS in the scene


def _angle_document() -> dict:
    return {"@schema": "https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/"
                       "Schema/markups-schema-v1.0.3.json#",
            "markups": [{"type": "Angle", "coordinateSystem": "LPS",
                         "controlPoints": [{"position": [0, 0, 0]}, {"position": [1, 0, 0]}]}]}


def _hostile(document) -> str:
    return json.dumps(document)


HOSTILE_DOCUMENTS = {
    "a million points": ("JSON lists and objects",
                         lambda d: d["markups"][0].update(controlPoints=[{"position": [0, 0, 0]}] * 1_000_001)),
    "a position as text": ("position is not 3 finite numbers",
                           lambda d: d["markups"][0]["controlPoints"][0].update(position="0,0,0")),
    "four coordinates": ("position is not 3 finite numbers",
                         lambda d: d["markups"][0]["controlPoints"][0].update(position=[0, 0, 0, 0])),
    "an unknown type": ("has type", lambda d: d["markups"][0].update(type="Lasso")),
    "points not a list": ("controlPoints is not a list", lambda d: d["markups"][0].update(controlPoints={"a": 1})),
    "a label that is a number": ("label is not a text", lambda d: d["markups"][0]["controlPoints"][0].update(label=7)),
    "a measurement of NaN": ("not a finite number",
                             lambda d: d["markups"][0].update(measurements=[{"name": "x", "value": "NaN"}])),
    "no markups": ("no list of markups", lambda d: d.pop("markups")),
}


@pytest.mark.parametrize("case", HOSTILE_DOCUMENTS)
def test_a_hostile_mrk_json_is_refused_before_slicers_reader_runs(an_engine, tmp_path, case):
    message, spoil = HOSTILE_DOCUMENTS[case]
    document = _angle_document()
    spoil(document)
    path = tmp_path / "hostile.mrk.json"
    path.write_text(_hostile(document))
    with pytest.raises(DataError, match=message):
        open_paths(an_engine, [path])
    assert markups_edit.markups_rows(an_engine) == []


def test_many_markups_each_under_the_limit_are_refused_in_all(an_engine, tmp_path):
    document = _angle_document()
    document["markups"] = [{"type": "Fiducial", "controlPoints": [{"position": [0, 0, 0]}] * 60_000}] * 2
    path = tmp_path / "two halves.mrk.json"
    path.write_text(_hostile(document))
    with pytest.raises(DataError, match="control points in all"):
        open_paths(an_engine, [path])


def test_deep_nesting_damaged_json_and_huge_files_are_refused(an_engine, tmp_path):
    nested = tmp_path / "nested.mrk.json"
    nested.write_text('{"markups": ' + "[" * 100_000 + "]" * 100_000 + "}")
    empty_lists = tmp_path / "empty lists.mrk.json"
    empty_lists.write_text('{"markups": [' + ",".join(["[]"] * 1_000_000) + "]}")
    damaged = tmp_path / "damaged.mrk.json"
    damaged.write_text('{"markups": [{"type": "Line", ')
    for path, message in ((nested, "nests deeper"), (empty_lists, "refused before parsing"),
                          (damaged, "not a readable markups file")):
        with pytest.raises(DataError, match=message):
            open_paths(an_engine, [path])
    small_limits = IOLimits(max_file_bytes=100)
    big = tmp_path / "big.mrk.json"
    big.write_text(_hostile(_angle_document()) + " " * 200)
    with pytest.raises(MarkupsFileError, match="larger than the limit"):
        check_markups_json(big, small_limits)


def test_a_hostile_fcsv_is_refused(an_engine, tmp_path):
    text_coordinates = tmp_path / "text.fcsv"
    text_coordinates.write_text("# CoordinateSystem = LPS\nf_0,one,2,3\n")
    many = tmp_path / "many.fcsv"
    many.write_text("f,0,0,0\n" * 100_001)
    for path, message in ((text_coordinates, "are not numbers"), (many, "more than the limit")):
        with pytest.raises(DataError, match=message):
            open_paths(an_engine, [path])


def test_a_hostile_mrk_json_inside_a_mrb_is_refused(an_engine, an_angle_and_a_curve, tmp_path):
    import zipfile

    bundle = save_scene(an_engine, tmp_path / "scene.mrb")
    spoiled = tmp_path / "spoiled.mrb"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(spoiled, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.endswith(".mrk.json"):
                document = json.loads(data)
                document["markups"][0]["controlPoints"] = [{"position": [0, 0, 0]}] * 200_000
                data = json.dumps(document).encode()
            target.writestr(member, data)
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    with pytest.raises(DataError, match="control points, more than the limit"):
        open_paths(SlicerEngine(), [spoiled])


def _every_kind(engine) -> list:
    """One markup of each kind, with what a user changes: colour, size of glyphs and text, opacity, a hidden
    one, a plane's normal and size, a curve's type, an ROI's size."""
    from trame_slicer_app.engine.markups import shape_settings
    from trame_slicer_app.engine.markups.markup_types import MARKUP_TYPES

    points = ((0, 0, 0), (40, 0, 0), (40, 30, 5), (0, 30, 0))
    counts = {"point_list": 3, "line": 2, "angle": 3, "open_curve": 4, "closed_curve": 4, "plane": 1, "roi": 1}
    nodes = []
    for index, (name, markup_type) in enumerate(MARKUP_TYPES.items()):
        node = engine.markups_logic.AddNewMarkupsNode(markup_type.node_class, "")
        for point in points[:counts[name]]:
            node.AddControlPointWorld(point)
        for measurement in markup_type.enabled_measurements:
            node.GetMeasurement(measurement).SetEnabled(True)
        display = node.GetDisplayNode()
        markups_edit.set_color(engine, node.GetID(), f"#{40 * index:02x}80c0")
        display.SetGlyphScale(2.5 + index)
        display.SetTextScale(1.5 + index)
        display.SetOpacity(0.5 + index / 20)
        nodes.append(node)
    by_class = {node.GetClassName(): node for node in nodes}
    plane, roi = by_class["vtkMRMLMarkupsPlaneNode"], by_class["vtkMRMLMarkupsROINode"]
    shape_settings.set_plane_normal(engine, plane.GetID(), [0, 3, 4])
    shape_settings.set_plane_size(engine, plane.GetID(), [25, 35])
    shape_settings.set_curve_type(engine, by_class["vtkMRMLMarkupsCurveNode"].GetID(), "linear")
    roi.SetSize(20, 30, 40)
    markups_edit.set_visible(engine, by_class["vtkMRMLMarkupsLineNode"].GetID(), False)
    return nodes


def test_every_kind_written_here_reads_back_in_slicers_reader_as_it_was(an_engine, tmp_path):
    for node in _every_kind(an_engine):
        path = save_node(an_engine, node.GetID(), ".mrk.json", tmp_path)
        _scene, _logic, read = _read_with_slicers_reader(path)
        what = node.GetClassName()
        assert read.GetClassName() == what
        assert read.GetNumberOfControlPoints() == node.GetNumberOfControlPoints(), what
        for index in range(node.GetNumberOfControlPoints()):
            assert tuple(read.GetNthControlPointPositionWorld(index)) == pytest.approx(
                tuple(node.GetNthControlPointPositionWorld(index))), what
        ours = markups_edit.markup_row(node)
        theirs = markups_edit.markup_row(read)
        keys = ("type", "color", "visible", "locked", "measurements", "plane", "curve")
        if what == "vtkMRMLMarkupsCurveNode":
            # Slicer's markups JSON (schema 1.0.4) has no field for a curve's type: Slicer reads back its default
            # (spline) and the length that goes with it. A scene (.mrml, .mrb) keeps the type (test below).
            assert (ours["curve"]["type"], theirs["curve"]["type"]) == ("linear", "spline")
            keys = ("type", "color", "visible", "locked")
        for key in keys:
            assert theirs.get(key) == ours.get(key), (what, key)
        for getter in ("GetGlyphScale", "GetTextScale", "GetOpacity", "GetColor"):
            assert getattr(read.GetDisplayNode(), getter)() == pytest.approx(
                getattr(node.GetDisplayNode(), getter)()), (what, getter)
        if read.IsA("vtkMRMLMarkupsROINode"):
            assert tuple(read.GetSize()) == pytest.approx((20, 30, 40))


def test_a_mrb_holds_every_kind_with_its_settings(an_engine, tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    _every_kind(an_engine)
    bundle = save_scene(an_engine, tmp_path / "every kind.mrb")
    again = SlicerEngine()
    open_paths(again, [bundle])
    before = {row["id"]: row for row in markups_edit.markups_rows(an_engine)}
    after = {row["id"]: row for row in markups_edit.markups_rows(again)}
    assert len(after) == len(before) == 7
    assert sorted(row["type"] for row in after.values()) == sorted(row["type"] for row in before.values())
    by_type = {row["type"]: row for row in after.values()}
    for row in before.values():
        for key in ("color", "visible", "points", "measurements", "plane", "curve"):
            assert by_type[row["type"]].get(key) == row.get(key), (row["type"], key)
