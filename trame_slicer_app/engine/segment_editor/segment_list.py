"""A segmentation made on a volume, and its segments' names, colours, visibility, opacity and lock."""

from __future__ import annotations

import re

from vtkmodules.vtkCommonCore import reference

from ..scene.node_lookup import require_node
from .errors import SegmentEditorError

MAX_NAME_CHARS = 200
HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{6})$")
# Slicer's generic anatomy colours cycle for new segments; these are the first of its defaults.
NEW_SEGMENT_COLOURS = ("#80ae80", "#f1d691", "#b17a65", "#6fb8d2", "#d8654f", "#dd8265",
                       "#90ee90", "#c0686b", "#dcf514", "#4e3f00")
LOCK_TAG = "Segment_Lock"  # the tag Slicer's segments table stores "locked" under
VISIBILITY_KINDS = ("fill_2d", "outline_2d", "surface_3d")


def create_segmentation(engine, volume, name: str | None = None):
    """A new, empty segmentation whose geometry is the volume's voxel grid, shown in every view."""
    if volume is None or volume.GetImageData() is None:
        raise SegmentEditorError("there is no volume to segment: open one first")
    node = engine.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", name or f"{volume.GetName()} segmentation")
    node.CreateDefaultDisplayNodes()
    node.SetReferenceImageGeometryParameterFromVolumeNode(volume)
    node.SetNodeReferenceID("referenceImageGeometryRef", volume.GetID())
    return node


def require_segmentation(engine, node_id: object):
    return require_node(engine, node_id, "vtkMRMLSegmentationNode", "segmentation")


def require_segment(segmentation_node, segment_id: object):
    if not isinstance(segment_id, str) or not segment_id or len(segment_id) > MAX_NAME_CHARS:
        raise SegmentEditorError(f"not a segment id: {str(segment_id)[:MAX_NAME_CHARS]!r}")
    segment = segmentation_node.GetSegmentation().GetSegment(segment_id)
    if segment is None:
        raise SegmentEditorError(f"no segment {segment_id!r} in {segmentation_node.GetName()!r}")
    return segment


def _checked_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise SegmentEditorError("a segment name must be a non-empty text")
    if len(name) > MAX_NAME_CHARS:
        raise SegmentEditorError(f"a segment name is at most {MAX_NAME_CHARS} characters")
    return name.strip()


def hex_to_rgb(colour: object) -> tuple[float, float, float]:
    match = HEX_COLOUR.match(colour) if isinstance(colour, str) else None
    if match is None:
        raise SegmentEditorError(f"a colour is written #rrggbb, not {str(colour)[:20]!r}")
    value = match.group(1)
    return tuple(int(value[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


def rgb_to_hex(rgb) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb[:3])


def add_segment(segmentation_node, name: str | None = None, colour: str | None = None) -> str:
    """Add an empty segment; returns its id. Its colour is the next of NEW_SEGMENT_COLOURS unless given."""
    segmentation = segmentation_node.GetSegmentation()
    count = segmentation.GetNumberOfSegments()
    name = _checked_name(name) if name is not None else f"Segment_{count + 1}"
    rgb = hex_to_rgb(colour if colour is not None else NEW_SEGMENT_COLOURS[count % len(NEW_SEGMENT_COLOURS)])
    segment_id = segmentation.AddEmptySegment("", name, rgb)
    if not segment_id:
        raise SegmentEditorError(f"could not add a segment to {segmentation_node.GetName()!r}")
    return segment_id


def remove_segment(segmentation_node, segment_id: str) -> None:
    require_segment(segmentation_node, segment_id)
    segmentation_node.GetSegmentation().RemoveSegment(segment_id)


def rename_segment(segmentation_node, segment_id: str, name: str) -> None:
    require_segment(segmentation_node, segment_id).SetName(_checked_name(name))


def set_segment_colour(segmentation_node, segment_id: str, colour: str) -> None:
    require_segment(segmentation_node, segment_id).SetColor(*hex_to_rgb(colour))


def set_segment_visible(segmentation_node, segment_id: str, visible: bool, kind: str | None = None) -> None:
    """Show or hide a segment everywhere, or only as one of VISIBILITY_KINDS."""
    require_segment(segmentation_node, segment_id)
    if not isinstance(visible, bool):
        raise SegmentEditorError("visibility is true or false")
    display = segmentation_node.GetDisplayNode()
    setters = {"fill_2d": display.SetSegmentVisibility2DFill, "outline_2d": display.SetSegmentVisibility2DOutline,
               "surface_3d": display.SetSegmentVisibility3D}
    if kind is None:
        display.SetSegmentVisibility(segment_id, visible)
        return
    if not isinstance(kind, str) or kind not in setters:  # a list or a dict from a client is no key
        raise SegmentEditorError(f"visibility kind is one of {', '.join(VISIBILITY_KINDS)}, not {str(kind)[:40]!r}")
    if visible:
        display.SetSegmentVisibility(segment_id, True)
    setters[kind](segment_id, visible)


def set_segment_opacity(segmentation_node, segment_id: str, opacity: float, kind: str | None = None) -> None:
    """A segment's opacity 0..1 everywhere (kind None), or for one of VISIBILITY_KINDS only, as
    Slicer's segmentation display keeps them (2D fill, 2D outline and 3D each their own)."""
    require_segment(segmentation_node, segment_id)
    if isinstance(opacity, bool) or not isinstance(opacity, (int, float)) or not 0.0 <= float(opacity) <= 1.0:
        raise SegmentEditorError("opacity is a number from 0 to 1")
    display = segmentation_node.GetDisplayNode()
    setters = {"fill_2d": display.SetSegmentOpacity2DFill, "outline_2d": display.SetSegmentOpacity2DOutline,
               "surface_3d": display.SetSegmentOpacity3D}
    if kind is None:
        display.SetSegmentOpacity(segment_id, float(opacity))
        return
    if not isinstance(kind, str) or kind not in setters:  # a list or a dict from a client is no key
        raise SegmentEditorError(f"opacity kind is one of {', '.join(VISIBILITY_KINDS)}, not {str(kind)[:40]!r}")
    setters[kind](segment_id, float(opacity))


def set_segment_locked(segmentation_node, segment_id: str, locked: bool) -> None:
    """A locked segment is not changed by edits of other segments (Slicer's segments table lock)."""
    segment = require_segment(segmentation_node, segment_id)
    if not isinstance(locked, bool):
        raise SegmentEditorError("lock is true or false")
    segment.SetTag(LOCK_TAG, "1" if locked else "0")


def is_locked(segment) -> bool:
    value = reference("")
    return bool(segment.GetTag(LOCK_TAG, value)) and str(value) not in ("", "0")


def segment_ids(segmentation_node) -> list[str]:
    segmentation = segmentation_node.GetSegmentation()
    return [segmentation.GetNthSegmentID(i) for i in range(segmentation.GetNumberOfSegments())]


def segments_state(segmentation_node) -> list[dict]:
    """Plain data for the segment list: one dict per segment, in the segmentation's order."""
    display = segmentation_node.GetDisplayNode()
    rows = []
    for segment_id in segment_ids(segmentation_node):
        segment = segmentation_node.GetSegmentation().GetSegment(segment_id)
        rows.append({
            "id": segment_id,
            "name": segment.GetName(),
            "colour": rgb_to_hex(segment.GetColor()),
            "visible": bool(display.GetSegmentVisibility(segment_id)),
            "fill_2d": bool(display.GetSegmentVisibility2DFill(segment_id)),
            "outline_2d": bool(display.GetSegmentVisibility2DOutline(segment_id)),
            "surface_3d": bool(display.GetSegmentVisibility3D(segment_id)),
            "opacity": round(float(display.GetSegmentOpacity3D(segment_id)), 3),
            "opacity_fill_2d": round(float(display.GetSegmentOpacity2DFill(segment_id)), 3),
            "opacity_outline_2d": round(float(display.GetSegmentOpacity2DOutline(segment_id)), 3),
            "opacity_surface_3d": round(float(display.GetSegmentOpacity3D(segment_id)), 3),
            "locked": is_locked(segment),
        })
    return rows
