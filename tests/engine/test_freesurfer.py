"""FreeSurfer volumes: a .mgz opens on nibabel's vox2ras with nibabel's voxels, a 4D one as a sequence,
and an aseg label volume as a segmentation named and coloured from FreeSurfer's colour table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nibabel
import numpy as np
import pytest
from volume_geometry import ijk_to_ras

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io import freesurfer, sequences
from trame_slicer_app.engine.io.volumes import voxel_array

REPO = Path(__file__).resolve().parents[2]
NIBABEL_DATA = Path(nibabel.__file__).parent / "tests" / "data"
ASEG_LABELS = {2: "Left-Cerebral-White-Matter", 17: "Left-Hippocampus", 41: "Right-Cerebral-White-Matter"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    """A 3D .mgz made from nibabel's anatomical test image (oblique affine kept), an aseg-like label
    volume of it, and nibabel's own 4D test.mgz."""
    folder = tmp_path_factory.mktemp("freesurfer")
    anatomical = nibabel.load(str(NIBABEL_DATA / "anatomical.nii"))
    data = np.asarray(anatomical.dataobj).astype(np.float32)
    affine = anatomical.affine.copy()
    affine[:3, :3] = affine[:3, :3] @ np.array([[1, 0, 0], [0, 0.96, -0.28], [0, 0.28, 0.96]])  # oblique
    brain = folder / "brain.mgz"
    nibabel.save(nibabel.MGHImage(data, affine), str(brain))
    labels = np.zeros(data.shape, dtype=np.int32)
    labels[data > np.percentile(data, 60)] = 2
    labels[data > np.percentile(data, 85)] = 41
    labels[:4, :4, :4] = 17
    aseg = folder / "aseg.mgz"
    nibabel.save(nibabel.MGHImage(labels, affine), str(aseg))
    subprocess.run([sys.executable, str(REPO / "scripts" / "fetch-freesurfer-colors.py")], check=True)
    return {"brain": brain, "aseg": aseg, "labels": labels, "four_d": NIBABEL_DATA / "test.mgz"}


@pytest.fixture(scope="module")
def loaded(files):
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    loadables = scene_data.inspect_paths([files["brain"], files["aseg"], files["four_d"]])
    nodes = scene_data.load_loadables(engine, loadables)
    return {"engine": engine, "loadables": {Path(lo["paths"][0]).name: lo for lo in loadables},
            "nodes": {Path(lo["paths"][0]).name: n for lo, n in zip(loadables, nodes, strict=True)}}


def node(loaded, name):
    return loaded["engine"].scene.GetNodeByID(loaded["nodes"][name]["node_id"])


def test_kinds_offered(loaded):
    assert loaded["loadables"]["brain.mgz"]["kind"] == "volume"
    assert loaded["loadables"]["aseg.mgz"]["kind"] == "labelmap"
    assert loaded["loadables"]["aseg.mgz"]["kind_choices"] == ["volume", "labelmap"]
    assert loaded["loadables"]["test.mgz"]["kind"] == "sequence"


def test_a_mgz_has_nibabels_geometry_and_voxels(loaded, files):
    volume = node(loaded, "brain.mgz")
    image = nibabel.load(str(files["brain"]))
    assert ijk_to_ras(volume) == pytest.approx(image.affine, abs=1e-4)
    assert np.array_equal(voxel_array(volume), np.asarray(image.dataobj).transpose(2, 1, 0))


def test_a_4d_mgz_is_a_sequence_of_nibabels_frames(loaded, files):
    engine = loaded["engine"]
    proxy = node(loaded, "test.mgz")
    image = nibabel.load(str(files["four_d"]))
    browser = sequences.browser_for_volume(engine, proxy.GetID())
    assert browser.GetNumberOfItems() == image.shape[3]
    assert ijk_to_ras(proxy) == pytest.approx(image.affine, abs=1e-4)
    data = np.asanyarray(image.dataobj)
    for frame in range(image.shape[3]):
        sequences.set_frame(engine, browser.GetID(), frame)
        assert np.array_equal(voxel_array(proxy), data[..., frame].transpose(2, 1, 0))


def test_an_aseg_is_a_segmentation_with_freesurfer_names_and_colours(loaded, files, tmp_path):
    segmentation = node(loaded, "aseg.mgz")
    assert segmentation.IsA("vtkMRMLSegmentationNode")
    table = freesurfer.freesurfer_color_table()
    found = {}
    for index in range(segmentation.GetSegmentation().GetNumberOfSegments()):
        segment = segmentation.GetSegmentation().GetNthSegment(index)
        found[segment.GetName()] = segment.GetColor()
    assert set(found) == set(ASEG_LABELS.values())
    for label, name in ASEG_LABELS.items():
        assert table[label][0] == name
        assert found[name] == pytest.approx(table[label][1], abs=1e-3)
    # Exported back, the label values and grid are the file's.
    written = scene_data.save_node(loaded["engine"], segmentation.GetID(), ".nii.gz", tmp_path)
    exported = nibabel.load(str(written))
    assert exported.affine == pytest.approx(nibabel.load(str(files["aseg"])).affine, abs=1e-4)
    assert np.array_equal(np.asarray(exported.dataobj) > 0, files["labels"] > 0)


def test_a_cut_mgz_is_refused(files, tmp_path):
    cut = tmp_path / "cut.mgz"
    data = files["brain"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(scene_data.DataError) as error:
        scene_data.inspect_paths([cut])
    assert "cut.mgz" in str(error.value) and ("cut short" in str(error.value) or "damaged" in str(error.value))


def test_the_colour_table_parser_reads_freesurfer_lines():
    table = freesurfer.parse_color_lut("# comment\n0 Unknown 0 0 0 0\n17  Left-Hippocampus  220 216 20 0\nbad line\n")
    assert table == {0: ("Unknown", (0.0, 0.0, 0.0)), 17: ("Left-Hippocampus", (220 / 255, 216 / 255, 20 / 255))}
