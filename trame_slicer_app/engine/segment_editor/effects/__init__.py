"""The computed effects of the segment editor, each on Slicer's own filter, one module each:
threshold, margin, hollow, smoothing, islands, logical operators, mask volume, grow from seeds,
fill between slices. Each computes a mask in the source volume's voxel grid and applies it to the
active segment through ``SegmentEditor.apply_modifier`` (masking honoured, one undo step)."""

__all__ = [
    "effect_input",
    "fill_between_slices",
    "grow_from_seeds",
    "hollow",
    "islands",
    "logical",
    "margin",
    "mask_volume",
    "smoothing",
    "threshold",
    "vtk_images",
]
