"""DICOM Segmentation objects (pydicom's liver SEGs, BitsAllocated 1, little and big endian) load as
segmentations: their segments' names and count, their recommended colours, and per segment the
voxels pydicom decodes, placed where the frames' positions say."""

from __future__ import annotations

import shutil
from pathlib import Path

import highdicom
import numpy as np
import pydicom
import pytest
from fetch_data import pydicom_test_file

from trame_slicer_app import scene_data
from trame_slicer_app.engine.dicom_seg import cielab_to_rgb, rgb_to_cielab

SEG_FILES = ("liver.dcm", "liver_expb.dcm", "liver_1frame.dcm", "liver_expb_1frame.dcm")
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])


def labelmap_of(segment) -> np.ndarray:
    from slicer import vtkSegmentationConverter
    from vtkmodules.util.numpy_support import vtk_to_numpy

    image = segment.GetRepresentation(vtkSegmentationConverter.GetBinaryLabelmapRepresentationName())
    columns, rows, slices = image.GetDimensions()
    return vtk_to_numpy(image.GetPointData().GetScalars()).reshape(slices, rows, columns), image


@pytest.fixture(scope="module")
def loaded():
    from trame_slicer_app.engine.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    paths = [pydicom_test_file(name) for name in SEG_FILES]
    loadables = scene_data.inspect_paths(paths)
    nodes = scene_data.load_loadables(engine, loadables)
    return {"engine": engine, "loadables": loadables,
            "nodes": {Path(lo["paths"][0]).name: n for lo, n in zip(loadables, nodes, strict=True)}}


def test_each_seg_is_offered_as_a_segmentation(loaded):
    assert [lo["kind"] for lo in loaded["loadables"]] == ["segmentation"] * len(SEG_FILES)
    assert all(lo["detail"] == "1 segment: Liver" for lo in loaded["loadables"])


@pytest.mark.parametrize("file_name", SEG_FILES)
def test_segments_names_colours_and_voxels_are_the_seg_s(loaded, file_name):
    source = pydicom.dcmread(pydicom_test_file(file_name))
    node = loaded["engine"].scene.GetNodeByID(loaded["nodes"][file_name]["node_id"])
    assert loaded["nodes"][file_name]["kind"] == "segmentation"
    segmentation = node.GetSegmentation()
    assert segmentation.GetNumberOfSegments() == len(source.SegmentSequence)
    frames = int(source.get("NumberOfFrames", 1))
    pixels = source.pixel_array.reshape(frames, source.Rows, source.Columns)
    per_frame = source.PerFrameFunctionalGroupsSequence[:frames]
    for index, item in enumerate(source.SegmentSequence):
        segment = segmentation.GetNthSegment(index)
        assert segment.GetName() == item.SegmentLabel
        expected = np.array(highdicom.color.CIELabColor(
            *_lab(item.RecommendedDisplayCIELabValue)).to_rgb()) / 255.0
        assert segment.GetColor() == pytest.approx(expected, abs=1.5 / 255)
        mine = [f for f in range(frames)
                if per_frame[f].SegmentIdentificationSequence[0].ReferencedSegmentNumber == item.SegmentNumber]
        voxels, image = labelmap_of(segment)
        assert int(voxels.sum()) == int(pixels[mine].sum())
        # Frame by frame, slice by slice: the frames are stacked in the order of their positions.
        positions = [float(per_frame[f].PlanePositionSequence[0].ImagePositionPatient[2]) for f in mine]
        for slice_index, frame in enumerate(np.array(mine)[np.argsort(positions)]):
            assert np.array_equal(voxels[slice_index], pixels[frame] > 0)
        first = min(mine, key=lambda f: positions[mine.index(f)])
        origin_lps = np.array([float(v) for v in per_frame[first].PlanePositionSequence[0].ImagePositionPatient])
        assert image.GetOrigin() == pytest.approx(LPS_TO_RAS @ origin_lps, abs=1e-3)
        spacing = source.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing
        assert image.GetSpacing()[:2] == pytest.approx([float(spacing[1]), float(spacing[0])], abs=1e-4)


def _lab(dicom_value):
    l_scaled, a_scaled, b_scaled = dicom_value
    return l_scaled * 100.0 / 65535.0, a_scaled * 255.0 / 65535.0 - 128.0, b_scaled * 255.0 / 65535.0 - 128.0


def test_colours_go_to_rgb_and_back():
    for rgb in [(1.0, 0.0, 0.0), (0.2, 0.6, 0.3), (0.8666, 0.5098, 0.3961)]:
        assert cielab_to_rgb(rgb_to_cielab(rgb)) == pytest.approx(rgb, abs=2 / 255)


def test_a_cut_short_seg_is_refused_with_a_reason(tmp_path):
    source = pydicom_test_file("liver.dcm")
    cut = tmp_path / "liver_cut.dcm"
    data = source.read_bytes()
    cut.write_bytes(data[: len(data) - 40_000])
    with pytest.raises(scene_data.DataError) as error:
        scene_data.inspect_paths([cut])
    assert "liver_cut.dcm" in str(error.value)
    assert "cut short" in str(error.value) or "damaged" in str(error.value)
    shutil.rmtree(tmp_path, ignore_errors=True)
