"""Margin: grow or shrink the active segment by a distance in mm (vtkITKImageMargin).

Growing keeps the voxels within the distance of the segment; shrinking grows the outside by the
distance and keeps what it leaves (Slicer's margin effect does the same, so that a voxel on the
border counts as distance zero either way)."""

from __future__ import annotations

import numpy as np
from slicer import vtkITKImageMargin

from ..long_edit import LongEdit
from ..segment_editor import SegmentEditor
from .effect_input import active_segment_voxels, size_mm, spacing_xyz
from .vtk_images import run_filter, to_vtk_image

MAX_MARGIN_MM = 100.0


def grown(mask: np.ndarray, margin_mm: float, spacing: tuple[float, float, float]) -> np.ndarray:
    """``mask`` grown by ``margin_mm`` (spacing x, y, z in mm); every voxel within that distance."""
    margin = vtkITKImageMargin()
    margin.CalculateMarginInMMOn()
    margin.SetOuterMarginMM(margin_mm)
    return run_filter(margin, to_vtk_image(mask, spacing)) > 0


def with_margin(mask: np.ndarray, margin_mm: float, spacing: tuple[float, float, float]) -> np.ndarray:
    if margin_mm >= 0:
        return grown(mask, margin_mm, spacing)
    return ~grown(~mask, -margin_mm, spacing)


def prepare(editor: SegmentEditor, margin_mm: float) -> LongEdit:
    """The margin as a long edit (long_edit.py: seconds on a whole-head segment): the active segment's
    voxels read now, the filter run in ``compute``, the result set by ``finish`` on that segment."""
    margin_mm = size_mm(margin_mm, "the margin", MAX_MARGIN_MM, allow_negative=True)
    segment_id, voxels = active_segment_voxels(editor)
    spacing = spacing_xyz(editor)
    label = "Grow" if margin_mm > 0 else "Shrink"
    return LongEdit("Margin", lambda: with_margin(voxels, margin_mm, spacing),
                    lambda result: editor.apply_modifier(result, "set", (0, 0, 0), label, segment_id=segment_id))


def apply(editor: SegmentEditor, margin_mm: float) -> int:
    """Grow (positive) or shrink (negative) the active segment, here and now; one undo step."""
    edit = prepare(editor, margin_mm)
    return edit.finish(edit.compute())
