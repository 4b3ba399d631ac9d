"""The streaming benchmark's made CT: resampled right, and placed where the source was (slicer-core
reads it with the geometry the benchmark meant)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import made_volumes

SOURCE_SPACING = (0.5, 0.75, 2.0)  # i, j, k (mm)
SOURCE_ORIGIN = (10.0, -20.0, 5.0)


def _source(tmp_path: Path) -> Path:
    k, j, i = np.meshgrid(np.arange(4), np.arange(6), np.arange(8), indexing="ij")
    voxels = (100 * k + 10 * j + i).astype(np.int16)  # linear in every axis: trilinear keeps it so
    path = tmp_path / "source.nrrd"
    made_volumes.write_nrrd(path, voxels, np.diag(SOURCE_SPACING), np.array(SOURCE_ORIGIN), "left-posterior-superior")
    return path


def test_a_linear_volume_resamples_to_the_same_ramp_on_the_finer_grid(tmp_path):
    made = made_volumes.large_ct(_source(tmp_path), tmp_path, shape_kji=(8, 12, 16))
    voxels, fields = made_volumes.read_nrrd(made)
    assert voxels.shape == (8, 12, 16) and voxels.dtype == np.int16
    # Inside (away from the clamped edges) each axis' step is half the source's.
    assert np.all(np.abs(np.diff(voxels[:, 5, 7].astype(int))[1:-1] - 50) <= 1)
    assert np.all(np.abs(np.diff(voxels[3, :, 7].astype(int))[1:-1] - 5) <= 1)
    assert fields["sizes"] == "16 12 8"


def test_slicer_core_reads_the_made_volume_over_the_same_extent(tmp_path):
    from slicer import vtkMRMLScalarVolumeNode, vtkMRMLScene, vtkMRMLVolumeArchetypeStorageNode

    made = made_volumes.large_ct(_source(tmp_path), tmp_path, shape_kji=(8, 12, 16))
    scene = vtkMRMLScene()
    node = scene.AddNode(vtkMRMLScalarVolumeNode())
    storage = scene.AddNode(vtkMRMLVolumeArchetypeStorageNode())
    storage.SetFileName(str(made))
    assert storage.ReadData(node)
    assert node.GetImageData().GetDimensions() == (16, 12, 8)
    assert np.allclose(node.GetSpacing(), np.array(SOURCE_SPACING) / 2)
    # Voxel edges stay put: the first voxel's outer edge is the source's, in every axis.
    bounds = [0.0] * 6
    node.GetRASBounds(bounds)
    expected = []
    for axis, (origin, spacing, n) in enumerate(zip(SOURCE_ORIGIN, SOURCE_SPACING, (8, 6, 4), strict=True)):
        low, high = origin - spacing / 2, origin + spacing * (n - 0.5)
        if axis < 2:  # LPS on disk, RAS in the scene
            low, high = -high, -low
        expected += [low, high]
    assert np.allclose(bounds, expected)
