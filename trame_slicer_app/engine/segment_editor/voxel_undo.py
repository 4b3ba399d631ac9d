"""Recording what an edit did to the segments' voxels, as one undo step (undo/voxel_edit.py).

Before an edit, each label map layer's values inside the edited box are copied (one copy per
layer, however many segments share it); after it, the layers are read again and only the segments
whose label values appear among the changed voxels (or that moved to another layer) are compared
mask by mask; the masks that differ become the step. A locked segment that the edit changed
(through "overwrite other segments") is put back here.
"""

from __future__ import annotations

import numpy as np

from ..undo.voxel_edit import ChangedRegion, VoxelEdit
from .segment_list import is_locked, segment_ids
from .voxel_grid import LABELMAP, Box, layer_key, layer_labels, write_segment_mask


class VoxelRecorder:
    """``before()`` then the edit then ``after()``: the step, or None when no voxel changed."""

    def __init__(self, segmentation_node, volume, box: Box, on_write=None) -> None:
        self._segmentation = segmentation_node
        self._volume = volume
        self._box = box
        self._on_write = on_write  # told before undo or redo writes voxels (the 3D surfaces follow)
        self._layers: dict[str, np.ndarray] = {}  # layer key -> its values in the box, before
        self._segments: dict[str, tuple[str | None, int]] = {}  # segment id -> (layer key, label value)

    def _mapping(self) -> tuple[dict[str, tuple[str | None, int]], dict[str, object]]:
        """Each segment's (layer key, label value), and the layers by key."""
        segmentation = self._segmentation.GetSegmentation()
        mapping, layers = {}, {}
        for segment_id in segment_ids(self._segmentation):
            segment = segmentation.GetSegment(segment_id)
            layer = segment.GetRepresentation(LABELMAP)
            key = layer_key(layer) if layer is not None else None
            mapping[segment_id] = (key, segment.GetLabelValue())
            if layer is not None:
                layers[key] = layer
        return mapping, layers

    def before(self) -> None:
        self._segments, layers = self._mapping()
        self._layers = {key: layer_labels(layer, self._box) for key, layer in layers.items()}

    def after(self, protect_locked: bool = True) -> VoxelEdit | None:
        offset = self._box[0]
        if protect_locked:
            restored = False
            for segment_id, before, _after in self._changes():
                if is_locked(self._segmentation.GetSegmentation().GetSegment(segment_id)):
                    write_segment_mask(self._segmentation, self._volume, segment_id, offset, before)
                    restored = True
            if restored:  # the other segments are compared with the label maps as they are now
                return self.after(protect_locked=False)
        regions = [_tight_region(segment_id, offset, before, after) for segment_id, before, after in self._changes()]
        return VoxelEdit(regions, self.writer()) if regions else None

    def _changes(self):
        """(segment id, mask before, mask after) for each segment the edit changed inside the box."""
        shape = self._box[1]
        mapping, layers = self._mapping()
        now = {key: layer_labels(layer, self._box) for key, layer in layers.items()}
        changed_values = {}
        for key, before in self._layers.items():
            if key in now:
                differ = before != now[key]
                changed_values[key] = set(np.unique(before[differ]).tolist()) | set(
                    np.unique(now[key][differ]).tolist())
        for segment_id, (old_key, old_value) in self._segments.items():
            if segment_id not in mapping:
                continue  # removed by the edit: not a voxel change this step records
            new_key, new_value = mapping[segment_id]
            if (old_key, old_value) == (new_key, new_value) and old_key in changed_values \
                    and old_value not in changed_values[old_key]:
                continue  # its layer changed, but none of its voxels
            before = self._layers[old_key] == old_value if old_key in self._layers else np.zeros(shape, bool)
            after = now[new_key] == new_value if new_key in now else np.zeros(shape, bool)
            if not np.array_equal(before, after):
                yield segment_id, before, after

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
