"""The steps Slicer's auto-complete effects share (Grow from seeds, Fill between slices):
initialise (compute from the visible segments as seeds), preview (a label map: 0 outside, n for
the n-th seed segment), update after the seeds changed, apply (the preview becomes the segments,
one undo step), cancel.

The seeds are the visible segments' voxels merged into one label map (first segment wins where
they overlap, as Slicer merges them); masking's editable area limits the result."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from ..segment_list import segment_ids

Compute = Callable[[np.ndarray, list], np.ndarray]  # (seed labels, segment ids) -> result labels


class AutoComplete:
    """One auto-complete session on the segmentation being edited."""

    def __init__(self, editor: SegmentEditor, compute: Compute, minimum_segments: int, label: str) -> None:
        self.editor = editor
        self._compute = compute
        self._minimum = minimum_segments
        self._label = label
        self.segment_ids: list[str] = []
        self.result: np.ndarray | None = None

    def seeds(self) -> np.ndarray:
        """The visible segments as one int16 label map (z, y, x): 0 none, i+1 for segment_ids[i]."""
        segmentation, _volume = self.editor.require()
        display = segmentation.GetDisplayNode()
        ids = [sid for sid in segment_ids(segmentation) if display.GetSegmentVisibility(sid)]
        masks = [self.editor.segment_array(sid) for sid in ids]
        ids = [sid for sid, mask in zip(ids, masks, strict=True) if mask.any()]
        masks = [mask for mask in masks if mask.any()]
        if len(ids) < self._minimum:
            raise SegmentEditorError(f"{self._label} needs at least {self._minimum} visible, non-empty "
                                     f"segment{'s' if self._minimum > 1 else ''} as seeds")
        labels = np.zeros(masks[0].shape, dtype=np.int16)
        for index in range(len(masks) - 1, -1, -1):  # the first segment wins where seeds overlap
            labels[masks[index]] = index + 1
        self.segment_ids = ids
        return labels

    def initialize(self) -> np.ndarray:
        """Compute from the current seeds; returns the preview label map."""
        labels = self.seeds()
        self.result = self._compute(labels, self.segment_ids)
        return self.result

    def update(self) -> np.ndarray:
        """Compute again after the seeds were edited."""
        return self.initialize()

    def preview(self) -> np.ndarray:
        if self.result is None:
            raise SegmentEditorError(f"{self._label} has no result yet: initialise it first")
        return self.result

    def apply(self) -> int:
        """The preview becomes the segments (each seed segment gets its label's voxels); one undo
        step. Masking's editable area and intensity range are honoured."""
        result = self.preview()
        segmentation, _volume = self.editor.require()
        masks = {sid: result == index + 1 for index, sid in enumerate(self.segment_ids)
                 if segmentation.GetSegmentation().GetSegment(sid) is not None}
        changed = self.editor.apply_segment_masks(masks, self._label, bypass_masking=False)
        self.cancel()
        return changed

    def cancel(self) -> None:
        self.result = None
        self.segment_ids = []
