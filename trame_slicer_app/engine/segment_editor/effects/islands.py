"""Islands: the active segment's connected pieces (face-connected, as Slicer's effect) from
vtkITKIslandMath, which numbers them by size, largest first.

Operations: keep the largest, remove those smaller than a size, split them into segments, keep or
remove the one under a clicked voxel."""

from __future__ import annotations

import numpy as np
from slicer import vtkITKIslandMath

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from ..segment_list import rgb_to_hex
from .effect_input import active_segment_voxels, choice
from .vtk_images import run_filter, to_vtk_image

OPERATIONS = ("keep_largest", "remove_small", "split", "keep_selected", "remove_selected")
MAX_SPLIT_SEGMENTS = 100  # a noisy segment may have thousands of islands: only so many become segments


def labelled(mask: np.ndarray, minimum_size: int = 0) -> np.ndarray:
    """Island numbers (1 = largest) per voxel, 0 outside; islands under ``minimum_size`` voxels get 0."""
    islands = vtkITKIslandMath()
    islands.SetFullyConnected(False)
    islands.SetMinimumSize(int(minimum_size))
    return run_filter(islands, to_vtk_image(mask))


def _voxel(point_zyx, shape) -> tuple[int, int, int]:
    if (not isinstance(point_zyx, (list, tuple)) or len(point_zyx) != 3
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in point_zyx)):
        raise SegmentEditorError("a clicked voxel is three whole numbers (z, y, x)")
    if not all(0 <= v < n for v, n in zip(point_zyx, shape, strict=True)):
        raise SegmentEditorError("the clicked point is outside the volume")
    return tuple(int(v) for v in point_zyx)


def apply(editor: SegmentEditor, operation: str, minimum_size: int = 1000, point_zyx=None) -> int:
    """Run an island operation on the active segment; one undo step. ``minimum_size`` (voxels) is
    for remove_small and split; ``point_zyx`` (a voxel) for keep_selected and remove_selected."""
    choice(operation, OPERATIONS, "the island operation")
    if isinstance(minimum_size, bool) or not isinstance(minimum_size, int) or minimum_size < 0:
        raise SegmentEditorError("the minimum island size is a whole number of voxels, 0 or more")
    segment_id, voxels = active_segment_voxels(editor)
    if operation == "keep_largest":
        return editor.apply_modifier(labelled(voxels) == 1, "set", (0, 0, 0), "Keep largest island",
                                     bypass_masking=True)
    if operation == "remove_small":
        return editor.apply_modifier(labelled(voxels, minimum_size) > 0, "set", (0, 0, 0), "Remove small islands",
                                     bypass_masking=True)
    if operation == "split":
        return _split(editor, segment_id, labelled(voxels, minimum_size))
    point = _voxel(point_zyx, voxels.shape)
    if not voxels[point]:
        raise SegmentEditorError("the clicked point is not in the segment: click inside an island")
    numbers = labelled(voxels)
    selected = numbers == numbers[point]
    if operation == "keep_selected":
        return editor.apply_modifier(selected, "set", (0, 0, 0), "Keep selected island", bypass_masking=True)
    return editor.apply_modifier(selected, "remove", (0, 0, 0), "Remove selected island", bypass_masking=True)


def _split(editor: SegmentEditor, segment_id: str, numbers: np.ndarray) -> int:
    """The largest island stays in the segment; each other becomes a segment of its own."""
    count = int(numbers.max())
    if count > MAX_SPLIT_SEGMENTS:
        raise SegmentEditorError(f"{count} islands are over the limit of {MAX_SPLIT_SEGMENTS} segments: "
                                 "raise the minimum size")
    segmentation, _volume = editor.require()
    segment = segmentation.GetSegmentation().GetSegment(segment_id)
    name, colour = segment.GetName(), rgb_to_hex(segment.GetColor())
    with editor.one_step("Split islands"):
        masks = {segment_id: numbers == 1}
        for number in range(2, count + 1):
            new_id = editor.add_segment(f"{name}_{number}", colour)
            masks[new_id] = numbers == number
        editor.set_active_segment(segment_id)
        changed = editor.apply_segment_masks(masks, "Split islands")
    return changed

