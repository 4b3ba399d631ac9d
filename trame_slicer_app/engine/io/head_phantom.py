"""A CT-like head made in code: the sample shown when no file is given.

Nested ellipsoids in Hounsfield units (air, skin, skull, brain, ventricles,
eyes, a sinus), with a little noise so window/level has something to show.
"""

from __future__ import annotations

import numpy as np

PHANTOM_SHAPE_KJI = (120, 192, 160)  # slices, rows, columns
PHANTOM_SPACING_MM = (1.2, 1.2, 1.5)  # column, row, slice

AIR_HU = -1000
SOFT_TISSUE_HU = 40
BONE_HU = 1200
BRAIN_HU = 35
CSF_HU = 8
EYE_HU = 15


def _ellipsoid(grid, centre, radii) -> np.ndarray:
    z, y, x = grid
    cz, cy, cx = centre
    rz, ry, rx = radii
    return ((z - cz) / rz) ** 2 + ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1.0


def make_head_phantom(seed: int = 7) -> np.ndarray:
    """An int16 array (slices, rows, columns) of HU values, voxel (0,0,0) at
    the right-anterior-inferior corner as LPS-ordered CT is stored."""
    k, j, i = PHANTOM_SHAPE_KJI
    # Work in millimetres so the anatomy keeps its proportions.
    grid = np.ogrid[0:k, 0:j, 0:i]
    z = grid[0] * PHANTOM_SPACING_MM[2]
    y = grid[1] * PHANTOM_SPACING_MM[1]
    x = grid[2] * PHANTOM_SPACING_MM[0]
    mm = (z, y, x)
    centre = (k * PHANTOM_SPACING_MM[2] * 0.5, j * PHANTOM_SPACING_MM[1] * 0.5, i * PHANTOM_SPACING_MM[0] * 0.5)

    volume = np.full(PHANTOM_SHAPE_KJI, AIR_HU, dtype=np.float32)
    volume[_ellipsoid(mm, centre, (85, 110, 90))] = SOFT_TISSUE_HU
    volume[_ellipsoid(mm, centre, (80, 104, 84))] = BONE_HU
    volume[_ellipsoid(mm, centre, (74, 97, 77))] = BRAIN_HU
    cz, cy, cx = centre
    for side in (-1, 1):
        ventricle = (cz + 8, cy + 5, cx + side * 10)
        volume[_ellipsoid(mm, ventricle, (18, 30, 6))] = CSF_HU
        eye = (cz - 35, cy - 88, cx + side * 32)
        volume[_ellipsoid(mm, eye, (12, 12, 12))] = EYE_HU
    volume[_ellipsoid(mm, (cz - 50, cy - 75, cx), (10, 12, 18))] = AIR_HU  # sinus

    rng = np.random.default_rng(seed)
    volume += rng.normal(0.0, 4.0, size=volume.shape).astype(np.float32)
    return volume.astype(np.int16)
