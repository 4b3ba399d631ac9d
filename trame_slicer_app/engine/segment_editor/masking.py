"""The masking settings of the segment editor, as Slicer's segment editor node keeps them.

Editable area (mask mode), editable intensity range and overwrite of other segments are stored on the
vtkMRMLSegmentEditorNode; vtkSlicerSegmentEditorLogic.ModifySegmentByLabelmap honours them.
"""

from __future__ import annotations

import math

from slicer import vtkMRMLSegmentationNode, vtkMRMLSegmentEditorNode

from .errors import SegmentEditorError

EDITABLE_AREAS = {
    "everywhere": vtkMRMLSegmentationNode.EditAllowedEverywhere,
    "inside_all_segments": vtkMRMLSegmentationNode.EditAllowedInsideAllSegments,
    "inside_visible_segments": vtkMRMLSegmentationNode.EditAllowedInsideVisibleSegments,
    "outside_all_segments": vtkMRMLSegmentationNode.EditAllowedOutsideAllSegments,
    "outside_visible_segments": vtkMRMLSegmentationNode.EditAllowedOutsideVisibleSegments,
    "inside_segment": vtkMRMLSegmentationNode.EditAllowedInsideSingleSegment,
}
OVERWRITE_MODES = {
    "all": vtkMRMLSegmentEditorNode.OverwriteAllSegments,
    "visible": vtkMRMLSegmentEditorNode.OverwriteVisibleSegments,
    "none": vtkMRMLSegmentEditorNode.OverwriteNone,
}


def masking_state(editor_node) -> dict:
    """Plain data: editable_area, mask_segment_id, intensity_mask (bool), intensity_range, overwrite."""
    area = next((name for name, value in EDITABLE_AREAS.items() if value == editor_node.GetMaskMode()), "everywhere")
    mode = next((name for name, value in OVERWRITE_MODES.items() if value == editor_node.GetOverwriteMode()), "all")
    return {
        "editable_area": area,
        "mask_segment_id": editor_node.GetMaskSegmentID() or None,
        "intensity_mask": bool(editor_node.GetSourceVolumeIntensityMask()),
        "intensity_range": list(editor_node.GetSourceVolumeIntensityMaskRange()),
        "overwrite": mode,
    }


def set_editable_area(editor_node, area: object, mask_segment_id: str | None = None) -> None:
    if area not in EDITABLE_AREAS:
        raise SegmentEditorError(f"editable area is one of {', '.join(EDITABLE_AREAS)}, not {str(area)[:40]!r}")
    if area == "inside_segment":
        segmentation = editor_node.GetSegmentationNode()
        if not isinstance(mask_segment_id, str) or segmentation is None \
                or segmentation.GetSegmentation().GetSegment(mask_segment_id) is None:
            raise SegmentEditorError("'inside one segment' needs the id of a segment of this segmentation")
        editor_node.SetMaskSegmentID(mask_segment_id)
    editor_node.SetMaskMode(EDITABLE_AREAS[area])


def set_intensity_mask(editor_node, enabled: object, low: object = None, high: object = None) -> None:
    """Edits touch only voxels whose source intensity is within [low, high] when enabled."""
    if not isinstance(enabled, bool):
        raise SegmentEditorError("the intensity mask is on or off (true or false)")
    if low is not None or high is not None:
        numbers = []
        for value in (low, high):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise SegmentEditorError("an intensity range is two finite numbers")
            numbers.append(float(value))
        if numbers[0] > numbers[1]:
            raise SegmentEditorError(f"an intensity range goes from low to high, not {numbers[0]} to {numbers[1]}")
        editor_node.SetSourceVolumeIntensityMaskRange(*numbers)
    editor_node.SetSourceVolumeIntensityMask(enabled)


def set_overwrite(editor_node, mode: object) -> None:
    if mode not in OVERWRITE_MODES:
        raise SegmentEditorError(f"overwrite is one of {', '.join(OVERWRITE_MODES)}, not {str(mode)[:40]!r}")
    editor_node.SetOverwriteMode(OVERWRITE_MODES[mode])
