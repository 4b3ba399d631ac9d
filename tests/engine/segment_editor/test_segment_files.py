"""Saving a segmentation, exporting segments as models, segment statistics, on the real CT."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import nibabel
import numpy as np
import pytest
from vtkmodules.vtkIOGeometry import vtkOBJReader, vtkSTLReader

from trame_slicer_app.engine.io.segmentations import load_segmentation
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError
from trame_slicer_app.engine.segment_editor.voxel_grid import whole_segment_mask

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


BOX = (slice(40, 60), slice(90, 130), slice(90, 130))


@pytest.fixture
def two_segments(segments, ct_voxels):
    bone = segments.add_segment("bone")
    mask = np.zeros(ct_voxels.shape, bool)
    mask[BOX] = ct_voxels[BOX] >= 20
    assert mask.sum() > 1000
    segments.apply_modifier(mask, "add")
    empty = segments.add_segment("empty")
    return bone, empty, mask


def test_statistics_against_numpy(segments, two_segments, ct_voxels, a_ct_volume):
    bone, empty, mask = two_segments
    rows = {row["segment_id"]: row for row in segments.statistics()}
    values = ct_voxels[mask].astype(np.float64)
    voxel_mm3 = float(np.prod(a_ct_volume.GetSpacing()))
    assert rows[bone]["voxel_count"] == int(mask.sum())
    assert rows[bone]["volume_mm3"] == pytest.approx(mask.sum() * voxel_mm3)
    assert rows[bone]["volume_cc"] == pytest.approx(mask.sum() * voxel_mm3 / 1000)
    assert rows[bone]["mean"] == pytest.approx(values.mean())
    assert rows[bone]["sd"] == pytest.approx(values.std())
    assert (rows[bone]["min"], rows[bone]["max"]) == (values.min(), values.max())
    assert rows[empty]["voxel_count"] == 0 and rows[empty]["mean"] is None


def test_statistics_as_csv(segments, two_segments):
    table = list(csv.DictReader(io.StringIO(segments.statistics_csv())))
    assert [row["segment"] for row in table] == ["bone", "empty"]
    assert int(table[0]["voxel_count"]) == int(two_segments[2].sum())
    assert table[1]["mean"] == ""


def test_save_as_seg_nrrd_and_open_again(segments, two_segments, an_engine, a_ct_volume, tmp_path):
    bone, _empty, mask = two_segments
    path = Path(segments.save_segmentation(".seg.nrrd", tmp_path))
    assert path.name.endswith(".seg.nrrd") and path.parent == tmp_path
    reopened = load_segmentation(an_engine, path, "reopened")
    assert np.array_equal(whole_segment_mask(reopened, bone, a_ct_volume), mask)


def test_save_as_label_map(segments, two_segments, tmp_path):
    _bone, _empty, mask = two_segments
    path = Path(segments.save_segmentation(".nii.gz", tmp_path))
    labels = np.asarray(nibabel.load(str(path)).dataobj)
    assert labels.shape == tuple(reversed(mask.shape))  # NIfTI is x, y, z
    assert int((labels == 1).sum()) == int(mask.sum())


@pytest.mark.parametrize("file_format, reader, count", [("stl", vtkSTLReader, 2), ("obj", vtkOBJReader, 1)])
def test_export_segments_as_models(segments, two_segments, tmp_path, file_format, reader, count):
    """STL: one file per segment; OBJ: one file holding every segment (with its .mtl colours)."""
    segments.apply_modifier(np.ones((5, 5, 5), bool), "add", (50, 50, 50))  # the empty one gets voxels
    files = [Path(f) for f in segments.export_models(tmp_path, file_format)]
    assert [f.suffix for f in files if f.suffix == f".{file_format}"] == [f".{file_format}"] * count
    for path in files:
        if path.suffix != f".{file_format}":
            continue
        model = reader()
        model.SetFileName(str(path))
        model.Update()
        assert model.GetOutput().GetNumberOfPoints() > 0


def test_bad_file_requests_are_refused(segments, two_segments, tmp_path):
    with pytest.raises(ValueError, match="cannot be saved"):
        segments.save_segmentation(".exe", tmp_path)
    with pytest.raises(SegmentEditorError, match="stl or obj"):
        segments.export_models(tmp_path, "ply")
    with pytest.raises(SegmentEditorError, match="existing folder"):
        segments.export_models(tmp_path / "missing")
