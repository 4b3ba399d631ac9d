"""Where voxels fall on the 3D view's screen: the camera's projection as plain numpy.

Scissors in the 3D view cut along the view ray (Slicer extrudes the drawn shape from the camera
through the scene, perspective or parallel): a voxel is cut when its centre projects inside the
shape and lies between the camera's near and far clipping planes. Projecting the voxel centres
with the camera's own composite matrix answers that for both projections at once, without building
the extruded solid.

Shapes are kept in normalized viewport coordinates (0..1 across the view, origin bottom left), so a
change of render scale between the press and the release (the streamer renders drags smaller)
cannot move them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .brush_geometry import VoxelGrid
from .plane_polygon import MAX_POLYGON_POINTS, MIN_POLYGON_POINTS, VOXELS_PER_CHUNK, inside_polygon


@dataclass(frozen=True)
class CameraProjection:
    """A snapshot of a renderer's camera: world (RAS) to normalized device coordinates, and its depth axis."""

    world_to_ndc: np.ndarray  # 4x4, VTK's composite projection for the view's aspect
    position: np.ndarray  # the camera's eye, RAS
    direction: np.ndarray  # unit direction of projection (eye -> focal point)
    clipping_range: tuple[float, float]  # near and far, mm from the eye along ``direction``
    aspect: float  # width / height of the view

    @classmethod
    def of_renderer(cls, renderer) -> CameraProjection:
        camera = renderer.GetActiveCamera()
        width, height = renderer.GetSize()
        aspect = width / max(1, height)
        vtk_matrix = camera.GetCompositeProjectionTransformMatrix(aspect, -1.0, 1.0)
        matrix = np.array([[vtk_matrix.GetElement(r, c) for c in range(4)] for r in range(4)])
        position = np.array(camera.GetPosition(), dtype=float)
        direction = np.array(camera.GetFocalPoint(), dtype=float) - position
        direction /= np.linalg.norm(direction)
        near, far = camera.GetClippingRange()
        return cls(matrix, position, direction, (float(near), float(far)), aspect)


def _linear_in_ijk(row: np.ndarray, ks: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """``row`` . (i, j, k, 1) for every voxel of the layers ``ks``: a sum of three broadcast terms, so
    that no array of voxel coordinates is built (a whole-volume cut projects millions of voxels)."""
    return (row[0] * np.arange(columns)[None, None, :] + row[1] * np.arange(rows)[None, :, None]
            + (row[2] * ks + row[3])[:, None, None])


def view_cut_mask(grid: VoxelGrid, shape_uv, camera: CameraProjection) -> np.ndarray:
    """A bool mask of ``grid.shape``: the voxels whose centre projects inside the closed shape (normalized
    viewport points, (N, 2)) and lies between the camera's clipping planes."""
    shape_uv = np.asarray(shape_uv, dtype=float).reshape(-1, 2)
    if not MIN_POLYGON_POINTS <= len(shape_uv) <= MAX_POLYGON_POINTS:
        raise ValueError(f"a shape needs {MIN_POLYGON_POINTS}..{MAX_POLYGON_POINTS} points")
    u_min, v_min = shape_uv.min(axis=0)
    u_max, v_max = shape_uv.max(axis=0)
    # IJK straight to clip coordinates and to depth along the view: both are affine in (i, j, k).
    ijk_to_clip = camera.world_to_ndc @ grid.ijk_to_ras
    depth_row = np.r_[camera.direction @ grid.ijk_to_ras[:3, :3],
                      camera.direction @ (grid.ijk_to_ras[:3, 3] - camera.position)]
    near, far = camera.clipping_range
    depth, rows, columns = grid.shape
    mask = np.zeros(grid.shape, dtype=bool)
    layers = max(1, VOXELS_PER_CHUNK // (rows * columns))
    for k0 in range(0, depth, layers):
        ks = np.arange(k0, min(depth, k0 + layers), dtype=float)
        w = _linear_in_ijk(ijk_to_clip[3], ks, rows, columns)
        along = _linear_in_ijk(depth_row, ks, rows, columns)
        shown = (w > 0) & (along >= near) & (along <= far)
        safe_w = np.where(shown, w, 1.0)
        u = (_linear_in_ijk(ijk_to_clip[0], ks, rows, columns) / safe_w + 1.0) / 2.0
        v = (_linear_in_ijk(ijk_to_clip[1], ks, rows, columns) / safe_w + 1.0) / 2.0
        candidate = shown & (u >= u_min) & (u <= u_max) & (v >= v_min) & (v <= v_max)
        if not candidate.any():
            continue
        chunk = np.zeros(candidate.shape, dtype=bool)
        chunk[candidate] = inside_polygon(u[candidate], v[candidate], shape_uv)
        mask[k0:k0 + len(ks)] = chunk
    return mask
