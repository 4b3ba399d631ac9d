"""Which voxels a polygon drawn on a slice covers: in that slice (Draw, Level tracing, 2D Scissors),
or swept along the slice normal through a range or the whole volume (3D Scissors).

The polygon is given in RAS, on a slice plane of any orientation; voxel centres are projected onto the
plane's own 2D axes and tested with the even-odd rule, as a stencil of the polygon would be.
"""

from __future__ import annotations

import math

import numpy as np

from .brush_geometry import VoxelGrid, voxel_box

MIN_POLYGON_POINTS = 3
MAX_POLYGON_POINTS = 20000
# Voxels examined at once: bounds the temporary arrays of a sweep through a large volume.
VOXELS_PER_CHUNK = 2_000_000


class PlaneAxes:
    """A slice plane: an origin, two in-plane unit axes and the unit normal (from SliceToRAS)."""

    def __init__(self, origin_ras, u_axis, v_axis) -> None:
        self.origin = np.asarray(origin_ras, dtype=float)
        u = np.asarray(u_axis, dtype=float)
        self.u = u / np.linalg.norm(u)
        v = np.asarray(v_axis, dtype=float)
        v = v - (v @ self.u) * self.u
        self.v = v / np.linalg.norm(v)
        self.normal = np.cross(self.u, self.v)

    def to_plane(self, points_ras: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(s, t, along): in-plane coordinates and the signed distance along the normal, in mm."""
        offsets = points_ras - self.origin
        return offsets @ self.u, offsets @ self.v, offsets @ self.normal


def inside_polygon(s: np.ndarray, t: np.ndarray, polygon_st: np.ndarray) -> np.ndarray:
    """Even-odd rule: a point is inside when a ray from it crosses the polygon's edges an odd number of times."""
    inside = np.zeros(s.shape, dtype=bool)
    s0, t0 = polygon_st[-1]
    for s1, t1 in polygon_st:
        if t0 != t1:
            crosses = (t1 > t) != (t0 > t)
            s_at = s1 + (t - t1) * (s0 - s1) / (t0 - t1)
            inside ^= crosses & (s < s_at)
        s0, t0 = s1, t1
    return inside


def polygon_mask(
    grid: VoxelGrid,
    polygon_ras,
    plane: PlaneAxes,
    along_range_mm: tuple[float, float] | None,
) -> np.ndarray:
    """A bool mask of ``grid.shape``: the voxels whose centre projects inside the polygon and lies within
    ``along_range_mm`` of the plane (None: the voxel layer of the plane itself; use (-inf, inf) for the
    whole volume)."""
    points = np.asarray(polygon_ras, dtype=float).reshape(-1, 3)
    if not MIN_POLYGON_POINTS <= len(points) <= MAX_POLYGON_POINTS:
        raise ValueError(f"a polygon needs {MIN_POLYGON_POINTS}..{MAX_POLYGON_POINTS} points")
    s_poly, t_poly, _ = plane.to_plane(points)
    polygon_st = np.c_[s_poly, t_poly]
    if along_range_mm is None:
        half = grid.half_thickness_along(plane.normal) + 1e-6
        along_range_mm = (-half, half)
    low, high = along_range_mm
    mask = np.zeros(grid.shape, dtype=bool)
    reach = max(abs(low), abs(high))
    if math.isfinite(reach):  # only the voxels near the polygon can be inside
        box = voxel_box(grid, points, reach)
        if box is None:
            return mask
    else:
        box = tuple(slice(0, n) for n in grid.shape)
    k_box, j_box, i_box = box
    rows, columns = j_box.stop - j_box.start, i_box.stop - i_box.start
    layers = max(1, VOXELS_PER_CHUNK // (rows * columns))
    jj, ii = np.meshgrid(np.arange(j_box.start, j_box.stop), np.arange(i_box.start, i_box.stop), indexing="ij")
    s_min, s_max = s_poly.min(), s_poly.max()
    t_min, t_max = t_poly.min(), t_poly.max()
    for k0 in range(k_box.start, k_box.stop, layers):
        ks = np.arange(k0, min(k_box.stop, k0 + layers))
        ijk = np.stack([np.broadcast_to(ii, (len(ks), rows, columns)),
                        np.broadcast_to(jj, (len(ks), rows, columns)),
                        np.broadcast_to(ks[:, None, None], (len(ks), rows, columns))], axis=-1).astype(float)
        centres = ijk @ grid.ijk_to_ras[:3, :3].T + grid.ijk_to_ras[:3, 3]
        s, t, along = plane.to_plane(centres)
        candidate = (along >= low) & (along <= high) & (s >= s_min) & (s <= s_max) & (t >= t_min) & (t <= t_max)
        if not candidate.any():
            continue
        chunk = np.zeros(candidate.shape, dtype=bool)
        chunk[candidate] = inside_polygon(s[candidate], t[candidate], polygon_st)
        mask[ks[0]:ks[-1] + 1, j_box, i_box] = chunk
    return mask


def band_mask(grid: VoxelGrid, plane: PlaneAxes, along_range_mm: tuple[float, float] | None) -> np.ndarray:
    """Every voxel within the range along the normal (None: the plane's voxel layer): what "outside the
    shape" is taken from."""
    if along_range_mm is None:
        half = grid.half_thickness_along(plane.normal) + 1e-6
        along_range_mm = (-half, half)
    low, high = along_range_mm
    depth, rows, columns = grid.shape
    kk, jj, ii = np.meshgrid(np.arange(depth), np.arange(rows), np.arange(columns), indexing="ij")
    centres = np.stack([ii, jj, kk], axis=-1).astype(float) @ grid.ijk_to_ras[:3, :3].T + grid.ijk_to_ras[:3, 3]
    along = (centres - plane.origin) @ plane.normal
    return (along >= low) & (along <= high)
