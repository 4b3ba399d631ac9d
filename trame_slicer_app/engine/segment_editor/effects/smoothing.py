"""Smoothing of the active segment with Slicer's methods: median, opening (removes extrusions),
closing (fills holes), Gaussian; and joint smoothing of all visible segments together
(joint_smoothing.py, Slicer's surface method).

Kernel sizes are in mm and become an odd number of voxels per axis (at least 1), as in Slicer's
effect; they are bounded by MAX_KERNEL_MM and MAX_KERNEL_VOXELS so that a slip of the slider
cannot start a filter that runs for minutes."""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkImagingGeneral import vtkImageGaussianSmooth, vtkImageMedian3D
from vtkmodules.vtkImagingMorphological import vtkImageOpenClose3D

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from . import joint_smoothing
from .effect_input import active_segment_voxels, choice, size_mm, spacing_xyz
from .vtk_images import run_filter, to_vtk_image

METHODS = ("median", "opening", "closing", "gaussian", "joint")
MAX_KERNEL_MM = 30.0
MAX_KERNEL_VOXELS = 31  # per axis


def kernel_voxels(kernel_mm: float, spacing) -> tuple[int, int, int]:
    """An odd voxel count per axis (x, y, z) covering ``kernel_mm``."""
    sizes = []
    for step in spacing:
        count = int(np.floor(kernel_mm / step / 2.0)) * 2 + 1
        sizes.append(max(1, count))
    if max(sizes) > MAX_KERNEL_VOXELS:
        raise SegmentEditorError(f"a {kernel_mm:g} mm kernel is {max(sizes)} voxels wide, over the limit of "
                                 f"{MAX_KERNEL_VOXELS}: choose a smaller one")
    return tuple(sizes)


def median(mask: np.ndarray, kernel) -> np.ndarray:
    f = vtkImageMedian3D()
    f.SetKernelSize(*kernel)
    return run_filter(f, to_vtk_image(mask)) > 0


def open_close(mask: np.ndarray, kernel, opening: bool) -> np.ndarray:
    f = vtkImageOpenClose3D()
    f.SetKernelSize(*kernel)
    f.SetOpenValue(0 if not opening else 1)
    f.SetCloseValue(1 if not opening else 0)
    # Closing a segment at the volume's edge must not be cut by the border: pad as Slicer does.
    pad = max(kernel)
    padded = np.pad(mask, pad)
    out = run_filter(f, to_vtk_image(padded)) > 0
    return out[pad:-pad, pad:-pad, pad:-pad]


def gaussian(mask: np.ndarray, kernel_mm: float, spacing) -> np.ndarray:
    """Gaussian blur of the mask (standard deviation kernel/2 mm) thresholded at half."""
    f = vtkImageGaussianSmooth()
    f.SetStandardDeviations(*(kernel_mm / 2.0 / s for s in spacing))
    f.SetRadiusFactors(*(min(4.0, MAX_KERNEL_VOXELS / 2.0 / max(1e-6, kernel_mm / 2.0 / s)) for s in spacing))
    blurred = run_filter(f, to_vtk_image(mask.astype(np.float32)))
    return blurred >= 0.5


def smoothed(mask: np.ndarray, method: str, kernel_mm: float, spacing) -> np.ndarray:
    kernel = kernel_voxels(kernel_mm, spacing)
    if method == "median":
        return median(mask, kernel)
    if method in ("opening", "closing"):
        return open_close(mask, kernel, opening=method == "opening")
    return gaussian(mask, kernel_mm, spacing)


def apply(editor: SegmentEditor, method: str, kernel_mm: float,
          joint_factor: float = joint_smoothing.DEFAULT_FACTOR) -> int:
    """Smooth the active segment, or with "joint" every visible segment together by Slicer's method
    (``joint_factor`` 0..1; the kernel is not used: joint_smoothing.py); one undo step."""
    choice(method, METHODS, "the smoothing method")
    if method == "joint":
        return joint_smoothing.apply(editor, joint_factor)
    kernel_mm = size_mm(kernel_mm, "the smoothing kernel", MAX_KERNEL_MM)
    _segment_id, voxels = active_segment_voxels(editor)
    return editor.apply_modifier(smoothed(voxels, method, kernel_mm, spacing_xyz(editor)), "set", (0, 0, 0),
                                 f"Smoothing ({method})")


def reach_voxels(method: str, kernel_mm: float, spacing) -> tuple[int, int, int]:
    """How far (voxels per axis x, y, z) the smoothing of one voxel looks: the margin a box around a
    brush stroke needs so that smoothing the box gives the same voxels there as smoothing the whole
    volume. Opening and closing are two passes of the kernel; the Gaussian reaches its radius."""
    kernel = kernel_voxels(kernel_mm, spacing)
    if method == "gaussian":
        return tuple(MAX_KERNEL_VOXELS // 2 + 1 for _ in spacing)
    passes = 2 if method in ("opening", "closing") else 1
    return tuple(passes * (size // 2) + 1 for size in kernel)


def apply_in_region(editor: SegmentEditor, method: str, kernel_mm: float, region: np.ndarray) -> int:
    """Smooth the active segment inside ``region`` only (a whole-volume bool mask: a brush stroke), as
    Slicer's smoothing brush: the segment is smoothed in the stroke's box grown by the kernel's reach,
    and only the voxels of the stroke take the smoothed value. One undo step."""
    if method == "joint":
        raise SegmentEditorError("the smoothing brush does not do joint smoothing: apply it to the whole "
                                 "segmentation")
    choice(method, METHODS, "the smoothing method")
    kernel_mm = size_mm(kernel_mm, "the smoothing kernel", MAX_KERNEL_MM)
    segment_id, voxels = active_segment_voxels(editor, allow_empty=True)
    if region.shape != voxels.shape:
        raise SegmentEditorError(f"a brush region is {voxels.shape} voxels (z, y, x), not {region.shape}")
    stroke = _bounding_box(region)
    if stroke is None:
        return 0
    spacing = spacing_xyz(editor)
    reach_zyx = tuple(reversed(reach_voxels(method, kernel_mm, spacing)))
    grown = tuple(slice(max(0, s.start - r), min(n, s.stop + r))
                  for s, r, n in zip(stroke, reach_zyx, voxels.shape, strict=True))
    original = voxels[grown]
    result = np.where(region[grown], smoothed(original, method, kernel_mm, spacing), original)
    # Slicer's Set, given a box, replaces the segment's whole mask (voxels outside the box are cleared,
    # measured: docs/decisions/0024): the box set is the union of the stroke's and the segment's boxes.
    box = _union(grown, _bounding_box(voxels))
    written = voxels[box].copy()
    written[tuple(slice(g.start - b.start, g.stop - b.start) for g, b in zip(grown, box, strict=True))] = result
    return editor.apply_modifier(written, "set", tuple(s.start for s in box), f"Smoothing brush ({method})",
                                 segment_id=segment_id)


def _bounding_box(mask: np.ndarray) -> tuple[slice, ...] | None:
    where = [np.nonzero(mask.any(axis=tuple(a for a in range(3) if a != axis)))[0] for axis in range(3)]
    if any(w.size == 0 for w in where):
        return None
    return tuple(slice(int(w[0]), int(w[-1]) + 1) for w in where)


def _union(box: tuple[slice, ...], other: tuple[slice, ...] | None) -> tuple[slice, ...]:
    if other is None:
        return box
    return tuple(slice(min(a.start, b.start), max(a.stop, b.stop)) for a, b in zip(box, other, strict=True))
