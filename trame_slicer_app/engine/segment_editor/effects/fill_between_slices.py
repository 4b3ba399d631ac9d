"""Fill between slices: Slicer's vtkITKMorphologicalContourInterpolator fills the slices between
the ones a segment was drawn on (morphological interpolation, along every axis a segment has
gaps on, or one axis)."""

from __future__ import annotations

import numpy as np
from slicer import vtkITKMorphologicalContourInterpolator

from ..segment_editor import SegmentEditor
from .auto_complete import AutoComplete
from .effect_input import choice
from .vtk_images import run_filter, to_vtk_image

AXES = {"all": -1, "x": 0, "y": 1, "z": 2}


class FillBetweenSlices(AutoComplete):
    def __init__(self, editor: SegmentEditor, axis: str = "all") -> None:
        super().__init__(editor, self._interpolate, minimum_segments=1, label="Fill between slices")
        self.axis = choice(axis, AXES, "the axis to fill along")

    def _interpolate(self, seeds: np.ndarray, _ids: list, spacing) -> tuple[np.ndarray, tuple[slice, slice, slice]]:
        interpolator = vtkITKMorphologicalContourInterpolator()
        interpolator.SetAxis(AXES[self.axis])
        whole = tuple(slice(0, n) for n in seeds.shape)
        return run_filter(interpolator, to_vtk_image(seeds, spacing)), whole
