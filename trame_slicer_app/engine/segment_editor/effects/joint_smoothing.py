"""Joint smoothing of every visible segment at once, by the method of Slicer's Smoothing effect
(SegmentEditorSmoothingEffect.smoothMultipleSegments), on VTK's filters as Slicer runs them:

1. the visible segments merged into one label map (segment n of the visible ones -> label n; a
   later segment wins where they overlap), over their union's box grown by one voxel;
2. one surface for all labels (vtkDiscreteMarchingCubes, in voxel units), so that neighbouring
   segments share their boundary's points and move together;
3. Taubin low-pass smoothing of that surface (vtkWindowedSincPolyDataFilter, 100 iterations, pass
   band 10^(-4 x factor): factor 0 keeps it, 1 smooths most);
4. each label's cells rasterised back into a mask (vtkPolyDataToImageStencil), and each segment
   set to its mask in turn with "overwrite visible segments", as Slicer does: a voxel two masks
   claim goes to the later segment, hidden segments keep every voxel.

The whole is one undo step; masking (editable area, intensity range) is honoured as in Slicer."""

from __future__ import annotations

import math

import numpy as np
from vtkmodules.vtkCommonCore import VTK_UNSIGNED_CHAR
from vtkmodules.vtkCommonDataModel import vtkDataObject, vtkDataSetAttributes, vtkImageData
from vtkmodules.vtkFiltersCore import vtkThreshold, vtkWindowedSincPolyDataFilter
from vtkmodules.vtkFiltersGeneral import vtkDiscreteMarchingCubes
from vtkmodules.vtkFiltersGeometry import vtkGeometryFilter
from vtkmodules.vtkImagingStencil import vtkImageStencil, vtkPolyDataToImageStencil

from .. import masking
from ..errors import SegmentEditorError
from ..long_edit import LongEdit
from ..segment_editor import SegmentEditor
from ..segment_list import is_locked, segment_ids
from .vtk_images import from_vtk_image, to_vtk_image

DEFAULT_FACTOR = 0.5  # Slicer's default "smoothing factor" of joint smoothing
SMOOTHING_ITERATIONS = 100  # Slicer's: more than VTK's suggested 10-20, against shrinking


def pass_band(factor: float) -> float:
    """Slicer's mapping of the 0..1 smoothing factor onto the filter's pass band (1 .. 0.0001)."""
    return 10.0 ** (-4.0 * factor)


def checked_factor(factor: object) -> float:
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not math.isfinite(factor) \
            or not 0.0 <= factor <= 1.0:
        raise SegmentEditorError("the joint smoothing factor is a number from 0 to 1")
    return float(factor)


def visible_segment_ids(editor: SegmentEditor) -> list[str]:
    segmentation, _volume = editor.require()
    display = segmentation.GetDisplayNode()
    ids = [sid for sid in segment_ids(segmentation) if display.GetSegmentVisibility(sid)]
    if not ids:
        raise SegmentEditorError("joint smoothing needs at least one visible segment")
    for sid in ids:
        segment = segmentation.GetSegmentation().GetSegment(sid)
        if is_locked(segment):
            raise SegmentEditorError(f"segment {segment.GetName()!r} is locked: unlock it or hide it to "
                                     f"smooth the visible segments together")
    return ids


def merged_labels(masks: list[np.ndarray]) -> tuple[np.ndarray, tuple[int, int, int]] | None:
    """The masks as one label map (mask n -> n + 1, later ones on top) over their union's bounding
    box grown by one voxel on each side (beyond the volume where the union touches its edge, so
    that every surface closes); with the box's corner (z, y, x), which may be -1. None: all empty."""
    union = np.zeros(masks[0].shape, bool)
    for mask in masks:
        union |= mask
    where = np.nonzero(union)
    if where[0].size == 0:
        return None
    low = [int(a.min()) for a in where]
    high = [int(a.max()) + 1 for a in where]
    box = tuple(slice(lo, hi) for lo, hi in zip(low, high, strict=True))
    labels = np.zeros(tuple(hi - lo for lo, hi in zip(low, high, strict=True)), np.int16)
    for index, mask in enumerate(masks):
        labels[mask[box]] = index + 1
    return np.pad(labels, 1), (low[0] - 1, low[1] - 1, low[2] - 1)


def smoothed_label_masks(labels: np.ndarray, count: int, factor: float) -> list[np.ndarray]:
    """Slicer's surface pipeline on a label map in voxel units: one bool mask per label 1..count."""
    image = to_vtk_image(labels)  # spacing 1, origin 0: smoothing in voxel space, as Slicer does
    surface = vtkDiscreteMarchingCubes()
    surface.SetInputData(image)
    surface.SetNumberOfContours(count)
    for index in range(count):
        surface.SetValue(index, index + 1)
    smoother = vtkWindowedSincPolyDataFilter()
    smoother.SetInputConnection(surface.GetOutputPort())
    smoother.SetNumberOfIterations(SMOOTHING_ITERATIONS)
    smoother.BoundarySmoothingOff()
    smoother.FeatureEdgeSmoothingOff()
    smoother.SetFeatureAngle(90.0)
    smoother.SetPassBand(pass_band(factor))
    smoother.NonManifoldSmoothingOn()
    smoother.NormalizeCoordinatesOn()
    one_label = vtkThreshold()
    one_label.SetInputConnection(smoother.GetOutputPort())
    # the marching cubes write each triangle's label as a cell scalar
    one_label.SetInputArrayToProcess(0, 0, 0, vtkDataObject.FIELD_ASSOCIATION_CELLS, vtkDataSetAttributes.SCALARS)
    one_label.SetThresholdFunction(vtkThreshold.THRESHOLD_BETWEEN)
    polydata = vtkGeometryFilter()
    polydata.SetInputConnection(one_label.GetOutputPort())
    to_stencil = vtkPolyDataToImageStencil()
    to_stencil.SetInputConnection(polydata.GetOutputPort())
    to_stencil.SetOutputSpacing(1.0, 1.0, 1.0)
    to_stencil.SetOutputOrigin(0.0, 0.0, 0.0)
    to_stencil.SetOutputWholeExtent(image.GetExtent())
    empty = vtkImageData()
    empty.SetExtent(image.GetExtent())
    empty.AllocateScalars(VTK_UNSIGNED_CHAR, 1)
    empty.GetPointData().GetScalars().Fill(0)
    stencil = vtkImageStencil()
    stencil.SetInputData(empty)
    stencil.SetStencilConnection(to_stencil.GetOutputPort())
    stencil.ReverseStencilOn()
    stencil.SetBackgroundValue(1)  # reversed: inside the surface becomes the background value, 1
    masks = []
    for label in range(1, count + 1):
        one_label.SetLowerThreshold(label)
        one_label.SetUpperThreshold(label)
        stencil.Update()
        masks.append(from_vtk_image(stencil.GetOutput()) > 0)
    return masks


def prepare(editor: SegmentEditor, factor: float = DEFAULT_FACTOR) -> LongEdit:
    """The joint smoothing as a long edit (long_edit.py): the visible segments' voxels are read now
    (copies), merged and smoothed in ``compute`` (no scene object touched), applied by ``finish``."""
    factor = checked_factor(factor)
    ids = visible_segment_ids(editor)
    masks = [editor.segment_array(sid) for sid in ids]  # copies of the label maps, read on the loop
    if not any(mask.any() for mask in masks):
        raise SegmentEditorError("the visible segments are empty: paint or threshold something first")

    def compute() -> tuple[list[np.ndarray], tuple[int, int, int]]:
        labels, corner = merged_labels(masks)
        return smoothed_label_masks(labels, len(ids), factor), corner

    return LongEdit("Joint smoothing", compute, lambda result: apply_masks(editor, ids, *result))


def apply_masks(editor: SegmentEditor, ids: list[str], masks: list[np.ndarray], corner) -> int:
    """Each segment set to its smoothed mask inside the merged box, as Slicer does; one undo step."""
    node = editor.node
    overwrite = node.GetOverwriteMode()
    changed = 0
    try:
        node.SetOverwriteMode(masking.OVERWRITE_MODES["visible"])
        with editor.one_step("Joint smoothing"):
            for sid, mask in zip(ids, masks, strict=True):
                # "set" inside the merged box: the segment becomes its smoothed mask there (and the
                # box holds all of it), taking its voxels from the other visible segments
                changed += editor.apply_modifier(mask, "set", corner, segment_id=sid)
    finally:
        node.SetOverwriteMode(overwrite)
    return changed


def apply(editor: SegmentEditor, factor: float = DEFAULT_FACTOR) -> int:
    """Smooth every visible segment together, here and now (on the caller's thread); one undo step.
    Returns how many voxels changed. The panel runs ``prepare``'s computation in a worker instead."""
    edit = prepare(editor, factor)
    return edit.finish(edit.compute())
