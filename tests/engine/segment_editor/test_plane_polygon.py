"""Polygons on a slice plane against voxels counted independently, on an anisotropic grid."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trame_slicer_app.engine.segment_editor.brush_geometry import VoxelGrid
from trame_slicer_app.engine.segment_editor.plane_polygon import PlaneAxes, band_mask, polygon_mask

SPACING = (0.5, 0.8, 2.0)


def a_grid(shape=(12, 40, 50)) -> VoxelGrid:
    matrix = np.diag([*SPACING, 1.0])
    matrix[:3, 3] = (1.0, 2.0, 3.0)
    return VoxelGrid(matrix, shape)


def ras(grid, k, j, i) -> np.ndarray:
    return (grid.ijk_to_ras @ np.array([i, j, k, 1.0]))[:3]


def cross_2d(d, e) -> float:
    return float(d[0] * e[1] - d[1] * e[0])


def an_axial_plane(grid, k) -> PlaneAxes:
    return PlaneAxes(ras(grid, k, 0, 0), (1, 0, 0), (0, 1, 0))


def test_a_rectangle_on_an_axial_slice_fills_exactly_its_voxels_of_that_slice():
    grid = a_grid()
    corners = [ras(grid, 5, 10, 10), ras(grid, 5, 10, 30), ras(grid, 5, 20, 30), ras(grid, 5, 20, 10)]
    # Corners a little outside voxel centres so the edges fall between voxels.
    shift = np.array([0.5 * SPACING[0], 0.5 * SPACING[1], 0.0])
    corners = [c + np.sign(c - np.mean(corners, axis=0)) * shift for c in corners]
    mask = polygon_mask(grid, corners, an_axial_plane(grid, 5), None)
    expected = np.zeros(grid.shape, dtype=bool)
    expected[5, 10:21, 10:31] = True
    np.testing.assert_array_equal(mask, expected)


def test_a_triangle_holds_the_voxels_an_independent_half_plane_test_finds():
    grid = a_grid()
    a, b, c = ras(grid, 3, 2, 2), ras(grid, 3, 35, 5), ras(grid, 3, 8, 45)
    mask = polygon_mask(grid, [a, b, c], an_axial_plane(grid, 3), None)
    inside = np.zeros(grid.shape, dtype=bool)
    on_an_edge = np.zeros(grid.shape, dtype=bool)
    for j in range(grid.shape[1]):
        for i in range(grid.shape[2]):
            p = ras(grid, 3, j, i)[:2]
            signs = [cross_2d(q1[:2] - q0[:2], p - q0[:2]) for q0, q1 in ((a, b), (b, c), (c, a))]
            inside[3, j, i] = all(s > 0 for s in signs) or all(s < 0 for s in signs)
            on_an_edge[3, j, i] = any(abs(s) < 1e-9 for s in signs)
    # Voxel centres exactly on an edge may go either way; every other voxel must agree.
    np.testing.assert_array_equal(mask & ~on_an_edge, inside & ~on_an_edge)
    assert inside.sum() > 200


def test_a_sweep_through_the_whole_volume_fills_every_slice():
    grid = a_grid()
    corners = [ras(grid, 0, 10, 10), ras(grid, 0, 10, 20), ras(grid, 0, 20, 20), ras(grid, 0, 20, 10)]
    mask = polygon_mask(grid, corners, an_axial_plane(grid, 6), (-math.inf, math.inf))
    per_slice = mask.sum(axis=(1, 2))
    assert (per_slice == per_slice[0]).all() and per_slice[0] > 50


def test_a_slice_range_limits_the_sweep_to_its_millimetres():
    grid = a_grid()
    corners = [ras(grid, 6, 10, 10), ras(grid, 6, 10, 20), ras(grid, 6, 20, 20), ras(grid, 6, 20, 10)]
    mask = polygon_mask(grid, corners, an_axial_plane(grid, 6), (0.0, 4.1))  # 2 mm slices: this and 2 above
    assert list(np.nonzero(mask.any(axis=(1, 2)))[0]) == [6, 7, 8]
    band = band_mask(grid, an_axial_plane(grid, 6), (0.0, 4.1))
    assert list(np.nonzero(band.any(axis=(1, 2)))[0]) == [6, 7, 8] and band[6:9].all()


def test_too_few_points_are_refused():
    grid = a_grid()
    with pytest.raises(ValueError):
        polygon_mask(grid, [ras(grid, 0, 0, 0), ras(grid, 0, 1, 1)], an_axial_plane(grid, 0), None)
