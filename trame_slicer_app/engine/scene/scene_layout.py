"""Which layout of views the scene is shown in, kept in a layout node as Slicer keeps it.

A saved scene then carries its layout; a scene saved here or by Slicer brings its own back, since
reading it replaces the contents of the one layout node (a singleton, tagged as Slicer tags it).
Slicer's layout logic is not attached to the scene: it manages view nodes of its own, and here the
engine owns the views.
"""

from __future__ import annotations

from functools import cache

from slicer import vtkMRMLLayoutLogic, vtkMRMLLayoutNode, vtkMRMLScene, vtkMRMLSliceNode

from .slicer_engine import SlicerEngine

LAYOUT_NODE_SINGLETON_TAG = "vtkMRMLLayoutNode"


@cache
def _standard_descriptions() -> dict[int, str]:
    """Slicer's own descriptions of its standard layouts, from its layout logic on a scene of its own;
    a layout node refuses an arrangement it holds no description for."""
    scene = vtkMRMLScene()
    vtkMRMLSliceNode.AddDefaultSliceOrientationPresets(scene, True)  # the slice views it makes need them
    logic = vtkMRMLLayoutLogic()
    logic.SetMRMLScene(scene)
    node = logic.GetLayoutNode()
    descriptions = {}
    for arrangement in range(vtkMRMLLayoutNode.SlicerLayoutUserView):
        if node.IsLayoutDescription(arrangement):
            descriptions[arrangement] = node.GetLayoutDescription(arrangement)
    logic.SetMRMLScene(None)
    return descriptions


def _layout_node(engine: SlicerEngine) -> vtkMRMLLayoutNode:
    node = engine.scene.GetSingletonNode(LAYOUT_NODE_SINGLETON_TAG, "vtkMRMLLayoutNode")
    if node is None:
        node = vtkMRMLLayoutNode()
        node.SetSingletonTag(LAYOUT_NODE_SINGLETON_TAG)
        node.SetName("Layout")
        for arrangement, description in _standard_descriptions().items():
            node.AddLayoutDescription(arrangement, description)
        engine.scene.AddNode(node)
    return node


def set_view_arrangement(engine: SlicerEngine, arrangement: int) -> None:
    """Record the layout shown, by Slicer's number for it (vtkMRMLLayoutNode.SlicerLayout*View)."""
    node = _layout_node(engine)
    if node.GetViewArrangement() != arrangement:
        node.SetViewArrangement(int(arrangement))


def view_arrangement(engine: SlicerEngine) -> int:
    """Slicer's number for the layout the scene holds: the last recorded, or the one a scene brought."""
    return int(_layout_node(engine).GetViewArrangement())
