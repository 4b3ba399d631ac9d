"""Grow from seeds: Slicer's vtkImageGrowCutSegment grows the seed segments over the source volume;
each voxel goes to the seed it is reached from at the least cost. Seed locality (0..10, Slicer's
range) penalises distance from the seeds. The filter keeps its state between runs, so an update
after a seed edit is faster than the first run.

As in Slicer, the computation is confined to the seeds' bounding box grown by SEED_BOX_GROWTH of
its size on each side: the result is empty outside it. The box is kept while the seeds stay in it
(so updates stay incremental) and recomputed when a seed is drawn outside.

An update reads the seeds inside the box only when it can tell nothing changed outside it: every
seed segment's label map layer is as it was left (its VTK modification time), or changed only by
edits the editor reported inside the box. Anything else (an undo, a segment shown or hidden, an
edit outside the box) reads every seed again and starts the filter afresh."""

from __future__ import annotations

import numpy as np
from slicer import vtkImageGrowCutSegment

from ..errors import SegmentEditorError
from ..long_edit import LongEdit
from ..segment_editor import SegmentEditor
from ..segment_list import segment_ids
from ..voxel_grid import LABELMAP, segment_mask
from .auto_complete import AutoComplete
from .vtk_images import from_vtk_image, to_vtk_image

MAX_SEED_LOCALITY = 10.0
SEED_BOX_GROWTH = 0.1


class GrowFromSeeds(AutoComplete):
    def __init__(self, editor: SegmentEditor, seed_locality: float = 0.0) -> None:
        super().__init__(editor, None, minimum_segments=2, label="Grow from seeds")
        self.set_seed_locality(seed_locality)
        self._filter = vtkImageGrowCutSegment()
        self._intensity = None
        self._box: tuple[slice, slice, slice] | None = None
        # seed segment id -> (its layer's C++ address, modified time); Python wrappers come and go
        self._layers: dict[str, tuple[str, int]] = {}
        self._edit_outside_box = False
        editor.voxel_edit_listeners.append(self._on_voxel_edit)

    def set_seed_locality(self, value: float) -> None:
        """The filter's distance penalty from the next run on (an update keeps the filter's state)."""
        self.seed_locality = self.check_seed_locality(value)

    @staticmethod
    def check_seed_locality(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SEED_LOCALITY:
            raise SegmentEditorError(f"seed locality is a number from 0 to {MAX_SEED_LOCALITY:g}")
        return float(value)

    def prepare_compute(self) -> LongEdit:
        """The run as a long edit (long_edit.py). Read here, on the loop: the seeds (inside the kept
        box, or all of them) and, when the box is new, the source volume's voxels inside it, as
        copies. ``compute`` runs the filter this effect owns on them (in a worker, the loop turns
        meanwhile); ``finish`` keeps the result; ``drop`` forgets the box so that the next run
        starts afresh (the filter may hold the dropped run's inputs)."""
        _, volume = self.editor.require()  # its volume deleted: say so, as the other effects do
        spacing = tuple(volume.GetSpacing())
        intensity = None
        if self._box is not None and self._only_edited_inside_box():
            box, ids, shape = self._box, list(self.segment_ids), self._shape
            seeds_in_box = self.seeds_in(box)
        else:  # every seed read: the box is chosen again if a seed lies outside it
            labels, ids = self.read_seeds()
            box, shape = self._box, labels.shape
            if box is None or np.count_nonzero(labels[box]) != np.count_nonzero(labels):
                box = seed_box(labels)
                intensity = to_vtk_image(self.editor.source_array()[box], spacing)
            seeds_in_box = labels[box]
        seeds_image = to_vtk_image(seeds_in_box, spacing)
        locality = self.seed_locality
        grow_cut = self._filter

        def compute() -> np.ndarray:
            if intensity is not None:
                grow_cut.Reset()
                grow_cut.SetIntensityVolume(intensity)
            grow_cut.SetSeedLabelVolume(seeds_image)
            grow_cut.SetDistancePenalty(locality)
            grow_cut.Update()
            return from_vtk_image(grow_cut.GetOutput())

        def finish(result: np.ndarray) -> None:
            if intensity is not None:
                self._intensity = intensity
            self._box, self.result_box, self.result_in_box = box, box, result
            self.segment_ids, self._shape = ids, shape
            self._remember_layers()

        def drop() -> None:
            self._box = None
            self._layers = {}

        return LongEdit(self._label, compute, finish, drop)

    def seeds_in(self, box) -> np.ndarray:
        """The seed label map inside ``box`` only (the same segments as the last full read)."""
        segmentation, _volume = self.editor.require()
        shape = tuple(s.stop - s.start for s in box)
        offset = tuple(s.start for s in box)
        labels = np.zeros(shape, dtype=np.int16)
        for index in range(len(self.segment_ids) - 1, -1, -1):
            labels[segment_mask(segmentation, self.segment_ids[index], (offset, shape))] = index + 1
        return labels

    # -- knowing where the seeds changed -----------------------------------------------------------------
    def _seed_layers(self) -> dict[str, tuple[str, int]] | None:
        segmentation = self.editor.segmentation
        if segmentation is None:
            return None
        display = segmentation.GetDisplayNode()
        layers = {}
        for sid in segment_ids(segmentation):
            segment = segmentation.GetSegmentation().GetSegment(sid)
            layer = segment.GetRepresentation(LABELMAP)
            if display.GetSegmentVisibility(sid) and layer is not None:
                layers[sid] = (layer.GetAddressAsString("vtkObject"), layer.GetMTime())
        return layers

    def _remember_layers(self) -> None:
        self._layers = self._seed_layers() or {}
        self._edit_outside_box = False

    def _on_voxel_edit(self, edit) -> None:
        if self._box is None:
            return
        for region in edit.regions:
            inside = all(box.start <= o and o + n <= box.stop
                         for box, o, n in zip(self._box, region.offset, region.shape, strict=True))
            if not inside or region.key not in self.segment_ids:
                self._edit_outside_box = True
        if not self._edit_outside_box:
            self._layers = self._seed_layers() or {}  # the reported edits explain the layers' new times

    def _only_edited_inside_box(self) -> bool:
        return not self._edit_outside_box and bool(self._layers) and self._seed_layers() == self._layers

    def cancel(self) -> None:
        super().cancel()
        self._filter.Reset()
        self._intensity = None
        self._box = None
        self._layers = {}
        if self._on_voxel_edit in self.editor.voxel_edit_listeners:
            self.editor.voxel_edit_listeners.remove(self._on_voxel_edit)


def seed_box(seeds: np.ndarray) -> tuple[slice, slice, slice]:
    """The seeds' bounding box grown by SEED_BOX_GROWTH of its size on each side, in the volume."""
    where = np.nonzero(seeds)
    box = []
    for axis, size in zip(where, seeds.shape, strict=True):
        low, high = int(axis.min()), int(axis.max()) + 1
        grow = max(1, int(np.ceil((high - low) * SEED_BOX_GROWTH)))
        box.append(slice(max(0, low - grow), min(size, high + grow)))
    return tuple(box)
