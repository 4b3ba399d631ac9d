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
from ..long_edit import LongEdit
from ..segment_editor import SegmentEditor
from ..segment_list import segment_ids

# (seed labels, segment ids, spacing x y z) -> (result labels inside a box, that box): outside it the
# result is 0. It may run in a worker thread (long_edit.py): it touches no object of the scene.
Compute = Callable[[np.ndarray, list, tuple], tuple[np.ndarray, tuple[slice, slice, slice]]]


class AutoComplete:
    """One auto-complete session on the segmentation being edited."""

    def __init__(self, editor: SegmentEditor, compute: Compute, minimum_segments: int, label: str) -> None:
        self.editor = editor
        self._compute = compute
        self._minimum = minimum_segments
        self._label = label
        self.segment_ids: list[str] = []
        # The result inside its box only: a grow from seeds confined to the seeds' box does not pay
        # for a whole-volume copy at every update.
        self.result_box: tuple[slice, slice, slice] | None = None
        self.result_in_box: np.ndarray | None = None
        self._shape: tuple[int, int, int] | None = None

    @property
    def label(self) -> str:
        return self._label

    def seeds(self) -> np.ndarray:
        """The visible segments as one int16 label map (z, y, x): 0 none, i+1 for segment_ids[i]."""
        labels, self.segment_ids = self.read_seeds()
        return labels

    def read_seeds(self) -> tuple[np.ndarray, list[str]]:
        """(the seeds' label map, their segment ids), read from the scene; nothing kept."""
        segmentation, _volume = self.editor.require()
        display = segmentation.GetDisplayNode()
        ids = [sid for sid in segment_ids(segmentation) if display.GetSegmentVisibility(sid)]
        pairs = [(sid, self.editor.segment_array(sid)) for sid in ids]
        pairs = [(sid, mask) for sid, mask in pairs if mask.any()]
        ids, masks = [sid for sid, _mask in pairs], [mask for _sid, mask in pairs]
        if len(ids) < self._minimum:
            raise SegmentEditorError(f"{self._label} needs at least {self._minimum} visible, non-empty "
                                     f"segment{'s' if self._minimum > 1 else ''} as seeds")
        labels = np.zeros(masks[0].shape, dtype=np.int16)
        for index in range(len(masks) - 1, -1, -1):  # the first segment wins where seeds overlap
            labels[masks[index]] = index + 1
        return labels, ids

    def initialize(self) -> np.ndarray:
        """Compute from the current seeds; returns the preview label map (whole volume)."""
        self.compute()
        return self.preview()

    def update(self) -> np.ndarray:
        """Compute again after the seeds were edited; returns the preview label map."""
        return self.initialize()

    def compute(self) -> None:
        """Compute from the current seeds, keeping the result in its box (see preview_in_box)."""
        edit = self.prepare_compute()
        edit.finish(edit.compute())

    def prepare_compute(self) -> LongEdit:
        """The computation as a long edit (long_edit.py): the seeds are read now, ``compute`` may run
        in a worker, ``finish`` keeps its result as the preview (``drop``: the result is not kept)."""
        labels, ids = self.read_seeds()
        spacing = tuple(self.editor.source_volume.GetSpacing())

        def finish(result) -> None:
            self.segment_ids, self._shape = ids, labels.shape
            self.result_in_box, self.result_box = result

        return LongEdit(self._label, lambda: self._compute(labels, ids, spacing), finish)

    def preview_in_box(self) -> tuple[tuple[int, int, int], np.ndarray]:
        """(offset z, y, x; labels inside the box): the preview without a whole-volume copy."""
        if self.result_in_box is None:
            raise SegmentEditorError(f"{self._label} has no result yet: initialise it first")
        return tuple(s.start for s in self.result_box), self.result_in_box

    def preview(self) -> np.ndarray:
        """The preview over the whole volume: 0 none, n for segment_ids[n-1] (int16, z, y, x)."""
        _offset, labels = self.preview_in_box()
        result = np.zeros(self._shape, dtype=np.int16)
        result[self.result_box] = labels
        return result

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
        self.result_in_box = self.result_box = self._shape = None
        self.segment_ids = []
