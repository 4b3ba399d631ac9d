"""numpy (z, y, x) arrays as VTK images for Slicer's image filters, and back.

The filters see the voxel spacing (their sizes are in mm) but not the volume's direction: the
segmentation's voxel grid is the source volume's, so the arrays need no resampling.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonDataModel import vtkImageData


def to_vtk_image(array: np.ndarray, spacing_xyz: Sequence[float] = (1.0, 1.0, 1.0)) -> vtkImageData:
    """A VTK image holding a copy of ``array`` (bool becomes unsigned char 0/1)."""
    if array.dtype == bool:
        array = array.astype(np.uint8)
    array = np.ascontiguousarray(array)
    image = vtkImageData()
    nz, ny, nx = array.shape
    image.SetDimensions(nx, ny, nz)
    image.SetSpacing(*(float(s) for s in spacing_xyz))
    scalars = numpy_support.numpy_to_vtk(array.ravel(), deep=True)
    image.GetPointData().SetScalars(scalars)
    return image


def from_vtk_image(image) -> np.ndarray:
    """A filter's output as a (z, y, x) array (a copy, so the filter may be freed)."""
    nx, ny, nz = image.GetDimensions()
    return numpy_support.vtk_to_numpy(image.GetPointData().GetScalars()).reshape(nz, ny, nx).copy()


def run_filter(vtk_filter, *inputs) -> np.ndarray:
    for port, image in enumerate(inputs):
        vtk_filter.SetInputData(port, image)
    vtk_filter.Update()
    return from_vtk_image(vtk_filter.GetOutput())
