"""The brush's voxels against distances computed independently from voxel indices and spacings."""

from __future__ import annotations

import numpy as np

from trame_slicer_app.engine.segment_editor.brush_geometry import VoxelGrid, paint_capsule

SPACING = (0.5, 0.7, 2.0)  # i, j, k in mm: anisotropic, as a CT is


def a_grid(shape=(20, 60, 50), rotation=None) -> VoxelGrid:
    matrix = np.eye(4)
    matrix[:3, :3] = np.diag(SPACING) if rotation is None else rotation @ np.diag(SPACING)
    matrix[:3, 3] = (-10.0, 5.0, 3.0)
    return VoxelGrid(matrix, shape)


def distance_mm(shape, kji, spacing_kji) -> np.ndarray:
    """Every voxel's distance to voxel ``kji``, from index differences times spacing."""
    grids = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    return np.sqrt(sum(((g - c) * s) ** 2 for g, c, s in zip(grids, kji, spacing_kji, strict=True)))


def centre_ras(grid: VoxelGrid, kji) -> np.ndarray:
    k, j, i = kji
    return (grid.ijk_to_ras @ np.array([i, j, k, 1.0]))[:3]


def test_a_sphere_brush_paints_every_voxel_within_its_radius_and_no_other():
    grid = a_grid()
    mask = np.zeros(grid.shape, dtype=bool)
    assert paint_capsule(grid, mask, centre_ras(grid, (10, 30, 25)), centre_ras(grid, (10, 30, 25)), 4.0)
    np.testing.assert_array_equal(mask, distance_mm(grid.shape, (10, 30, 25), SPACING[::-1]) <= 4.0)


def test_a_circle_brush_paints_one_voxel_layer_of_the_slice():
    grid = a_grid()
    mask = np.zeros(grid.shape, dtype=bool)
    centre = centre_ras(grid, (7, 30, 25))
    paint_capsule(grid, mask, centre, centre, 6.0, plane_normal=(0, 0, 1))
    assert mask[7].any()
    assert not mask[:7].any() and not mask[8:].any()
    np.testing.assert_array_equal(mask[7], distance_mm(grid.shape[1:], (30, 25), SPACING[1::-1]) <= 6.0)


def test_a_fast_stroke_leaves_no_gap_between_two_far_pointer_events():
    grid = a_grid()
    mask = np.zeros(grid.shape, dtype=bool)
    start, end = centre_ras(grid, (7, 10, 5)), centre_ras(grid, (7, 50, 45))
    paint_capsule(grid, mask, start, end, 1.5, plane_normal=(0, 0, 1))
    # Every voxel on the straight line between the two events is painted.
    for t in np.linspace(0, 1, 200):
        j, i = np.rint(np.array([10, 5]) + t * np.array([40, 40])).astype(int)
        assert mask[7, j, i]


def test_a_circle_on_an_oblique_grid_still_paints_one_layer_along_the_normal():
    angle = np.radians(30)
    rotation = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    grid = a_grid(rotation=rotation)
    mask = np.zeros(grid.shape, dtype=bool)
    centre = centre_ras(grid, (5, 30, 25))
    paint_capsule(grid, mask, centre, centre, 5.0, plane_normal=(0, 0, 1))
    assert mask[5].sum() > 50
    assert mask.sum() == mask[5].sum()


def test_a_brush_outside_the_grid_paints_nothing():
    grid = a_grid()
    mask = np.zeros(grid.shape, dtype=bool)
    assert not paint_capsule(grid, mask, (1000.0, 0, 0), (1000.0, 0, 0), 3.0)
    assert not mask.any()
