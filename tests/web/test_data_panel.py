"""The Data panel's tree, driven in-process on a real scene: the real CT, a label map made from
it (loaded as a segmentation, as Slicer does), the same labels as a label map volume, a model
and markups."""

from __future__ import annotations

import pytest
from app_state import feature
from made_data import BONE_HU, ct_label_map
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trame_slicer_app.app import SlicerWebApp
from trame_slicer_app.engine.display.scene_tree import MAX_LISTED_SEGMENTS, data_groups
from trame_slicer_app.engine.display.volume_display import slice_layers
from trame_slicer_app.engine.io.volumes import voxel_array
from trame_slicer_app.scene_session import SceneSession


@pytest.fixture
def the_app(a_ct_path, tmp_path, a_server):
    session = SceneSession()
    session.open_volumes([a_ct_path])
    ct_label_map(a_ct_path, tmp_path / "head_label.nrrd")
    session.open_paths([tmp_path / "head_label.nrrd"])  # a label map file becomes a segmentation
    engine = session.engine
    ct = engine.scene.GetNodeByID(slice_layers(engine)["background"])
    bone = engine.volumes_logic.CreateAndAddLabelVolume(engine.scene, ct, "bone")
    voxel_array(bone)[:] = (voxel_array(ct) > BONE_HU).astype(voxel_array(bone).dtype)
    bone.GetImageData().Modified()
    sphere = vtkSphereSource()
    sphere.Update()
    engine.models_logic.AddModel(sphere.GetOutput()).SetName("ball")
    points = engine.scene.AddNewNodeByClass("vtkMRMLMarkupsFiducialNode", "points")
    points.CreateDefaultDisplayNodes()
    points.AddControlPoint(0.0, 0.0, 0.0)
    app = SlicerWebApp(a_server, session)
    app.state.ready()
    return app



def groups_by_kind(app) -> dict[str, dict]:
    return {group["kind"]: group for group in app.state.data_groups}


def test_the_tree_groups_what_is_loaded_by_kind(the_app):
    groups = the_app.state.data_groups
    assert [(g["kind"], g["title"]) for g in groups] == [
        ("volume", "Volumes"), ("labelmap", "Label maps"), ("segmentation", "Segmentations"),
        ("model", "Models"), ("markups", "Markups")]
    names = {g["kind"]: [n["name"] for n in g["nodes"]] for g in groups}
    assert names == {"volume": ["cranium_ct"], "labelmap": ["bone"], "segmentation": ["head_label"],
                     "model": ["ball"], "markups": ["points"]}
    # Every node of the flat list is in exactly one group, with the same fields.
    in_groups = [n["id"] for g in groups for n in g["nodes"]]
    assert sorted(in_groups) == sorted(n["id"] for n in the_app.state.data_nodes)
    (ct,) = groups_by_kind(the_app)["volume"]["nodes"]
    assert ct["shown"] and ct["visible"] and ct["icon"] == "mdi-cube-outline"
    assert the_app.client_state.get("data_open") == ["volume", "labelmap", "segmentation", "model", "markups"]


def test_a_segmentation_lists_its_segments(the_app):
    (segmentation,) = groups_by_kind(the_app)["segmentation"]["nodes"]
    assert [s["name"] for s in segmentation["segments"]] == ["Label_1", "Label_2"]
    assert segmentation["more"] == 0 and segmentation["detail"] == "2 segments"
    for segment in segmentation["segments"]:
        assert segment["visible"] is True
        assert len(segment["color"]) == 7 and segment["color"].startswith("#")
    assert segmentation["segments"][0]["color"] != segmentation["segments"][1]["color"]
    # Read from MRML: a segment renamed or hidden in the scene shows at the next poll.
    node = the_app.session.engine.scene.GetNodeByID(segmentation["id"])
    first_id = segmentation["segments"][0]["id"]
    node.GetSegmentation().GetSegment(first_id).SetName("soft tissue")
    node.GetDisplayNode().SetSegmentVisibility(first_id, False)
    the_app.binding.poll()
    (segmentation,) = groups_by_kind(the_app)["segmentation"]["nodes"]
    assert (segmentation["segments"][0]["name"], segmentation["segments"][0]["visible"]) == ("soft tissue", False)


def test_a_segmentation_with_many_segments_lists_the_first_ones(the_app):
    (entry,) = groups_by_kind(the_app)["segmentation"]["nodes"]
    segmentation = the_app.session.engine.scene.GetNodeByID(entry["id"]).GetSegmentation()
    for index in range(MAX_LISTED_SEGMENTS):
        segmentation.AddEmptySegment(f"extra {index}")
    (entry,) = [n for g in data_groups(the_app.session.engine) if g["kind"] == "segmentation" for n in g["nodes"]]
    assert len(entry["segments"]) == MAX_LISTED_SEGMENTS
    assert entry["more"] == 2


def test_the_actions_of_a_row_reach_mrml_and_the_tree(the_app):
    data = feature(the_app, "data")
    engine = the_app.session.engine
    (ball,) = groups_by_kind(the_app)["model"]["nodes"]
    data.set_visible(ball["id"], False)
    assert groups_by_kind(the_app)["model"]["nodes"][0]["visible"] is False
    (bone,) = groups_by_kind(the_app)["labelmap"]["nodes"]
    data.show(bone["id"])
    assert slice_layers(engine)["label"] == bone["id"]
    assert groups_by_kind(the_app)["labelmap"]["nodes"][0]["visible"] is True
    (segmentation,) = groups_by_kind(the_app)["segmentation"]["nodes"]
    data.rename(segmentation["id"], "head labels")
    assert groups_by_kind(the_app)["segmentation"]["nodes"][0]["name"] == "head labels"
    data.delete(segmentation["id"])
    assert "segmentation" not in groups_by_kind(the_app)  # an empty kind has no group
    feature(the_app, "undo").on_undo()
    (back,) = groups_by_kind(the_app)["segmentation"]["nodes"]
    assert back["id"] == segmentation["id"] and [s["name"] for s in back["segments"]] == ["Label_1", "Label_2"]
    feature(the_app, "undo").on_undo()  # the rename
    assert groups_by_kind(the_app)["segmentation"]["nodes"][0]["name"] == "head_label"


def test_hostile_segment_lookups_are_refused(the_app):
    from trame_slicer_app.engine.display.scene_tree import segments
    from trame_slicer_app.engine.scene.node_lookup import DisplayControlError

    volume_id = groups_by_kind(the_app)["volume"]["nodes"][0]["id"]
    for bad in (None, 5, "", "nope", volume_id, "x" * 100_000):
        with pytest.raises(DisplayControlError):
            segments(the_app.session.engine, bad)
