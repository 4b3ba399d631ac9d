"""The segment editor's engine: a segmentation on the shown volume, its segments, masking, and edits
through Slicer's vtkSlicerSegmentEditorLogic, each one undo step storing only the changed voxels
(docs/decisions/0019-segment-editor.md).

Public API:
- ``segment_editor.SegmentEditor``: the segmentation being edited, its source volume, the active
  segment, ``apply_modifier(mask, mode, offset)``, segment add/remove/edit as undo steps.
- ``segment_list``: create a segmentation; segment names, colours, visibility, opacity, lock.
- ``masking``: editable area, editable intensity range, overwrite other segments.
- ``surface_display``: segments in 3D as closed surfaces, rebuilt after edits (coalesced).
- ``voxel_grid``: masks in the source volume's voxel grid (numpy z, y, x) and back.
- ``voxel_undo``: the changed sub-boxes of an edit as an undo step.
- ``segment_statistics``: voxel count, volume, intensity statistics per segment, and as CSV.
- ``segment_export``: segments as STL/OBJ models.
- ``effects/``: the computed effects (threshold, margin, hollow, smoothing, islands, logical,
  mask volume, grow from seeds, fill between slices).
- ``errors.SegmentEditorError``: the refusals.

The interactive effects (docs/decisions/0020-segment-editor-interaction.md) turn pointer gestures in
the slice views into masks, through ``edit_target.EditTarget`` (``editor_target`` adapts the editor):
``paint_effect`` (with ``brush_geometry``, ``brush_feedback``), ``draw_effect``, ``scissors_effect``,
``level_tracing_effect``; ``plane_polygon`` fills outlines on a slice plane; ``slice_geometry``,
``polyline_feedback`` and ``view_feedback`` (slice views only, one drawing per view) are shared by them.
"""

__all__ = [
    "brush_feedback",
    "brush_geometry",
    "draw_effect",
    "edit_target",
    "editor_target",
    "effect_interaction",
    "effects",
    "errors",
    "level_tracing_effect",
    "masking",
    "paint_effect",
    "plane_polygon",
    "polyline_feedback",
    "scissors_effect",
    "segment_editor",
    "segment_export",
    "segment_list",
    "segment_statistics",
    "slice_geometry",
    "surface_display",
    "view_feedback",
    "voxel_grid",
    "voxel_undo",
]
