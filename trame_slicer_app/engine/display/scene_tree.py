"""What is loaded (Slicer's Data module): volumes, label maps, segmentations (with their
segments), models and markups, as a list or grouped by kind, with visibility, rename, delete
and "show in views"."""

from __future__ import annotations

import unicodedata

from ..io.sequences import remove_sequences_of
from ..io.volumes import show_volume
from ..scene.data_kinds import VOLUME_KINDS, node_kind
from ..scene.node_lookup import DisplayControlError, require_bool, require_node
from ..scene.slicer_engine import SlicerEngine
from .volume_display import set_layer_opacity, set_slice_layer, slice_layers

MAX_NODE_NAME_CHARS = 200

# The Data panel's groups, in the order it shows them, with their titles.
DATA_GROUPS = (
    ("volume", "Volumes"),
    ("labelmap", "Label maps"),
    ("segmentation", "Segmentations"),
    ("model", "Models"),
    ("markups", "Markups"),
)
# A volume laid over the shown one by its eye button, when the overlay layer was fully transparent.
OVERLAY_OPACITY = 0.5
# A segmentation may hold hundreds of segments (a whole-body atlas); the panel lists the first ones.
MAX_LISTED_SEGMENTS = 200


def _data_nodes(engine: SlicerEngine) -> list:
    nodes = engine.scene.GetNodes()
    found = []
    for index in range(nodes.GetNumberOfItems()):
        node = nodes.GetItemAsObject(index)
        # Slicer hides its helper nodes (slice plane models, ...) from editors.
        if node.GetHideFromEditors() or node_kind(node) is None:
            continue
        found.append(node)
    return found


def _volume_layers(engine: SlicerEngine, volume_id: str) -> list[str]:
    layers = slice_layers(engine)
    return [layer for layer in ("background", "foreground", "label") if layers[layer] == volume_id]


def _display_visible(node) -> bool:
    displays = [node.GetNthDisplayNode(i) for i in range(node.GetNumberOfDisplayNodes())]
    # Volume rendering display nodes are the 3D view's business (and THREED's), not the eye's.
    displays = [d for d in displays if d is not None and not d.IsA("vtkMRMLVolumeRenderingDisplayNode")]
    return any(d.GetVisibility() for d in displays)


def data_tree(engine: SlicerEngine) -> list[dict]:
    """[{"id", "name", "kind", "visible", "shown"}] in the order the data was added.
    For volumes "visible" means drawn in some slice layer; "shown" means the background, the
    volume the slice views show (others may be laid over it)."""
    background = slice_layers(engine)["background"]
    tree = []
    for node in _data_nodes(engine):
        kind = node_kind(node)
        in_layers = kind in VOLUME_KINDS and bool(_volume_layers(engine, node.GetID()))
        visible = in_layers if kind in VOLUME_KINDS else _display_visible(node)
        tree.append({
            "id": node.GetID(),
            "name": node.GetName() or "",
            "kind": kind,
            "visible": visible,
            "shown": node.GetID() == background,
        })
    return tree


def _hex_color(rgb) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, float(c))) * 255):02x}" for c in rgb[:3])


def segments(engine: SlicerEngine, node_id: str) -> dict:
    """The segments of a segmentation, read only: {"segments": [{"id", "name", "color", "visible"}],
    "more": count not listed (beyond MAX_LISTED_SEGMENTS)}."""
    node = require_node(engine, node_id, "vtkMRMLSegmentationNode", "segmentation")
    segmentation = node.GetSegmentation()
    display = node.GetDisplayNode()
    count = segmentation.GetNumberOfSegments()
    listed = []
    for index in range(min(count, MAX_LISTED_SEGMENTS)):
        segment_id = segmentation.GetNthSegmentID(index)
        segment = segmentation.GetSegment(segment_id)
        listed.append({
            "id": segment_id,
            "name": segment.GetName() or segment_id,
            "color": _hex_color(segment.GetColor()),
            "visible": bool(display.GetSegmentVisibility(segment_id)) if display is not None else False,
        })
    return {"segments": listed, "more": count - len(listed)}


def data_groups(engine: SlicerEngine) -> list[dict]:
    """data_tree grouped by kind, for the kinds loaded, in DATA_GROUPS order:
    [{"kind", "title", "nodes": [data_tree entries]}]. A segmentation's entry also has
    "segments" and "more" (see segments())."""
    entries = data_tree(engine)
    groups = []
    for kind, title in DATA_GROUPS:
        nodes = [entry for entry in entries if entry["kind"] == kind]
        if kind == "segmentation":
            nodes = [{**entry, **segments(engine, entry["id"])} for entry in nodes]
        if nodes:
            groups.append({"kind": kind, "title": title, "nodes": nodes})
    return groups


def _require_data_node(engine: SlicerEngine, node_id: str):
    node = require_node(engine, node_id, "vtkMRMLNode", "data node")
    if node.GetHideFromEditors() or node_kind(node) is None:
        raise DisplayControlError(f"{node.GetName()!r} ({node.GetID()}) is not loaded data")
    return node


def set_node_visible(engine: SlicerEngine, node_id: str, on: bool) -> None:
    """The eye button: whether the data is drawn. It never changes which volume the slice views
    show (show_volume_in_views does): a volume made visible is laid over the shown one (the
    foreground layer), or is shown if none is; a label map goes to the label layer. A hidden
    volume leaves every layer; when it was the shown one, the volume laid over it takes its place,
    so the views lose only what was hidden. Other data shows or hides its display nodes."""
    on = require_bool(on, "visibility")
    node = _require_data_node(engine, node_id)
    kind = node_kind(node)
    if kind == "labelmap":
        set_slice_layer(engine, "label", node.GetID() if on else None)
    elif kind == "volume":
        (_show_over_the_shown_volume if on else _hide_volume)(engine, node)
    else:
        _set_display_visibility(node, on)


def _show_over_the_shown_volume(engine: SlicerEngine, node) -> None:
    layers = slice_layers(engine)
    if layers["background"] is None:
        show_volume(engine, node)
    elif layers["background"] != node.GetID():
        set_slice_layer(engine, "foreground", node.GetID())
        if layers["foreground_opacity"] == 0.0:  # an overlay at opacity 0 would not be drawn at all
            set_layer_opacity(engine, "foreground", OVERLAY_OPACITY)


def _hide_volume(engine: SlicerEngine, node) -> None:
    layers = slice_layers(engine)
    for layer in _volume_layers(engine, node.GetID()):
        set_slice_layer(engine, layer, None)
    overlay = layers["foreground"]
    if layers["background"] == node.GetID() and overlay not in (None, node.GetID()):
        set_slice_layer(engine, "foreground", None)
        set_slice_layer(engine, "background", overlay)


def _set_display_visibility(node, on: bool) -> None:
    if node.GetDisplayNode() is None:
        node.CreateDefaultDisplayNodes()
    for index in range(node.GetNumberOfDisplayNodes()):
        display = node.GetNthDisplayNode(index)
        if display is not None and not display.IsA("vtkMRMLVolumeRenderingDisplayNode"):
            display.SetVisibility(on)


def clean_node_name(name: object) -> str:
    """A name a user typed, without control characters; DisplayControlError if nothing is left."""
    if not isinstance(name, str):
        raise DisplayControlError("a name must be text")
    cleaned = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if not cleaned:
        raise DisplayControlError("a name cannot be empty")
    if len(cleaned) > MAX_NODE_NAME_CHARS:
        raise DisplayControlError(f"a name has at most {MAX_NODE_NAME_CHARS} characters")
    return cleaned


def rename_node(engine: SlicerEngine, node_id: str, name: str) -> None:
    node = _require_data_node(engine, node_id)
    node.SetName(clean_node_name(name))


def delete_node(engine: SlicerEngine, node_id: str) -> None:
    """Remove data with its display and storage nodes. When it was the background of the
    slice views, the most recently added remaining volume is shown instead (or nothing)."""
    node = _require_data_node(engine, node_id)
    was_background = slice_layers(engine)["background"] == node.GetID()
    for layer in _volume_layers(engine, node.GetID()):
        set_slice_layer(engine, layer, None)
    helpers = [node.GetNthDisplayNode(i) for i in range(node.GetNumberOfDisplayNodes())]
    helpers += [node.GetNthStorageNode(i) for i in range(node.GetNumberOfStorageNodes())]
    scene = engine.scene
    scene.StartState(scene.BatchProcessState)
    try:
        remove_sequences_of(engine, node)  # a 4D volume's frames go with it (else Sequences makes it anew)
        # The data node goes first: it then keeps its references to its display and storage
        # nodes, so undo (scene_undo) can put the same three objects back together.
        scene.RemoveNode(node)
        for helper in helpers:
            if helper is not None and scene.IsNodePresent(helper):
                scene.RemoveNode(helper)
    finally:
        scene.EndState(scene.BatchProcessState)
    selection = engine.app_logic.GetSelectionNode()
    if selection.GetActiveVolumeID() == node_id:
        selection.SetActiveVolumeID(None)
    if selection.GetActiveLabelVolumeID() == node_id:
        selection.SetActiveLabelVolumeID(None)
    if was_background:
        remaining = [n for n in _data_nodes(engine) if node_kind(n) == "volume"]
        if remaining:
            show_volume(engine, remaining[-1])
    for view in engine.views.values():
        view.request_render()


def show_volume_in_views(engine: SlicerEngine, node_id: str) -> None:
    """Show a volume as the background of every slice view, fitted, as after loading it."""
    node = _require_data_node(engine, node_id)
    kind = node_kind(node)
    if kind == "labelmap":
        set_slice_layer(engine, "label", node.GetID())
        return
    if kind != "volume":
        raise DisplayControlError(f"{node.GetName()!r} is a {kind}, not a volume")
    show_volume(engine, node)
