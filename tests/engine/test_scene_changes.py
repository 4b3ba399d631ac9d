"""The change tracker reports what setters and direct MRML edits touched, once."""

from __future__ import annotations

import pytest

from trame_slicer_app.engine.display.scene_tree import delete_node, rename_node
from trame_slicer_app.engine.display.slice_controls import set_linked, set_slice_offset
from trame_slicer_app.engine.display.volume_display import set_layer_opacity, set_window_level
from trame_slicer_app.engine.io.volumes import load_volume
from trame_slicer_app.engine.scene.scene_changes import SCENE_CHANGED, SceneChangeTracker


@pytest.fixture
def a_tracker(an_engine):
    tracker = SceneChangeTracker(an_engine)
    yield tracker
    tracker.close()


def test_loading_reports_the_scene_and_the_new_nodes(an_engine, a_tracker, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    changes = a_tracker.take_changes()
    assert SCENE_CHANGED in changes
    assert {node.GetID(), node.GetDisplayNode().GetID()} <= changes
    assert a_tracker.take_changes() == set()


def test_setters_report_the_nodes_they_changed_and_then_nothing(an_engine, a_ct, a_tracker):
    assert a_tracker.take_changes() == set()
    set_window_level(an_engine, a_ct.GetID(), 400.0, 40.0)
    assert a_tracker.take_changes() == {a_ct.GetDisplayNode().GetID()}
    assert a_tracker.take_changes() == set()
    set_slice_offset(an_engine, "Red", 10.0)
    assert "vtkMRMLSliceNodeRed" in a_tracker.take_changes()
    set_linked(an_engine, True)
    set_layer_opacity(an_engine, "label", 0.3)
    assert {"vtkMRMLSliceCompositeNodeRed", "vtkMRMLSliceCompositeNodeYellow",
            "vtkMRMLSliceCompositeNodeGreen"} <= a_tracker.take_changes()
    rename_node(an_engine, a_ct.GetID(), "head")
    assert a_ct.GetID() in a_tracker.take_changes()
    assert a_tracker.take_changes() == set()


def test_direct_mrml_edits_and_camera_moves_are_seen(an_engine, a_ct, a_tracker):
    a_ct.GetDisplayNode().SetInterpolate(False)
    camera = an_engine.threed_view.camera_node
    camera.SetPosition(10.0, 500.0, 20.0)
    assert {a_ct.GetDisplayNode().GetID(), camera.GetID()} <= a_tracker.take_changes()


def test_removed_nodes_are_reported_and_no_longer_observed(an_engine, a_ct, a_tracker):
    display = a_ct.GetDisplayNode()
    volume_id, display_id = a_ct.GetID(), display.GetID()
    delete_node(an_engine, volume_id)
    changes = a_tracker.take_changes()
    assert {SCENE_CHANGED, volume_id, display_id} <= changes
    display.SetInterpolate(False)  # the removed node is no business of the tracker's
    assert display_id not in a_tracker.take_changes()


def test_a_closed_tracker_collects_nothing(an_engine, a_ct):
    tracker = SceneChangeTracker(an_engine)
    tracker.close()
    set_window_level(an_engine, a_ct.GetID(), 100.0, 50.0)
    assert tracker.take_changes() == set()


def test_undo_is_reported_and_restored_nodes_are_observed_again(an_engine, a_ct, a_tracker):
    from trame_slicer_app.engine.undo.scene_undo import SceneUndo

    undo = SceneUndo(an_engine)
    display = a_ct.GetDisplayNode()
    undo.checkpoint("delete")
    delete_node(an_engine, a_ct.GetID())
    a_tracker.take_changes()
    undo.undo()
    changes = a_tracker.take_changes()
    assert {SCENE_CHANGED, a_ct.GetID(), display.GetID()} <= changes
    display.SetInterpolate(not display.GetInterpolate())
    assert a_tracker.take_changes() == {display.GetID()}
    undo.close()
