"""A volume node's IJK-to-RAS matrix as a numpy array, for the tests that compare geometries."""

from __future__ import annotations

import numpy as np


def ijk_to_ras(node) -> np.ndarray:
    from vtkmodules.vtkCommonMath import vtkMatrix4x4

    matrix = vtkMatrix4x4()
    node.GetIJKToRASMatrix(matrix)
    return np.array([[matrix.GetElement(r, c) for c in range(4)] for r in range(4)])
