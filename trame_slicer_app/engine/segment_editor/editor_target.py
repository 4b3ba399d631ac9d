"""The Segment Editor's active segment as the interactive effects' ``EditTarget``.

A gesture's mask covers the whole voxel grid while it is drawn; it is cut to the box of its voxels
before the editor applies it, so an undo step stores only that box (docs/decisions/0019). A refusal
(no segment, a locked segment) is kept in ``last_message`` for the panel: it happens inside the
views' input path, where nothing else could show it.
"""

from __future__ import annotations

import logging

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from . import segment_list as segments
from .brush_geometry import VoxelGrid
from .errors import SegmentEditorError
from .segment_editor import SegmentEditor

log = logging.getLogger(__name__)


def _bounding_box(mask: np.ndarray) -> tuple[slice, ...] | None:
    where = [np.nonzero(mask.any(axis=tuple(a for a in range(3) if a != axis)))[0] for axis in range(3)]
    if any(w.size == 0 for w in where):
        return None
    return tuple(slice(int(w[0]), int(w[-1]) + 1) for w in where)


class EditorTarget:
    def __init__(self, editor: SegmentEditor) -> None:
        self.editor = editor
        self.last_message = ""
        self.applied = 0  # gestures applied (the panel shows the last refusal only when newer)

    def _active(self):
        """(segmentation, volume, segment id), or None with ``last_message`` saying why."""
        try:
            segmentation, volume = self.editor.require()
            return segmentation, volume, self.editor.require_active_segment()
        except SegmentEditorError as refusal:
            self.last_message = str(refusal)
            return None

    def grid(self) -> VoxelGrid | None:
        active = self._active()
        if active is None:
            return None
        _segmentation, volume, _segment_id = active
        matrix = vtkMatrix4x4()
        volume.GetIJKToRASMatrix(matrix)
        i, j, k = volume.GetImageData().GetDimensions()
        return VoxelGrid(np.array([[matrix.GetElement(r, c) for c in range(4)] for r in range(4)]), (k, j, i))

    def colour(self) -> tuple[float, float, float]:
        active = self._active()
        if active is None:
            return (1.0, 1.0, 0.0)
        segmentation, _volume, segment_id = active
        return tuple(segmentation.GetSegmentation().GetSegment(segment_id).GetColor())

    def source_image(self):
        volume = self.editor.source_volume
        return volume.GetImageData() if volume is not None else None

    def apply_mask(self, mask: np.ndarray, erase: bool) -> None:
        box = _bounding_box(mask)
        if box is None:
            return
        try:
            self.editor.apply_modifier(mask[box], "remove" if erase else "add", tuple(s.start for s in box))
        except SegmentEditorError as refusal:
            self.last_message = str(refusal)
            log.info("segment edit refused: %s", refusal)
            return
        self.last_message = ""
        self.applied += 1

    def segment_name(self) -> str | None:
        active = self._active()
        if active is None:
            return None
        segmentation, _volume, segment_id = active
        return segments.require_segment(segmentation, segment_id).GetName()
