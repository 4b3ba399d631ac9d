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
- ``errors.SegmentEditorError``: the refusals.
"""

__all__ = [
    "errors",
    "masking",
    "segment_editor",
    "segment_list",
    "surface_display",
    "voxel_grid",
    "voxel_undo",
]
