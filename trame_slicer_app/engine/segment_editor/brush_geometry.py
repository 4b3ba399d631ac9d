"""Which voxels a paint brush covers: a sphere, or a circle in the slice plane, swept along a stroke.

Pure numpy on a voxel grid given by its IJK-to-RAS matrix and its size, so that it works at any slice
orientation (the grid's axes need not line up with the slice). A stroke is painted as capsules
between consecutive pointer positions (every voxel within the radius of the segment between them),
so a fast drag whose events are far apart leaves no gaps, as Slicer's paint interpolates between
its pointer events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_BRUSH_DIAMETER_MM = 0.01
MAX_BRUSH_DIAMETER_MM = 1000.0


@dataclass(frozen=True)
class VoxelGrid:
    """A labelmap's geometry: ``ijk_to_ras`` (4x4) and ``shape`` in numpy order (k, j, i)."""

    ijk_to_ras: np.ndarray
    shape: tuple[int, int, int]

    @property
    def ras_to_ijk(self) -> np.ndarray:
        return np.linalg.inv(self.ijk_to_ras)

    @property
    def spacing_mm(self) -> np.ndarray:
        return np.linalg.norm(self.ijk_to_ras[:3, :3], axis=0)

    def half_thickness_along(self, normal: np.ndarray) -> float:
        """Half the extent of one voxel along a unit direction: a circle brush paints one voxel
        layer of the slice it is drawn on, whatever the slice's orientation."""
        return 0.5 * float(np.sum(np.abs(normal @ self.ijk_to_ras[:3, :3])))


def voxel_box(grid: VoxelGrid, points_ras: np.ndarray, reach_mm: float) -> tuple[slice, slice, slice] | None:
    """The (k, j, i) slices of the voxels within ``reach_mm`` of the points' bounding box."""
    corners = []
    for dx in (-reach_mm, reach_mm):
        for dy in (-reach_mm, reach_mm):
            for dz in (-reach_mm, reach_mm):
                corners.append(points_ras + np.array([dx, dy, dz]))
    ras = np.vstack(corners)
    ijk = (grid.ras_to_ijk @ np.c_[ras, np.ones(len(ras))].T)[:3].T
    low = np.floor(ijk.min(axis=0)).astype(int)
    high = np.ceil(ijk.max(axis=0)).astype(int) + 1
    size_ijk = np.array(grid.shape[::-1])
    low = np.clip(low, 0, size_ijk)
    high = np.clip(high, 0, size_ijk)
    if np.any(high <= low):
        return None
    return slice(low[2], high[2]), slice(low[1], high[1]), slice(low[0], high[0])


def paint_capsule(
    grid: VoxelGrid,
    mask: np.ndarray,
    start_ras,
    end_ras,
    radius_mm: float,
    plane_normal=None,
) -> bool:
    """Set in ``mask`` (bool, ``grid.shape``) every voxel whose centre lies within ``radius_mm`` of
    the segment start-end. With ``plane_normal`` (the slice's normal) only the voxels of the slice
    plane: a circle brush. Returns whether any voxel was inside the grid."""
    start = np.asarray(start_ras, dtype=float)
    end = np.asarray(end_ras, dtype=float)
    box = voxel_box(grid, np.vstack([start, end]), radius_mm)
    if box is None:
        return False
    ks, js, is_ = (np.arange(s.start, s.stop) for s in box)
    kk, jj, ii = np.meshgrid(ks, js, is_, indexing="ij")
    ijk = np.stack([ii, jj, kk], axis=-1).astype(float)
    centres = ijk @ grid.ijk_to_ras[:3, :3].T + grid.ijk_to_ras[:3, 3]
    axis = end - start
    length_sq = float(axis @ axis)
    offsets = centres - start
    if length_sq > 0:
        t = np.clip(offsets @ axis / length_sq, 0.0, 1.0)
        offsets = offsets - t[..., None] * axis
    if plane_normal is None:
        inside = np.einsum("...i,...i->...", offsets, offsets) <= radius_mm * radius_mm
    else:
        normal = np.asarray(plane_normal, dtype=float)
        normal = normal / np.linalg.norm(normal)
        along = offsets @ normal
        in_plane = offsets - along[..., None] * normal
        inside = (np.einsum("...i,...i->...", in_plane, in_plane) <= radius_mm * radius_mm) & (
            np.abs(along) <= grid.half_thickness_along(normal) + 1e-6
        )
    mask[box] |= inside
    return True
