"""Threshold's live preview in the slice views: the voxels within the range, drawn over each slice.

As Slicer's Threshold effect does it: each slice view thresholds what its background layer already
resliced for the screen (the slice's own pixels, not the whole volume), maps it to the active segment's
colour and draws it over the slice. A range change only re-runs that per-view threshold, so the preview
follows the slider at the views' render rate (benchmarks/segment_editor_stroke_benchmark.py).
"""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkLookupTable
from vtkmodules.vtkImagingCore import vtkImageMapToColors as _MapToColors
from vtkmodules.vtkImagingCore import vtkImageThreshold
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkImageMapper

PREVIEW_OPACITY = 0.6


class _ViewPreview:
    def __init__(self, view) -> None:
        self.view = view
        self.threshold = vtkImageThreshold()
        self.threshold.SetInValue(1)
        self.threshold.SetOutValue(0)
        self.threshold.SetOutputScalarTypeToUnsignedChar()
        self.lookup = vtkLookupTable()
        self.lookup.SetNumberOfTableValues(2)
        self.lookup.SetTableRange(0, 1)
        self.lookup.SetTableValue(0, 0.0, 0.0, 0.0, 0.0)
        self.lookup.Build()
        self.colours = _MapToColors()
        self.colours.SetLookupTable(self.lookup)
        self.colours.SetOutputFormatToRGBA()
        self.colours.SetInputConnection(self.threshold.GetOutputPort())
        self.mapper = vtkImageMapper()
        self.mapper.SetColorWindow(255)
        self.mapper.SetColorLevel(127.5)
        self.mapper.SetInputConnection(self.colours.GetOutputPort())
        self.actor = vtkActor2D()
        self.actor.SetMapper(self.mapper)
        self.actor.VisibilityOff()
        view.renderer.AddViewProp(self.actor)

    def show(self, low: float, high: float, colour) -> None:
        reslice = self.view.logic.GetBackgroundLayer().GetReslice()
        self.threshold.SetInputConnection(reslice.GetOutputPort())
        self.threshold.ThresholdBetween(low, high)
        self.lookup.SetTableValue(1, *colour, PREVIEW_OPACITY)
        self.lookup.Modified()
        self.actor.VisibilityOn()
        self.view.request_render()

    def hide(self) -> None:
        if self.actor.GetVisibility():
            self.actor.VisibilityOff()
            self.view.request_render()


class ThresholdPreview:
    """The preview in every slice view; ``show(low, high, colour)`` after each range change."""

    def __init__(self, slice_views) -> None:
        self._views = [_ViewPreview(view) for view in slice_views]
        self.range: tuple[float, float] | None = None

    def show(self, low: float, high: float, colour=(0.3, 0.9, 0.3)) -> None:
        self.range = (float(low), float(high))
        for preview in self._views:
            preview.show(*self.range, colour)

    def hide(self) -> None:
        self.range = None
        for preview in self._views:
            preview.hide()

    @property
    def visible(self) -> bool:
        return self.range is not None
