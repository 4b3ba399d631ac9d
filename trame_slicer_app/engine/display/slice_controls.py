"""The slice view controller bar: offset slider, orientation, link, show in 3D, fit to window."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slicer import vtkMRMLApplicationLogic, vtkMRMLCrosshairNode, vtkMRMLSliceNode

from ..scene.node_lookup import DisplayControlError, require_bool, require_finite
from ..scene.slicer_engine import SlicerEngine
from ..views.slice_view import SLICE_VIEW_ORIENTATIONS, SliceView

ORIENTATIONS = ("Axial", "Sagittal", "Coronal")
# Back to the view's own orientation (Red axial, Yellow sagittal, Green coronal) after a reformat.
REFORMAT_RESET = "Reformat reset"
# What Slicer's slice node reports when the slice is oblique.
REFORMAT = "Reformat"
# With no volume shown the slider spans this far either side of the current offset
# (as Slicer's Screen Capture module does), so the slice can still be moved.
EMPTY_SLICE_HALF_RANGE_MM = 100.0
EMPTY_SLICE_STEP_MM = 1.0
MAX_ABS_SLICE_OFFSET_MM = 1.0e6


def require_slice_view(engine: SlicerEngine, view_name: str) -> SliceView:
    if not isinstance(view_name, str) or view_name not in engine.slice_views:
        raise DisplayControlError(
            f"no slice view {str(view_name)[:40]!r}; slice views are {', '.join(engine.slice_views)}"
        )
    return engine.slice_views[view_name]


def slice_offset_range_mm(view: SliceView) -> tuple[float, float, float]:
    """(lowest, highest, step) of the offset slider, from the shown volume with the finest
    slice spacing as Slicer's slice controller computes them."""
    bounds = [0.0, -1.0, 0.0, -1.0, 0.0, -1.0]
    view.logic.GetLowestVolumeSliceBounds(bounds)
    if bounds[4] >= bounds[5]:  # no volume shown
        offset = float(view.logic.GetSliceOffset())
        return offset - EMPTY_SLICE_HALF_RANGE_MM, offset + EMPTY_SLICE_HALF_RANGE_MM, EMPTY_SLICE_STEP_MM
    spacing = view.logic.GetLowestVolumeSliceSpacing()
    step = float(spacing[2]) if spacing and spacing[2] > 0 else EMPTY_SLICE_STEP_MM
    return float(bounds[4]), float(bounds[5]), step


def slice_state(engine: SlicerEngine, view_name: str) -> dict:
    view = require_slice_view(engine, view_name)
    low, high, step = slice_offset_range_mm(view)
    return {
        "offset_mm": float(view.logic.GetSliceOffset()),
        "range_mm": [low, high],
        "step_mm": step,
        "orientation": view.slice_node.GetOrientation(),
        "linked": bool(view.logic.GetSliceCompositeNode().GetLinkedControl()),
        "visible_in_3d": bool(view.slice_node.GetSliceVisible()),
    }


@contextmanager
def _interaction(view: SliceView, flag: int) -> Iterator[None]:
    """Slicer's slice controller edits inside a slice node interaction, so that the slice link
    logic repeats the edit in linked views (offset only in views of the same orientation)."""
    view.logic.StartSliceNodeInteraction(flag)
    try:
        yield
    finally:
        view.logic.EndSliceNodeInteraction()


def set_slice_offset(engine: SlicerEngine, view_name: str, offset_mm: float) -> None:
    """Move the slice along its normal, kept within the slider's range as Slicer's slider keeps it."""
    view = require_slice_view(engine, view_name)
    offset_mm = require_finite(offset_mm, "slice offset (mm)", -MAX_ABS_SLICE_OFFSET_MM, MAX_ABS_SLICE_OFFSET_MM)
    low, high, _ = slice_offset_range_mm(view)
    with _interaction(view, vtkMRMLSliceNode.SliceToRASFlag):
        view.logic.SetSliceOffset(min(max(offset_mm, low), high))


def _ensure_default_orientations(engine: SlicerEngine) -> None:
    # Slicer's layout manager gives each slice node its default orientation; the link logic's
    # orientation reset relies on it.
    for name, view in engine.slice_views.items():
        if not view.slice_node.GetDefaultOrientation():
            view.slice_node.SetDefaultOrientation(SLICE_VIEW_ORIENTATIONS.get(name, "Axial"))


def set_orientation(engine: SlicerEngine, view_name: str, name: str) -> None:
    """Axial, Sagittal, Coronal, or REFORMAT_RESET for the view's default orientation.
    With linked views Slicer's link logic turns the other views too."""
    view = require_slice_view(engine, view_name)
    if name == REFORMAT_RESET:
        _ensure_default_orientations(engine)
        with _interaction(view, vtkMRMLSliceNode.ResetOrientationFlag):
            view.slice_node.SetOrientationToDefault()
        return
    if name not in ORIENTATIONS:
        known = ", ".join([*ORIENTATIONS, REFORMAT_RESET])
        raise DisplayControlError(f"no slice orientation {str(name)[:40]!r}; orientations are {known}")
    with _interaction(view, vtkMRMLSliceNode.OrientationFlag):
        view.slice_node.SetOrientation(name)


def set_linked(engine: SlicerEngine, on: bool) -> None:
    """Link the slice views (Slicer's link button): layers, zoom, orientation, fit and
    show in 3D then apply to all, through Slicer's slice link logic."""
    on = require_bool(on, "link views")
    for view in engine.slice_views.values():
        view.logic.GetSliceCompositeNode().SetLinkedControl(on)


def set_visible_in_3d(engine: SlicerEngine, view_name: str, on: bool) -> None:
    on = require_bool(on, "show in 3D")
    view = require_slice_view(engine, view_name)
    with _interaction(view, vtkMRMLSliceNode.SliceVisibleFlag):
        view.slice_node.SetSliceVisible(on)


def slice_intersections_visible(engine: SlicerEngine) -> bool:
    return bool(engine.app_logic.GetIntersectingSlicesEnabled(vtkMRMLApplicationLogic.IntersectingSlicesVisibility))


def set_slice_intersections_visible(engine: SlicerEngine, on: bool) -> None:
    """Slicer's "Slice intersections" toggle: each slice view draws where the other slice
    planes cut it, in their colours, on every slice display node at once."""
    on = require_bool(on, "slice intersections")
    engine.app_logic.SetIntersectingSlicesEnabled(vtkMRMLApplicationLogic.IntersectingSlicesVisibility, on)
    for view in engine.slice_views.values():
        view.request_render()


def _crosshair(engine: SlicerEngine) -> vtkMRMLCrosshairNode:
    return engine.scene.GetFirstNodeByClass("vtkMRMLCrosshairNode")


def crosshair_visible(engine: SlicerEngine) -> bool:
    return _crosshair(engine).GetCrosshairMode() != vtkMRMLCrosshairNode.NoCrosshair


def set_crosshair_visible(engine: SlicerEngine, on: bool) -> None:
    """Slicer's crosshair toolbar: draw the crosshair (Shift+move places it) in every view, or not.
    Where it is and the slice jumping it drives do not depend on it being drawn."""
    on = require_bool(on, "crosshair")
    _crosshair(engine).SetCrosshairMode(vtkMRMLCrosshairNode.ShowBasic if on else vtkMRMLCrosshairNode.NoCrosshair)


def crosshair_ras(engine: SlicerEngine) -> tuple[float, float, float]:
    return tuple(float(v) for v in _crosshair(engine).GetCrosshairRAS())


def fit_slice_to_window(engine: SlicerEngine, view_name: str) -> None:
    """Fit what the view shows into it (Slicer's "fit to window": FitSliceToAll); with linked
    views the link logic fits the others too."""
    view = require_slice_view(engine, view_name)
    for each in engine.slice_views.values():
        each.logic.ResizeSliceNode(*each.size)  # the link logic fits to each node's own size
    with _interaction(view, vtkMRMLSliceNode.ResetFieldOfViewFlag):
        view.logic.FitSliceToAll()
        view.slice_node.UpdateMatrices()
    view.request_render()
