"""The data list: kinds, visibility both ways, rename, delete and show in views, on the real CT and MRI."""

from __future__ import annotations

import numpy as np
import pytest
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trame_slicer_app.engine.display.scene_tree import (
    data_tree,
    delete_node,
    rename_node,
    set_node_visible,
    show_volume_in_views,
)
from trame_slicer_app.engine.display.volume_display import slice_layers
from trame_slicer_app.engine.io.volumes import load_volume, show_volume, voxel_array
from trame_slicer_app.engine.scene.node_lookup import DisplayControlError

VIEW_SIZE_PX = (200, 200)
BONE_HU = 300


@pytest.fixture
def an_mri(an_engine, an_mri_path):
    return load_volume(an_engine, an_mri_path)


@pytest.fixture
def a_bone_labelmap(an_engine, a_ct):
    label = an_engine.volumes_logic.CreateAndAddLabelVolume(an_engine.scene, a_ct, "bone")
    voxel_array(label)[:] = (voxel_array(a_ct) > BONE_HU).astype(voxel_array(label).dtype)
    label.GetImageData().Modified()
    return label


@pytest.fixture
def a_model(an_engine):
    sphere = vtkSphereSource()
    sphere.SetRadius(30.0)
    sphere.Update()
    model = an_engine.models_logic.AddModel(sphere.GetOutput())
    model.SetName("sphere")
    return model


@pytest.fixture
def other_data(an_engine):
    markups = an_engine.scene.AddNewNodeByClass("vtkMRMLMarkupsFiducialNode", "points")
    markups.CreateDefaultDisplayNodes()
    markups.AddControlPoint(0.0, 0.0, 0.0)
    segmentation = an_engine.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", "segments")
    segmentation.CreateDefaultDisplayNodes()
    return markups, segmentation


def by_id(engine) -> dict[str, dict]:
    return {entry["id"]: entry for entry in data_tree(engine)}


def test_the_tree_lists_each_kind_once_and_no_helper_nodes(an_engine, a_ct, an_mri, a_bone_labelmap, a_model,
                                                           other_data):
    markups, _segmentation = other_data
    tree = data_tree(an_engine)
    kinds = {entry["name"]: entry["kind"] for entry in tree}
    assert kinds == {a_ct.GetName(): "volume", an_mri.GetName(): "volume", "bone": "labelmap",
                     "sphere": "model", "points": "markups", "segments": "segmentation"}
    entries = by_id(an_engine)
    assert entries[a_ct.GetID()]["shown"] and entries[a_ct.GetID()]["visible"]
    assert not entries[an_mri.GetID()]["shown"] and not entries[an_mri.GetID()]["visible"]
    assert entries[a_model.GetID()]["visible"] and entries[markups.GetID()]["visible"]


def test_model_and_markups_visibility_both_ways(an_engine, a_model, other_data):
    markups, segmentation = other_data
    for node in (a_model, markups, segmentation):
        set_node_visible(an_engine, node.GetID(), False)
        assert not node.GetDisplayNode().GetVisibility()
        assert by_id(an_engine)[node.GetID()]["visible"] is False
        node.GetDisplayNode().SetVisibility(True)
        assert by_id(an_engine)[node.GetID()]["visible"] is True


def test_the_eye_of_a_hidden_volume_lays_it_over_the_shown_one(an_engine, a_ct, an_mri, a_bone_labelmap):
    set_node_visible(an_engine, an_mri.GetID(), True)
    layers = slice_layers(an_engine)
    assert (layers["background"], layers["foreground"]) == (a_ct.GetID(), an_mri.GetID())
    assert layers["foreground_opacity"] > 0  # drawn, not an invisible overlay
    entries = by_id(an_engine)
    assert entries[an_mri.GetID()]["visible"] and not entries[an_mri.GetID()]["shown"]
    assert entries[a_ct.GetID()]["visible"] and entries[a_ct.GetID()]["shown"]
    set_node_visible(an_engine, a_bone_labelmap.GetID(), True)
    assert slice_layers(an_engine)["label"] == a_bone_labelmap.GetID()
    set_node_visible(an_engine, a_bone_labelmap.GetID(), False)
    assert slice_layers(an_engine)["label"] is None


def test_the_eye_of_the_shown_volume_hides_only_it(an_engine, a_ct, an_mri):
    set_node_visible(an_engine, an_mri.GetID(), True)
    set_node_visible(an_engine, a_ct.GetID(), False)
    # The volume laid over the hidden one now fills the views: they are not blank.
    layers = slice_layers(an_engine)
    assert (layers["background"], layers["foreground"]) == (an_mri.GetID(), None)
    assert not by_id(an_engine)[a_ct.GetID()]["visible"]
    assert an_engine.view("Red").capture().std() > 20
    set_node_visible(an_engine, an_mri.GetID(), False)
    assert slice_layers(an_engine)["background"] is None  # nothing visible is left
    set_node_visible(an_engine, a_ct.GetID(), True)  # with nothing shown, the eye shows it
    assert slice_layers(an_engine)["background"] == a_ct.GetID()


def test_the_tree_reads_the_layers_set_in_mrml(an_engine, a_ct, an_mri):
    for view in an_engine.slice_views.values():
        view.logic.GetSliceCompositeNode().SetBackgroundVolumeID(an_mri.GetID())
    assert by_id(an_engine)[an_mri.GetID()]["shown"] is True
    assert by_id(an_engine)[a_ct.GetID()]["visible"] is False


def test_rename_both_ways_and_bad_names(an_engine, a_ct):
    rename_node(an_engine, a_ct.GetID(), "  head CT\n")
    assert a_ct.GetName() == "head CT"
    a_ct.SetName("renamed in MRML")
    assert by_id(an_engine)[a_ct.GetID()]["name"] == "renamed in MRML"
    for bad in ("", "   ", "\x00\x07", "x" * 201, None, 5):
        with pytest.raises(DisplayControlError):
            rename_node(an_engine, a_ct.GetID(), bad)
    assert a_ct.GetName() == "renamed in MRML"
    with pytest.raises(DisplayControlError, match="not loaded data"):
        rename_node(an_engine, "vtkMRMLSliceNodeRed", "x")


def test_delete_removes_display_and_storage_nodes_and_shows_the_next_volume(an_engine, a_ct, an_mri):
    show_volume(an_engine, an_mri)
    display_id = an_mri.GetDisplayNode().GetID()
    storage_id = an_mri.GetStorageNode().GetID()
    mri_id = an_mri.GetID()
    delete_node(an_engine, mri_id)
    for node_id in (mri_id, display_id, storage_id):
        assert an_engine.scene.GetNodeByID(node_id) is None
    assert mri_id not in by_id(an_engine)
    assert slice_layers(an_engine)["background"] == a_ct.GetID()
    assert an_engine.view("Red").capture().std() > 20  # the CT is drawn
    delete_node(an_engine, a_ct.GetID())
    assert data_tree(an_engine) == []
    assert slice_layers(an_engine)["background"] is None
    assert an_engine.view("Red").capture().max() < 40  # nothing but the dark background
    with pytest.raises(DisplayControlError, match="no data node"):
        delete_node(an_engine, mri_id)


def test_delete_a_model(an_engine, a_model):
    display_id = a_model.GetDisplayNode().GetID()
    delete_node(an_engine, a_model.GetID())
    assert an_engine.scene.GetNodeByID(display_id) is None
    assert data_tree(an_engine) == []


def test_show_volume_in_views(an_engine, a_ct, an_mri, a_bone_labelmap, a_model):
    before = an_engine.view("Red").capture().astype(int)
    show_volume_in_views(an_engine, an_mri.GetID())
    assert slice_layers(an_engine)["background"] == an_mri.GetID()
    assert np.abs(an_engine.view("Red").capture().astype(int) - before).mean() > 5
    show_volume_in_views(an_engine, a_bone_labelmap.GetID())
    assert slice_layers(an_engine)["label"] == a_bone_labelmap.GetID()
    with pytest.raises(DisplayControlError, match="not a volume"):
        show_volume_in_views(an_engine, a_model.GetID())
