"""Threshold: the voxels whose source intensity is within [low, high], inclusive (as vtkImageThreshold
in Slicer's effect), with automatic ranges from vtkITKImageThresholdCalculator and a preview mask."""

from __future__ import annotations

import math

import numpy as np
from slicer import vtkITKImageThresholdCalculator

from .. import masking
from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from .effect_input import choice
from .vtk_images import to_vtk_image

AUTO_METHODS = {
    "otsu": vtkITKImageThresholdCalculator.METHOD_OTSU,
    "huang": vtkITKImageThresholdCalculator.METHOD_HUANG,
    "intermodes": vtkITKImageThresholdCalculator.METHOD_INTERMODES,
    "iso_data": vtkITKImageThresholdCalculator.METHOD_ISO_DATA,
    "kittler_illingworth": vtkITKImageThresholdCalculator.METHOD_KITTLER_ILLINGWORTH,
    "li": vtkITKImageThresholdCalculator.METHOD_LI,
    "maximum_entropy": vtkITKImageThresholdCalculator.METHOD_MAXIMUM_ENTROPY,
    "moments": vtkITKImageThresholdCalculator.METHOD_MOMENTS,
    "renyi_entropy": vtkITKImageThresholdCalculator.METHOD_RENYI_ENTROPY,
    "shanbhag": vtkITKImageThresholdCalculator.METHOD_SHANBHAG,
    "triangle": vtkITKImageThresholdCalculator.METHOD_TRIANGLE,
    "yen": vtkITKImageThresholdCalculator.METHOD_YEN,
}
# "above": the computed threshold becomes the lower end (the range runs to the maximum);
# "below": the upper end (from the minimum), as Slicer's automatic threshold modes.
AUTO_MODES = ("above", "below")


def checked_range(low: object, high: object) -> tuple[float, float]:
    values = []
    for value in (low, high):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SegmentEditorError("a threshold range is two finite numbers")
        values.append(float(value))
    if values[0] > values[1]:
        raise SegmentEditorError(f"a threshold range goes from low to high, not {values[0]:g} to {values[1]:g}")
    return values[0], values[1]


def threshold_mask(source: np.ndarray, low: float, high: float) -> np.ndarray:
    return (source >= low) & (source <= high)


def intensity_range(editor: SegmentEditor) -> tuple[float, float]:
    source = editor.source_array()
    return float(source.min()), float(source.max())


def auto_threshold(editor: SegmentEditor, method: str, mode: str = "above") -> tuple[float, float]:
    """The range an automatic method gives on the source volume."""
    choice(method, AUTO_METHODS, "the automatic threshold method")
    choice(mode, AUTO_MODES, "the automatic threshold mode")
    calculator = vtkITKImageThresholdCalculator()
    calculator.SetInputData(to_vtk_image(editor.source_array()))
    calculator.SetMethod(AUTO_METHODS[method])
    calculator.Update()
    threshold = float(calculator.GetThreshold())
    low, high = intensity_range(editor)
    return (threshold, high) if mode == "above" else (low, threshold)


def preview(editor: SegmentEditor, low: float, high: float) -> np.ndarray:
    """The voxels the range would select, bool (z, y, x), for the slice views' preview."""
    low, high = checked_range(low, high)
    return threshold_mask(editor.source_array(), low, high)


def apply(editor: SegmentEditor, low: float, high: float) -> int:
    """Set the active segment to the range's voxels (masking honoured); one undo step."""
    mask = preview(editor, low, high)
    return editor.apply_modifier(mask, "set", (0, 0, 0), "Threshold")


def use_as_intensity_mask(editor: SegmentEditor, low: float, high: float) -> None:
    """Make the range the editable intensity range of every later edit (Slicer's 'Use for masking')."""
    low, high = checked_range(low, high)
    masking.set_intensity_mask(editor.node, True, low, high)
