"""A cheap record of the scene properties the display controls edit, and putting it back.

This is what undo stores (see docs/decisions/0006-undo.md): plain values for display, slice,
composite and selection nodes, and for the loaded data the node objects themselves, so a
deleted volume comes back as the same objects with the same ids. No voxels are copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vtkmodules.vtkCommonMath import vtkMatrix4x4

from ..io.sequences import sequence_nodes_of
from ..markups.markups_snapshot import MarkupRecord, capture_markups, restore_markups
from ..scene.data_kinds import node_kind
from ..scene.scene_nodes import nodes_of_class
from ..scene.slicer_engine import SlicerEngine
from ..volume_rendering import volume_rendering as vr

VOLUME_RENDERING_KEYS = ("visible", "preset", "shift", "crop")


@dataclass
class DataNodeRecord:
    node: object  # the vtkMRMLDisplayableNode itself, kept alive while a snapshot holds it
    name: str
    helpers: list = field(default_factory=list)  # its display and storage nodes
    # Nodes that go with it but must come back after it: the browser and sequence of a 4D volume's proxy
    # (the sequences logic would make a new proxy for a browser that comes back first).
    companions: list = field(default_factory=list)


@dataclass
class SceneSnapshot:
    data_nodes: dict[str, DataNodeRecord]
    displays: dict[str, dict]
    slices: dict[str, dict]
    composites: dict[str, dict]
    selection: dict
    volume_rendering: dict[str, dict] = field(default_factory=dict)  # volume id -> its rendering's settings
    markups: dict[str, MarkupRecord] = field(default_factory=dict)  # markup id -> its points (engine/markups)


def _nodes(engine: SlicerEngine, class_name: str) -> list:
    return nodes_of_class(engine.scene, class_name)


def _is_data(node) -> bool:
    return not node.GetHideFromEditors() and node_kind(node) is not None


def _helpers(node) -> list:
    helpers = [node.GetNthDisplayNode(i) for i in range(node.GetNumberOfDisplayNodes())]
    helpers += [node.GetNthStorageNode(i) for i in range(node.GetNumberOfStorageNodes())]
    return [helper for helper in helpers if helper is not None]


# -- capture ----------------------------------------------------------------------
def _display_properties(display) -> dict:
    properties = {
        "visibility": bool(display.GetVisibility()),
        "visibility_2d": bool(display.GetVisibility2D()),
        "color": tuple(display.GetColor()),
        "opacity": float(display.GetOpacity()),
        "color_node_id": display.GetColorNodeID(),
    }
    if display.IsA("vtkMRMLScalarVolumeDisplayNode"):
        properties.update(
            auto_window_level=bool(display.GetAutoWindowLevel()),
            window=float(display.GetWindow()),
            level=float(display.GetLevel()),
            interpolate=bool(display.GetInterpolate()),
        )
    return properties


def _slice_properties(slice_node) -> dict:
    matrix = slice_node.GetSliceToRAS()
    return {
        "slice_to_ras": tuple(matrix.GetElement(r, c) for r in range(4) for c in range(4)),
        "field_of_view": tuple(slice_node.GetFieldOfView()),
        "xyz_origin": tuple(slice_node.GetXYZOrigin()),
        "slice_visible": bool(slice_node.GetSliceVisible()),
    }


def _composite_properties(composite) -> dict:
    return {
        "background": composite.GetBackgroundVolumeID(),
        "foreground": composite.GetForegroundVolumeID(),
        "label": composite.GetLabelVolumeID(),
        "foreground_opacity": float(composite.GetForegroundOpacity()),
        "label_opacity": float(composite.GetLabelOpacity()),
        "linked": bool(composite.GetLinkedControl()),
    }


def _volume_rendering(engine: SlicerEngine, node_id: str) -> dict | None:
    try:
        state = vr.volume_rendering_state(engine, node_id)
    except vr.VolumeRenderingError:  # not a volume it renders (a label map, a colour volume)
        return None
    return {key: state[key] for key in VOLUME_RENDERING_KEYS}


def capture(engine: SlicerEngine) -> SceneSnapshot:
    data_nodes = {
        node.GetID(): DataNodeRecord(node, node.GetName() or "", _helpers(node), sequence_nodes_of(node))
        for node in _nodes(engine, "vtkMRMLDisplayableNode") if _is_data(node)
    }
    displays = {}
    for record in data_nodes.values():
        for helper in record.helpers:
            # Volume rendering belongs to the 3D controls; its display nodes are only kept alive.
            if helper.IsA("vtkMRMLDisplayNode") and not helper.IsA("vtkMRMLVolumeRenderingDisplayNode"):
                displays[helper.GetID()] = _display_properties(helper)
    selection = engine.app_logic.GetSelectionNode()
    return SceneSnapshot(
        data_nodes=data_nodes,
        displays=displays,
        slices={v.slice_node.GetID(): _slice_properties(v.slice_node) for v in engine.slice_views.values()},
        composites={
            v.logic.GetSliceCompositeNode().GetID(): _composite_properties(v.logic.GetSliceCompositeNode())
            for v in engine.slice_views.values()
        },
        selection={"volume": selection.GetActiveVolumeID(), "label": selection.GetActiveLabelVolumeID()},
        volume_rendering={
            node_id: settings for node_id, record in data_nodes.items()
            if record.node.IsA("vtkMRMLScalarVolumeNode") and not record.node.IsA("vtkMRMLLabelMapVolumeNode")
            and (settings := _volume_rendering(engine, node_id)) is not None
        },
        markups=capture_markups(engine),
    )


# -- restore ------------------------------------------------------------------------
def _restore_data_nodes(engine: SlicerEngine, wanted: dict[str, DataNodeRecord]) -> None:
    scene = engine.scene
    present = {node.GetID(): node for node in _nodes(engine, "vtkMRMLDisplayableNode") if _is_data(node)}
    for node_id, node in present.items():
        if node_id not in wanted:
            helpers = _helpers(node) + sequence_nodes_of(node)
            scene.RemoveNode(node)  # first, so it keeps its references (as scene_tree.delete_node)
            for helper in helpers:
                if scene.IsNodePresent(helper):
                    scene.RemoveNode(helper)
    order = list(wanted)  # the scene's order at capture: the Data tree lists nodes in it
    for index, node_id in enumerate(order):
        record = wanted[node_id]
        if node_id not in present:
            # Helpers first: the data node's references to them resolve as it is added.
            for helper in record.helpers:
                if not scene.IsNodePresent(helper):
                    scene.AddNode(helper)
            # Back in its place, not at the end: an undone delete must not reorder the list.
            following = next((wanted[later].node for later in order[index + 1:]
                              if scene.IsNodePresent(wanted[later].node)), None)
            if following is None:
                scene.AddNode(record.node)
            else:
                scene.InsertBeforeNode(following, record.node)
            for companion in record.companions:
                if not scene.IsNodePresent(companion):
                    scene.AddNode(companion)
        if record.node.GetName() != record.name:
            record.node.SetName(record.name)


def _restore_display(display, properties: dict) -> None:
    was_modifying = display.StartModify()
    display.SetVisibility(properties["visibility"])
    display.SetVisibility2D(properties["visibility_2d"])
    display.SetColor(*properties["color"])
    display.SetOpacity(properties["opacity"])
    if display.GetColorNodeID() != properties["color_node_id"]:
        display.SetAndObserveColorNodeID(properties["color_node_id"])
    if "window" in properties:
        display.SetInterpolate(properties["interpolate"])
        if properties["auto_window_level"]:
            display.AutoWindowLevelOn()
        else:
            display.AutoWindowLevelOff()
            display.SetWindowLevel(properties["window"], properties["level"])
    display.EndModify(was_modifying)


def _restore_slice(slice_node, properties: dict) -> None:
    was_modifying = slice_node.StartModify()
    matrix = vtkMatrix4x4()
    matrix.DeepCopy(properties["slice_to_ras"])
    slice_node.GetSliceToRAS().DeepCopy(matrix)
    slice_node.SetFieldOfView(*properties["field_of_view"])
    slice_node.SetXYZOrigin(*properties["xyz_origin"])
    slice_node.SetSliceVisible(properties["slice_visible"])
    slice_node.UpdateMatrices()
    slice_node.EndModify(was_modifying)


def _restore_composite(composite, properties: dict) -> None:
    was_modifying = composite.StartModify()
    composite.SetBackgroundVolumeID(properties["background"])
    composite.SetForegroundVolumeID(properties["foreground"])
    composite.SetLabelVolumeID(properties["label"])
    composite.SetForegroundOpacity(properties["foreground_opacity"])
    composite.SetLabelOpacity(properties["label_opacity"])
    composite.SetLinkedControl(properties["linked"])
    composite.EndModify(was_modifying)


def _restore_volume_rendering(engine: SlicerEngine, node_id: str, wanted: dict) -> None:
    """Only what differs is set: a volume never rendered gets no rendering nodes from an undo."""
    now = _volume_rendering(engine, node_id)
    if now is None or now == wanted:
        return
    if wanted["preset"] is not None and now["preset"] != wanted["preset"]:
        vr.set_vr_preset(engine, node_id, wanted["preset"])
    if now["shift"] != wanted["shift"]:
        vr.set_vr_shift(engine, node_id, wanted["shift"])
    if now["crop"] != wanted["crop"]:
        vr.set_vr_crop(engine, node_id, wanted["crop"])
    if now["visible"] != wanted["visible"]:
        vr.show_volume_rendering(engine, node_id, wanted["visible"])


def restore(engine: SlicerEngine, snapshot: SceneSnapshot) -> None:
    """Put the scene back as captured. Nodes added since are removed and removed ones
    re-added; properties equal to the current ones cause no Modified event."""
    scene = engine.scene
    scene.StartState(scene.BatchProcessState)
    try:
        _restore_data_nodes(engine, snapshot.data_nodes)
    finally:
        scene.EndState(scene.BatchProcessState)
    for node_id, properties in snapshot.displays.items():
        display = scene.GetNodeByID(node_id)
        if display is not None:
            _restore_display(display, properties)
    for node_id, properties in snapshot.composites.items():
        composite = scene.GetNodeByID(node_id)
        if composite is not None:
            _restore_composite(composite, properties)
    selection = engine.app_logic.GetSelectionNode()
    selection.SetActiveVolumeID(snapshot.selection["volume"])
    selection.SetActiveLabelVolumeID(snapshot.selection["label"])
    for node_id, properties in snapshot.slices.items():
        slice_node = scene.GetNodeByID(node_id)
        if slice_node is not None:
            _restore_slice(slice_node, properties)
    for node_id, settings in snapshot.volume_rendering.items():
        if scene.GetNodeByID(node_id) is not None:
            _restore_volume_rendering(engine, node_id, settings)
    restore_markups(engine, snapshot.markups)
