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

    def to_viewport(self, points_ras: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(u, v, in_front): normalized viewport coordinates of RAS points (..., 3), and whether each
        lies between the clipping planes (only those are drawn, so only those can be cut)."""
        homogeneous = points_ras @ self.world_to_ndc[:3, :3].T + self.world_to_ndc[:3, 3]
        w = points_ras @ self.world_to_ndc[3, :3] + self.world_to_ndc[3, 3]
        safe_w = np.where(np.abs(w) < 1e-12, 1e-12, w)
        u = (homogeneous[..., 0] / safe_w + 1.0) / 2.0
        v = (homogeneous[..., 1] / safe_w + 1.0) / 2.0
        depth = (points_ras - self.position) @ self.direction
        near, far = self.clipping_range
        return u, v, (depth >= near) & (depth <= far) & (w > 0)


def view_cut_mask(grid: VoxelGrid, shape_uv, camera: CameraProjection) -> np.ndarray:
    """A bool mask of ``grid.shape``: the voxels whose centre projects inside the closed shape (normalized
    viewport points, (N, 2)) and lies between the camera's clipping planes."""
    shape_uv = np.asarray(shape_uv, dtype=float).reshape(-1, 2)
    if not MIN_POLYGON_POINTS <= len(shape_uv) <= MAX_POLYGON_POINTS:
        raise ValueError(f"a shape needs {MIN_POLYGON_POINTS}..{MAX_POLYGON_POINTS} points")
    u_min, v_min = shape_uv.min(axis=0)
    u_max, v_max = shape_uv.max(axis=0)
    depth, rows, columns = grid.shape
    mask = np.zeros(grid.shape, dtype=bool)
    layers = max(1, VOXELS_PER_CHUNK // (rows * columns))
    jj, ii = np.meshgrid(np.arange(rows), np.arange(columns), indexing="ij")
    for k0 in range(0, depth, layers):
        ks = np.arange(k0, min(depth, k0 + layers))
        ijk = np.stack([np.broadcast_to(ii, (len(ks), rows, columns)),
                        np.broadcast_to(jj, (len(ks), rows, columns)),
                        np.broadcast_to(ks[:, None, None], (len(ks), rows, columns))], axis=-1).astype(float)
        centres = ijk @ grid.ijk_to_ras[:3, :3].T + grid.ijk_to_ras[:3, 3]
        u, v, shown = camera.to_viewport(centres)
        candidate = shown & (u >= u_min) & (u <= u_max) & (v >= v_min) & (v <= v_max)
        if not candidate.any():
            continue
        chunk = np.zeros(candidate.shape, dtype=bool)
        chunk[candidate] = inside_polygon(u[candidate], v[candidate], shape_uv)
        mask[ks[0]:ks[-1] + 1] = chunk
    return mask
