"""Grow from seeds: Slicer's vtkImageGrowCutSegment grows the seed segments over the source volume;
each voxel goes to the seed it is reached from at the least cost. Seed locality (0..10, Slicer's
range) penalises distance from the seeds. The filter keeps its state between runs, so an update
after a seed edit is faster than the first run.

As in Slicer, the computation is confined to the seeds' bounding box grown by SEED_BOX_GROWTH of
its size on each side: the result is empty outside it. The box is kept while the seeds stay in it
(so updates stay incremental) and recomputed when a seed is drawn outside."""

from __future__ import annotations

import numpy as np
from slicer import vtkImageGrowCutSegment

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from .auto_complete import AutoComplete
from .vtk_images import from_vtk_image, to_vtk_image

MAX_SEED_LOCALITY = 10.0
SEED_BOX_GROWTH = 0.1


class GrowFromSeeds(AutoComplete):
    def __init__(self, editor: SegmentEditor, seed_locality: float = 0.0) -> None:
        super().__init__(editor, self._grow, minimum_segments=2, label="Grow from seeds")
        self.set_seed_locality(seed_locality)
        self._filter = vtkImageGrowCutSegment()
        self._intensity = None
        self._box: tuple[slice, slice, slice] | None = None

    def set_seed_locality(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SEED_LOCALITY:
            raise SegmentEditorError(f"seed locality is a number from 0 to {MAX_SEED_LOCALITY:g}")
        self.seed_locality = float(value)

    def _grow(self, seeds: np.ndarray, _ids: list) -> np.ndarray:
        spacing = self.editor.source_volume.GetSpacing()
        box = self._box
        if box is None or np.count_nonzero(seeds[box]) != np.count_nonzero(seeds):
            box = self._box = seed_box(seeds)
            self._filter.Reset()
            self._intensity = to_vtk_image(self.editor.source_array()[box], spacing)
            self._filter.SetIntensityVolume(self._intensity)
        self._filter.SetSeedLabelVolume(to_vtk_image(seeds[box], spacing))
        self._filter.SetDistancePenalty(self.seed_locality)
        self._filter.Update()
        result = np.zeros(seeds.shape, dtype=np.int16)
        result[box] = from_vtk_image(self._filter.GetOutput())
        return result

    def cancel(self) -> None:
        super().cancel()
        self._filter.Reset()
        self._intensity = None
        self._box = None


def seed_box(seeds: np.ndarray) -> tuple[slice, slice, slice]:
    """The seeds' bounding box grown by SEED_BOX_GROWTH of its size on each side, in the volume."""
    where = np.nonzero(seeds)
    box = []
    for axis, size in zip(where, seeds.shape, strict=True):
        low, high = int(axis.min()), int(axis.max()) + 1
        grow = max(1, int(np.ceil((high - low) * SEED_BOX_GROWTH)))
        box.append(slice(max(0, low - grow), min(size, high + grow)))
    return tuple(box)
