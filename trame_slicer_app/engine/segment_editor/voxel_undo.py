"""Recording what an edit did to the segments' voxels, as one undo step (undo/voxel_edit.py).

Before an edit, every segment's mask inside the edited box is read (numpy views of the shared label
map layers, a copy of the box only); after it, again; the masks that differ become the step. A
locked segment that the edit changed (through "overwrite other segments") is put back here.
"""

from __future__ import annotations

import numpy as np

from ..undo.voxel_edit import ChangedRegion, VoxelEdit
from .segment_list import is_locked, segment_ids
from .voxel_grid import Box, segment_mask, write_segment_mask


class VoxelRecorder:
    """``before()`` then the edit then ``after()``: the step, or None when no voxel changed."""

    def __init__(self, segmentation_node, volume, box: Box, on_write=None) -> None:
        self._segmentation = segmentation_node
        self._volume = volume
        self._box = box
        self._on_write = on_write  # told before undo or redo writes voxels (the 3D surfaces follow)
        self._before: dict[str, np.ndarray] = {}

    def before(self) -> None:
        self._before = {segment_id: segment_mask(self._segmentation, segment_id, self._box)
                        for segment_id in segment_ids(self._segmentation)}

    def after(self, protect_locked: bool = True) -> VoxelEdit | None:
        offset = self._box[0]
        regions = []
        for segment_id, before in self._before.items():
            segment = self._segmentation.GetSegmentation().GetSegment(segment_id)
            if segment is None:
                continue
            after = segment_mask(self._segmentation, segment_id, self._box)
            if np.array_equal(before, after):
                continue
            if protect_locked and is_locked(segment):
                write_segment_mask(self._segmentation, self._volume, segment_id, offset, before)
                continue
            regions.append(_tight_region(segment_id, offset, before, after))
        if not regions:
            return None
        return VoxelEdit(regions, self.writer())

    def writer(self):
        segmentation, volume, on_write = self._segmentation, self._volume, self._on_write

        def write(segment_id: str, offset, mask) -> None:
            if on_write is not None:
                on_write(segmentation)
            write_segment_mask(segmentation, volume, segment_id, offset, mask)

        return write


def _tight_region(segment_id: str, offset, before: np.ndarray, after: np.ndarray) -> ChangedRegion:
    """Only the bounding box of the voxels that changed is kept."""
    changed = np.nonzero(before != after)
    low = [int(axis.min()) for axis in changed]
    high = [int(axis.max()) + 1 for axis in changed]
    box = tuple(slice(lo, hi) for lo, hi in zip(low, high, strict=True))
    return ChangedRegion.of(segment_id, [o + lo for o, lo in zip(offset, low, strict=True)], before[box], after[box])


def changed_voxels(edit: VoxelEdit | None, segment_id: str) -> int:
    if edit is None:
        return 0
    return sum(int(np.count_nonzero(r.unpacked("before") != r.unpacked("after")))
               for r in edit.regions if r.key == segment_id)
