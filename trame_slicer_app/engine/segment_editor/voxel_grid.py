"""Masks in the source volume's voxel grid: numpy (z, y, x) arrays with an offset, and back.

The segmentation is made on the source volume's geometry (segment_list.create_segmentation), so a
segment's label map voxels are the volume's voxels: index (k, j, i) of a mask at offset (oz, oy, ox)
is the volume's IJK voxel (ox + i, oy + j, oz + k). Slicer's shared label maps keep several segments
in one image (a "layer"), each under its own label value; a segment's mask is read from its layer
without copying the layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from slicer import vtkOrientedImageData, vtkSegmentationConverter, vtkSlicerSegmentationsModuleLogic
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonCore import VTK_UNSIGNED_CHAR
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from .errors import SegmentEditorError

LABELMAP = vtkSegmentationConverter.GetBinaryLabelmapRepresentationName()
Box = tuple[tuple[int, int, int], tuple[int, int, int]]  # offset (z, y, x), shape (z, y, x)


def volume_shape(volume) -> tuple[int, int, int]:
    """The volume's voxel grid as (z, y, x)."""
    i, j, k = volume.GetImageData().GetDimensions()
    return (k, j, i)


def image_array(image) -> np.ndarray:
    """The scalars of a VTK image as a writable (z, y, x) view (no copy)."""
    i0, i1, j0, j1, k0, k1 = image.GetExtent()
    scalars = image.GetPointData().GetScalars()
    if scalars is None or i1 < i0 or j1 < j0 or k1 < k0:
        return np.zeros((0, 0, 0), dtype=np.uint8)
    return numpy_support.vtk_to_numpy(scalars).reshape(k1 - k0 + 1, j1 - j0 + 1, i1 - i0 + 1)


def image_offset(image) -> tuple[int, int, int]:
    extent = image.GetExtent()
    return (extent[4], extent[2], extent[0])


def clip_box(offset: Sequence[int], shape: Sequence[int], grid: Sequence[int]) -> Box | None:
    """The part of a box inside a grid of ``grid`` voxels (all z, y, x); None when none is."""
    low = [max(0, int(o)) for o in offset]
    high = [min(int(g), int(o) + int(s)) for o, s, g in zip(offset, shape, grid, strict=True)]
    if any(h <= lo for lo, h in zip(low, high, strict=True)):
        return None
    return tuple(low), tuple(h - lo for lo, h in zip(low, high, strict=True))


def layer_labels(layer, box: Box) -> np.ndarray:
    """A copy of a label map layer's values inside ``box`` (0 where the layer does not reach)."""
    (oz, oy, ox), shape = box
    voxels = image_array(layer)
    labels = np.zeros(shape, dtype=voxels.dtype if voxels.size else np.uint8)
    if voxels.size == 0:
        return labels
    lz, ly, lx = image_offset(layer)
    low = (max(oz, lz), max(oy, ly), max(ox, lx))
    corners = zip((oz, oy, ox), shape, (lz, ly, lx), voxels.shape, strict=True)
    high = tuple(min(o + s, lo + n) for o, s, lo, n in corners)
    if any(h <= lo for lo, h in zip(low, high, strict=True)):
        return labels
    in_box = tuple(slice(lo - o, h - o) for lo, h, o in zip(low, high, (oz, oy, ox), strict=True))
    in_layer = tuple(slice(lo - o, h - o) for lo, h, o in zip(low, high, (lz, ly, lx), strict=True))
    labels[in_box] = voxels[in_layer]
    return labels


def layer_key(layer) -> str:
    """A layer's identity (its C++ address: Python wrappers of one layer come and go)."""
    return layer.GetAddressAsString("vtkObject")


def segment_mask(segmentation_node, segment_id: str, box: Box) -> np.ndarray:
    """A segment's voxels inside ``box`` as a bool (z, y, x) array (False where its layer ends)."""
    segment = segmentation_node.GetSegmentation().GetSegment(segment_id)
    layer = segment.GetRepresentation(LABELMAP) if segment is not None else None
    if layer is None:
        return np.zeros(box[1], dtype=bool)
    # Label values start at 1: the zeros layer_labels puts where the layer ends are never the segment.
    return layer_labels(layer, box) == segment.GetLabelValue()


def whole_segment_mask(segmentation_node, segment_id: str, volume) -> np.ndarray:
    """A segment's voxels over the whole source volume, as a bool (z, y, x) array."""
    return segment_mask(segmentation_node, segment_id, ((0, 0, 0), volume_shape(volume)))


def oriented_mask(volume, mask: np.ndarray, offset: Sequence[int]) -> vtkOrientedImageData:
    """A uint8 0/1 image on the volume's geometry holding ``mask`` at ``offset`` (z, y, x)."""
    image = vtkOrientedImageData()
    ijk_to_ras = vtkMatrix4x4()
    volume.GetIJKToRASMatrix(ijk_to_ras)
    image.SetImageToWorldMatrix(ijk_to_ras)
    oz, oy, ox = (int(o) for o in offset)
    nz, ny, nx = mask.shape
    image.SetExtent(ox, ox + nx - 1, oy, oy + ny - 1, oz, oz + nz - 1)
    image.AllocateScalars(VTK_UNSIGNED_CHAR, 1)
    image_array(image)[...] = mask.astype(np.uint8)
    return image


def extent_of(offset: Sequence[int], shape: Sequence[int]) -> tuple[int, int, int, int, int, int]:
    oz, oy, ox = (int(o) for o in offset)
    nz, ny, nx = (int(s) for s in shape)
    return (ox, ox + nx - 1, oy, oy + ny - 1, oz, oz + nz - 1)


def write_segment_mask(segmentation_node, volume, segment_id: str, offset: Sequence[int], mask: np.ndarray) -> None:
    """Make the segment exactly ``mask`` inside the box at ``offset``, unchanged outside it (no
    masking: this is undo and redo).

    Fast path: when the box lies inside the segment's layer and the voxels it gains are free in that
    layer, the layer's voxels are written in place (then the segment is marked modified, as Slicer's
    own numpy helpers do). Otherwise Slicer's writer is used; its replace mode replaces a segment's
    whole mask even when given an extent, so the whole mask is read, patched and written back."""
    segment = segmentation_node.GetSegmentation().GetSegment(segment_id)
    if segment is None:
        raise SegmentEditorError(f"segment {segment_id!r} is no longer in {segmentation_node.GetName()!r}")
    box = clip_box(offset, mask.shape, volume_shape(volume))
    if box is None:
        return
    (bz, by, bx), (nz, ny, nx) = box
    oz, oy, ox = (int(o) for o in offset)
    mask = mask[bz - oz:bz - oz + nz, by - oy:by - oy + ny, bx - ox:bx - ox + nx]
    if _write_in_layer(segment, box, mask):
        return
    whole = whole_segment_mask(segmentation_node, segment_id, volume)
    whole[bz:bz + nz, by:by + ny, bx:bx + nx] = mask
    image = oriented_mask(volume, whole, (0, 0, 0))
    ok = vtkSlicerSegmentationsModuleLogic.SetBinaryLabelmapToSegment(
        image, segmentation_node, segment_id, vtkSlicerSegmentationsModuleLogic.MODE_REPLACE, image.GetExtent())
    if not ok:
        raise SegmentEditorError(f"could not write segment {segment_id!r}")


def _write_in_layer(segment, box: Box, mask: np.ndarray) -> bool:
    """Write ``mask`` into the segment's shared layer in place; False (nothing written) when the
    box leaves the layer or a voxel to gain belongs to another segment of the layer."""
    layer = segment.GetRepresentation(LABELMAP)
    if layer is None:
        return False
    voxels = image_array(layer)
    (oz, oy, ox), shape = box
    lz, ly, lx = image_offset(layer)
    start = (oz - lz, oy - ly, ox - lx)
    if voxels.size == 0 or any(s < 0 or s + n > limit for s, n, limit in zip(start, shape, voxels.shape, strict=True)):
        return False
    view = voxels[tuple(slice(s, s + n) for s, n in zip(start, shape, strict=True))]
    value = segment.GetLabelValue()
    mine = view == value
    gained = mask & ~mine
    if (view[gained] != 0).any():
        return False
    view[mine & ~mask] = 0
    view[gained] = value
    layer.Modified()
    segment.Modified()
    return True
