"""Which MRML nodes changed since the web layer last looked, collected cheaply.

The callbacks run inside MRML's event loop, often many times a second while a user drags;
they only add an id to a set. Whoever polls (the web layer, at a low rate) reads and clears
the set with take_changes() and re-reads the plain-data state of what changed.
"""

from __future__ import annotations

from slicer import vtkMRMLScene
from vtkmodules.util.misc import calldata_type
from vtkmodules.util.vtkConstants import VTK_OBJECT
from vtkmodules.vtkCommonCore import vtkCommand

from .slicer_engine import SlicerEngine

# "nodes were added or removed": the lists (data tree, colour maps, ...) need re-reading.
SCENE_CHANGED = "scene"

# Nodes whose edits show in the panels: data and their display nodes, the views' slice,
# composite, camera and view nodes, and the selection node (active volume).
OBSERVED_NODE_CLASSES = (
    "vtkMRMLDisplayableNode",
    "vtkMRMLDisplayNode",  # includes volume rendering display nodes
    "vtkMRMLSliceNode",
    "vtkMRMLSliceCompositeNode",
    "vtkMRMLCameraNode",
    "vtkMRMLViewNode",
    "vtkMRMLSelectionNode",
    "vtkMRMLVolumePropertyNode",
)

# Scene-wide events after which anything may have changed (close, import, undo, redo).
SCENE_WIDE_EVENTS = (
    vtkMRMLScene.EndCloseEvent,
    vtkMRMLScene.EndImportEvent,
    vtkMRMLScene.EndRestoreEvent,
    vtkMRMLScene.EndBatchProcessEvent,
)


class SceneChangeTracker:
    """Collects the ids of nodes added, removed or modified; take_changes() returns and clears them."""

    def __init__(self, engine: SlicerEngine) -> None:
        self._scene = engine.scene
        self._changes: set[str] = set()
        self._node_observers: dict[str, tuple[object, int]] = {}
        self._scene_observers = [
            self._scene.AddObserver(vtkMRMLScene.NodeAddedEvent, self._on_node_added),
            self._scene.AddObserver(vtkMRMLScene.NodeRemovedEvent, self._on_node_removed),
        ]
        self._scene_observers += [self._scene.AddObserver(event, self._on_scene_wide) for event in SCENE_WIDE_EVENTS]
        self._observe_all_nodes()

    def take_changes(self) -> set[str]:
        # The node callbacks hold this very set, so it is copied and cleared, never replaced.
        changes = set(self._changes)
        self._changes.clear()
        return changes

    def close(self) -> None:
        """Stop observing (the engine outlives the tracker, e.g. when a browser disconnects)."""
        for tag in self._scene_observers:
            self._scene.RemoveObserver(tag)
        self._scene_observers = []
        for node, tag in self._node_observers.values():
            node.RemoveObserver(tag)
        self._node_observers.clear()

    # -- MRML callbacks: keep them this small ----------------------------
    @calldata_type(VTK_OBJECT)
    def _on_node_added(self, _scene, _event, node) -> None:
        self._changes.add(SCENE_CHANGED)
        if node is not None:
            self._changes.add(node.GetID())
            self._observe(node)

    @calldata_type(VTK_OBJECT)
    def _on_node_removed(self, _scene, _event, node) -> None:
        self._changes.add(SCENE_CHANGED)
        if node is not None:
            node_id = node.GetID()
            self._changes.add(node_id)
            observed = self._node_observers.pop(node_id, None)
            if observed is not None:
                observed[0].RemoveObserver(observed[1])

    def _on_scene_wide(self, *_args) -> None:
        self._changes.add(SCENE_CHANGED)
        # Undo, redo and import may swap node objects under the same ids.
        self._observe_all_nodes()

    # -- bookkeeping --------------------------------------------------------
    def _observe(self, node) -> None:
        node_id = node.GetID()
        if not node_id or not any(node.IsA(name) for name in OBSERVED_NODE_CLASSES):
            return
        observed = self._node_observers.get(node_id)
        if observed is not None:
            if observed[0] is node:
                return
            observed[0].RemoveObserver(observed[1])
        changes = self._changes
        tag = node.AddObserver(vtkCommand.ModifiedEvent, lambda *_args: changes.add(node_id))
        self._node_observers[node_id] = (node, tag)

    def _observe_all_nodes(self) -> None:
        nodes = self._scene.GetNodes()
        present = set()
        for index in range(nodes.GetNumberOfItems()):
            node = nodes.GetItemAsObject(index)
            present.add(node.GetID())
            self._observe(node)
        for node_id in set(self._node_observers) - present:
            node, tag = self._node_observers.pop(node_id)
            node.RemoveObserver(tag)
