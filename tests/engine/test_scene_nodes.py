"""Listing the scene's nodes from Python leaks nothing (MRML's collection is released)."""

from __future__ import annotations

from slicer import vtkMRMLScalarVolumeNode, vtkMRMLScene

from trame_slicer_app.engine.scene.scene_nodes import nodes_of_class


def test_listing_nodes_keeps_no_reference_to_them():
    scene = vtkMRMLScene()
    node = vtkMRMLScalarVolumeNode()
    scene.AddNode(node)
    held = node.GetReferenceCount()
    for _ in range(5):
        assert nodes_of_class(scene, "vtkMRMLScalarVolumeNode") == [node]
    assert node.GetReferenceCount() == held
    assert nodes_of_class(scene, "vtkMRMLModelNode") == []
